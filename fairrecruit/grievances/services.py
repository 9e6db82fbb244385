"""Writes for grievances. Each runs in one transaction and records its audit event in it.

Intake is idempotent: the client's token (the form's hidden token, the API's ``Idempotency-Key``, or the SMS
conversation's round) is stored as a keyed hash under a unique constraint, and the case code and PIN are
derived from it with a server key, so a retry gets the same code and PIN back and the case is stored once.
The acknowledgement is only sent after the transaction has committed.

A worker's own actions (complaint, information, consent) are audited without the request's IP address, user
agent or request id, so that the audit log cannot lead back to them either.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import pycountry
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fairrecruit.core import crypto, fx, idempotency
from fairrecruit.core.auth import key_limited
from fairrecruit.core.context import anonymous_origin
from fairrecruit.core.models import Organisation, OrganisationKind, User
from fairrecruit.core.permissions import can
from fairrecruit.core.services import audit_record
from fairrecruit.grievances import conf, conversation, notifications, storage, taxonomy, workflow
from fairrecruit.grievances.clock import SYSTEM_CLOCK, Clock
from fairrecruit.grievances.models import (
    VISIBLE_REFERRAL,
    Attachment,
    Case,
    Channel,
    Consent,
    Conversation,
    Escalation,
    EscalationReason,
    EvidenceUpload,
    FeeAssessment,
    InboundMessage,
    Note,
    Outcome,
    PayerKind,
    PlanStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    RemediationPayment,
    RemediationPlan,
    RoutingRule,
    Status,
    StatusChange,
    TargetKind,
)
from fairrecruit.grievances.selectors import (
    acting_organisation,
    can_act_on,
    evidence_visible,
    payments_to_name,
    plan_paid,
    recruitment_day,
    remedy_progress,
    wages_below_minimum,
)
from fairrecruit.registry import sms as sms_check
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import canonical_actor, reported_actor
from fairrecruit.standards.engine import ZERO_FEE_ID, FieldError, JourneyError, validate_journey
from fairrecruit.standards.loader import get_rules
from fairrecruit.standards.services import assessment_compute

TOKEN_RE = idempotency.TOKEN_RE
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
PIN_LENGTH = 6
DEFAULT_CONTRACT_MONTHS = 24
PAYEES = ("sub_agent", "licensed_agency", "destination_agency", "employer", "government", "other")
SHARED_ALWAYS = ["summary", "categories", "corridor", "facts", "assessment"]


class GrievanceInputError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


def _fail(field_name: str, message: str) -> GrievanceInputError:
    return GrievanceInputError([FieldError(field_name, message)])


class IdempotencyConflict(ValueError):
    """The token was used before with a different complaint."""


@dataclass
class ComplaintInput:
    """What a worker (or a hotline on their behalf) tells us. The form, the API and SMS all produce one."""

    categories: list[str]
    description: str = ""
    in_danger: bool = False
    indicators: list[str] = field(default_factory=list)
    respondent_identifier: str = ""
    respondent_name: str = ""
    respondent_phone: str = ""
    respondent_place: str = ""
    respondent_role: str = ""
    brand_name: str = ""
    origin: str = ""
    destination: str = ""
    recruitment_date: str = ""
    recruitment_year: int | None = None
    contract_months: int | None = None
    domestic_work: bool = False  # work in a household: rules and minimum wages of their own (the Philippines')
    wage_promised_amount: float | None = None
    wage_promised_currency: str = ""
    wage_received_amount: float | None = None
    wage_received_currency: str = ""
    payments: list[dict[str, Any]] = field(default_factory=list)
    anonymous: bool = False
    worker_name: str = ""
    worker_phone: str = ""
    worker_email: str = ""
    worker_other_contact: str = ""
    consent_share: bool = False
    consent_identity: bool = False
    retaliation_fear: bool = False
    language: str = ""

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Submitted:
    case: Case
    code: str
    pin: str
    created: bool


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str = ""


# --- helpers ---------------------------------------------------------------------------------------------------


def source_for_ip(ip: str | None) -> str:
    """A salted hash of the IP address, for rate limits (kept in the cache only, never stored)."""
    return crypto.lookup_hash(ip or "unknown", purpose="grievance.source")[:32]


def encode_code(n: int, length: int) -> str:
    chars = []
    for _i in range(length):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "".join(chars)


def code_for(token: str) -> str:
    raw = encode_code(int.from_bytes(crypto.derive(token, purpose="grievance.code"), "big"), CODE_LENGTH)
    return f"GR-{raw[:4]}-{raw[4:]}"


def pin_for(token: str) -> str:
    n = int.from_bytes(crypto.derive(token, purpose="grievance.pin"), "big")
    return str(n % 10**PIN_LENGTH).zfill(PIN_LENGTH)


def normalise_code(code: str) -> str:
    clean = "".join(c for c in (code or "").upper() if c in CODE_ALPHABET)
    if clean.startswith("GR") and len(clean) == CODE_LENGTH + 2:
        clean = clean[2:]
    return f"GR-{clean[:4]}-{clean[4:]}" if len(clean) == CODE_LENGTH else ""


def _pin_hashes(code: str, pin: str) -> list[str]:
    return crypto.lookup_hashes(f"{code}:{pin.strip()}", purpose="grievance.pin")


def case_by_code_pin(code: str, pin: str) -> Case | None:
    """The case a worker's code and PIN open (None when either is wrong). A PIN hashed under an older field
    key is hashed again under the current one on use, so the old key can eventually be dropped."""
    code = normalise_code(code)
    pin = (pin or "").strip()
    if not code or not re.fullmatch(rf"\d{{{PIN_LENGTH}}}", pin):
        return None
    case = Case.objects.filter(code=code, pin_hash__in=_pin_hashes(code, pin)).first()
    current = crypto.lookup_hash(f"{code}:{pin}", purpose="grievance.pin")
    if case is not None and case.pin_hash != current:
        Case.objects.filter(pk=case.pk).update(pin_hash=current)
        case.pin_hash = current
    return case


def _again(existing: Case, pin: str) -> Submitted:
    """A retry of a stored complaint: its code, and the PIN when it still checks (after a key rotation the
    PIN derived from the token differs and is not shown: the worker keeps the first one)."""
    ok = existing.pin_hash in _pin_hashes(existing.code, pin)
    return Submitted(existing, existing.code, pin if ok else "", False)


def _now(clock: Clock) -> dt.datetime:
    return clock.now()


def _country_ok(code: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2}", code or "")) and pycountry.countries.get(alpha_2=code) is not None


def complaint_errors(data: ComplaintInput) -> list[FieldError]:
    """Malformed values. A complaint is never refused for missing facts: only for values that are wrong."""
    errors: list[FieldError] = []
    if not data.categories:
        errors.append(FieldError("categories", _("is required: say what happened")))
    for c in data.categories:
        if c not in taxonomy.CATEGORY_CODES:
            errors.append(FieldError("categories", _("unknown category %(c)s") % {"c": c}))
    for ind in data.indicators:
        if ind not in taxonomy.INDICATOR_CODES:
            errors.append(FieldError("indicators", _("unknown indicator %(c)s") % {"c": ind}))
    for name in ("origin", "destination"):
        v = getattr(data, name)
        if v and not _country_ok(v):
            errors.append(FieldError(name, _("must be a two-letter country code such as NP")))
    if data.recruitment_date:
        try:
            day = dt.date.fromisoformat(data.recruitment_date)
        except ValueError:
            errors.append(FieldError("recruitment_date", _("write the date as YYYY-MM-DD")))
        else:
            if day > dt.date.today() or day.year < 1980:
                errors.append(FieldError("recruitment_date", _("must be between 1980 and today")))
    if data.recruitment_year is not None and not (1980 <= data.recruitment_year <= dt.date.today().year):
        errors.append(FieldError("recruitment_year", _("must be between 1980 and this year")))
    if data.contract_months is not None and not (1 <= data.contract_months <= 120):
        errors.append(FieldError("contract_months", _("must be from 1 to 120")))
    for prefix in ("wage_promised", "wage_received"):
        amount, cur = getattr(data, f"{prefix}_amount"), getattr(data, f"{prefix}_currency")
        problem = _amount_problem(amount, at_most=10**9) if amount is not None else None
        if problem:
            errors.append(FieldError(f"{prefix}_amount", problem))
        if cur and not fx.is_currency(cur):
            errors.append(FieldError(f"{prefix}_currency", _("unknown currency: use a code such as NPR")))
    errors += payment_errors(data.payments)
    if data.respondent_role and data.respondent_role not in PAYEES:
        errors.append(FieldError("respondent_role", _("must be one of %(v)s") % {"v": ", ".join(PAYEES)}))
    if data.consent_identity and not data.consent_share:
        errors.append(FieldError("consent_identity", _("needs consent to share the complaint")))
    for name, limit in (
        ("description", 5000),
        ("worker_name", 200),
        ("respondent_name", 300),
        ("brand_name", 200),
    ):
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, _("is too long")))
    return errors


def payment_errors(payments: list[dict[str, Any]]) -> list[FieldError]:
    """What is wrong with a complaint's payments (at most 50): amount, currency, date, payee, cost item; each
    error names ``payments[i].<field>``."""
    errors: list[FieldError] = []
    if len(payments) > 50:
        errors.append(FieldError("payments", _("at most 50 payments")))
    for i, p in enumerate(payments[:50]):
        problem = _amount_problem(p.get("amount"), at_most=10**10)
        if problem:
            errors.append(FieldError(f"payments[{i}].amount", problem))
        if not fx.is_currency(str(p.get("currency") or "")):
            errors.append(
                FieldError(f"payments[{i}].currency", _("unknown currency: use a code such as NPR"))
            )
        if p.get("date"):
            try:
                pd = dt.date.fromisoformat(str(p["date"]))
                if pd > dt.date.today() or pd.year < 1980:
                    raise ValueError
            except ValueError:
                errors.append(
                    FieldError(f"payments[{i}].date", _("write the date as YYYY-MM-DD, not later than today"))
                )
        if p.get("paid_to") and p["paid_to"] not in PAYEES:
            errors.append(
                FieldError(f"payments[{i}].paid_to", _("must be one of %(v)s") % {"v": ", ".join(PAYEES)})
            )
        if p.get("category") and not _cost_item_known(str(p["category"])):
            errors.append(FieldError(f"payments[{i}].category", _(
                "unknown cost item %(c)s: use one of %(v)s") % {"c": p["category"],
                                                                  "v": ", ".join(sorted(get_rules().item_category))}))
    return errors


def _cost_item_known(code: str) -> bool:
    rules = get_rules()
    return code in rules.item_category or code in rules.categories


def facts_from_input(data: ComplaintInput) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if data.recruitment_date:
        facts["recruitment_date"] = data.recruitment_date
    if data.recruitment_year:
        facts["recruitment_year"] = data.recruitment_year
    if data.contract_months:
        facts["contract_months"] = data.contract_months
    if data.domestic_work:
        facts["domestic_work"] = True
    for prefix in ("wage_promised", "wage_received"):
        amount = getattr(data, f"{prefix}_amount")
        if amount is not None:
            facts[prefix] = {"amount": amount, "currency": getattr(data, f"{prefix}_currency").upper()}
    if data.payments:
        facts["payments"] = [
            {
                k: p[k]
                for k in ("amount", "currency", "date", "purpose", "category", "includes", "paid_to")
                if p.get(k) not in (None, "")
            }
            for p in data.payments
        ]
    return facts


def journey_for(case: Case) -> tuple[dict[str, Any] | None, str]:
    """The fee-assessment input for a case with payments, or None and why not.

    When only the year is known the recruitment date is 1 July of that year (or today in the current year); a
    payment without a date takes the recruitment date; the contract length is 24 months when not given; a
    missing wage is taken from the other one. Without any wage the case cannot be assessed (laws cap fees in
    months of wages): a handler adds it."""
    f = case.facts or {}
    payments = f.get("payments") or []
    if not payments:
        return None, "no payments"
    if not case.origin or not case.destination:
        return None, "origin and destination are needed"
    recruited = recruitment_day(f)
    if recruited is None:
        return None, "the recruitment date or year is needed"
    day = recruited.isoformat()
    promised = f.get("wage_promised") or f.get("wage_received")
    received = f.get("wage_received") or f.get("wage_promised")
    if not promised or not received:
        return None, "a monthly wage (promised or received) is needed"
    rows = []
    for p in payments:
        row: dict[str, Any] = {
            "amount": p["amount"],
            "currency": str(p["currency"]).upper(),
            "date": p.get("date") or day,
            "purpose": p.get("purpose") or "(not said)",
        }
        for k in ("category", "paid_to"):  # a cost item the worker chose overrides the free-text purpose
            if p.get(k):
                row[k] = p[k]
        rows.append(row)
    events = []
    cats = set(case.categories or [])
    if "documents_retained" in cats:
        events.append({"type": "documents_retained"})
    if "contract_substitution" in cats:
        events.append({"type": "contract_substituted"})
    if "deception" in cats:
        events.append({"type": "deception"})
    if "wages" in cats:
        events.append({"type": "wage_lower_than_promised"})
    journey = {
        "id": case.code,
        "origin": case.origin,
        "destination": case.destination,
        "recruitment_date": day,
        "contract_months": int(f.get("contract_months") or DEFAULT_CONTRACT_MONTHS),
        "domestic_work": bool(f.get("domestic_work")),
        "promised_wage": promised,
        "first_month_earnings": received,
        "payments": rows,
        "events": events,
    }
    errors = validate_journey(journey)
    if errors:
        return None, "; ".join(f"{e.field}: {e.message}" for e in errors)
    return journey, ""


def _assess(case: Case, now: dt.datetime) -> FeeAssessment | None:
    journey, _why = journey_for(case)
    if journey is None:
        return None
    try:
        result = assessment_compute(journey=journey)
    except JourneyError:
        return None
    usd = (result["owed"].get(ZERO_FEE_ID) or {}).get("amount_usd")
    return FeeAssessment.objects.create(
        case=case,
        journey=journey,
        result=result,
        ruleset_version=result["ruleset_version"],
        owed_zero_fee_usd=None if usd is None else Decimal(str(round(usd, 2))),
        created_at=now,
    )


def _respondent(data: ComplaintInput) -> Actor | None:
    """The actor complained about: a registry actor, an existing reported actor with the same name and phone
    (or place), or a new reported actor (``FR-R-<n>``) that record linkage can later join to a known one."""
    if data.respondent_identifier:
        actor = canonical_actor(Actor.objects.filter(identifier=data.respondent_identifier).first())
        if actor is None:
            raise _fail(
                "respondent", _("no actor %(id)s in the registry") % {"id": data.respondent_identifier}
            )
        return actor
    name = data.respondent_name.strip()
    if not name:
        return None
    role = f" as {data.respondent_role.replace('_', ' ')}" if data.respondent_role else ""
    return reported_actor(
        name=name, phone=data.respondent_phone, place=data.respondent_place, source_note=f"named in a grievance{role}"
    )


def _claimed_organisation(actor: Actor | None) -> Organisation | None:
    """The organisation staff confirmed to be this actor (reviews' registry claims), when there is one."""
    if actor is None:
        return None
    try:
        from fairrecruit.reviews.models import RegistryClaim
    except ImportError:  # pragma: no cover - reviews app absent
        return None
    claim = RegistryClaim.objects.select_related("organisation").filter(actor=actor).first()
    return claim.organisation if claim else None


def _contact_json(data: ComplaintInput) -> str:
    contact = {
        k: v.strip()
        for k, v in (
            ("phone", data.worker_phone),
            ("email", data.worker_email),
            ("other", data.worker_other_contact),
        )
        if v and v.strip()
    }
    return json.dumps(contact, ensure_ascii=False) if contact else ""


def _set_stage(case: Case, status: str, now: dt.datetime) -> None:
    case.status = status
    case.stage_started_at = now
    case.stage_due_at = workflow.stage_due(status, case.urgency, now)


def identity_may_go_to(case: Case, organisation: Organisation) -> bool:
    """Whether a referral may share the worker's identity with ``organisation``: never with a recruitment
    agency, and not with the organisation complained about (or the brand) when retaliation is feared."""
    if organisation.kind == OrganisationKind.AGENCY:
        return False
    if case.retaliation_risk and organisation.pk in (case.respondent_organisation_id, case.brand_id):
        return False
    return not case.anonymous and case.consent_identity


def _shared(identity: bool, evidence: bool) -> list[str]:
    return SHARED_ALWAYS + (["identity"] if identity else []) + (["evidence"] if evidence else [])


# --- routing ---------------------------------------------------------------------------------------------------


def rules_matching(case: Case) -> list[RoutingRule]:
    cats = set(case.categories or [])
    out = []
    for r in RoutingRule.objects.filter(active=True).select_related("organisation"):
        if r.origin and r.origin != case.origin:
            continue
        if r.destination and r.destination != case.destination:
            continue
        if r.category and r.category not in cats:
            continue
        out.append(r)
    return out


def certification_bodies_for(
    actor: Actor | None, *, today: dt.date, only: Organisation | None = None
) -> tuple[list[Organisation], str]:
    """The organisations of the certification bodies that certify ``actor`` (followed to the record it was
    merged into, and every record merged into that one), and why none when there is none.

    A certificate counts while it is **active or suspended** and its validity has not ended: a suspended
    certificate is still the body's responsibility (it decides on reinstatement or withdrawal, and a worker's
    complaint is evidence for that decision); a withdrawn or expired one is not. With ``only`` (a rule naming
    one body), the case goes there only when that body certifies the recruiter."""
    from fairrecruit.certification.models import Certificate, CertificateStatus
    from fairrecruit.reviews.selectors import actor_family

    if actor is None:
        return [], "no registry actor: the recruiter complained about is not known"
    head = canonical_actor(Actor.objects.filter(pk=actor.pk).first())  # fresh: linkage may have merged it
    if head is None:
        return [], "no registry actor: the recruiter complained about is not known"
    certs = (
        Certificate.objects.filter(
            actor_id__in=actor_family(head),
            status__in=[CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED],
            valid_until__gte=today,
            issued_on__lte=today,
        )
        .select_related("body__organisation")
        .order_by("issued_on", "pk")
    )
    orgs = list({c.body.organisation_id: c.body.organisation for c in certs}.values())
    if not orgs:
        return [], f"{head.identifier} holds no current certificate"
    if only is not None:
        if only.pk not in {o.pk for o in orgs}:
            return [], f"{head.identifier} is not certified by {only.name}"
        return [only], ""
    return orgs, ""


def _route(case: Case, *, actor: User | None, now: dt.datetime) -> dict[str, Any]:
    """Referrals for every matching routing rule (one per organisation). With the worker's consent they are
    sent at once; without it they wait ("proposed") for consent or an override."""
    routed, unresolved = [], []
    taken = set(
        case.referrals.exclude(status__in=[ReferralStatus.REVOKED, ReferralStatus.DECLINED]).values_list(
            "organisation_id", flat=True
        )
    )
    today = now.date()
    for rule in rules_matching(case):
        if rule.target_kind == TargetKind.CERTIFICATION_BODY:
            orgs, why = certification_bodies_for(case.respondent, today=today, only=rule.organisation)
        elif rule.target_kind == TargetKind.BRAND:
            org = case.brand or rule.organisation
            orgs, why = ([org], "") if org is not None else ([], "no brand known")
        else:
            orgs, why = ([rule.organisation], "") if rule.organisation is not None else ([], "no body")
        if not orgs:
            unresolved.append({"rule": rule.pk, "target_kind": rule.target_kind, "why": why})
            continue
        for org in orgs:
            if org.pk in taken:
                continue
            taken.add(org.pk)
            routed.append(_refer_by_rule(case, rule, org, actor=actor, now=now))
    return {"routed": routed, "unresolved": unresolved}


def _refer_by_rule(
    case: Case, rule: RoutingRule, org: Organisation, *, actor: User | None, now: dt.datetime
) -> dict[str, Any]:
    identity = case.consent_share and identity_may_go_to(case, org)
    ref = Referral.objects.create(
        case=case,
        organisation=org,
        kind=ReferralKind.REFERRAL,
        target_kind=rule.target_kind,
        rule=rule,
        status=ReferralStatus.SENT if case.consent_share else ReferralStatus.PROPOSED,
        consent=Consent.WORKER if case.consent_share else Consent.NONE,
        consent_recorded_at=now if case.consent_share else None,
        shares_identity=identity,
        shares_evidence=identity,
        shared=_shared(identity, identity),
        created_by=actor,
        created_at=now,
    )
    return {"referral": ref.pk, "organisation": org.pk, "status": ref.status, "identity": identity}


# --- intake ----------------------------------------------------------------------------------------------------


def complaint_submit(
    *,
    data: ComplaintInput,
    token: str,
    channel: str,
    actor_user: User | None = None,
    organisation: Organisation | None = None,
    uploads: Sequence[Upload] = (),
    contact_extra: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Submitted:
    """Store a complaint once per token and route it. A retry returns the stored case with the same code and
    PIN (``created`` False). Raises GrievanceInputError, IdempotencyConflict."""
    if not TOKEN_RE.match(token or ""):
        raise _fail("token", _("is missing or malformed: reload the form and send again"))
    if channel not in Channel.values:
        raise _fail("channel", "unknown channel")
    code, pin = code_for(token), pin_for(token)
    fingerprint = data.fingerprint()
    purpose = "grievance.idempotency"
    try:
        existing = idempotency.prior(
            Case.objects.all(), token=token, purpose=purpose, fingerprint=fingerprint
        )
    except idempotency.IdempotencyMismatch:
        raise IdempotencyConflict(token) from None
    if existing is not None:
        return _again(existing, pin)
    errors = complaint_errors(data)
    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES"))
    if len(uploads) > limit:
        errors.append(FieldError("evidence", _("at most %(n)d files") % {"n": limit}))
    for u in uploads:
        try:
            storage.check(u.data)
        except storage.EvidenceError as exc:
            errors.append(FieldError("evidence", f"{u.name}: {exc}" if u.name else str(exc)))
    if errors:
        raise GrievanceInputError(errors)
    stored = [(storage.save(u.data), u.name) for u in uploads]
    now = _now(clock)
    worker_channel = actor_user is None

    def create(key: str) -> Case:
        with transaction.atomic(), anonymous_origin() if worker_channel else _noop():
            return _create_case(
                data=data,
                key=key,
                code=code,
                pin=pin,
                fingerprint=fingerprint,
                channel=channel,
                actor_user=actor_user,
                organisation=organisation,
                stored=stored,
                contact_extra=contact_extra,
                now=now,
            )

    # a concurrent retry may have stored it first: then its case is returned, not stored twice
    once = _create_once(Case.objects.all(), token, purpose, fingerprint, create, stored)
    return Submitted(once.obj, code, pin, True) if once.created else _again(once.obj, pin)


_M = TypeVar("_M", bound=models.Model)


def _create_once(
    qs: QuerySet[_M], token: str, purpose: str, fingerprint: str, create: Callable[[str], _M], stored: list[Any]
) -> idempotency.Once[_M]:
    """``idempotency.create_once`` for a submission that stored encrypted files first: when a concurrent retry
    won, the files this attempt stored are deleted; the same token with other input is an IdempotencyConflict."""

    def cleanup() -> None:
        for s, _n in stored:
            storage.delete(s.storage_name)

    try:
        return idempotency.create_once(
            qs, token=token, purpose=purpose, fingerprint=fingerprint, create=create, cleanup=cleanup
        )
    except idempotency.IdempotencyMismatch:
        raise IdempotencyConflict(token) from None


@contextmanager
def _noop() -> Iterator[None]:
    yield


def _create_case(
    *,
    data: ComplaintInput,
    key: str,
    code: str,
    pin: str,
    fingerprint: str,
    channel: str,
    actor_user: User | None,
    organisation: Organisation | None,
    stored: list[tuple[storage.Stored, str]],
    contact_extra: str,
    now: dt.datetime,
) -> Case:
    respondent = _respondent(data)
    tri = taxonomy.triage(categories=data.categories, indicators=data.indicators, in_danger=data.in_danger)
    categories = [c for c in taxonomy.CATEGORY_CODES if c in set(data.categories)]
    if tri.indicators and "forced_labour" not in categories and len(tri.indicators) >= 2:
        categories.append("forced_labour")
    contact = _contact_json(data)
    if contact_extra:
        merged = json.loads(contact) if contact else {}
        merged.setdefault("sms", contact_extra)
        contact = json.dumps(merged, ensure_ascii=False)
    case = Case(
        code=code,
        pin_hash=crypto.lookup_hash(f"{code}:{pin}", purpose="grievance.pin"),
        idempotency_key=key,
        input_hash=fingerprint,
        channel=channel,
        language=data.language[:16],
        categories=categories,
        primary_category=categories[0],
        indicators=list(tri.indicators),
        principles=taxonomy.principles_for(categories),
        description=data.description.strip(),
        in_danger=data.in_danger,
        severity=tri.severity,
        urgency=tri.urgency,
        respondent=respondent,
        respondent_organisation=_claimed_organisation(respondent),
        brand_name=data.brand_name.strip(),
        origin=data.origin,
        destination=data.destination,
        facts=facts_from_input(data),
        anonymous=data.anonymous,
        worker_name=crypto.seal("" if data.anonymous else data.worker_name.strip()),
        worker_contact=crypto.seal(contact),
        consent_share=data.consent_share,
        consent_identity=data.consent_identity and not data.anonymous,
        retaliation_risk=data.retaliation_fear,
        received_at=now,
        stage_started_at=now,
    )
    _set_stage(case, Status.RECEIVED, now)
    case.save(force_insert=True)
    StatusChange.objects.create(
        case=case, old_status="", new_status=Status.RECEIVED, changed_at=now, changed_by=actor_user
    )
    for s, name in stored:
        Attachment.objects.get_or_create(
            case=case,
            sha256=s.sha256,
            defaults={
                "content_type": s.content_type,
                "size": s.size,
                "original_name": name[:200],
                "storage_name": s.storage_name,
                "from_worker": actor_user is None,
                "uploaded_by": actor_user,
            },
        )
    assessment = _assess(case, now)
    routing = _route(case, actor=actor_user, now=now)
    if any(r["status"] == ReferralStatus.SENT for r in routing["routed"]):
        old = case.status
        _set_stage(case, Status.REFERRED, now)
        case.save(update_fields=["status", "stage_started_at", "stage_due_at"])
        StatusChange.objects.create(case=case, old_status=old, new_status=Status.REFERRED, changed_at=now)
    if case.in_danger:
        _escalate(case, reason=EscalationReason.DANGER, now=now)
    audit_record(
        actor=actor_user,
        action="grievance.case.create",
        target=case,
        organisation=organisation,
        new={
            "code": case.code,
            "channel": channel,
            "categories": categories,
            "severity": case.severity,
            "urgency": case.urgency,
            "in_danger": case.in_danger,
            "respondent": respondent.identifier if respondent else None,
            "corridor": f"{case.origin}-{case.destination}",
            "attachments": len(stored),
            "assessment": assessment.pk if assessment else None,
            **routing,
        },
    )
    return case


# --- the worker, with code and PIN -------------------------------------------------------------------------------


def worker_case_read(*, case: Case) -> None:
    with anonymous_origin():
        audit_record(actor=None, action="grievance.case.read_by_worker", target=case)


def worker_information_add(
    *, case: Case, text: str = "", uploads: Sequence[Upload] = (), clock: Clock = SYSTEM_CLOCK
) -> Note | None:
    """The worker adds information (text, evidence) to their case."""
    text = (text or "").strip()[:5000]
    if not text and not uploads:
        raise _fail("text", _("write something or attach a file"))
    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES"))
    if case.attachments.count() + len(uploads) > limit:
        raise _fail("evidence", _("at most %(n)d files") % {"n": limit})
    for u in uploads:
        try:
            storage.check(u.data)
        except storage.EvidenceError as exc:
            raise _fail("evidence", str(exc)) from None
    stored = [(storage.save(u.data), u.name) for u in uploads]
    now = _now(clock)
    try:
        with transaction.atomic(), anonymous_origin():
            note = (
                Note.objects.create(case=case, from_worker=True, text=text, created_at=now) if text else None
            )
            added = _attach(case, stored, user=None)
            audit_record(
                actor=None,
                action="grievance.case.worker_information",
                target=case,
                new={"note": note.pk if note else None, "attachments": added},
            )
    except BaseException:
        for s, _n in stored:
            storage.delete(s.storage_name)
        raise
    return note


def _attach(case: Case, stored: list[tuple[storage.Stored, str]], *, user: User | None) -> list[str]:
    added = []
    for s, name in stored:
        a, created = Attachment.objects.get_or_create(
            case=case,
            sha256=s.sha256,
            defaults={
                "content_type": s.content_type,
                "size": s.size,
                "original_name": name[:200],
                "storage_name": s.storage_name,
                "from_worker": user is None,
                "uploaded_by": user,
            },
        )
        if created:
            added.append(str(a.pk))
        else:
            transaction.on_commit(functools.partial(storage.delete, s.storage_name))  # the same file again
    return added


@dataclass
class EvidenceReceipt:
    attachments: list[Attachment]
    created: bool


def worker_evidence_upload(
    *, case: Case, uploads: Sequence[Upload], token: str, clock: Clock = SYSTEM_CLOCK
) -> EvidenceReceipt:
    """The worker (or a partner app for them, with code and PIN) adds evidence files to their case: the same
    checks as the follow page (type sniffed from the bytes, size, files per case), encrypted on disk, the
    addition audited without the worker's IP. Stored once per ``token``: a retry returns the same attachments
    (``created`` False); the same token with other files or another case raises IdempotencyConflict."""
    if not TOKEN_RE.match(token or ""):
        raise _fail("Idempotency-Key", _("is missing or malformed: reload the form and send again"))
    fingerprint = hashlib.sha256(
        "\n".join(
            [str(case.pk)] + [f"{hashlib.sha256(u.data).hexdigest()}:{u.name[:200]}" for u in uploads]
        ).encode()
    ).hexdigest()
    purpose = "grievance.evidence_upload"

    def receipt(upload: EvidenceUpload, created: bool) -> EvidenceReceipt:
        by_id = {str(a.pk): a for a in Attachment.objects.filter(case=case, pk__in=upload.attachments)}
        return EvidenceReceipt([by_id[i] for i in upload.attachments if i in by_id], created)

    try:
        prior = idempotency.prior(
            EvidenceUpload.objects.all(), token=token, purpose=purpose, fingerprint=fingerprint
        )
    except idempotency.IdempotencyMismatch:
        raise IdempotencyConflict(token) from None
    if prior is not None:
        return receipt(prior, False)
    if not uploads:
        raise _fail("file", _("attach a file"))
    errors: list[FieldError] = []
    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES"))
    if case.attachments.count() + len(uploads) > limit:
        errors.append(FieldError("file", _("at most %(n)d files") % {"n": limit}))
    for i, u in enumerate(uploads):
        try:
            storage.check(u.data)
        except storage.EvidenceError as exc:
            errors.append(FieldError(f"file[{i}]", f"{u.name}: {exc}" if u.name else str(exc)))
    if errors:
        raise GrievanceInputError(errors)
    stored = [(storage.save(u.data), u.name) for u in uploads]
    now = _now(clock)

    def create(key: str) -> EvidenceUpload:
        with transaction.atomic(), anonymous_origin():
            added = _attach(case, stored, user=None)
            shas = [s.sha256 for s, _n in stored]
            by_sha = {a.sha256: a for a in Attachment.objects.filter(case=case, sha256__in=shas)}
            upload = EvidenceUpload.objects.create(
                case=case,
                idempotency_key=key,
                input_hash=fingerprint,
                attachments=[str(by_sha[sha].pk) for sha in shas],
                created_at=now,
            )
            audit_record(
                actor=None,
                action="grievance.case.worker_information",
                target=case,
                new={"note": None, "attachments": added, "via": "api"},
            )
        return upload

    once = _create_once(EvidenceUpload.objects.all(), token, purpose, fingerprint, create, stored)
    return receipt(once.obj, once.created)


def _payments_replace(case: Case, payments: list[dict[str, Any]], now: dt.datetime) -> FeeAssessment | None:
    """The case's payments become ``payments``; the worker's own account stays in ``payments_reported`` (kept from
    the first change); the case is assessed again."""
    old = dict(case.facts or {})
    case.facts = {"payments_reported": old.get("payments") or [], **old, "payments": payments}
    case.save(update_fields=["facts"])
    return _assess(case, now)


@transaction.atomic
def worker_payment_name(
    *, case: Case, index: int, category: str, clock: Clock = SYSTEM_CLOCK
) -> FeeAssessment | None:
    """The worker says, with code and PIN, what a payment the fee laws could not judge was for (a cost item), and
    the case is assessed again. Only such payments (``selectors.payments_to_name``); their words stay in the
    facts (``payments_reported``); audited without who. The same answer sent again (a bad connection) changes
    nothing and is not refused."""
    stored = (case.facts or {}).get("payments") or []
    if 0 <= index < len(stored) and stored[index].get("category") == category:
        return case.assessments.first()
    if index not in {p["index"] for p in payments_to_name(case)}:
        raise _fail("payment", _("this payment cannot be changed here: add information instead"))
    if not _cost_item_known(category):
        raise _fail("category", _("choose what the payment was for"))
    payments = [dict(p) for p in stored]
    payments[index]["category"] = category
    assessment = _payments_replace(case, payments, _now(clock))
    with anonymous_origin():
        audit_record(actor=None, action="grievance.case.worker_payment", target=case,
                     old={"payment": index, "category": None},
                     new={"payment": index, "category": category, "assessment": assessment.pk if assessment else None})
    return assessment


@transaction.atomic
def worker_consent_give(
    *, case: Case, share: bool, identity: bool, clock: Clock = SYSTEM_CLOCK
) -> list[Referral]:
    """The worker agrees (later) to referral, and perhaps to sharing their identity: proposed referrals go."""
    now = _now(clock)
    with anonymous_origin():
        old = {"consent_share": case.consent_share, "consent_identity": case.consent_identity}
        case.consent_share = case.consent_share or share
        case.consent_identity = (
            (case.consent_identity or identity) and case.consent_share and not case.anonymous
        )
        case.save(update_fields=["consent_share", "consent_identity"])
        sent = []
        if case.consent_share:
            for ref in case.referrals.filter(status=ReferralStatus.PROPOSED).select_related("organisation"):
                ident = identity_may_go_to(case, ref.organisation)
                ref.status = ReferralStatus.SENT
                ref.consent = Consent.WORKER
                ref.consent_recorded_at = now
                ref.shares_identity = ref.shares_evidence = ident
                ref.shared = _shared(ident, ident)
                ref.save()
                sent.append(ref)
        if sent and case.status in (Status.RECEIVED, Status.TRIAGED):
            _status(case, Status.REFERRED, actor=None, note="", now=now)
        audit_record(
            actor=None,
            action="grievance.case.worker_consent",
            target=case,
            old=old,
            new={
                "consent_share": case.consent_share,
                "consent_identity": case.consent_identity,
                "referrals_sent": [r.pk for r in sent],
            },
        )
    return sent


# --- handlers --------------------------------------------------------------------------------------------------


def _require(user: User | None, case: Case, permission: str) -> None:
    if not can_act_on(user, case, permission):
        raise PermissionDenied(f"not allowed: {permission}")


def case_read_log(*, user: User | None, case: Case, via: str = "web") -> None:
    """Record that ``user`` opened the case (every read of a case is logged)."""
    audit_record(
        actor=user,
        action="grievance.case.read",
        target=case,
        organisation=acting_organisation(user, case),
        new={"via": via},
    )


def _status(case: Case, new: str, *, actor: User | None, note: str, now: dt.datetime) -> StatusChange:
    old = case.status
    _set_stage(case, new, now)
    case.save(
        update_fields=["status", "stage_started_at", "stage_due_at", "outcome", "closed_at", "outcome_note"]
    )
    case.escalations.filter(resolved_at__isnull=True, reason=EscalationReason.STAGE_OVERDUE).update(
        resolved_at=now
    )
    return StatusChange.objects.create(
        case=case, old_status=old, new_status=new, note=note, changed_by=actor, changed_at=now
    )


@transaction.atomic
def case_status_change(
    *, actor: User, case: Case, status: str, note: str = "", clock: Clock = SYSTEM_CLOCK
) -> StatusChange:
    """Move a case to another stage (not to closed: use ``case_close``). Reopening clears the outcome."""
    _require(actor, case, "grievance.case.manage")
    if status == Status.CLOSED:
        raise _fail("status", _("use close, with an outcome"))
    if status not in Status.values or not workflow.can_move(case.status, status):
        raise _fail("status", _("cannot move from %(a)s to %(b)s") % {"a": case.status, "b": status})
    old = case.status
    if old == Status.CLOSED:
        case.outcome, case.outcome_note, case.closed_at = "", "", None
    change = _status(case, status, actor=actor, note=note.strip()[:2000], now=_now(clock))
    audit_record(
        actor=actor,
        action="grievance.case.status",
        target=case,
        organisation=acting_organisation(actor, case),
        old={"status": old},
        new={"status": status, "note": note[:2000]},
    )
    return change


@transaction.atomic
def case_close(*, actor: User, case: Case, outcome: str, note: str = "", clock: Clock = SYSTEM_CLOCK) -> Case:
    _require(actor, case, "grievance.case.manage")
    if outcome not in Outcome.values:
        raise _fail("outcome", _("must be one of %(v)s") % {"v": ", ".join(Outcome.values)})
    if case.status == Status.CLOSED:
        raise _fail("status", _("the case is already closed"))
    now = _now(clock)
    old = case.status
    case.outcome, case.outcome_note, case.closed_at = outcome, note.strip()[:5000], now
    _status(case, Status.CLOSED, actor=actor, note=note.strip()[:2000], now=now)
    case.escalations.filter(resolved_at__isnull=True).update(resolved_at=now)
    audit_record(
        actor=actor,
        action="grievance.case.close",
        target=case,
        organisation=acting_organisation(actor, case),
        old={"status": old},
        new={"status": Status.CLOSED, "outcome": outcome},
    )
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    _require(actor, case, "grievance.case.manage")
    if assignee is not None and not can_act_on(assignee, case, "grievance.case.manage"):
        raise _fail("assignee", _("this person may not handle this case"))
    old = case.assigned_to.get_username() if case.assigned_to else None
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        action="grievance.case.assign",
        target=case,
        organisation=acting_organisation(actor, case),
        old={"assigned_to": old},
        new={"assigned_to": assignee.get_username() if assignee else None},
    )
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str, clock: Clock = SYSTEM_CLOCK) -> Note:
    _require(actor, case, "grievance.case.respond")
    text = (text or "").strip()
    if not text:
        raise _fail("text", _("is required"))
    org = acting_organisation(actor, case)
    note = Note.objects.create(
        case=case, author=actor, organisation=org, text=text[:10000], created_at=_now(clock)
    )
    audit_record(
        actor=actor, action="grievance.case.note", target=case, organisation=org, new={"note": note.pk}
    )
    return note


