"""Reads of the certification scheme, scoped by who asks: a recruiter sees its own organisation's files, a
certification body the files it handles, an auditor only the audits assigned to them, staff everything.
Public reads (register, verification, registry profile) show only what a certificate states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairrecruit.certification import monitoring, signing
from fairrecruit.certification.models import (
    Alert,
    AlertStatus,
    Application,
    Audit,
    Certificate,
    CertificateStatus,
    CertificationBody,
    ConflictDeclaration,
    EvidenceFile,
    Invoice,
    Scheme,
    SelfAssessment,
)
from fairrecruit.core.models import User
from fairrecruit.core.permissions import Scope, can, scope_for

PUBLIC_STATUSES = (CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN)


def _orgs(user: User | None, permission: str) -> tuple[bool, set[int]]:
    scope, orgs = scope_for(user, permission)
    return scope == Scope.ALL, (orgs if scope == Scope.ORGANISATION else set())


def applications_for(user: User | None) -> QuerySet[Application]:
    qs = Application.objects.select_related("scheme", "body__organisation", "actor", "organisation")
    everything, orgs = _orgs(user, "certification.file.view")
    if everything:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    _all, auditor_orgs = _orgs(user, "certification.audit.conduct")
    q = Q(organisation_id__in=orgs) | Q(body__organisation_id__in=orgs)
    if auditor_orgs:
        q |= Q(audits__lead_auditor=user, body__organisation_id__in=auditor_orgs)
        q |= Q(audits__team=user, body__organisation_id__in=auditor_orgs)
    return qs.filter(q).distinct()


def _recruiter_orgs(user: User | None) -> set[int]:
    _e, orgs = _orgs(user, "certification.apply")
    return orgs


def self_assessments_for(user: User | None) -> QuerySet[SelfAssessment]:
    qs = SelfAssessment.objects.select_related("scheme", "actor", "organisation")
    everything, orgs = _orgs(user, "certification.file.view")
    if everything:
        return qs
    if not orgs and user is not None and user.is_authenticated:
        q = Q(applications__audits__lead_auditor=user) | Q(applications__audits__team=user)
    else:
        q = Q(organisation_id__in=orgs) | Q(applications__body__organisation_id__in=orgs)
        if user is not None and user.is_authenticated:
            q |= Q(applications__audits__lead_auditor=user) | Q(applications__audits__team=user)
    return qs.filter(q).distinct() if user is not None and user.is_authenticated else qs.none()


def audits_for(user: User | None) -> QuerySet[Audit]:
    """Staff: all; certification body: its audits; recruiter: its own; auditor: only its assignments (as lead
    or team member)."""
    qs = Audit.objects.select_related(
        "application__scheme",
        "application__actor",
        "application__body__organisation",
        "lead_auditor",
        "certificate",
    )
    everything, orgs = _orgs(user, "certification.file.view")
    if everything:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    _all, auditor_orgs = _orgs(user, "certification.audit.conduct")
    q = Q(application__organisation_id__in=orgs) | Q(application__body__organisation_id__in=orgs)
    if auditor_orgs:
        q |= Q(lead_auditor=user, application__body__organisation_id__in=auditor_orgs)
        q |= Q(team=user, application__body__organisation_id__in=auditor_orgs)
    return qs.filter(q).distinct()


def certificates_for(user: User | None) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("scheme", "body__organisation", "actor")
    everything, orgs = _orgs(user, "certification.file.view")
    if everything:
        return qs
    return qs.filter(Q(application__organisation_id__in=orgs) | Q(body__organisation_id__in=orgs))


def alerts_for(user: User | None, scheme: Scheme | None = None) -> QuerySet[Alert]:
    qs = Alert.objects.select_related(
        "certificate__actor", "certificate__body__organisation", "special_audit"
    )
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    everything, orgs = _orgs(user, "certification.monitor.view")
    if everything:
        return qs
    return qs.filter(certificate__body__organisation_id__in=orgs)


def bodies_for(user: User | None) -> QuerySet[CertificationBody]:
    """Bodies the user may manage: staff all, a certification body's managers their own."""
    qs = CertificationBody.objects.select_related("organisation").prefetch_related("schemes")
    everything, orgs = _orgs(user, "certification.body.manage")
    return qs if everything else qs.filter(organisation_id__in=orgs)


