"""End to end: self-assessment -> application -> eligibility -> audit (findings, anonymous interviews feeding
findings, corrective actions) -> decision by someone other than the auditor -> signed certificate on the
public register -> worker evidence (published reviews, a substantiated grievance case) -> monitoring alert ->
suspension, visible on the register and the verification page."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fairrecruit.certification import selectors
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import (
    Alert,
    AlertAction,
    AuditKind,
    CertificateStatus,
    Grade,
)
from fairrecruit.certification.tests.factories import TODAY, World
from fairrecruit.reviews.models import ReviewStatus
from fairrecruit.reviews.services import ReviewInput, review_moderate, review_submit


@pytest.fixture(autouse=True)
def _dirs(settings: Any, tmp_path: Path) -> None:
    settings.FAIRRECRUIT_CERT_EVIDENCE_DIR = str(tmp_path / "cert-evidence")
    cache.clear()


def _review(moderator: Any, **kw: Any) -> None:
    base: dict[str, Any] = {
        "rating": 2,
        "actor_identifier": "NP-DOFE-1234",
        "paid_fees": "yes",
        "documents_taken": "yes",
        "origin": "NP",
        "destination": "QA",
        "recruitment_year": timezone.now().year,
        "text": f"They charged me and kept my passport ({uuid.uuid4().hex[:6]}).",
        "language": "en",
    }
    base.update(kw)
    r = review_submit(data=ReviewInput(**base), token=secrets.token_urlsafe(24)).review
    review_moderate(moderator=moderator, review=r, action="approve")
    r.refresh_from_db()
    assert r.status == ReviewStatus.PUBLISHED


def _substantiated_case(actor: Any) -> bool:
    try:
        from fairrecruit.grievances.models import Case, Outcome, Status
    except ImportError:  # the grievances app is still being finished elsewhere
        return False
    now = timezone.now()
    Case.objects.create(
        code=uuid.uuid4().hex[:12].upper(),
        pin_hash=uuid.uuid4().hex,
        idempotency_key=uuid.uuid4().hex,
        input_hash=uuid.uuid4().hex,
        channel="web",
        categories=["fees"],
        primary_category="fees",
        severity="high",
        urgency="normal",
        respondent=actor,
        status=Status.CLOSED,
        outcome=Outcome.REMEDIED,
        stage_started_at=now,
        received_at=now,
        closed_at=now,
    )
    return True


@pytest.mark.django_db
def test_self_assessment_to_certificate_to_suspension_by_worker_evidence(client: Client) -> None:
    w = World()
    # 1. Self-assessment with evidence and a readiness report.
    sa = svc.self_assessment_start(
        user=w.recruiter, scheme=w.scheme, organisation=w.rec_org, recruiter=w.actor
    )
    first = w.scheme.criteria[0]["id"]
    svc.self_assessment_score(user=w.recruiter, self_assessment=sa, criterion_id=first, score=1)
    report = selectors.readiness_report(sa)
    assert not report["ready"] and report["scored"] == 1
    with pytest.raises(svc.CertificationError):
        svc.application_submit(
            user=w.recruiter,
            self_assessment=sa,
            body=w.body,
            corridors=["NP-QA"],
            sectors=["care"],
            placements_per_year=10,
        )
    for c in w.scheme.criteria:
        svc.self_assessment_score(
            user=w.recruiter,
            self_assessment=sa,
            criterion_id=c["id"],
            score=3,
            files=[("policy.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
    assert selectors.readiness_report(sa)["ready"]
    # 2. Application and eligibility (deferred, then accepted).
    app = svc.application_submit(
        user=w.recruiter,
        self_assessment=sa,
        body=w.body,
        corridors=["NP-QA"],
        sectors=["construction", "hospitality"],
        placements_per_year=400,
    )
    svc.eligibility_review(
        user=w.manager,
        application=app,
        outcome="defer",
        reason="licence renewal pending",
        deferred_until=TODAY() + dt.timedelta(days=10),
    )
    svc.eligibility_review(user=w.manager, application=app, outcome="accept", reason="licence renewed")
    audit = app.audits.get()
    assert audit.kind == AuditKind.INITIAL
    assert audit.sample_size == 10  # sqrt(400) = 20, capped at the scheme's maximum of 10
    # 3. Planning: the conflicted auditor is refused.
    with pytest.raises(svc.CertificationError):
        svc.audit_plan(user=w.manager, audit=audit, lead_auditor=w.auditor2, start=TODAY(), end=TODAY())
    svc.audit_plan(
        user=w.manager, audit=audit, lead_auditor=w.auditor, start=TODAY(), end=TODAY() + dt.timedelta(days=1)
    )
    # 4. Interviews (2 of 10 report fees: 20% >= 10% -> major non-conformity on the fee criteria).
    w.conduct(audit, fee_reports=2)
    fee_findings = audit.findings.filter(from_interviews=True)
    assert fee_findings.exists() and {f.grade for f in fee_findings} == {Grade.MAJOR}
    assert audit.interviews.filter(code="W01").exists()
    # 5. The decision is blocked until corrective actions are verified and closed; the auditor cannot decide.
    with pytest.raises(svc.SegregationOfDutiesError):
        svc.certification_decide(user=w.auditor, audit=audit, granted=True, reason="fine")
    with pytest.raises(svc.CertificationError):
        svc.certification_decide(user=w.manager, audit=audit, granted=True, reason="fine")
    for f in fee_findings:
        a = svc.corrective_action_create(
            user=w.recruiter,
            finding=f,
            description="Refund the fees; zero-fee policy",
            owner="Director",
            deadline=TODAY() + dt.timedelta(days=30),
        )
        svc.corrective_action_respond(
            user=w.recruiter, action=a, response="Refunded", files=[("receipts.pdf", b"%PDF-1.4\n")]
        )
        svc.corrective_action_close(user=w.auditor, action=a, note="Bank records checked")
    svc.certification_decide(user=w.manager, audit=audit, granted=True, reason="Major NCs closed")
    cert = app.certificates.get()
    assert cert.status == CertificateStatus.ACTIVE and cert.number.startswith("IRIS-FR-")
    assert cert.valid_until > cert.issued_on and cert.next_surveillance_due
    # 6. Public register and verification.
    page = client.get("/certification/register/")
    assert page.status_code == 200 and cert.number in page.content.decode()
    v = client.get(f"/certification/verify/{cert.number}/").content.decode()
    assert "Signature valid" in v
    # 7. Worker evidence: published reviews reporting fees and documents taken, and a substantiated case.
    for _i in range(3):
        _review(w.staff)
    has_grievances = _substantiated_case(w.actor)
    call_command("certification_monitor")
    alerts = {a.metric: a for a in Alert.objects.filter(certificate=cert)}
    assert {"fees_reported", "documents_taken"} <= set(alerts)
    assert alerts["fees_reported"].action == AlertAction.SPECIAL_AUDIT
    special = alerts["fees_reported"].special_audit
    assert special is not None and special.kind == AuditKind.SPECIAL
    if has_grievances:
        assert alerts["substantiated_cases"].action == AlertAction.SUSPENSION_REVIEW
    # Running again raises nothing new (one open alert per metric).
    call_command("certification_monitor")
    assert Alert.objects.filter(certificate=cert).count() == len(alerts)
    # 8. The certification body suspends, citing the alert; register and verification show it.
    review_alert = alerts.get("substantiated_cases") or alerts["documents_taken"]
    svc.certificate_status_change(
        user=w.manager,
        certificate=cert,
        change="suspend",
        reason="Workers report fees and retained passports",
        alert=review_alert,
    )
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUSPENDED
    review_alert.refresh_from_db()
    assert review_alert.status == "closed"
    assert cert.history.filter(new_status="suspended", alert=review_alert).exists()
    body = client.get("/certification/register/?status=suspended").content.decode()
    assert cert.number in body
    v = client.get(f"/certification/verify/{cert.number}/").content.decode()
    assert "Suspended" in v and "Signature valid" in v
    api = client.get(f"/api/v1/certification/verify/{cert.number}").json()
    assert api["status"] == "suspended" and api["signature_valid"] is True
    # 9. Reinstatement with a reason, then withdrawal.
    svc.certificate_status_change(
        user=w.manager, certificate=cert, change="reinstate", reason="special audit passed"
    )
    svc.certificate_status_change(
        user=w.manager, certificate=cert, change="withdraw", reason="recruiter left the scheme"
    )
    assert [h.new_status for h in cert.history.all()] == ["active", "suspended", "active", "withdrawn"]