@transaction.atomic
def case_parties_update(
    *,
    actor: User,
    case: Case,
    respondent_organisation: Organisation | None,
    brand: Organisation | None,
    retaliation_risk: bool,
    reason: str = "",
) -> Case:
    """Link the case to the organisation complained about and the brand, and set the retaliation flag. Setting
    the flag withdraws identity from referrals to those organisations at once."""
    _require(actor, case, "grievance.case.manage")
    old = {
        "respondent_organisation": case.respondent_organisation_id,
        "brand": case.brand_id,
        "retaliation_risk": case.retaliation_risk,
    }
    case.respondent_organisation = respondent_organisation
    case.brand = brand
    case.retaliation_risk = retaliation_risk
    case.save(update_fields=["respondent_organisation", "brand", "retaliation_risk"])
    withdrawn = []
    for ref in case.referrals.filter(shares_identity=True).select_related("organisation"):
        if not identity_may_go_to(case, ref.organisation):
            ref.shares_identity = ref.shares_evidence = False
            ref.shared = _shared(False, False)
            ref.save(update_fields=["shares_identity", "shares_evidence", "shared"])
            withdrawn.append(ref.pk)
    audit_record(
        actor=actor,
        action="grievance.case.parties",
        target=case,
        organisation=acting_organisation(actor, case),
        old=old,
        new={
            "respondent_organisation": case.respondent_organisation_id,
            "brand": case.brand_id,
            "retaliation_risk": retaliation_risk,
            "reason": reason[:500],
            "identity_withdrawn_from_referrals": withdrawn,
        },
    )
    return case


