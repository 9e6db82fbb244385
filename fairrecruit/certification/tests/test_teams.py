"""Audit teams: a lead auditor and team members, each accredited for the scheme (within the accreditation's
scope) and free of declared conflicts with the recruiter; team members see the assignment and record findings
and interviews; nobody on the team may decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.certification import selectors
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Audit, AuditorAccreditation, Grade
from fairrecruit.certification.tests.factories import TODAY, World, member
from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import membership_grant


def _auditor(world: World, name: str, scope: list[str] | None = None, accredit: bool = True) -> User:
    u = member(name, world.cb_org, Role.AUDITOR)
    if accredit:
        svc.auditor_accredit(
            user=world.manager,
            body=world.body,
            auditor=u,
            scheme=world.scheme,
            valid_from=TODAY() - dt.timedelta(days=1),
            scope=scope or [],
        )
    return u


def _accepted(world: World) -> Audit:
    app = world.application()
    svc.eligibility_review(user=world.manager, application=app, outcome="accept", reason="ok")
    return app.audits.get()


def _plan(world: World, audit: Audit, team: list[User]) -> Audit:
    return svc.audit_plan(
        user=world.manager,
        audit=audit,
        lead_auditor=world.auditor,
        start=TODAY(),
        end=TODAY() + dt.timedelta(days=1),
        team=team,
    )


def test_team_members_must_be_accredited_in_scope_and_free_of_conflicts(world: World) -> None:
    audit = _accepted(world)
    unaccredited = _auditor(world, "auditor4", accredit=False)
    narrow = _auditor(world, "auditor5", scope=["NP-QA", "construction"])  # the application also has NP-AE
    ok = _auditor(world, "auditor3", scope=["NP-QA", "NP-AE", "construction"])
    for bad, words in (
        (world.auditor2, "conflict of interest"),
        (unaccredited, "not accredited"),
        (narrow, "does not cover"),
    ):
        with pytest.raises(svc.CertificationError) as e:
            _plan(world, audit, [ok, bad])
        assert words in str(e.value) and e.value.field == "team"
    audit.refresh_from_db()
    assert audit.status == "to_plan" and not audit.team.exists()
    acc = AuditorAccreditation.objects.get(user=world.auditor)
    svc.auditor_suspend(user=world.manager, accreditation=acc, reason="test")
    with pytest.raises(svc.CertificationError) as e:
        _plan(world, audit, [ok])
    assert e.value.field == "auditor"
    svc.auditor_accredit(
        user=world.manager, body=world.body, auditor=world.auditor, scheme=world.scheme, valid_from=TODAY()
    )
    _plan(world, audit, [ok, world.auditor])  # the lead listed again is not a team member
    assert list(audit.team.all()) == [ok]
    ev = AuditEvent.objects.filter(action="certification.audit.plan").latest("id")
    assert ev.new is not None and ev.new["team"] == ["auditor3"] and ev.new["auditor"] == "auditor"


def test_team_members_see_and_work_on_their_assignment_only(world: World, client: Client) -> None:
    audit = _accepted(world)
    member3 = _auditor(world, "auditor3")
    outsider = _auditor(world, "auditor6")
    _plan(world, audit, [member3])
    assert audit in selectors.audits_for(member3)
    assert audit not in selectors.audits_for(outsider) and audit not in selectors.audits_for(world.auditor2)
    assert selectors.applications_for(member3).filter(pk=audit.application_id).exists()
    assert selectors.self_assessments_for(member3).exists()
    client.force_login(outsider)
    assert client.get(f"/certification/audits/{audit.pk}/").status_code == 404
    client.force_login(member3)
    page = client.get(f"/certification/audits/{audit.pk}/").content.decode()
    assert "auditor3" in page and "Record finding" in page and "Submit report" not in page
    assert audit.pk in [a.pk for a in client.get("/certification/").context["audits"]]
    c = world.scheme.criteria[0]["id"]
    r = client.post(
        f"/certification/audits/{audit.pk}/", {"op": "finding", "criterion": c, "grade": "conformity"}
    )
    assert r.status_code == 302 and audit.findings.get().recorded_by == member3
    svc.interview_record(user=member3, audit=audit, conducted_on=TODAY(), answers={"paid_fees": "no"})
    with pytest.raises(PermissionDenied):
        svc.interview_record(user=outsider, audit=audit, conducted_on=TODAY(), answers={"paid_fees": "no"})
    with pytest.raises(PermissionDenied):
        svc.audit_report_submit(user=member3, audit=audit, summary="not the lead")


def test_nobody_on_the_team_may_decide(world: World, client: Client) -> None:
    audit = _accepted(world)
    member3 = _auditor(world, "auditor3")
    membership_grant(actor=None, user=member3, organisation=world.cb_org, role=Role.CERTIFICATION_BODY)
    membership_grant(actor=None, user=world.auditor, organisation=world.cb_org, role=Role.CERTIFICATION_BODY)
    _plan(world, audit, [member3])
    world.conduct(audit)
    for u in (member3, world.auditor):
        with pytest.raises(svc.SegregationOfDutiesError):
            svc.certification_decide(user=u, audit=audit, granted=True, reason="I decide")
    client.force_login(member3)
    assert "Certification decision" not in client.get(f"/certification/audits/{audit.pk}/").content.decode()
    r = client.post(f"/certification/audits/{audit.pk}/", {"op": "decide", "granted": "yes", "reason": "x"})
    assert r.status_code == 403
    d = svc.certification_decide(user=world.manager, audit=audit, granted=True, reason="conforms")
    assert d.granted and audit.application.certificates.count() == 1
    assert Grade.CONFORMITY in set(audit.findings.values_list("grade", flat=True))


def test_the_audit_page_plans_a_team(world: World, client: Client) -> None:
    audit = _accepted(world)
    member3 = _auditor(world, "auditor3")
    url = f"/certification/audits/{audit.pk}/"
    today = TODAY().isoformat()
    client.force_login(world.manager)
    page = client.get(url).content.decode()
    assert 'name="team"' in page and "auditor3" in page
    plan = {"op": "plan", "auditor": world.auditor.pk, "start": today, "end": today}
    r = client.post(url, {**plan, "team": [world.auditor2.pk]})
    assert r.status_code == 200 and "auditor2 declared a conflict of interest" in r.content.decode()
    assert not Audit.objects.get(pk=audit.pk).team.exists()
    assert client.post(url, {**plan, "team": [member3.pk]}).status_code == 302
    assert list(Audit.objects.get(pk=audit.pk).team.all()) == [member3]
    assert "Audit team" in client.get(url).content.decode()
