"""Writes of the certification scheme. Each service checks who may act, runs in one transaction and records
its audit event in it. Errors: :class:`CertificationError` (bad input or wrong state, message for the user),
``PermissionDenied`` (not allowed), :class:`SegregationOfDutiesError` (the auditor tried to decide)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fairrecruit.certification import signing, storage
from fairrecruit.certification.models import (
    GRADE_RANK,
    ActionStatus,
    Alert,
    AlertStatus,
    Application,
    ApplicationStatus,
    Audit,
    AuditKind,
    AuditorAccreditation,
    AuditStatus,
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    CertificationBody,
    ConflictDeclaration,
    CorrectiveAction,
    Decision,
    EvidenceFile,
    Finding,
    Grade,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Scheme,
    SelfAssessment,
    SelfAssessmentItem,
    WorkerInterview,
)
from fairrecruit.certification.selectors import INTERVIEW_MIN_AGGREGATE
from fairrecruit.core.models import Membership, Organisation, Role, User
from fairrecruit.core.permissions import can
from fairrecruit.core.services import audit_record, create_numbered
from fairrecruit.registry.models import Actor
from fairrecruit.standards.loader import Principle, get_rules


class CertificationError(ValueError):
    """Bad input or a step out of order; the message is for the person acting. ``field``: the form field the
    message is about, when there is one (pages show the message next to it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SegregationOfDutiesError(PermissionDenied):
    """The person who audited may not decide on certification."""


# Evidence an auditor expects, by topic of the criterion (the scheme owner can edit the list per criterion).
EVIDENCE_BY_TOPIC = {
    "fees": "Fee schedule, receipts ledger and bank records showing workers paid no recruitment fees or costs",
    "documents": "Policy and register showing passports and identity documents stay with the worker",
    "contract": "Signed contracts in a language the worker understands, given before departure",
    "wages": "Payslips or wage records matching the contract",
    "grievance": "Grievance procedure, its log and how complaints were resolved",
    "information": "Pre-departure information material and attendance records",
    "legality": "Licence, registration and legal compliance records",
}
GENERIC_EVIDENCE = "Written policy and records showing it is applied"

# Interview questions (review questionnaire keys) -> criterion topic, and the answer that reports a problem.
INTERVIEW_TOPICS = {
    "paid_fees": ("fees", ("yes", "partly")),
    "documents_taken": ("documents", ("yes", "partly")),
    "contract_matched": ("contract", ("no", "partly")),
    "wage_as_promised": ("wages", ("no", "partly")),
    "free_to_change": ("freedom_of_movement", ("no",)),
}
# Share of interviewed workers reporting a problem from which the finding is a major non-conformity.
INTERVIEW_MAJOR_SHARE = 0.10


def _require(user: User | None, permission: str, organisation_id: int | None) -> None:
    if not can(user, permission, organisation_id):
        raise PermissionDenied(permission)


def _now() -> dt.datetime:
    return timezone.now()


def add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def interview_sample_size(placements: int, *, minimum: int = 5, maximum: int = 50) -> int:
    """Workers to interview: the square root of the workers placed in the last 12 months, rounded up, at least
    ``minimum`` and at most ``maximum``, and never more than were placed (all of them when fewer)."""
    if placements <= 0:
        return 0
    n = max(minimum, min(maximum, math.ceil(math.sqrt(placements))))
    return min(n, placements)


# --- schemes, bodies, auditors --------------------------------------------------------------------------------


def criteria_from_standard(standard_id: str) -> tuple[list[dict[str, Any]], str, str]:
    rs = get_rules()
    st = rs.standards.get(standard_id)
    if st is None:
        raise CertificationError(_("No such standard: %(id)s") % {"id": standard_id})
    out: list[dict[str, Any]] = []

    def leaf(p: Principle, parent: Principle | None) -> None:
        if p.children:
            for c in p.children:
                leaf(c, p)
            return
        topics = sorted(p.topics | (parent.topics if parent else frozenset()))
        evidence = [EVIDENCE_BY_TOPIC[t] for t in topics if t in EVIDENCE_BY_TOPIC] or [GENERIC_EVIDENCE]
        out.append(
            {
                "id": p.id,
                "number": p.number,
                "label": p.label,
                "principle": parent.id if parent else "",
                "principle_label": parent.label if parent else "",
                "verified": p.source.verified,
                "topics": topics,
                "evidence_expected": evidence,
            }
        )

    for item in st.items:
        leaf(item, None)
    return out, st.title, rs.version


@transaction.atomic
def scheme_create(
    *,
    user: User | None,
    code: str,
    name: str,
    standard_id: str,
    validity_months: int = 36,
    surveillance_months: int = 12,
    fees: dict[str, Any] | None = None,
    evidence_expected: dict[str, list[str]] | None = None,
    thresholds: dict[str, Any] | None = None,
    interview_min: int = 5,
    interview_max: int = 50,
) -> Scheme:
    _require(user, "certification.scheme.manage", None)
    if Scheme.objects.filter(code=code).exists():
        raise CertificationError(_("A scheme with this code exists."))
    if not (1 <= surveillance_months <= validity_months <= 120):
        raise CertificationError(
            _("Surveillance interval must be at least 1 month and not above the validity.")
        )
    if not (1 <= interview_min <= interview_max):
        raise CertificationError(_("Interview sample: minimum must be at least 1 and not above the maximum."))
    criteria, title, version = criteria_from_standard(standard_id)
    for c in criteria:
        if evidence_expected and c["id"] in evidence_expected:
            c["evidence_expected"] = list(evidence_expected[c["id"]])
    from fairrecruit.certification.monitoring import DEFAULT_THRESHOLDS, validate_thresholds

    merged = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    validate_thresholds(merged)
    scheme = Scheme.objects.create(
        code=code,
        name=name,
        standard_id=standard_id,
        standard_title=title,
        ruleset_version=version,
        criteria=criteria,
        fees=fees or {},
        validity_months=validity_months,
        surveillance_months=surveillance_months,
        interview_min=interview_min,
        interview_max=interview_max,
        thresholds=merged,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="certification.scheme.create",
        target=scheme,
        new={"code": code, "standard": standard_id, "ruleset": version, "criteria": len(criteria)},
    )
    return scheme


@transaction.atomic
def scheme_thresholds_set(*, user: User | None, scheme: Scheme, thresholds: dict[str, Any]) -> Scheme:
    _require(user, "certification.scheme.manage", None)
    from fairrecruit.certification.monitoring import validate_thresholds

    merged = {**scheme.thresholds, **thresholds}
    validate_thresholds(merged)
    old = scheme.thresholds
    scheme.thresholds = merged
    scheme.save(update_fields=["thresholds"])
    audit_record(actor=user, action="certification.scheme.thresholds", target=scheme, old=old, new=merged)
    return scheme


@transaction.atomic
def body_create(
    *, user: User | None, organisation: Organisation, accreditation: str, schemes: Iterable[Scheme]
) -> CertificationBody:
    _require(user, "certification.scheme.manage", None)
    if CertificationBody.objects.filter(organisation=organisation).exists():
        raise CertificationError(_("This organisation is already a certification body."), "organisation")
    body = CertificationBody.objects.create(organisation=organisation, accreditation=accreditation.strip())
    body.schemes.set(list(schemes))
    audit_record(
        actor=user,
        action="certification.body.create",
        target=body,
        new={"organisation": organisation.pk, "schemes": [s.code for s in body.schemes.all()]},
        organisation=organisation,
    )
    return body


@transaction.atomic
def auditor_accredit(
    *,
    user: User | None,
    body: CertificationBody,
    auditor: User,
    scheme: Scheme,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    scope: Iterable[str] = (),
) -> AuditorAccreditation:
    """Accredit (or re-accredit, lifting a suspension) an auditor of the body for a scheme, with a scope
    (corridors such as NP-QA and sectors; empty: everything the body certifies) and validity dates."""
    _require(user, "certification.body.manage", body.organisation_id)
    if not body.schemes.filter(pk=scheme.pk).exists():
        raise CertificationError(_("This body does not certify against this scheme."), "scheme")
    if not Membership.objects.filter(
        user=auditor, organisation=body.organisation, role=Role.AUDITOR
    ).exists():
        raise CertificationError(_("This person is not an auditor of the certification body."), "auditor")
    if valid_until is not None and valid_until < valid_from:
        raise CertificationError(_("The accreditation cannot end before it starts."), "valid_until")
    clean_scope = sorted(
        {
            x.strip().upper() if len(x.strip()) == 5 and x.strip()[2] == "-" else x.strip().lower()
            for x in scope
            if x.strip()
        }
    )
    old = AuditorAccreditation.objects.filter(user=auditor, body=body, scheme=scheme).first()
    acc, _created = AuditorAccreditation.objects.update_or_create(
        user=auditor,
        body=body,
        scheme=scheme,
        defaults={
            "valid_from": valid_from,
            "valid_until": valid_until,
            "scope": clean_scope,
            "revoked_at": None,
            "revoked_reason": "",
        },
    )
    audit_record(
        actor=user,
        action="certification.auditor.accredit",
        target=acc,
        old={
            "from": str(old.valid_from),
            "until": str(old.valid_until or ""),
            "scope": old.scope,
            "suspended": old.revoked_at is not None,
        }
        if old
        else None,
        new={
            "auditor": auditor.get_username(),
            "scheme": scheme.code,
            "from": str(valid_from),
            "until": str(valid_until or ""),
            "scope": clean_scope,
        },
        organisation=body.organisation,
    )
    return acc


@transaction.atomic
def auditor_suspend(
    *, user: User | None, accreditation: AuditorAccreditation, reason: str
) -> AuditorAccreditation:
    """The body suspends an accreditation (the auditor can no longer be put on an audit team)."""
    acc = accreditation
    _require(user, "certification.body.manage", acc.body.organisation_id)
    if acc.revoked_at is not None:
        raise CertificationError(_("This accreditation is already suspended."))
    if not reason.strip():
        raise CertificationError(_("Give the reason for the suspension."), "reason")
    acc.revoked_at, acc.revoked_reason = _now(), reason.strip()
    acc.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=user,
        action="certification.auditor.suspend",
        target=acc,
        old={"suspended": False},
        new={"suspended": True, "reason": acc.revoked_reason},
        organisation=acc.body.organisation,
    )
    return acc