@transaction.atomic
def case_facts_update(
    *, actor: User, case: Case, facts: dict[str, Any], clock: Clock = SYSTEM_CLOCK
) -> FeeAssessment | None:
    """A handler completes the facts (dates, wages, contract length) and the case is assessed again."""
    _require(actor, case, "grievance.case.manage")
    allowed = {"recruitment_date", "recruitment_year", "contract_months", "domestic_work", "wage_promised",
               "wage_received"}
    unknown = set(facts) - allowed
    if unknown:
        raise _fail("facts", f"unknown facts: {', '.join(sorted(unknown))}")
    old = dict(case.facts or {})
    case.facts = {**old, **{k: v for k, v in facts.items() if v not in (None, "", {})}}
    journey, why = journey_for(case)
    if journey is None and case.facts.get("payments"):
        raise _fail("facts", why)
    case.save(update_fields=["facts"])
    assessment = _assess(case, _now(clock))
    audit_record(
        actor=actor,
        action="grievance.case.facts",
        target=case,
        organisation=acting_organisation(actor, case),
        old=old,
        new={"facts": case.facts, "assessment": assessment.pk if assessment else None},
    )
    return assessment


@transaction.atomic
def case_payments_update(
    *, actor: User, case: Case, payments: list[dict[str, Any]], clock: Clock = SYSTEM_CLOCK
) -> FeeAssessment | None:
    """A handler says what each payment was for — a cost item for a payment the fee laws could not judge from its
    purpose ("total paid"), or one payment split into the parts the worker describes — and the case is assessed
    again. The worker's own account stays in the facts (``payments_reported``, kept from the first change) and
    the audit event holds the old and new payments. The same payments sent again change nothing."""
    _require(actor, case, "grievance.case.manage")
    if not payments:
        raise _fail("payments", _("give at least one payment"))
    errors = payment_errors(payments)
    if errors:
        raise GrievanceInputError(errors)
    rows = [{k: p[k] for k in ("amount", "currency", "date", "purpose", "category", "paid_to")
             if p.get(k) not in (None, "")} for p in payments]
    for row in rows:
        row["amount"], row["currency"] = float(row["amount"]), str(row["currency"]).upper()
    old = (case.facts or {}).get("payments") or []
    if rows == old:
        return case.assessments.first()
    assessment = _payments_replace(case, rows, _now(clock))
    audit_record(
        actor=actor,
        action="grievance.case.payments",
        target=case,
        organisation=acting_organisation(actor, case),
        old={"payments": old},
        new={"payments": rows, "assessment": assessment.pk if assessment else None},
    )
    return assessment


