"""A recruiter sees only its own files; an auditor only its assignments; the decision-maker cannot be the
auditor; bodies act only on their own files."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.certification import selectors
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import EvidenceFile
from fairrecruit.certification.tests.factories import TODAY, World, member
from fairrecruit.core.models import Role
from fairrecruit.core.services import membership_grant, organisation_create


def test_recruiter_sees_only_its_own_files(world: World, client: Client) -> None:
    app = world.application()
    sa = app.self_assessment
    assert list(selectors.applications_for(world.recruiter)) == [app]
    assert not selectors.applications_for(world.other_recruiter).exists()
    assert not selectors.self_assessments_for(world.other_recruiter).exists()
    client.force_login(world.other_recruiter)
    assert client.get(f"/certification/self-assessments/{sa.pk}/").status_code == 404
    assert client.get(f"/certification/applications/{app.pk}/").status_code == 404
    f = EvidenceFile.objects.filter(sa_item__self_assessment=sa).get()
    assert client.get(f"/certification/evidence/{f.pk}/").status_code == 404
    client.force_login(world.recruiter)
    assert client.get(f"/certification/self-assessments/{sa.pk}/").status_code == 200
    assert client.get(f"/certification/evidence/{f.pk}/").content.startswith(b"%PDF")
    from fairrecruit.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="certification.evidence.read", actor=world.recruiter).count() == 1
    with pytest.raises(PermissionDenied):
        svc.self_assessment_score(
            user=world.other_recruiter,
            self_assessment=sa,
            criterion_id=world.scheme.criteria[0]["id"],
            score=1,
        )


def test_auditor_sees_only_its_assignments(world: World, client: Client) -> None:
    audit = world.planned_audit()
    assert list(selectors.audits_for(world.auditor)) == [audit]
    assert not selectors.audits_for(world.auditor2).exists()
    assert not selectors.applications_for(world.auditor2).exists()
    client.force_login(world.auditor2)
    assert client.get(f"/certification/audits/{audit.pk}/").status_code == 404
    assert client.get(f"/certification/audits/{audit.pk}/report.pdf").status_code == 404
    with pytest.raises(PermissionDenied):
        svc.finding_record(
            user=world.auditor2, audit=audit, criterion_id=world.scheme.criteria[0]["id"], grade="conformity"
        )
    client.force_login(world.auditor)
    assert client.get(f"/certification/audits/{audit.pk}/").status_code == 200


def test_auditor_with_declared_conflict_cannot_be_assigned(world: World) -> None:
    app = world.application()
    svc.eligibility_review(user=world.manager, application=app, outcome="accept")
    with pytest.raises(svc.CertificationError, match="conflict"):
        svc.audit_plan(
            user=world.manager,
            audit=app.audits.get(),
            lead_auditor=world.auditor2,
            start=TODAY(),
            end=TODAY(),
        )


def test_decision_maker_cannot_be_the_auditor(world: World, client: Client) -> None:
    audit = world.conduct(world.planned_audit())
    # Even with the certification-body role, the auditor of the audit may not decide.
    membership_grant(actor=None, user=world.auditor, organisation=world.cb_org, role=Role.CERTIFICATION_BODY)
    with pytest.raises(svc.SegregationOfDutiesError):
        svc.certification_decide(user=world.auditor, audit=audit, granted=True, reason="self-approval")
    client.force_login(world.auditor)
    r = client.post(f"/certification/audits/{audit.pk}/", {"op": "decide", "granted": "yes", "reason": "x"})
    assert r.status_code == 403
    assert not audit.application.certificates.exists()
    # A recruiter cannot decide either; the body's manager can.
    with pytest.raises(PermissionDenied):
        svc.certification_decide(user=world.recruiter, audit=audit, granted=True, reason="x")
    svc.certification_decide(user=world.manager, audit=audit, granted=True, reason="conforms")
    assert audit.application.certificates.exists()


def test_another_body_cannot_touch_the_file(world: World) -> None:
    app = world.application()
    other = organisation_create(actor=None, name="Other CB", kind="certification_body")
    svc.body_create(user=world.staff, organisation=other, accreditation="B", schemes=[world.scheme])
    stranger = member("stranger", other, Role.CERTIFICATION_BODY)
    assert not selectors.applications_for(stranger).exists()
    with pytest.raises(PermissionDenied):
        svc.eligibility_review(user=stranger, application=app, outcome="accept")


def test_only_the_body_manages_certificates(world: World) -> None:
    cert = world.certified()
    for u in (world.recruiter, world.auditor):
        with pytest.raises(PermissionDenied):
            svc.certificate_status_change(user=u, certificate=cert, change="suspend", reason="x")
    svc.certificate_status_change(user=world.staff, certificate=cert, change="suspend", reason="staff review")