@transaction.atomic
def body_update(
    *, user: User | None, body: CertificationBody, accreditation: str, schemes: Iterable[Scheme]
) -> CertificationBody:
    """The scheme owner changes a body's accreditation reference and the schemes it certifies against."""
    _require(user, "certification.scheme.manage", None)
    old = {"accreditation": body.accreditation, "schemes": sorted(s.code for s in body.schemes.all())}
    body.accreditation = accreditation.strip()
    body.save(update_fields=["accreditation"])
    body.schemes.set(list(schemes))
    new = {"accreditation": body.accreditation, "schemes": sorted(s.code for s in body.schemes.all())}
    audit_record(
        actor=user,
        action="certification.body.update",
        target=body,
        old=old,
        new=new,
        organisation=body.organisation,
    )
    return body


@transaction.atomic
def scheme_evidence_set(*, user: User | None, scheme: Scheme, evidence: dict[str, list[str]]) -> Scheme:
    """The scheme owner sets the evidence expected per criterion (criterion id -> lines; at least one each)."""
    _require(user, "certification.scheme.manage", None)
    criteria = [dict(c) for c in scheme.criteria]
    old, new = {}, {}
    for c in criteria:
        if c["id"] not in evidence:
            continue
        lines = [x.strip() for x in evidence[c["id"]] if x.strip()]
        if not lines:
            raise CertificationError(
                _("%(c)s: say what evidence is expected.") % {"c": c["number"]}, f"evidence_{c['id']}"
            )
        if lines != c.get("evidence_expected"):
            old[c["id"]], new[c["id"]] = c.get("evidence_expected"), lines
            c["evidence_expected"] = lines
    unknown = set(evidence) - {c["id"] for c in criteria}
    if unknown:
        raise CertificationError(_("No such criterion in this scheme."))
    if new:
        scheme.criteria = criteria
        scheme.save(update_fields=["criteria"])
        audit_record(actor=user, action="certification.scheme.evidence", target=scheme, old=old, new=new)
    return scheme


