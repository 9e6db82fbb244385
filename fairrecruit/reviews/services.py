"""Writes for reviews. Each runs in one transaction and records its audit event in it.

A worker's own actions (submit, edit, withdraw, flag) are recorded without the request's IP address, user
agent or request id (``anonymous_origin``), so that the audit log cannot trace a review to its author either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fairrecruit.core import crypto, idempotency
from fairrecruit.core.context import anonymous_origin
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import can
from fairrecruit.core.services import audit_record
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import reported_actor
from fairrecruit.reviews import checks, conf, selectors
from fairrecruit.reviews.models import (
    Answer,
    Flag,
    ModerationAction,
    ModerationDecision,
    RegistryClaim,
    Reply,
    Review,
    ReviewStatus,
    ReviewTranslation,
)
from fairrecruit.reviews.selectors import actor_canonical, actor_family, can_moderate, reviews_in_scope
from fairrecruit.standards.engine import FieldError, validate_journey
from fairrecruit.standards.services import assessment_compute
from fairrecruit.standards.wording import field_error_text

TOKEN_RE = idempotency.TOKEN_RE
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to copy by hand
CODE_LENGTH = 12
DEFAULT_CONTRACT_MONTHS = 24
ANSWER_FIELDS = (
    "contract_matched",
    "documents_taken",
    "info_before_departure",
    "wage_as_promised",
    "free_to_change",
)
PAYEES = ("sub_agent", "licensed_agency", "destination_agency", "employer", "government", "other")


class ReviewInputError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class IdempotencyConflict(ValueError):
    """The token was used before with different answers."""

    def __init__(self, review: Review, edit_code: str) -> None:
        self.review = review
        self.edit_code = edit_code
        super().__init__("token already used with different answers")


@dataclass
class ReviewInput:
    """What a worker answers. The web form and the API both produce one."""

    rating: int
    actor_identifier: str = ""
    reported_name: str = ""
    reported_phone: str = ""
    reported_place: str = ""
    reported_role: str = ""
    paid_fees: str = ""
    payments: list[dict[str, Any]] = field(default_factory=list)  # {amount, currency, purpose, paid_to}
    contract_matched: str = ""
    documents_taken: str = ""
    info_before_departure: str = ""
    wage_as_promised: str = ""
    free_to_change: str = ""
    treatment: int | None = None
    origin: str = ""
    destination: str = ""
    recruitment_year: int | None = None
    contract_months: int | None = None
    wage_promised_amount: float | None = None
    wage_promised_currency: str = ""
    wage_received_amount: float | None = None
    wage_received_currency: str = ""
    text: str = ""
    language: str = ""
    contact_name: str = ""
    contact_how: str = ""

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Submitted:
    review: Review
    edit_code: str
    created: bool
    findings: list[dict[str, str]] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------------------------------


def source_for_ip(ip: str | None) -> str:
    """A salted hash of the IP address: used as a cache key for rate limits and bursts, never stored."""
    return crypto.lookup_hash(ip or "unknown", purpose="review.source")[:32]


def edit_code_for(token: str) -> str:
    """The edit code of a submission, derived from its token with a server key: a retried submission shows
    the same code again, and only the server can compute it."""
    n = int.from_bytes(crypto.derive(token, purpose="review.edit-code"), "big")
    chars = []
    for _i in range(CODE_LENGTH):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "-".join("".join(chars[i : i + 4]) for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    clean = "".join(c for c in (code or "").upper() if c in CODE_ALPHABET)
    return "-".join(clean[i : i + 4] for i in range(0, len(clean), 4))


def _code_hashes(code: str) -> list[str]:
    return crypto.lookup_hashes(normalise_code(code), purpose="review.edit-code")


def _text_hashes(text: str) -> list[str]:
    return crypto.lookup_hashes(checks.text_fingerprint(text), purpose="review.text")


def review_input_errors(data: ReviewInput, *, editing: bool = False) -> list[FieldError]:
    """Problems that need more than one field to see, and the fee assessment's own checks."""
    errors: list[FieldError] = []
    if not editing and not data.actor_identifier and not data.reported_name.strip():
        errors.append(FieldError("reported_name", _("is required: name the recruiter, agent or employer")))
    if data.rating not in (1, 2, 3, 4, 5):
        errors.append(FieldError("rating", _("must be a whole number from 1 to 5")))
    if data.treatment is not None and data.treatment not in (1, 2, 3, 4, 5):
        errors.append(FieldError("treatment", _("must be a whole number from 1 to 5")))
    for name in ("paid_fees", *ANSWER_FIELDS):
        if getattr(data, name) and getattr(data, name) not in Answer.values:
            errors.append(
                FieldError(name, _("must be one of %(values)s") % {"values": ", ".join(Answer.values)})
            )
    if data.payments:
        if not data.recruitment_year:
            errors.append(FieldError("recruitment_year", _("is needed to check your payments")))
        for f in ("origin", "destination"):
            if not getattr(data, f):
                errors.append(FieldError(f, _("is needed to check your payments")))
        if data.wage_received_amount is None and data.wage_promised_amount is None:
            errors.append(
                FieldError("wage_received_amount", _("is needed to compare your payments with your wage"))
            )
        for i, p in enumerate(data.payments):
            if p.get("paid_to") and p["paid_to"] not in PAYEES:
                errors.append(
                    FieldError(
                        f"payments[{i}].paid_to",
                        _("must be one of %(values)s") % {"values": ", ".join(PAYEES)},
                    )
                )
    if errors:
        return errors
    journey = journey_from_input(data)
    if journey is not None:
        errors += [
            FieldError(_JOURNEY_FIELDS.get(e.field, e.field), field_error_text(e)) for e in validate_journey(journey)
        ]
    return errors