@transaction.atomic
def case_reroute(*, actor: User, case: Case, clock: Clock = SYSTEM_CLOCK) -> dict[str, Any]:
    """Apply the routing rules again (after the rules or the case changed)."""
    _require(actor, case, "grievance.case.manage")
    routing = _route(case, actor=actor, now=_now(clock))
    audit_record(actor=actor, action="grievance.case.route", target=case, new=routing)
    return routing


# --- referrals -------------------------------------------------------------------------------------------------


def _consent_check(case: Case, consent: str, override_reason: str, identity: bool) -> None:
    if consent == Consent.WORKER:
        if not case.consent_share:
            raise _fail(
                "consent", _("the worker has not agreed to referral: record an override with a reason")
            )
        if identity and not case.consent_identity:
            raise _fail("share_identity", _("the worker has not agreed to share their identity"))
    elif consent == Consent.OVERRIDE:
        if len(override_reason.strip()) < 10:
            raise _fail(
                "override_reason", _("say why the worker's consent is overridden (at least 10 characters)")
            )
    else:
        raise _fail("consent", _("record the worker's consent or an override"))


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    kind: str = ReferralKind.REFERRAL,
    target_kind: str = TargetKind.ORIGIN_REGULATOR,
    consent: str,
    override_reason: str = "",
    share_identity: bool = False,
    share_evidence: bool = False,
    clock: Clock = SYSTEM_CLOCK,
) -> Referral:
    """Refer (share) or transfer (hand the lead to) a case, with the worker's consent or a recorded override.
    A transfer makes the organisation the case's lead. Identity goes only where ``identity_may_go_to``."""
    _require(actor, case, "grievance.case.manage")
    if kind not in ReferralKind.values:
        raise _fail("kind", "unknown kind")
    if target_kind not in TargetKind.values:
        raise _fail("target_kind", "unknown target kind")
    _consent_check(case, consent, override_reason, share_identity)
    if share_identity:
        if organisation.kind == OrganisationKind.AGENCY:
            raise _fail("share_identity", _("a recruiter never receives the identity of a complainant"))
        if case.retaliation_risk and organisation.pk in (case.respondent_organisation_id, case.brand_id):
            raise _fail(
                "share_identity", _("retaliation risk: identity is not shared with this organisation")
            )
        if case.anonymous:
            raise _fail("share_identity", _("the worker is anonymous"))
    if case.referrals.filter(organisation=organisation, status__in=VISIBLE_REFERRAL).exists():
        raise _fail("organisation", _("the case is already with this organisation"))
    now = _now(clock)
    ref = Referral.objects.create(
        case=case,
        organisation=organisation,
        kind=kind,
        target_kind=target_kind,
        status=ReferralStatus.SENT,
        consent=consent,
        override_reason=override_reason.strip() if consent == Consent.OVERRIDE else "",
        consent_recorded_by=actor,
        consent_recorded_at=now,
        shares_identity=share_identity,
        shares_evidence=share_evidence,
        shared=_shared(share_identity, share_evidence),
        created_by=actor,
        created_at=now,
    )
    old_lead = case.lead_organisation_id
    if kind == ReferralKind.TRANSFER:
        case.lead_organisation = organisation
        case.save(update_fields=["lead_organisation"])
    if case.status in (Status.RECEIVED, Status.TRIAGED):
        _status(case, Status.REFERRED, actor=actor, note="", now=now)
    audit_record(
        actor=actor,
        action=f"grievance.case.{kind}",
        target=case,
        organisation=acting_organisation(actor, case),
        old={"lead_organisation": old_lead},
        new={
            "referral": ref.pk,
            "organisation": organisation.pk,
            "consent": consent,
            "override_reason": ref.override_reason,
            "shared": ref.shared,
            "lead_organisation": case.lead_organisation_id,
        },
    )
    return ref