FEE_KEYS = ("application", "audit_day", "certificate")


def _fee(value: Any, key: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise CertificationError(_("Write an amount such as 500 or 750.50."), f"fee_{key}") from exc
    if not d.is_finite() or d < 0 or d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise CertificationError(_("Write an amount of at least 0 with at most two decimals."), f"fee_{key}")
    return d


@transaction.atomic
def scheme_fees_set(*, user: User | None, scheme: Scheme, fees: dict[str, Any]) -> Scheme:
    """The fee schedule: currency (ISO 4217), application fee, audit fee per day, certificate fee (empty:
    not charged)."""
    _require(user, "certification.scheme.manage", None)
    currency = str(fees.get("currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise CertificationError(_("Currency: three letters, e.g. USD."), "fee_currency")
    new: dict[str, Any] = {"currency": currency}
    for key in FEE_KEYS:
        d = _fee(fees.get(key), key)
        new[key] = str(d) if d is not None else ""
    old = dict(scheme.fees or {})
    scheme.fees = new
    scheme.save(update_fields=["fees"])
    audit_record(actor=user, action="certification.scheme.fees", target=scheme, old=old, new=new)
    return scheme


@transaction.atomic
def conflict_declare(
    *, user: User, recruiter: Actor, nature: str, ends_on: dt.date | None = None
) -> ConflictDeclaration:
    """An auditor declares their own interest in a recruiter. Anyone signed in may declare for themselves."""
    if not user.is_authenticated:
        raise PermissionDenied("sign in")
    if len(nature.strip()) < 3:
        raise CertificationError(_("Say what the conflict of interest is."), "nature")
    c = ConflictDeclaration.objects.create(user=user, actor=recruiter, nature=nature.strip(), ends_on=ends_on)
    audit_record(
        actor=user, action="certification.conflict.declare", target=c, new={"actor": recruiter.identifier}
    )
    return c


def has_conflict(auditor: User, recruiter: Actor, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    from django.db.models import Q

    return ConflictDeclaration.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day), user=auditor, actor=recruiter
    ).exists()


def accredited(auditor: User, body: CertificationBody, scheme: Scheme, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    from django.db.models import Q

    return AuditorAccreditation.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        user=auditor,
        body=body,
        scheme=scheme,
        valid_from__lte=day,
        revoked_at__isnull=True,
    ).exists()


# --- recruiter: self-assessment and application ------------------------------------------------------------


def _claimed(organisation: Organisation, recruiter: Actor) -> bool:
    try:
        from fairrecruit.reviews.models import RegistryClaim
    except ImportError:  # pragma: no cover - reviews app absent
        return True
    return RegistryClaim.objects.filter(organisation=organisation, actor=recruiter).exists()


@transaction.atomic
def self_assessment_start(
    *, user: User, scheme: Scheme, organisation: Organisation, recruiter: Actor
) -> SelfAssessment:
    _require(user, "certification.apply", organisation.pk)
    if not scheme.active:
        raise CertificationError(_("This scheme is closed."))
    if not _claimed(organisation, recruiter):
        raise CertificationError(
            _("Staff have not confirmed that your organisation is this registry record. Ask them first.")
        )
    sa = SelfAssessment.objects.create(
        scheme=scheme, organisation=organisation, actor=recruiter, created_by=user
    )
    audit_record(
        actor=user,
        action="certification.self_assessment.start",
        target=sa,
        new={"scheme": scheme.code, "actor": recruiter.identifier},
        organisation=organisation,
    )
    return sa


def _store_files(files: Iterable[tuple[str, bytes]], user: User | None, **owner: Any) -> list[EvidenceFile]:
    """Write each file (encrypted) before its row; remove it again when the row cannot be written."""
    out = []
    for name, data in files:
        try:
            stored = storage.save(data)
        except storage.EvidenceError as exc:
            raise CertificationError(str(exc)) from exc
        try:
            out.append(
                EvidenceFile.objects.create(
                    original_name=name[:200],
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    storage_name=stored.storage_name,
                    uploaded_by=user,
                    **owner,
                )
            )
        except Exception:
            storage.delete(stored.storage_name)
            raise
    return out


@transaction.atomic
def self_assessment_score(
    *,
    user: User,
    self_assessment: SelfAssessment,
    criterion_id: str,
    score: int,
    comment: str = "",
    files: Iterable[tuple[str, bytes]] = (),
) -> SelfAssessmentItem:
    sa = self_assessment
    _require(user, "certification.apply", sa.organisation_id)
    if sa.submitted_at is not None:
        raise CertificationError(_("This self-assessment was submitted with an application and is closed."))
    if sa.scheme.criterion(criterion_id) is None:
        raise CertificationError(_("No such criterion in this scheme."))
    if score not in (0, 1, 2, 3):
        raise CertificationError(_("Score must be 0, 1, 2 or 3."))
    old = SelfAssessmentItem.objects.filter(self_assessment=sa, criterion_id=criterion_id).first()
    item, _c = SelfAssessmentItem.objects.update_or_create(
        self_assessment=sa, criterion_id=criterion_id, defaults={"score": score, "comment": comment}
    )
    stored = _store_files(files, user, sa_item=item)
    audit_record(
        actor=user,
        action="certification.self_assessment.score",
        target=sa,
        old={"criterion": criterion_id, "score": old.score} if old else None,
        new={"criterion": criterion_id, "score": score, "files": [f.sha256 for f in stored]},
        organisation=sa.organisation,
    )
    return item


@transaction.atomic
def application_submit(
    *,
    user: User,
    self_assessment: SelfAssessment,
    body: CertificationBody,
    corridors: list[str],
    sectors: list[str],
    placements_per_year: int,
) -> Application:
    sa = self_assessment
    _require(user, "certification.apply", sa.organisation_id)
    if sa.submitted_at is not None:
        raise CertificationError(_("This self-assessment was already used for an application."))
    if not body.schemes.filter(pk=sa.scheme_id).exists():
        raise CertificationError(_("This certification body does not certify against this scheme."))
    scored = set(sa.items.values_list("criterion_id", flat=True))
    missing = [c["number"] for c in sa.scheme.criteria if c["id"] not in scored]
    if missing:
        raise CertificationError(_("Score every criterion first. Missing: %(m)s") % {"m": ", ".join(missing)})
    corridors = [c.strip().upper() for c in corridors if c.strip()]
    if not corridors or any(len(c) != 5 or c[2] != "-" for c in corridors):
        raise CertificationError(_("Give the corridors as origin-destination country codes, e.g. NP-QA."))
    sectors = [s.strip() for s in sectors if s.strip()]
    if not sectors:
        raise CertificationError(_("Give at least one sector."))
    if placements_per_year < 0:
        raise CertificationError(_("Placements cannot be negative."))
    app = Application.objects.create(
        scheme=sa.scheme,
        body=body,
        organisation=sa.organisation,
        actor=sa.actor,
        self_assessment=sa,
        scope_corridors=corridors,
        scope_sectors=sectors,
        placements_per_year=placements_per_year,
        created_by=user,
    )
    sa.submitted_at = _now()
    sa.save(update_fields=["submitted_at"])
    audit_record(
        actor=user,
        action="certification.application.submit",
        target=app,
        new={"body": body.pk, "corridors": corridors, "sectors": sectors, "placements": placements_per_year},
        organisation=sa.organisation,
    )
    return app


# --- certification body: eligibility and planning -----------------------------------------------------------


@transaction.atomic
def eligibility_review(
    *,
    user: User,
    application: Application,
    outcome: str,
    reason: str = "",
    deferred_until: dt.date | None = None,
) -> Application:
    """accept (an initial audit is created, to be planned), defer (with a date) or reject (with reasons)."""
    app = application
    _require(user, "certification.eligibility.review", app.body.organisation_id)
    if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.DEFERRED):
        raise CertificationError(_("This application was already reviewed."))
    old = {"status": app.status}
    if outcome == "accept":
        app.status = ApplicationStatus.ACCEPTED
    elif outcome == "defer":
        if deferred_until is None or deferred_until <= timezone.localdate():
            raise CertificationError(_("Give the date to which the application is deferred (in the future)."))
        if not reason.strip():
            raise CertificationError(_("Say why the application is deferred."))
        app.status = ApplicationStatus.DEFERRED
    elif outcome == "reject":
        if not reason.strip():
            raise CertificationError(_("Give the reasons for rejecting the application."))
        app.status = ApplicationStatus.REJECTED
    else:
        raise CertificationError(_("Outcome must be accept, defer or reject."))
    app.eligibility_reason = reason.strip()
    app.deferred_until = deferred_until if outcome == "defer" else None
    app.reviewed_by, app.reviewed_at = user, _now()
    app.save()
    if outcome == "accept":
        Audit.objects.create(
            application=app,
            kind=AuditKind.INITIAL,
            sample_size=interview_sample_size(
                app.placements_per_year, minimum=app.scheme.interview_min, maximum=app.scheme.interview_max
            ),
        )
    audit_record(
        actor=user,
        action="certification.application.eligibility",
        target=app,
        old=old,
        new={"status": app.status, "reason": app.eligibility_reason, "until": str(deferred_until or "")},
        organisation=app.body.organisation,
    )
    return app


def _in_scope(auditor: User, app: Application, day: dt.date) -> bool:
    """The auditor's accreditation scope (empty: all) covers every corridor and sector of the application."""
    acc = AuditorAccreditation.objects.filter(user=auditor, body=app.body, scheme=app.scheme).first()
    if acc is None or not acc.scope:
        return True
    scope = set(acc.scope)
    return all(c in scope for c in app.scope_corridors) and all(x.lower() in scope for x in app.scope_sectors)


def _check_auditor(auditor: User, app: Application, day: dt.date, field: str) -> None:
    name = auditor.get_username()
    if not accredited(auditor, app.body, app.scheme, day):
        raise CertificationError(
            _("%(u)s is not accredited for this scheme at this body on the start date.") % {"u": name}, field
        )
    if not _in_scope(auditor, app, day):
        raise CertificationError(
            _("%(u)s's accreditation does not cover these corridors and sectors.") % {"u": name}, field
        )
    if has_conflict(auditor, app.actor, day):
        raise CertificationError(
            _("%(u)s declared a conflict of interest with this recruiter.") % {"u": name}, field
        )


@transaction.atomic
def audit_plan(
    *,
    user: User,
    audit: Audit,
    lead_auditor: User,
    start: dt.date,
    end: dt.date,
    team: Iterable[User] = (),
) -> Audit:
    """Plan the audit: a lead auditor and team members, each accredited for the scheme at the body on the
    start date, within their accreditation's scope, and with no declared conflict with the recruiter."""
    app = audit.application
    _require(user, "certification.audit.plan", app.body.organisation_id)
    if audit.status not in (AuditStatus.TO_PLAN, AuditStatus.PLANNED):
        raise CertificationError(_("This audit can no longer be planned."))
    if end < start:
        raise CertificationError(_("The audit cannot end before it starts."), "end")
    _check_auditor(lead_auditor, app, start, "auditor")
    members = {m.pk: m for m in team if m.pk != lead_auditor.pk}
    for m in members.values():
        _check_auditor(m, app, start, "team")
    old = {
        "auditor": audit.lead_auditor_id,
        "team": sorted(audit.team.values_list("pk", flat=True)),
        "start": str(audit.planned_start or ""),
    }
    audit.lead_auditor, audit.planned_start, audit.planned_end = lead_auditor, start, end
    audit.status = AuditStatus.PLANNED
    if audit.sample_size == 0:
        audit.sample_size = interview_sample_size(
            app.placements_per_year, minimum=app.scheme.interview_min, maximum=app.scheme.interview_max
        )
    audit.save()
    audit.team.set(list(members.values()))
    audit_record(
        actor=user,
        action="certification.audit.plan",
        target=audit,
        old=old,
        new={
            "auditor": lead_auditor.get_username(),
            "team": sorted(m.get_username() for m in members.values()),
            "start": str(start),
            "end": str(end),
        },
        organisation=app.body.organisation,
    )
    return audit


# --- auditor: findings, interviews, report -----------------------------------------------------------------


def _require_assigned(user: User, audit: Audit) -> None:
    """The lead auditor only (report, verifying corrective actions)."""
    _require(user, "certification.audit.conduct", audit.application.body.organisation_id)
    if audit.lead_auditor_id != user.pk:
        raise PermissionDenied("not your assignment")


def on_team(user: User | None, audit: Audit) -> bool:
    """The lead auditor or a team member of the audit."""
    if user is None or not user.is_authenticated:
        return False
    return audit.lead_auditor_id == user.pk or audit.team.filter(pk=user.pk).exists()


def _require_on_team(user: User, audit: Audit) -> None:
    """The lead auditor or a team member (findings, interviews)."""
    _require(user, "certification.audit.conduct", audit.application.body.organisation_id)
    if not on_team(user, audit):
        raise PermissionDenied("not your assignment")


def _require_open(audit: Audit) -> None:
    if audit.status != AuditStatus.PLANNED:
        raise CertificationError(_("Findings can only be recorded on a planned audit before its report."))


@transaction.atomic
def finding_record(
    *,
    user: User,
    audit: Audit,
    criterion_id: str,
    grade: str,
    note: str = "",
    files: Iterable[tuple[str, bytes]] = (),
) -> Finding:
    _require_on_team(user, audit)
    _require_open(audit)
    if audit.application.scheme.criterion(criterion_id) is None:
        raise CertificationError(_("No such criterion in this scheme."))
    if grade not in Grade.values:
        raise CertificationError(_("Grade must be conformity, observation, minor or major."))
    if grade in (Grade.MINOR, Grade.MAJOR) and not note.strip():
        raise CertificationError(_("Describe the non-conformity."))
    old = Finding.objects.filter(audit=audit, criterion_id=criterion_id).first()
    if (
        old is not None
        and old.from_interviews
        and GRADE_RANK[Grade(grade)] < GRADE_RANK[Grade(old.grade)]
        and not note.strip()
    ):
        raise CertificationError(_("Workers' interviews raised this finding: say why you grade it lower."))
    f, _c = Finding.objects.update_or_create(
        audit=audit,
        criterion_id=criterion_id,
        defaults={"grade": grade, "note": note.strip(), "recorded_by": user, "from_interviews": False},
    )
    stored = _store_files(files, user, finding=f)
    audit_record(
        actor=user,
        action="certification.finding.record",
        target=f,
        old={"grade": old.grade} if old else None,
        new={"criterion": criterion_id, "grade": grade, "files": [s.sha256 for s in stored]},
        organisation=audit.application.body.organisation,
    )
    return f


def _feed_interviews(audit: Audit, user: User) -> list[str]:
    """Raise findings from what interviewed workers reported: any report of a problem makes the criteria of
    that topic at least a minor non-conformity; a share of at least INTERVIEW_MAJOR_SHARE of the interviews
    (or of the required sample, whichever is larger) makes it major. Never lowers an auditor's grade."""
    interviews = list(audit.interviews.all())
    base = max(len(interviews), audit.sample_size, 1)
    changed = []
    for key, (topic, bad) in INTERVIEW_TOPICS.items():
        n = sum(1 for i in interviews if i.answers.get(key) in bad)
        if not n:
            continue
        grade = Grade.MAJOR if n / base >= INTERVIEW_MAJOR_SHARE else Grade.MINOR
        for c in audit.application.scheme.criteria:
            if topic not in c["topics"]:
                continue
            f = Finding.objects.filter(audit=audit, criterion_id=c["id"]).first()
            # The recruiter reads findings: below the aggregate threshold no count, so that no single
            # interviewed worker's answer can be inferred (the audit team sees the interviews themselves).
            if len(interviews) < INTERVIEW_MIN_AGGREGATE:
                note = _("Interviewed workers reported: %(q)s") % {"q": key}
            else:
                note = _("%(n)s of %(total)s interviewed workers reported: %(q)s") % {
                    "n": n,
                    "total": len(interviews),
                    "q": key,
                }
            if f is None:
                Finding.objects.create(
                    audit=audit,
                    criterion_id=c["id"],
                    grade=grade,
                    note=note,
                    from_interviews=True,
                    recorded_by=user,
                )
                changed.append(c["id"])
            elif GRADE_RANK[Grade(f.grade)] < GRADE_RANK[grade]:
                f.grade, f.from_interviews = grade, True
                f.note = (f.note + "\n" + note).strip()
                f.save(update_fields=["grade", "from_interviews", "note", "updated_at"])
                changed.append(c["id"])
    return changed


@transaction.atomic
def interview_record(
    *, user: User, audit: Audit, conducted_on: dt.date, answers: dict[str, str], note: str = ""
) -> WorkerInterview:
    """Record one anonymous interview (no name, no contact: a serial code W01, W02...) and feed findings."""
    _require_on_team(user, audit)
    _require_open(audit)
    allowed = {"yes", "no", "partly", "unsure", ""}
    clean = {k: str(v) for k, v in answers.items() if k in INTERVIEW_TOPICS}
    if any(v not in allowed for v in clean.values()):
        raise CertificationError(_("Answers must be yes, no, partly or unsure."))
    code = f"W{audit.interviews.count() + 1:02d}"
    iv = WorkerInterview.objects.create(
        audit=audit, code=code, conducted_on=conducted_on, answers=clean, note=note.strip(), recorded_by=user
    )
    changed = _feed_interviews(audit, user)
    audit_record(
        actor=user,
        action="certification.interview.record",
        target=iv,
        new={"code": code, "answers": clean, "findings_raised": changed},
        organisation=audit.application.body.organisation,
    )
    return iv


@transaction.atomic
def audit_report_submit(*, user: User, audit: Audit, summary: str) -> Audit:
    _require_assigned(user, audit)
    _require_open(audit)
    criteria = audit.application.scheme.criteria
    done = set(audit.findings.values_list("criterion_id", flat=True))
    missing = [c["number"] for c in criteria if c["id"] not in done]
    if missing:
        raise CertificationError(
            _("Record a finding for every criterion. Missing: %(m)s") % {"m": ", ".join(missing)}
        )
    n = audit.interviews.count()
    if n < audit.sample_size:
        raise CertificationError(
            _("Interview at least %(need)s workers (%(n)s recorded).") % {"need": audit.sample_size, "n": n}
        )
    if not summary.strip():
        raise CertificationError(_("Write the summary of the audit."))
    audit.summary, audit.status, audit.reported_at = summary.strip(), AuditStatus.REPORTED, _now()
    audit.save()
    audit_record(
        actor=user,
        action="certification.audit.report",
        target=audit,
        new={"findings": len(done), "interviews": n},
        organisation=audit.application.body.organisation,
    )
    return audit


# --- corrective actions --------------------------------------------------------------------------------------


@transaction.atomic
def corrective_action_create(
    *, user: User, finding: Finding, description: str, owner: str, deadline: dt.date
) -> CorrectiveAction:
    """The recruiter (or the assigned auditor, with the recruiter) plans an action for a non-conformity."""
    audit = finding.audit
    app = audit.application
    if not (can(user, "certification.apply", app.organisation_id) or audit.lead_auditor_id == user.pk):
        raise PermissionDenied("certification.apply")
    if finding.grade not in (Grade.MINOR, Grade.MAJOR):
        raise CertificationError(_("Corrective actions are for non-conformities."))
    if not description.strip() or not owner.strip():
        raise CertificationError(_("Say what will be done and who owns it."))
    if deadline < timezone.localdate():
        raise CertificationError(_("The deadline cannot be in the past."))
    a = CorrectiveAction.objects.create(
        finding=finding,
        description=description.strip(),
        owner=owner.strip(),
        deadline=deadline,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="certification.action.create",
        target=a,
        new={"finding": finding.criterion_id, "owner": a.owner, "deadline": str(deadline)},
        organisation=app.organisation,
    )
    return a


@transaction.atomic
def corrective_action_respond(
    *, user: User, action: CorrectiveAction, response: str, files: Iterable[tuple[str, bytes]] = ()
) -> CorrectiveAction:
    app = action.finding.audit.application
    _require(user, "certification.apply", app.organisation_id)
    if action.status == ActionStatus.CLOSED:
        raise CertificationError(_("This action is closed."))
    if not response.strip():
        raise CertificationError(_("Say what was done."))
    action.response, action.status = response.strip(), ActionStatus.SUBMITTED
    action.save(update_fields=["response", "status"])
    stored = _store_files(files, user, action=action)
    audit_record(
        actor=user,
        action="certification.action.respond",
        target=action,
        new={"files": [s.sha256 for s in stored]},
        organisation=app.organisation,
    )
    return action


@transaction.atomic
def corrective_action_close(*, user: User, action: CorrectiveAction, note: str) -> CorrectiveAction:
    """The assigned auditor verifies what the recruiter did and closes the action."""
    _require_assigned(user, action.finding.audit)
    if action.status != ActionStatus.SUBMITTED:
        raise CertificationError(_("Only an action the recruiter reported as done can be verified."))
    if not note.strip():
        raise CertificationError(_("Say how the action was verified."))
    action.status, action.verification_note = ActionStatus.CLOSED, note.strip()
    action.verified_by, action.closed_at = user, _now()
    action.save()
    audit_record(
        actor=user,
        action="certification.action.close",
        target=action,
        new={"note": action.verification_note},
        organisation=action.finding.audit.application.body.organisation,
    )
    return action


# --- decision and certificate --------------------------------------------------------------------------------


def decision_blockers(audit: Audit) -> list[str]:
    """Why certification cannot be granted yet: major non-conformities not closed, minor ones without a plan."""
    out = []
    for f in audit.findings.all():
        acts = list(f.actions.all())
        if f.grade == Grade.MAJOR and (not acts or any(a.status != ActionStatus.CLOSED for a in acts)):
            out.append(_("%(c)s: major non-conformity not verified closed") % {"c": f.criterion_id})
        if f.grade == Grade.MINOR and not acts:
            out.append(
                _("%(c)s: minor non-conformity without a corrective action plan") % {"c": f.criterion_id}
            )
    return out


@transaction.atomic
def certification_decide(*, user: User, audit: Audit, granted: bool, reason: str) -> Decision:
    """Decide on the audit. Segregation of duties: the auditor of the audit may never decide on it.
    Initial and re-certification audits: granted issues a signed certificate. Surveillance and special
    audits: granted maintains (and reinstates) the certificate, refused suspends it."""
    app = audit.application
    if on_team(user, audit):
        raise SegregationOfDutiesError(_("An auditor of this audit cannot decide on certification."))
    _require(user, "certification.decide", app.body.organisation_id)
    if audit.status != AuditStatus.REPORTED:
        raise CertificationError(_("The audit report has not been submitted."))
    if not reason.strip():
        raise CertificationError(_("Give the reasons for the decision."))
    if granted:
        blockers = decision_blockers(audit)
        if blockers:
            raise CertificationError("; ".join(blockers))
    d = Decision.objects.create(audit=audit, granted=granted, reason=reason.strip(), decided_by=user)
    audit.status = AuditStatus.DECIDED
    audit.save(update_fields=["status"])
    cert: Certificate | None = None
    if audit.kind in (AuditKind.INITIAL, AuditKind.RECERTIFICATION):
        if granted:
            cert = _issue(app, audit)
            app.status = ApplicationStatus.CERTIFIED
        else:
            app.status = ApplicationStatus.REFUSED
        app.save(update_fields=["status"])
    elif audit.certificate is not None:
        cert = audit.certificate
        if granted:
            cert.next_surveillance_due = add_months(timezone.localdate(), app.scheme.surveillance_months)
            cert.save(update_fields=["next_surveillance_due"])
            if cert.status == CertificateStatus.SUSPENDED:
                _set_status(cert, CertificateStatus.ACTIVE, reason.strip(), user, None)
        elif cert.status == CertificateStatus.ACTIVE:
            _set_status(cert, CertificateStatus.SUSPENDED, reason.strip(), user, None)
    audit_record(
        actor=user,
        action="certification.decide",
        target=d,
        new={"audit": audit.pk, "granted": granted, "certificate": cert.number if cert else None},
        organisation=app.body.organisation,
    )
    return d


def _issue(app: Application, audit: Audit) -> Certificate:
    today = timezone.localdate()
    previous = Certificate.objects.filter(application__actor=app.actor, scheme=app.scheme).exclude(
        status=CertificateStatus.WITHDRAWN
    )
    if audit.kind == AuditKind.RECERTIFICATION and audit.certificate is not None:
        # The renewed certificate replaces the old one, whose record stays (status expired).
        old = audit.certificate
        if old.status != CertificateStatus.EXPIRED:
            _set_status(old, CertificateStatus.EXPIRED, "replaced by re-certification", None, None)
    elif previous.filter(status=CertificateStatus.ACTIVE).exists():
        raise CertificationError(_("This recruiter already holds an active certificate under this scheme."))
    cert = Certificate(
        number="pending",
        application=app,
        scheme=app.scheme,
        body=app.body,
        actor=app.actor,
        holder_name=app.actor.name,
        scope_corridors=sorted(app.scope_corridors),
        scope_sectors=sorted(app.scope_sectors),
        issued_on=today,
        valid_until=add_months(today, app.scheme.validity_months),
        next_surveillance_due=add_months(today, app.scheme.surveillance_months),
        status=CertificateStatus.ACTIVE,
        status_changed_at=_now(),
        signature="",
        key_id=signing.key_id(),
    )
    cert.save()
    cert.number = f"{app.scheme.code.upper()}-{today.year}-{cert.pk:06d}"
    cert.signature = signing.sign(signing.canonical_fields(cert))
    cert.save(update_fields=["number", "signature"])
    CertificateStatusChange.objects.create(
        certificate=cert, old_status="", new_status=CertificateStatus.ACTIVE, reason="issued", changed_by=None
    )
    return cert


def _set_status(cert: Certificate, status: str, reason: str, user: User | None, alert: Alert | None) -> None:
    CertificateStatusChange.objects.create(
        certificate=cert,
        old_status=cert.status,
        new_status=status,
        reason=reason,
        alert=alert,
        changed_by=user,
    )
    cert.status, cert.status_reason, cert.status_changed_at = status, reason, _now()
    cert.save(update_fields=["status", "status_reason", "status_changed_at"])


_TRANSITIONS = {
    "suspend": ({CertificateStatus.ACTIVE}, CertificateStatus.SUSPENDED),
    "withdraw": ({CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED}, CertificateStatus.WITHDRAWN),
    "reinstate": ({CertificateStatus.SUSPENDED}, CertificateStatus.ACTIVE),
}


@transaction.atomic
def certificate_status_change(
    *, user: User | None, certificate: Certificate, change: str, reason: str, alert: Alert | None = None
) -> Certificate:
    """suspend, withdraw or reinstate a certificate, with the reason (and the alert that led to it)."""
    _require(user, "certification.certificate.manage", certificate.body.organisation_id)
    if change not in _TRANSITIONS:
        raise CertificationError(_("Change must be suspend, withdraw or reinstate."))
    if not reason.strip():
        raise CertificationError(_("Give the reason."))
    allowed_from, new = _TRANSITIONS[change]
    if certificate.status not in allowed_from:
        raise CertificationError(
            _("A certificate with status %(s)s cannot be changed that way.") % {"s": certificate.status}
        )
    old = certificate.status
    _set_status(certificate, new, reason.strip(), user, alert)
    if alert is not None and alert.status == AlertStatus.OPEN:
        alert.status, alert.resolution = AlertStatus.CLOSED, f"{change}: {reason.strip()}"
        alert.closed_by, alert.closed_at = user, _now()
        alert.save()
    audit_record(
        actor=user,
        action=f"certification.certificate.{change}",
        target=certificate,
        old={"status": old},
        new={"status": new, "reason": reason.strip(), "alert": alert.pk if alert else None},
        organisation=certificate.body.organisation,
    )
    return certificate


@transaction.atomic
def alert_close(*, user: User, alert: Alert, resolution: str) -> Alert:
    _require(user, "certification.certificate.manage", alert.certificate.body.organisation_id)
    if alert.status != AlertStatus.OPEN:
        raise CertificationError(_("This alert is closed."))
    if not resolution.strip():
        raise CertificationError(_("Say how the alert was handled."))
    alert.status, alert.resolution, alert.closed_by, alert.closed_at = (
        AlertStatus.CLOSED,
        resolution.strip(),
        user,
        _now(),
    )
    alert.save()
    audit_record(
        actor=user,
        action="certification.alert.close",
        target=alert,
        new={"resolution": alert.resolution},
        organisation=alert.certificate.body.organisation,
    )
    return alert


def _follow_up_audit(cert: Certificate, kind: str, reason: str, due_by: dt.date | None) -> Audit:
    app = cert.application
    return Audit.objects.create(
        application=app,
        certificate=cert,
        kind=kind,
        reason=reason,
        due_by=due_by,
        sample_size=interview_sample_size(
            app.placements_per_year, minimum=app.scheme.interview_min, maximum=app.scheme.interview_max
        ),
    )


@transaction.atomic
def surveillance_schedule(
    *, user: User | None, day: dt.date | None = None, lead_days: int = 60
) -> list[Audit]:
    """Create the surveillance (or, near the end of validity, re-certification) audits falling due within
    ``lead_days``, once per certificate. System job (monitor command); the body then plans them."""
    day = day or timezone.localdate()
    horizon = day + dt.timedelta(days=lead_days)
    created = []
    for cert in Certificate.objects.filter(
        status=CertificateStatus.ACTIVE, next_surveillance_due__lte=horizon
    ).select_related("application__scheme"):
        open_audits = cert.audits.exclude(status=AuditStatus.DECIDED).filter(
            kind__in=[AuditKind.SURVEILLANCE, AuditKind.RECERTIFICATION]
        )
        if open_audits.exists():
            continue
        due = cert.next_surveillance_due or horizon
        recert = cert.valid_until <= add_months(due, cert.scheme.surveillance_months)
        kind = AuditKind.RECERTIFICATION if recert else AuditKind.SURVEILLANCE
        a = _follow_up_audit(cert, kind, f"{kind} due {due}", due)
        created.append(a)
        audit_record(
            actor=user,
            action="certification.audit.schedule",
            target=a,
            new={"certificate": cert.number, "kind": kind, "due": str(due)},
            organisation=cert.body.organisation,
        )
    return created


# --- invoices of scheme fees ---------------------------------------------------------------------------------


def _invoice_number(day: dt.date) -> str:
    prefix = f"INV-{day.year}-"
    last = (
        Invoice.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


@transaction.atomic
def invoice_issue(
    *,
    user: User,
    application: Application,
    kind: str,
    audit: Audit | None = None,
    due_days: int = 30,
) -> Invoice:
    """The certification body invoices a fee of the scheme's schedule to the recruiter: the application fee,
    an audit (fee per day × planned days, start and end included) or the certificate fee. One invoice per
    application, audit or certificate unless the earlier one was voided."""
    app = application
    _require(user, "certification.invoice.manage", app.body.organisation_id)
    if kind not in InvoiceKind.values:
        raise CertificationError(_("Choose what to invoice."), "kind")
    fees = app.scheme.fees or {}
    key = {"application": "application", "audit": "audit_day", "certificate": "certificate"}[kind]
    unit = _fee(fees.get(key) if kind != "certificate" else fees.get("certificate", fees.get("annual")), key)
    if unit is None:
        raise CertificationError(_("The scheme's fee schedule has no fee for this."), "kind")
    currency = str(fees.get("currency") or "USD").upper()
    existing = Invoice.objects.filter(application=app, kind=kind).exclude(status=InvoiceStatus.VOID)
    quantity, certificate = Decimal(1), None
    if kind == InvoiceKind.AUDIT:
        if audit is None or audit.application_id != app.pk:
            raise CertificationError(_("Choose the audit to invoice."), "audit")
        if audit.planned_start is None or audit.planned_end is None:
            raise CertificationError(_("The audit is not planned yet: its days are unknown."), "audit")
        quantity = Decimal((audit.planned_end - audit.planned_start).days + 1)
        existing = existing.filter(audit=audit)
        label = _("%(kind)s audit, %(n)s days") % {"kind": audit.get_kind_display(), "n": quantity}
    elif kind == InvoiceKind.CERTIFICATE:
        certificate = app.certificates.order_by("-issued_on").first()
        if certificate is None:
            raise CertificationError(_("No certificate has been issued on this application."), "kind")
        existing = existing.filter(certificate=certificate)
        audit = None
        label = _("Certificate %(n)s") % {"n": certificate.number}
    else:
        audit = None
        label = _("Application %(n)s") % {"n": app.pk}
    if existing.exists():
        raise CertificationError(_("This is already invoiced (void the earlier invoice first)."), "kind")
    today = timezone.localdate()
    values: dict[str, Any] = {
        "kind": kind,
        "body": app.body,
        "organisation": app.organisation,
        "application": app,
        "audit": audit,
        "certificate": certificate,
        "description": f"{app.scheme.name}: {label}",
        "quantity": quantity,
        "unit_amount": unit,
        "amount": (unit * quantity).quantize(Decimal("0.01")),
        "currency": currency,
        "issued_on": today,
        "due_on": today + dt.timedelta(days=due_days),
        "issued_by": user,
    }
    # two bodies issuing at the same moment may read the same next number: create_numbered retries the loser
    inv = create_numbered(lambda: Invoice.objects.create(number=_invoice_number(today), **values))
    audit_record(
        actor=user,
        action="certification.invoice.issue",
        target=inv,
        new={"number": inv.number, "kind": kind, "amount": str(inv.amount), "currency": currency},
        organisation=app.body.organisation,
    )
    return inv


@transaction.atomic
def invoice_status_set(
    *, user: User, invoice: Invoice, status: str, paid_on: dt.date | None = None, reason: str = ""
) -> Invoice:
    """Mark an issued invoice paid (with the date) or void it (with the reason)."""
    inv = invoice
    _require(user, "certification.invoice.manage", inv.body.organisation_id)
    if inv.status != InvoiceStatus.ISSUED:
        raise CertificationError(_("Only an issued invoice can be marked paid or voided."), "status")
    if status == InvoiceStatus.PAID:
        if paid_on is None or paid_on > timezone.localdate():
            raise CertificationError(_("Give the date it was paid (not in the future)."), "paid_on")
        inv.paid_on = paid_on
    elif status == InvoiceStatus.VOID:
        if not reason.strip():
            raise CertificationError(_("Give the reason for voiding the invoice."), "reason")
        inv.void_reason = reason.strip()
    else:
        raise CertificationError(_("Status must be paid or void."), "status")
    inv.status = status
    inv.save(update_fields=["status", "paid_on", "void_reason"])
    audit_record(
        actor=user,
        action=f"certification.invoice.{status}",
        target=inv,
        old={"status": InvoiceStatus.ISSUED},
        new={"status": status, "paid_on": str(paid_on or ""), "reason": inv.void_reason},
        organisation=inv.body.organisation,
    )
    return inv