# journey field (engine) -> review input field, so that errors name what the worker or the caller sent
_JOURNEY_FIELDS = {
    "recruitment_date": "recruitment_year",
    "promised_wage": "wage_promised_amount",
    "promised_wage.amount": "wage_promised_amount",
    "promised_wage.currency": "wage_promised_currency",
    "first_month_earnings": "wage_received_amount",
    "first_month_earnings.amount": "wage_received_amount",
    "first_month_earnings.currency": "wage_received_currency",
}


def journey_from_input(data: ReviewInput) -> dict[str, Any] | None:
    """The fee-assessment input for a review with payments (None without payments).

    Reviews keep the year only, so the recruitment date is the middle of that year (or today, in the
    current year); the contract length is 24 months when not given; a missing wage is taken from the other."""
    if not data.payments or not data.recruitment_year:
        return None
    today = dt.date.today()
    day = (
        min(dt.date(data.recruitment_year, 7, 1), today)
        if 1900 < data.recruitment_year <= today.year
        else None
    )
    day_s = day.isoformat() if day else f"{data.recruitment_year}-07-01"
    promised = data.wage_promised_amount, data.wage_promised_currency.upper()
    received = data.wage_received_amount, data.wage_received_currency.upper()
    if promised[0] is None:
        promised = received
    if received[0] is None:
        received = promised
    events = []
    if data.documents_taken == Answer.YES:
        events.append({"type": "documents_retained"})
    if data.contract_matched == Answer.NO:
        events.append({"type": "contract_substituted"})
    if data.wage_as_promised == Answer.NO:
        events.append({"type": "wage_lower_than_promised"})
    journey: dict[str, Any] = {
        "origin": data.origin,
        "destination": data.destination,
        "recruitment_date": day_s,
        "contract_months": data.contract_months or DEFAULT_CONTRACT_MONTHS,
        "promised_wage": {"amount": promised[0], "currency": promised[1]},
        "first_month_earnings": {"amount": received[0], "currency": received[1]},
        "payments": [],
        "events": events,
    }
    for p in data.payments:
        row: dict[str, Any] = {
            "amount": p.get("amount"),
            "currency": str(p.get("currency") or "").upper(),
            "date": day_s,
            "purpose": p.get("purpose") or "",
        }
        if p.get("paid_to"):
            row["paid_to"] = p["paid_to"]
        journey["payments"].append(row)
    if data.reported_role in PAYEES:
        journey["recruiters"] = [{"role": data.reported_role}]
    return journey


def _reported_actor(data: ReviewInput) -> Actor:
    """The actor the worker named, found or made by ``registry.services.reported_actor`` (the same rule and the
    same unique key as complaints, so a review and a complaint naming one new agency share its record)."""
    role = f" as {data.reported_role.replace('_', ' ')}" if data.reported_role else ""
    return reported_actor(
        name=data.reported_name, phone=data.reported_phone, place=data.reported_place,
        source_note=f"named in a worker review{role}",
    )


def _burst_count(actor: Actor, source: str | None) -> int:
    if not source:
        return 0
    key = f"reviews:burst:{actor.pk}:{source}"
    hours = conf.get("FAIRRECRUIT_REVIEW_BURST_HOURS")
    cache.add(key, 0, timeout=int(hours * 3600))
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(hours * 3600))
        return 1


