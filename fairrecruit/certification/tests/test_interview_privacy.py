"""Worker-interview privacy: the recruiter never sees single interviews, only totals per answer, and only from
five interviews up; the audit team and the certification body see each interview. Pages and the PDF."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfReader

from fairrecruit.certification import selectors
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Audit
from fairrecruit.certification.tests.factories import TODAY, World


def _interviews(world: World, audit: Audit, n: int) -> None:
    for i in range(n):
        svc.interview_record(
            user=world.auditor,
            audit=audit,
            conducted_on=TODAY(),
            answers={"paid_fees": "yes" if i == 0 else "no", "documents_taken": "no"},
            note="met at the dormitory",
        )


def _pdf_text(client: Client, audit: Audit) -> str:
    r = client.get(f"/certification/audits/{audit.pk}/report.pdf")
    assert r.status_code == 200
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)


def test_recruiter_sees_no_answers_below_five_interviews(world: World, client: Client) -> None:
    audit = world.planned_audit()
    _interviews(world, audit, 4)
    view = selectors.interviews_view(world.recruiter, audit)
    assert not view["full"] and view["suppressed"] and view["rows"] == [] and view["aggregates"] == {}
    client.force_login(world.recruiter)
    page = client.get(f"/certification/audits/{audit.pk}/").content.decode()
    assert "4 interviews recorded" in page and "W01 (" not in page and "paid_fees: yes" not in page
    text = _pdf_text(client, audit)
    assert "W01 (" not in text and "not shown for fewer than 5" in text
    for insider in (world.auditor, world.manager, world.staff):
        client.force_login(insider)
        assert "W04 (" in client.get(f"/certification/audits/{audit.pk}/").content.decode()


def test_recruiter_sees_only_totals_from_five_interviews(world: World, client: Client) -> None:
    audit = world.planned_audit()
    _interviews(world, audit, 5)
    view = selectors.interviews_view(world.recruiter, audit)
    assert not view["full"] and not view["suppressed"] and view["rows"] == []
    assert view["aggregates"] == {"paid_fees": {"yes": 1, "no": 4}, "documents_taken": {"no": 5}}
    client.force_login(world.recruiter)
    page = client.get(f"/certification/audits/{audit.pk}/").content.decode()
    assert "Totals of 5 anonymous interviews" in page and "yes: 1" in page
    assert "W01 (" not in page and "W05 (" not in page
    text = _pdf_text(client, audit)
    assert "W01 (" not in text and "paid_fees: no 4, yes 1" in text
    client.force_login(world.auditor)
    assert "W01 (" in _pdf_text(client, audit)
    assert selectors.interviews_view(world.auditor, audit)["full"]


def test_finding_notes_give_no_count_below_five_interviews(world: World) -> None:
    """Findings raised by interviews are the recruiter's to act on; below five interviews their notes say what
    was reported, not by how many of how many (one of four would point at one worker)."""
    few = world.planned_audit()
    _interviews(world, few, 4)
    notes = " ".join(f.note for f in world.conduct(few).findings.all())
    assert "Interviewed workers reported: paid_fees" in notes and " of 4 " not in notes
