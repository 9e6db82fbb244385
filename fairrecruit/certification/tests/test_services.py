from __future__ import annotations

import datetime as dt

import pytest

from fairrecruit.certification import selectors, storage
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import AuditKind, AuditStatus, CertificateStatus, EvidenceFile
from fairrecruit.certification.tests.factories import TODAY, World
from fairrecruit.core.models import AuditEvent


@pytest.mark.parametrize(
    ("placements", "expected"),
    [(0, 0), (3, 3), (5, 5), (24, 5), (26, 6), (100, 10), (400, 20), (2500, 50), (1_000_000, 50)],
)
def test_interview_sample_size_square_root_rule(placements: int, expected: int) -> None:
    assert svc.interview_sample_size(placements, minimum=5, maximum=50) == expected


def test_add_months_clamps_to_month_end() -> None:
    assert svc.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert svc.add_months(dt.date(2026, 11, 15), 36) == dt.date(2029, 11, 15)


def test_scheme_copies_iris_criteria_with_ids_and_verified_flags(world: World) -> None:
    crit = world.scheme.criteria
    ids = [c["id"] for c in crit]
    assert "IRIS/A.1" in ids and all(c["id"].startswith("IRIS/") for c in crit)
    assert all({"number", "label", "verified", "evidence_expected", "topics"} <= set(c) for c in crit)
    assert any(not c["verified"] for c in crit)  # recalled wording stays flagged
    assert world.scheme.ruleset_version
    assert AuditEvent.objects.filter(action="certification.scheme.create").exists()


@pytest.mark.django_db
def test_scheme_needs_staff_and_known_standard() -> None:
    w = World()
    with pytest.raises(svc.PermissionDenied):
        svc.scheme_create(user=w.manager, code="x", name="x", standard_id="iris")
    with pytest.raises(svc.CertificationError):
        svc.scheme_create(user=w.staff, code="x", name="x", standard_id="nope")


def test_self_assessment_needs_registry_claim(world: World) -> None:
    with pytest.raises(svc.CertificationError):
        svc.self_assessment_start(
            user=world.recruiter, scheme=world.scheme, organisation=world.rec_org, recruiter=world.other_actor
        )


def test_evidence_is_stored_encrypted_and_readable(world: World) -> None:
    sa = world.self_assessment()
    f = EvidenceFile.objects.get(sa_item__self_assessment=sa)
    raw = (storage.conf.evidence_dir() / f.storage_name).read_bytes()
    assert b"%PDF" not in raw
    assert storage.read(f.storage_name).startswith(b"%PDF")
    with pytest.raises(svc.CertificationError):
        svc.self_assessment_score(
            user=world.recruiter,
            self_assessment=sa,
            criterion_id=world.scheme.criteria[0]["id"],
            score=2,
            files=[("x.exe", b"MZ")],
        )


def test_eligibility_defer_and_reject_need_reasons(world: World) -> None:
    app = world.application()
    with pytest.raises(svc.CertificationError):
        svc.eligibility_review(user=world.manager, application=app, outcome="defer", reason="x")
    with pytest.raises(svc.CertificationError):
        svc.eligibility_review(user=world.manager, application=app, outcome="reject")
    svc.eligibility_review(
        user=world.manager, application=app, outcome="reject", reason="unlicensed sub-agents"
    )
    assert app.status == "rejected" and not app.audits.exists()


def test_report_needs_every_criterion_and_the_interview_sample(world: World) -> None:
    audit = world.planned_audit()
    assert audit.sample_size == 8  # sqrt(64)
    with pytest.raises(svc.CertificationError):
        svc.audit_report_submit(user=world.auditor, audit=audit, summary="done")


def test_interviews_raise_minor_then_major(world: World) -> None:
    audit = world.planned_audit()
    svc.interview_record(
        user=world.auditor, audit=audit, conducted_on=TODAY(), answers={"documents_taken": "no"}
    )
    assert not audit.findings.exists()
    svc.interview_record(
        user=world.auditor, audit=audit, conducted_on=TODAY(), answers={"documents_taken": "yes"}
    )
    grades = set(audit.findings.values_list("grade", flat=True))
    assert grades == {"major"}  # 1 of max(2, sample 8) = 12.5% >= 10%
    raised = audit.findings.first()
    assert raised is not None and raised.from_interviews
    with pytest.raises(svc.CertificationError):
        svc.finding_record(user=world.auditor, audit=audit, criterion_id=raised.criterion_id, grade="minor")
    svc.finding_record(
        user=world.auditor,
        audit=audit,
        criterion_id=raised.criterion_id,
        grade="minor",
        note="one-off, repaid",
    )


def test_surveillance_is_scheduled_and_decided(world: World) -> None:
    cert = world.certified()
    due = cert.next_surveillance_due
    assert due is not None
    assert svc.surveillance_schedule(user=None, day=due - dt.timedelta(days=90)) == []
    [a] = svc.surveillance_schedule(user=None, day=due - dt.timedelta(days=30))
    assert a.kind == AuditKind.SURVEILLANCE and a.status == AuditStatus.TO_PLAN and a.certificate == cert
    assert svc.surveillance_schedule(user=None, day=due) == []  # once
    svc.audit_plan(user=world.manager, audit=a, lead_auditor=world.auditor, start=TODAY(), end=TODAY())
    world.conduct(a)
    svc.certification_decide(user=world.manager, audit=a, granted=False, reason="records missing")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUSPENDED


def test_readiness_report(world: World) -> None:
    sa = world.self_assessment()
    r = selectors.readiness_report(sa)
    assert r["percent"] == 100 and r["scored"] == r["total"]
    assert not r["ready"]  # only the first criterion has evidence
    assert r["gaps"][0].gap == "no evidence uploaded"