def _contact_json(name: str, how: str) -> str:
    name, how = name.strip(), how.strip()
    return json.dumps({"name": name, "how": how}, ensure_ascii=False) if (name or how) else ""


def _apply(review: Review, data: ReviewInput, *, burst_count: int) -> None:
    """Copy the answers onto the review, assess the payments, run the checks; back to pending."""
    review.language = data.language[:16]
    review.paid_fees = Answer.YES if data.payments else data.paid_fees
    review.payments = [
        {k: p[k] for k in ("amount", "currency", "purpose", "paid_to") if p.get(k) not in (None, "")}
        for p in data.payments
    ]
    for name in ANSWER_FIELDS:
        setattr(review, name, getattr(data, name))
    review.treatment = data.treatment
    review.rating = data.rating
    review.origin, review.destination = data.origin, data.destination
    review.recruitment_year = data.recruitment_year
    journey = journey_from_input(data)
    review.journey = journey
    review.assessment = None
    review.ruleset_version = ""
    review.paid_usd = None
    review.cost_months = None
    if journey is not None:
        result = assessment_compute(journey=journey)
        review.assessment = result
        review.ruleset_version = result["ruleset_version"]
        usd = (result.get("paid") or {}).get("amount_usd")
        months = (result.get("sdg_10_7_1") or {}).get("months")
        review.paid_usd = None if usd is None else Decimal(str(round(usd, 2)))
        review.cost_months = None if months is None else Decimal(str(round(months, 3)))
    text = (data.text or "").strip()
    duplicate = bool(text) and (
        Review.objects.filter(actor_id__in=actor_family(review.actor), text_hash__in=_text_hashes(text))
        .exclude(pk=review.pk)
        .exclude(status=ReviewStatus.WITHDRAWN)
        .exists()
    )
    result_checks = checks.run_checks(
        text,
        contact_name=data.contact_name,  # on an edit, the stored contact stays sealed: the new name only
        duplicate=duplicate,
        burst_count=burst_count,
        burst_limit=conf.get("FAIRRECRUIT_REVIEW_BURST_LIMIT"),
        burst_window_hours=conf.get("FAIRRECRUIT_REVIEW_BURST_HOURS"),
    )
    review.text = result_checks.text
    review.text_original = crypto.seal(text)
    review.text_hash = (
        crypto.lookup_hash(checks.text_fingerprint(text), purpose="review.text") if text else ""
    )
    review.check_flags = [f.as_dict() for f in result_checks.findings]
    review.status = ReviewStatus.PENDING
    review.published_at = None


# --- worker actions ------------------------------------------------------------------------------------------


def review_submit(
    *,
    data: ReviewInput,
    token: str,
    source: str | None = None,
    actor_user: User | None = None,
    organisation: Organisation | None = None,
) -> Submitted:
    """Store a review once per token (a retry returns the stored review and the same edit code).
    Every new review is pending: nothing is published before a moderator approves it.
    Raises ReviewInputError, IdempotencyConflict, ValueError (bad token)."""
    if not TOKEN_RE.match(token or ""):
        raise ReviewInputError(
            [FieldError("token", _("is missing or malformed: reload the form and send again"))]
        )
    code = edit_code_for(token)
    fingerprint = data.fingerprint()
    reviews = Review.objects.select_related("actor")
    purpose = "review.idempotency"
    try:
        existing = idempotency.prior(reviews, token=token, purpose=purpose, fingerprint=fingerprint)
    except idempotency.IdempotencyMismatch as exc:
        raise IdempotencyConflict(exc.existing, code) from None
    if existing is not None:
        return Submitted(existing, code, False, existing.check_flags)
    actor: Actor | None = None
    if data.actor_identifier:
        actor = actor_canonical(data.actor_identifier)
        if actor is None:
            raise ReviewInputError(
                [FieldError("actor", _("no actor %(id)s in the registry") % {"id": data.actor_identifier})]
            )
    errors = review_input_errors(data)
    if errors:
        raise ReviewInputError(errors)

    def create(key: str) -> Review:
        with transaction.atomic(), anonymous_origin():
            who = actor if actor is not None else _reported_actor(data)
            review = Review(
                actor=who,
                idempotency_key=key,
                input_hash=fingerprint,
                edit_code_hash=crypto.lookup_hash(normalise_code(code), purpose="review.edit-code"),
                contact=crypto.seal(_contact_json(data.contact_name, data.contact_how)),
            )
            _apply(review, data, burst_count=_burst_count(who, source))
            review.save()
            audit_record(
                actor=actor_user,
                action="review.create",
                target=review,
                organisation=organisation,
                new={
                    "actor": who.identifier,
                    "status": review.status,
                    "checks": [f["code"] for f in review.check_flags],
                },
            )
        return review

    try:
        # a concurrent retry may have stored it first: then it is returned, not stored twice
        stored = idempotency.create_once(
            reviews, token=token, purpose=purpose, fingerprint=fingerprint, create=create
        )
    except idempotency.IdempotencyMismatch as exc:
        raise IdempotencyConflict(exc.existing, code) from None
    return Submitted(stored.obj, code, stored.created, stored.obj.check_flags)