@transaction.atomic
def referral_send(
    *, actor: User, referral: Referral, consent: str, override_reason: str = "", clock: Clock = SYSTEM_CLOCK
) -> Referral:
    """Send a proposed referral (from the routing rules) with consent or a recorded override."""
    case = referral.case
    _require(actor, case, "grievance.case.manage")
    if referral.status != ReferralStatus.PROPOSED:
        raise _fail("referral", _("is not waiting to be sent"))
    _consent_check(case, consent, override_reason, False)
    now = _now(clock)
    ident = consent == Consent.WORKER and identity_may_go_to(case, referral.organisation)
    referral.status = ReferralStatus.SENT
    referral.consent = consent
    referral.override_reason = override_reason.strip() if consent == Consent.OVERRIDE else ""
    referral.consent_recorded_by, referral.consent_recorded_at = actor, now
    referral.shares_identity = referral.shares_evidence = ident
    referral.shared = _shared(ident, ident)
    referral.save()
    if case.status in (Status.RECEIVED, Status.TRIAGED):
        _status(case, Status.REFERRED, actor=actor, note="", now=now)
    audit_record(
        actor=actor,
        action="grievance.referral.send",
        target=case,
        new={
            "referral": referral.pk,
            "consent": consent,
            "override_reason": referral.override_reason,
            "shared": referral.shared,
        },
    )
    return referral