def conflicts_for(user: User | None) -> QuerySet[ConflictDeclaration]:
    """Conflict-of-interest declarations: staff all; a certification body those of its own auditors (members
    of its organisation or accredited by it)."""
    qs = ConflictDeclaration.objects.select_related("user", "actor").order_by("-declared_at")
    everything, orgs = _orgs(user, "certification.body.manage")
    if everything:
        return qs
    return qs.filter(
        Q(user__memberships__organisation_id__in=orgs)
        | Q(user__auditor_accreditations__body__organisation_id__in=orgs)
    ).distinct()


def invoices_for(user: User | None) -> QuerySet[Invoice]:
    """Staff all; a certification body the invoices it issued; a recruiter only its own organisation's."""
    qs = Invoice.objects.select_related("body__organisation", "organisation", "application__actor", "audit")
    everything, orgs = _orgs(user, "certification.file.view")
    if everything:
        return qs
    return qs.filter(Q(organisation_id__in=orgs) | Q(body__organisation_id__in=orgs))


# Per-interview answers are shown only to the audit team, the certification body and staff; the recruiter sees
# the share of answers per question, and only when at least this many workers were interviewed.
INTERVIEW_MIN_AGGREGATE = 5


def interviews_view(user: User | None, audit: Audit) -> dict[str, Any]:
    """What ``user`` may see of an audit's worker interviews: ``rows`` (each interview) for the audit team,
    the body and staff; otherwise only ``aggregates`` ({question: {answer: count}}), and only when
    ``count`` ≥ INTERVIEW_MIN_AGGREGATE (else ``suppressed``)."""
    interviews = list(audit.interviews.all())
    body_org = audit.application.body.organisation_id
    full = (
        (
            user is not None
            and user.is_authenticated
            and (audit.lead_auditor_id == user.pk or audit.team.filter(pk=user.pk).exists())
        )
        or can(user, "certification.audit.plan", body_org)
        or _orgs(user, "certification.file.view")[0]
    )
    out: dict[str, Any] = {"count": len(interviews), "full": bool(full), "rows": [], "aggregates": {}}
    if full:
        out["rows"] = interviews
    out["suppressed"] = not full and len(interviews) < INTERVIEW_MIN_AGGREGATE
    if full or not out["suppressed"]:
        agg: dict[str, dict[str, int]] = {}
        for iv in interviews:
            for k, v in sorted(iv.answers.items()):
                if v:
                    agg.setdefault(k, {})
                    agg[k][v] = agg[k].get(v, 0) + 1
        out["aggregates"] = agg
    return out


def can_monitor(user: User | None) -> bool:
    everything, orgs = _orgs(user, "certification.monitor.view")
    return everything or bool(orgs)


def evidence_visible(user: User | None, f: EvidenceFile) -> bool:
    if f.sa_item_id is not None:
        return self_assessments_for(user).filter(pk=f.sa_item.self_assessment_id).exists()  # type: ignore[union-attr]
    if f.finding_id is not None:
        return audits_for(user).filter(pk=f.finding.audit_id).exists()  # type: ignore[union-attr]
    if f.action_id is not None:
        return audits_for(user).filter(pk=f.action.finding.audit_id).exists()  # type: ignore[union-attr]
    return False


# --- readiness --------------------------------------------------------------------------------------------


@dataclass
class ReadinessRow:
    criterion: dict[str, Any]
    score: int | None
    comment: str
    files: int
    gap: str


def readiness_report(sa: SelfAssessment) -> dict[str, Any]:
    """Per criterion: score, evidence count and the gap to close; overall readiness = points / max points.
    Ready when every criterion is scored at least 2 and has evidence."""
    items = {i.criterion_id: i for i in sa.items.prefetch_related("evidence")}
    rows = []
    for c in sa.scheme.criteria:
        i = items.get(c["id"])
        files = len(i.evidence.all()) if i else 0
        if i is None:
            gap = _("not scored")
        elif i.score < 2:
            gap = _("not in place")
        elif files == 0:
            gap = _("no evidence uploaded")
        else:
            gap = ""
        rows.append(ReadinessRow(c, i.score if i else None, i.comment if i else "", files, gap))
    total = 3 * len(rows)
    points = sum(r.score or 0 for r in rows)
    return {
        "rows": rows,
        "percent": round(100 * points / total) if total else 0,
        "scored": sum(1 for r in rows if r.score is not None),
        "total": len(rows),
        "gaps": [r for r in rows if r.gap],
        "ready": all(not r.gap for r in rows),
    }