def review_by_code(code: str) -> Review | None:
    """The review an edit code opens (None for a wrong code or a withdrawn review)."""
    if len(normalise_code(code).replace("-", "")) != CODE_LENGTH:
        return None
    return (
        Review.objects.select_related("actor")
        .filter(edit_code_hash__in=_code_hashes(code))
        .exclude(status=ReviewStatus.WITHDRAWN)
        .first()
    )


@transaction.atomic
def review_edit(*, review: Review, data: ReviewInput, remove_contact: bool = False) -> Review:
    """The author changes their answers (with the edit code). The review goes back to the queue."""
    if review.status == ReviewStatus.WITHDRAWN:
        raise ReviewInputError([FieldError("code", _("this review was withdrawn"))])
    errors = review_input_errors(data, editing=True)
    if errors:
        raise ReviewInputError(errors)
    old_status = review.status
    with anonymous_origin():
        _apply(review, data, burst_count=0)
        if remove_contact:
            review.contact = crypto.Sealed("")
        elif data.contact_name.strip() or data.contact_how.strip():
            review.contact = crypto.seal(_contact_json(data.contact_name, data.contact_how))
        review.save()  # input_hash stays: a late retry of the first submission is still recognised
        audit_record(
            actor=None,
            action="review.edit_by_author",
            target=review,
            old={"status": old_status},
            new={"status": review.status, "checks": [f["code"] for f in review.check_flags]},
        )
    return review


@transaction.atomic
def review_withdraw(*, review: Review) -> Review:
    """The author withdraws: the review leaves every page and aggregate; its text and contact are erased."""
    old_status = review.status
    with anonymous_origin():
        review.status = ReviewStatus.WITHDRAWN
        review.text = ""
        review.text_original = crypto.Sealed("")
        review.text_hash = ""
        review.contact = crypto.Sealed("")
        review.published_at = None
        review.save()
        review.translations.all().delete()
        audit_record(
            actor=None,
            action="review.withdraw",
            target=review,
            old={"status": old_status},
            new={"status": review.status},
        )
    return review


@transaction.atomic
def flag_create(*, review: Review, reason: str, note: str = "") -> Flag:
    """A reader reports a published review. The note is redacted like review text."""
    if review.status != ReviewStatus.PUBLISHED:
        raise ReviewInputError([FieldError("review", _("is not published"))])
    from fairrecruit.reviews.models import FlagReason

    if reason not in FlagReason.values:
        raise ReviewInputError(
            [FieldError("reason", _("must be one of %(values)s") % {"values": ", ".join(FlagReason.values)})]
        )
    with anonymous_origin():
        f = Flag.objects.create(review=review, reason=reason, note=checks.redact(note[:1000]).text)
        audit_record(actor=None, action="review.flag", target=review, new={"flag": f.pk, "reason": reason})
    return f


# --- moderators ------------------------------------------------------------------------------------------------