@transaction.atomic
def referral_respond(
    *, actor: User, referral: Referral, accept: bool, note: str = "", clock: Clock = SYSTEM_CLOCK
) -> Referral:
    """The body the case was sent to accepts or declines it."""
    case = referral.case
    if not (
        can(actor, "grievance.case.respond", referral.organisation_id)
        and can_act_on(actor, case, "grievance.case.respond")
    ):
        raise PermissionDenied("not allowed to answer for this organisation")
    if referral.status != ReferralStatus.SENT:
        raise _fail("referral", _("has already been answered"))
    now = _now(clock)
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.response_note, referral.responded_at = note.strip()[:2000], now
    referral.save(update_fields=["status", "response_note", "responded_at"])
    if accept and case.status == Status.REFERRED:
        _status(case, Status.INVESTIGATING, actor=actor, note="", now=now)
    audit_record(
        actor=actor,
        action="grievance.referral.respond",
        target=case,
        organisation=referral.organisation,
        new={"referral": referral.pk, "status": referral.status, "note": referral.response_note},
    )
    return referral


@transaction.atomic
def referral_revoke(*, actor: User, referral: Referral, reason: str) -> Referral:
    case = referral.case
    _require(actor, case, "grievance.case.manage")
    old = referral.status
    referral.status = ReferralStatus.REVOKED
    referral.response_note = reason.strip()[:2000]
    referral.save(update_fields=["status", "response_note"])
    audit_record(
        actor=actor,
        action="grievance.referral.revoke",
        target=case,
        old={"status": old},
        new={"referral": referral.pk, "status": referral.status, "reason": reason[:500]},
    )
    return referral


# --- evidence --------------------------------------------------------------------------------------------------


def attachment_add(*, actor: User, case: Case, upload: Upload) -> Attachment:
    _require(actor, case, "grievance.case.respond")
    try:
        s = storage.save(upload.data)
    except storage.EvidenceError as exc:
        raise _fail("evidence", str(exc)) from None
    try:
        with transaction.atomic():
            added = _attach(case, [(s, upload.name)], user=actor)
            audit_record(
                actor=actor,
                action="grievance.evidence.add",
                target=case,
                organisation=acting_organisation(actor, case),
                new={"attachments": added},
            )
    except BaseException:
        storage.delete(s.storage_name)
        raise
    return Attachment.objects.get(case=case, sha256=s.sha256)


@transaction.atomic
def attachment_read(*, user: User | None, attachment: Attachment, purpose: str = "view") -> bytes:
    """The bytes of an evidence file, for a permitted user, with the read logged (refusals too)."""
    case = attachment.case
    if not evidence_visible(user, case):
        audit_record(
            actor=user,
            action="grievance.evidence.read_denied",
            target=case,
            new={"attachment": str(attachment.pk)},
        )
        raise PermissionDenied("not allowed to see this evidence")
    audit_record(
        actor=user,
        action="grievance.evidence.read",
        target=case,
        organisation=acting_organisation(user, case),
        new={"attachment": str(attachment.pk), "purpose": purpose[:200]},
    )
    return storage.read(attachment.storage_name)


# --- remedy ----------------------------------------------------------------------------------------------------