# --- public ----------------------------------------------------------------------------------------------


def register(status: str | None = None, query: str = "") -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(status__in=PUBLIC_STATUSES).select_related(
        "scheme", "body__organisation", "actor"
    )
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(holder_name__icontains=query) | Q(number__iexact=query) | Q(actor__identifier__iexact=query)
        )
    return qs.order_by("holder_name", "-issued_on")


def public_certificate(cert: Certificate) -> dict[str, Any]:
    return {
        "number": cert.number,
        "holder": cert.holder_name,
        "registry_identifier": cert.actor.identifier,
        "scheme": cert.scheme.code,
        "scheme_name": cert.scheme.name,
        "standard": cert.scheme.standard_id,
        "certification_body": cert.body.organisation.name,
        "corridors": cert.scope_corridors,
        "sectors": cert.scope_sectors,
        "issued_on": cert.issued_on.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
        "status": cert.status,
        "status_reason": cert.status_reason if cert.status != CertificateStatus.ACTIVE else "",
        "status_changed_at": cert.status_changed_at.date().isoformat() if cert.status_changed_at else None,
    }


def verification(number: str) -> dict[str, Any] | None:
    """The certificate, its live status and whether the signature over its canonical fields holds."""
    cert = (
        Certificate.objects.select_related("scheme", "body__organisation", "actor")
        .filter(number__iexact=number.strip())
        .first()
    )
    if cert is None:
        return None
    ok = signing.verify_certificate(cert)
    valid_now = ok and cert.status == CertificateStatus.ACTIVE
    return {
        "certificate": cert,
        "public": public_certificate(cert),
        "signature_valid": ok,
        "key_id": cert.key_id,
        "valid_now": valid_now,
    }


def profile_section(actor: Any) -> list[Certificate]:
    """Certificates (certified, suspended, withdrawn) of a registry actor and the records merged into it."""
    from fairrecruit.reviews.selectors import actor_family

    return list(
        Certificate.objects.filter(
            actor_id__in=actor_family(actor), status__in=PUBLIC_STATUSES
        ).select_related("scheme", "body__organisation")
    )


def scheme_dashboard(user: User | None, scheme: Scheme) -> dict[str, Any]:
    everything, orgs = _orgs(user, "certification.monitor.view")
    certs = Certificate.objects.filter(scheme=scheme).select_related("actor", "body__organisation", "scheme")
    if not everything:
        certs = certs.filter(body__organisation_id__in=orgs)
    rows = []
    for c in certs.filter(status=CertificateStatus.ACTIVE):
        rows.append({"certificate": c, "readings": monitoring.readings(c)})
    return {
        "scheme": scheme,
        "thresholds": monitoring.thresholds_of(scheme),
        "rows": rows,
        "open_alerts": list(alerts_for(user, scheme).filter(status=AlertStatus.OPEN)),
        "closed_alerts": list(alerts_for(user, scheme).filter(status=AlertStatus.CLOSED)[:20]),
        "counts": {s: certs.filter(status=s).count() for s in CertificateStatus.values},
    }


FEE_LABELS = {
    "application": gettext_lazy("Application fee"),
    "audit_day": gettext_lazy("Audit fee per day"),
    "certificate": gettext_lazy("Certificate fee"),
    "annual": gettext_lazy("Certificate fee"),
}


def fee_lines(scheme: Scheme) -> list[tuple[str, str]]:
    """The scheme's fee schedule for people: (label, "500 USD"), in the schedule's order; unknown keys as is."""
    fees = scheme.fees or {}
    currency = str(fees.get("currency") or "").upper()
    return [
        (str(FEE_LABELS.get(k, k.replace("_", " "))), f"{v} {currency}".strip())
        for k, v in fees.items()
        if k != "currency" and v not in (None, "")
    ]