@transaction.atomic
def review_moderate(
    *, moderator: User, review: Review, action: str, reason: str = "", new_text: str | None = None
) -> ModerationDecision:
    """Approve, edit (with a recorded reason) or reject. Resolves the review's open flags."""
    if not can_moderate(moderator, review):
        raise PermissionDenied("not allowed to moderate this review")
    reason = (reason or "").strip()
    errors = []
    if action not in ModerationAction.values:
        errors.append(
            FieldError(
                "action", _("must be one of %(values)s") % {"values": ", ".join(ModerationAction.values)}
            )
        )
    if action in (ModerationAction.EDIT, ModerationAction.REJECT) and not reason:
        errors.append(FieldError("reason", _("is required: say why")))
    if action == ModerationAction.EDIT and new_text is None:
        errors.append(FieldError("new_text", _("is required")))
    if review.status == ReviewStatus.WITHDRAWN:
        errors.append(FieldError("review", _("was withdrawn by its author")))
    if errors:
        raise ReviewInputError(errors)
    old_status, old_text = review.status, review.text
    if action == ModerationAction.EDIT:
        review.text = (new_text or "").strip()
    if action == ModerationAction.REJECT:
        review.status = ReviewStatus.REJECTED
        review.published_at = None
    else:
        if review.status != ReviewStatus.PUBLISHED:
            review.published_at = timezone.now()
        review.status = ReviewStatus.PUBLISHED
    review.save()
    decision = ModerationDecision.objects.create(
        review=review,
        moderator=moderator,
        action=action,
        reason=reason,
        old_text=old_text if action == ModerationAction.EDIT else "",
        new_text=review.text if action == ModerationAction.EDIT else "",
        old_status=old_status,
        new_status=review.status,
    )
    review.flags.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=action
    )
    old: dict[str, Any] = {"status": old_status}
    new: dict[str, Any] = {"status": review.status, "reason": reason}
    if action == ModerationAction.EDIT:
        old["text"], new["text"] = old_text, review.text
    audit_record(actor=moderator, action=f"review.{action}", target=review, old=old, new=new)
    return decision


@transaction.atomic
def translation_save(*, user: User, review: Review, language: str, text: str) -> ReviewTranslation:
    if not reviews_in_scope(user, "review.translate").filter(pk=review.pk).exists():
        raise PermissionDenied("not allowed to translate this review")
    language = (language or "").strip()[:16]
    if not language or language == review.language:
        raise ReviewInputError([FieldError("language", _("must differ from the review's language"))])
    clean = checks.redact(text.strip()).text
    if not clean:
        raise ReviewInputError([FieldError("text", _("is required"))])
    t, created = ReviewTranslation.objects.update_or_create(
        review=review, language=language, defaults={"text": clean, "translated_by": user}
    )
    audit_record(
        actor=user, action="review.translate", target=review, new={"language": language, "created": created}
    )
    return t


# --- the reviewed organisation ---------------------------------------------------------------------------------


def reply_organisations(user: User | None, review: Review) -> list[Organisation]:
    """The organisations in whose name ``user`` may reply to ``review``."""
    return selectors.reply_organisations(user, review.actor)


@transaction.atomic
def reply_save(*, user: User, review: Review, organisation: Organisation, text: str) -> Reply:
    if review.status != ReviewStatus.PUBLISHED:
        raise ReviewInputError([FieldError("review", _("is not published"))])
    if organisation not in reply_organisations(user, review):
        raise PermissionDenied("only the reviewed organisation may reply")
    clean = checks.redact(text.strip()[:5000]).text
    if not clean:
        raise ReviewInputError([FieldError("text", _("is required"))])
    reply, created = Reply.objects.update_or_create(
        review=review, organisation=organisation, defaults={"text": clean, "author": user}
    )
    audit_record(
        actor=user,
        action="review.reply",
        target=review,
        organisation=organisation,
        new={"reply": reply.pk, "created": created, "text": clean},
    )
    return reply


@transaction.atomic
def registry_claim_create(
    *, actor_user: User | None, organisation: Organisation, actor: Actor
) -> RegistryClaim:
    """Staff link an organisation's accounts to a registry actor (gives its recruiters the right of reply)."""
    if not can(actor_user, "review.claim.manage"):
        raise PermissionDenied("not allowed to link organisations to actors")
    claim, created = RegistryClaim.objects.get_or_create(
        organisation=organisation, actor=actor, defaults={"created_by": actor_user}
    )
    if created:
        audit_record(
            actor=actor_user,
            action="registry_claim.create",
            target=claim,
            organisation=organisation,
            new={"organisation": organisation.pk, "actor": actor.identifier},
        )
    return claim


__all__ = [
    "IdempotencyConflict",
    "ReviewInput",
    "ReviewInputError",
    "Submitted",
    "anonymous_origin",
    "edit_code_for",
    "flag_create",
    "journey_from_input",
    "normalise_code",
    "registry_claim_create",
    "reply_organisations",
    "reply_save",
    "review_by_code",
    "review_edit",
    "review_input_errors",
    "review_moderate",
    "review_submit",
    "review_withdraw",
    "source_for_ip",
    "translation_save",
]