def _amount_problem(value: Any, at_most: int) -> str | None:
    """Why an amount sent in a complaint cannot be stored (to the cent, within its column), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(_("must be a number"))
    if not math.isfinite(float(value)):  # NaN, Infinity (JSON 1e400 reads as infinity)
        return str(_("must be a number"))
    if value <= 0:
        return str(_("must be more than 0"))
    if value < 0.01:
        return str(_("must be at least 0.01"))
    if value > at_most:
        return str(_("must be at most %(limit)s") % {"limit": f"{at_most:,}"})
    return None


def _decimal(value: Any, name: str) -> Decimal:
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _fail(name, _("must be a number")) from None
    if d <= 0:
        raise _fail(name, _("must be more than 0"))
    return d


@transaction.atomic
def remediation_plan_create(
    *,
    actor: User,
    case: Case,
    payer_kind: str,
    amount: Any,
    currency: str,
    due_date: dt.date,
    payer_organisation: Organisation | None = None,
    payer_name: str = "",
    standard: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> RemediationPlan:
    """Who pays the worker back, how much and by when. ``standard`` names the assessment's standard the amount
    follows (its amount is the default on the page)."""
    _require(actor, case, "grievance.remedy.manage")
    if payer_kind not in PayerKind.values:
        raise _fail("payer_kind", _("must be one of %(v)s") % {"v": ", ".join(PayerKind.values)})
    currency = (currency or "").upper()
    if not fx.is_currency(currency):
        raise _fail("currency", _("unknown currency: use a code such as NPR"))
    if case.status == Status.CLOSED:
        raise _fail("status", _("the case is closed"))
    now = _now(clock)
    if due_date < now.date():
        raise _fail("due_date", _("must not be in the past"))
    assessment = case.assessments.first()
    if standard and (assessment is None or standard not in assessment.result.get("owed", {})):
        raise _fail("standard", _("not a standard of the case's assessment"))
    plan = RemediationPlan.objects.create(
        case=case,
        assessment=assessment,
        standard=standard,
        payer_kind=payer_kind,
        payer_organisation=payer_organisation,
        payer_name=payer_name.strip()[:200],
        amount=_decimal(amount, "amount"),
        currency=currency,
        due_date=due_date,
        created_by=actor,
        created_at=now,
    )
    if case.status != Status.REMEDIATION and workflow.can_move(case.status, Status.REMEDIATION):
        _status(case, Status.REMEDIATION, actor=actor, note="", now=now)
    audit_record(
        actor=actor,
        action="grievance.remedy.plan",
        target=case,
        organisation=acting_organisation(actor, case),
        new={
            "plan": plan.pk,
            "payer_kind": payer_kind,
            "payer_organisation": plan.payer_organisation_id,
            "amount": str(plan.amount),
            "currency": currency,
            "due_date": due_date.isoformat(),
            "standard": standard,
        },
    )
    return plan


def remediation_payment_record(
    *,
    actor: User,
    plan: RemediationPlan,
    amount: Any,
    paid_on: dt.date,
    reference: str = "",
    proof: Upload | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> RemediationPayment:
    """A payment to the worker, in the plan's currency, with its proof. The plan is settled when the payments
    reach its amount; overdue plans escalate (``grievances_tick``)."""
    case = plan.case
    _require(actor, case, "grievance.remedy.manage")
    value = _decimal(amount, "amount")
    now = _now(clock)
    if paid_on > now.date():
        raise _fail("paid_on", _("must not be in the future"))
    if plan.status in (PlanStatus.SETTLED, PlanStatus.CANCELLED):
        raise _fail("plan", _("is already %(s)s") % {"s": plan.status})
    stored = None
    if proof is not None:
        try:
            stored = storage.save(proof.data)
        except storage.EvidenceError as exc:
            raise _fail("proof", str(exc)) from None
    try:
        with transaction.atomic():
            attachment = None
            if stored is not None:
                _attach(case, [(stored, proof.name if proof else "")], user=actor)
                attachment = Attachment.objects.get(case=case, sha256=stored.sha256)
            usd, _rate = fx.to_usd(float(value), plan.currency, paid_on)
            pay = RemediationPayment.objects.create(
                plan=plan,
                amount=value,
                paid_on=paid_on,
                reference=reference.strip()[:200],
                proof=attachment,
                amount_usd=None if usd is None else Decimal(str(round(usd, 2))),
                recorded_by=actor,
                created_at=now,
            )
            old = plan.status
            total = plan_paid(plan)
            if total >= plan.amount:
                plan.status, plan.settled_at = PlanStatus.SETTLED, now
                plan.save(update_fields=["status", "settled_at"])
                case.escalations.filter(
                    resolved_at__isnull=True, reason=EscalationReason.REMEDY_OVERDUE
                ).update(resolved_at=now)
            audit_record(
                actor=actor,
                action="grievance.remedy.payment",
                target=case,
                organisation=acting_organisation(actor, case),
                old={"plan_status": old},
                new={
                    "plan": plan.pk,
                    "payment": pay.pk,
                    "amount": str(value),
                    "currency": plan.currency,
                    "paid_on": paid_on.isoformat(),
                    "paid_total": str(total),
                    "plan_status": plan.status,
                    "proof": str(attachment.pk) if attachment else None,
                },
            )
    except BaseException:
        if stored is not None:
            storage.delete(stored.storage_name)
        raise
    return pay


# --- escalation ------------------------------------------------------------------------------------------------


@dataclass
class TickResult:
    stage_overdue: list[str] = field(default_factory=list)
    remedy_overdue: list[str] = field(default_factory=list)


def _escalate(
    case: Case, *, reason: str, now: dt.datetime, missed: dt.datetime | None = None, also: tuple[str, ...] = ()
) -> list[str]:
    """One level up: save the case (with the fields in ``also``), record the escalation and queue the e-mail
    to the case's handlers. Returns the recipients (for the audit event)."""
    case.escalation_level += 1
    case.save(update_fields=["escalation_level", *also])
    Escalation.objects.create(
        case=case, reason=reason, level=case.escalation_level, stage=case.status, due_at=missed, created_at=now
    )
    return notifications.escalation_notify(case, reason=reason, level=case.escalation_level, missed=missed)


def grievances_tick(*, clock: Clock = SYSTEM_CLOCK, dry_run: bool = False) -> TickResult:
    """Escalate every case whose stage deadline has passed (and start that stage's clock again), and every
    remediation plan whose due date has passed unpaid. One transaction per case."""
    now = _now(clock)
    out = TickResult()
    overdue = Case.objects.exclude(status=Status.CLOSED).filter(stage_due_at__lt=now).order_by("stage_due_at")
    for case_id in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            if case.status == Status.CLOSED or case.stage_due_at is None or case.stage_due_at >= now:
                continue
            out.stage_overdue.append(case.code)
            if dry_run:
                continue
            missed = case.stage_due_at
            case.stage_due_at = workflow.stage_due(case.status, case.urgency, now)
            notified = _escalate(
                case, reason=EscalationReason.STAGE_OVERDUE, now=now, missed=missed, also=("stage_due_at",)
            )
            audit_record(
                actor=None,
                action="grievance.case.escalate",
                target=case,
                new={
                    "reason": "stage_overdue",
                    "stage": case.status,
                    "level": case.escalation_level,
                    "missed": missed.isoformat(),
                    "notified": len(notified),
                },
            )
    plans = RemediationPlan.objects.filter(status=PlanStatus.OPEN, due_date__lt=now.date())
    for plan_id in list(plans.values_list("pk", flat=True)):
        with transaction.atomic():
            plan = RemediationPlan.objects.select_for_update().select_related("case").get(pk=plan_id)
            if plan.status != PlanStatus.OPEN:
                continue
            out.remedy_overdue.append(plan.case.code)
            if dry_run:
                continue
            case = plan.case
            plan.status = PlanStatus.OVERDUE
            plan.save(update_fields=["status"])
            due = dt.datetime.combine(plan.due_date, dt.time(), dt.UTC)
            notified = _escalate(case, reason=EscalationReason.REMEDY_OVERDUE, now=now, missed=due)
            audit_record(
                actor=None,
                action="grievance.case.escalate",
                target=case,
                new={
                    "reason": "remedy_overdue",
                    "plan": plan.pk,
                    "level": case.escalation_level,
                    "paid": str(plan_paid(plan)),
                    "amount": str(plan.amount),
                    "notified": len(notified),
                },
            )
    return out


# --- routing rules (staff) -------------------------------------------------------------------------------------


@transaction.atomic
def routing_rule_save(
    *,
    actor: User | None,
    rule: RoutingRule | None = None,
    origin: str = "",
    destination: str = "",
    category: str = "",
    target_kind: str,
    organisation: Organisation | None = None,
    priority: int = 100,
    active: bool = True,
    note: str = "",
) -> RoutingRule:
    if not can(actor, "grievance.routing.manage"):
        raise PermissionDenied("not allowed to edit routing rules")
    errors = []
    for name, v in (("origin", origin), ("destination", destination)):
        if v and not _country_ok(v):
            errors.append(FieldError(name, _("must be a two-letter country code such as NP")))
    if category and category not in taxonomy.CATEGORY_CODES:
        errors.append(FieldError("category", _("unknown category %(c)s") % {"c": category}))
    if target_kind not in TargetKind.values:
        errors.append(FieldError("target_kind", "unknown target kind"))
    if organisation is None and target_kind not in (TargetKind.BRAND, TargetKind.CERTIFICATION_BODY):
        errors.append(FieldError("organisation", _("is required for this kind of body")))
    if errors:
        raise GrievanceInputError(errors)
    fields: dict[str, Any] = {
        "origin": origin,
        "destination": destination,
        "category": category,
        "target_kind": target_kind,
        "organisation_id": organisation.pk if organisation else None,
        "priority": priority,
        "active": active,
        "note": note[:300],
    }
    old = None
    if rule is None:
        rule = RoutingRule.objects.create(updated_by=actor, **fields)
    else:
        old = {k: getattr(rule, k) for k in fields}
        for k, v in fields.items():
            setattr(rule, k, v)
        rule.updated_by = actor
        rule.save()
    audit_record(actor=actor, action="grievance.routing_rule.save", target=rule, old=old, new=fields)
    return rule


# --- SMS and chat ----------------------------------------------------------------------------------------------


@dataclass
class ConversationReply:
    replies: list[str]
    case: Case | None = None
    duplicate: bool = False


def _complaint_in_progress(channel: str, sender: str) -> bool:
    """Whether the sender is answering the complaint questions (past the language menu, not yet a case)."""
    return Conversation.objects.filter(
        sender_hash__in=_sender_hashes(channel, sender), case__isnull=True
    ).exclude(step__in=["", "language", conversation.DONE]).exists()


def _sender_language(channel: str, sender: str) -> str | None:
    """The language of this sender's conversation (the one chosen at its menu), or None if they never wrote."""
    found = Conversation.objects.filter(sender_hash__in=_sender_hashes(channel, sender)).values_list(
        "language", flat=True).first()
    return found if found in conversation.LANGUAGES else None


def _repayment_sms() -> Any:
    """``supplychain.sms`` (a fee survey's receipt code sent on its own, and its answer) when the supply-chain app
    is installed, else None."""
    if not apps.is_installed("fairrecruit.supplychain"):
        return None
    from fairrecruit.supplychain import sms

    return sms


def _reply_language(channel: str, sender: str, text: str) -> str:
    """The language to answer a lookup in: the message's script, else the one this sender chose before."""
    return conversation.script_language(text) or _sender_language(channel, sender) or "en"


def _sender_hashes(channel: str, sender: str) -> list[str]:
    return crypto.lookup_hashes(f"{channel}:{sender.strip()}", purpose="grievance.sender")


def conversation_handle(
    *,
    channel: str,
    sender: str,
    text: str,
    message_id: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> ConversationReply:
    """One message from an SMS or chat gateway: the conversation engine moves the sender's conversation on,
    the state is saved, and a finished conversation becomes a complaint (in the same transaction). A message
    the gateway delivers twice (same id) gets the same replies and changes nothing."""
    if channel not in (Channel.SMS, Channel.CHAT):
        raise ValueError("channel must be sms or chat")
    sender = (sender or "").strip()
    if not sender:
        raise _fail("From", "is required")
    check = sms_check.parse(text)
    repayment = _repayment_sms()
    receipt = repayment.parse(text) if repayment is not None and check is None else None
    # "CHECK <agency>" and a receipt code are answered, nothing stored, unless a complaint is under way (where
    # they may be an answer: an agency called "Check Point Manpower").
    lookup = (check is not None or receipt is not None) and not _complaint_in_progress(channel, sender)
    if lookup and key_limited(group="grievances.sms_lookup", key=_sender_hashes(channel, sender)[0],
                              rate=conf.get("FAIRRECRUIT_SMS_LOOKUP_RATE")):
        # counted per sender (by keyed hash): the gateway's connection says nothing of who asks
        return ConversationReply([conversation.message(_reply_language(channel, sender, text), "too_many")])
    if lookup and check is not None:
        lang, query = check
        if lang == "en" and conversation.script_language(query) is None:
            # "CHECK" with a name in Latin letters says nothing of the worker's language: the one this sender chose
            # in an earlier conversation, if any, is a better guess than English.
            lang = _sender_language(channel, sender) or "en"
        return ConversationReply(sms_check.replies(query, lang, base_url=notifications.public_base(),
                                                   script_language=conversation.script_language))
    if lookup and receipt is not None:
        # A fee survey's receipt code: the worker's repayment, answered from the survey, nothing stored.
        return ConversationReply(repayment.replies(receipt, _reply_language(channel, sender, text)))
    now = _now(clock)
    resume = dt.timedelta(minutes=int(conf.get("FAIRRECRUIT_GRIEVANCE_RESUME_MINUTES")))
    msg_key = crypto.lookup_hash(f"{channel}:{message_id}", purpose="grievance.message") if message_id else ""
    with transaction.atomic(), anonymous_origin():
        if msg_key:
            seen = InboundMessage.objects.filter(
                message_key__in=crypto.lookup_hashes(f"{channel}:{message_id}", purpose="grievance.message")
            ).first()
            if seen is not None:
                return ConversationReply(
                    json.loads(crypto.decrypt(seen.replies.token)) if seen.replies else [], duplicate=True
                )
        convo = (
            Conversation.objects.select_for_update()
            .filter(sender_hash__in=_sender_hashes(channel, sender))
            .first()
        )
        if convo is None:
            try:
                with transaction.atomic():
                    convo = Conversation.objects.create(
                        sender_hash=crypto.lookup_hash(f"{channel}:{sender}", purpose="grievance.sender"),
                        channel=channel,
                        started_at=now,
                        last_message_at=now,
                    )
            except IntegrityError:  # the same sender's message in parallel
                convo = Conversation.objects.select_for_update().get(
                    sender_hash__in=_sender_hashes(channel, sender)
                )
            state = None
        else:
            state = json.loads(crypto.decrypt(convo.state.token)) if convo.state else None
        outcome = conversation.handle(state, text, now=now, resume_after=resume)
        lang = outcome.state.get("lang") or "en"
        replies = list(outcome.replies)
        case: Case | None = convo.case
        if outcome.complete is not None:
            fields = conversation.complaint_fields(outcome.complete, today=now.date())
            data = ComplaintInput(language=lang, **fields)
            token = "conv-" + crypto.lookup_hash(f"{convo.pk}:{convo.rounds}", purpose="grievance.conv")[:40]
            done = complaint_submit(
                data=data, token=token, channel=channel, contact_extra=sender, clock=clock
            )
            case = done.case
            convo.case = case
            convo.rounds += 1
            outcome.state["case_code"] = case.code
            outcome.state["answers"] = {}  # the complaint holds them now: not kept twice
            replies.append(conversation.message(lang, "done", code=done.code, pin=done.pin))
            assessment = case.assessments.first()  # the newest: what the payments say should come back
            if assessment is not None:
                replies += conversation.owed_messages(lang, assessment.result)
            replies += conversation.minimum_wage_messages(lang, wages_below_minimum(case))
        elif outcome.add_info is not None and case is not None:
            Note.objects.create(case=case, from_worker=True, text=outcome.add_info, created_at=now)
            audit_record(
                actor=None, action="grievance.case.worker_information", target=case, new={"channel": channel}
            )
            replies.append(conversation.message(lang, "added", code=case.code))
        elif outcome.want_status and case is not None:
            case.refresh_from_db(fields=["status"])
            replies.append(
                conversation.message(
                    lang, "status", code=case.code, status=conversation.status_label(lang, case.status)
                )
            )
            plans = remedy_progress(case)
            if plans:
                replies += conversation.plan_messages(lang, plans)
            elif (assessment := case.assessments.first()) is not None:  # no plan yet: what the laws say is owed
                replies += conversation.owed_messages(lang, assessment.result)
            worker_case_read(case=case)
        elif outcome.want_status or outcome.add_info is not None:
            outcome.state["step"] = "danger"
            replies.append(conversation.message(lang, "danger"))
        convo.state = crypto.seal(json.dumps(outcome.state, ensure_ascii=False))
        convo.step = outcome.state.get("step") or ""
        convo.language = lang
        convo.last_message_at = now
        convo.sender_hash = crypto.lookup_hash(
            f"{channel}:{sender}", purpose="grievance.sender"
        )  # after a rotation
        convo.save()
        if msg_key:
            InboundMessage.objects.create(
                conversation=convo,
                message_key=msg_key,
                replies=crypto.seal(json.dumps(replies, ensure_ascii=False)),
            )
    return ConversationReply(replies, case)


# --- key rotation ------------------------------------------------------------------------------------------------


__all__ = [
    "ComplaintInput",
    "GrievanceInputError",
    "IdempotencyConflict",
    "Submitted",
    "Upload",
    "attachment_add",
    "attachment_read",
    "case_assign",
    "case_by_code_pin",
    "case_close",
    "case_facts_update",
    "case_note_add",
    "case_parties_update",
    "case_read_log",
    "case_reroute",
    "case_status_change",
    "complaint_submit",
    "conversation_handle",
    "grievances_tick",
    "referral_create",
    "referral_respond",
    "referral_revoke",
    "referral_send",
    "remediation_payment_record",
    "remediation_plan_create",
    "routing_rule_save",
    "worker_case_read",
    "worker_consent_give",
    "worker_evidence_upload",
    "worker_information_add",
]
