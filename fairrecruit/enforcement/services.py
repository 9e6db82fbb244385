"""Writes for enforcement. Each runs in one transaction with its audit event; bad input raises
``EnforcementError`` naming every field to fix, before anything is written.

A suspension, revocation or ban of a licensed recruiter adds its status to the licence's history (the registry's
``licence_status_record``, which never overwrites) on the day it takes effect: at once when that day has come,
otherwise through ``sanctions_tick`` (``fairrecruit enforcement_tick``, daily). The tick also reinstates a licence
when its suspension has ended; lifting a sanction on appeal reinstates it at once. A licence is reinstated only
when the sanction's status is still its latest one (a later revocation is never undone by an earlier suspension's
end)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from fairrecruit.core import idempotency
from fairrecruit.core.fx import is_currency
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import audit_record
from fairrecruit.enforcement.models import (
    LICENCE_STATUS_OF,
    WITH_AMOUNT,
    Breach,
    Inspection,
    InspectionKind,
    InspectionOutcome,
    Sanction,
    SanctionKind,
)
from fairrecruit.registry.models import Actor, ActorKind, Licence, LicenceStatus
from fairrecruit.registry.selectors import member_ids, today
from fairrecruit.registry.services import canonical_actor, licence_status_record

EARLIEST = dt.date(1980, 1, 1)


class EnforcementError(ValueError):
    """Bad input: ``errors`` is a list of {field, message}, every problem found."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def _fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _check_parties(errors: list[dict[str, str]], regulator: Actor | None, subject: Actor | None) -> None:
    if regulator is None or regulator.kind != ActorKind.REGULATOR:
        errors.append({"field": "regulator", "message": "choose a regulator of the registry"})
    if subject is None:
        errors.append({"field": "subject", "message": "give the registry identifier of the recruiter (e.g. NP-DOFE-1234)"})
    elif subject.kind == ActorKind.REGULATOR:
        errors.append({"field": "subject", "message": "a regulator cannot be inspected or sanctioned here: give a "
                       "recruiter, sub-agent or employer"})


def _check_day(errors: list[dict[str, str]], field: str, day: dt.date | None, *, required: bool = True,
               not_after_today: bool = True) -> None:
    if day is None:
        if required:
            errors.append({"field": field, "message": "give a date (YYYY-MM-DD)"})
        return
    if day < EARLIEST:
        errors.append({"field": field, "message": f"must not be before {EARLIEST.isoformat()}"})
    if not_after_today and day > today():
        errors.append({"field": field, "message": f"must not be in the future (today is {today().isoformat()})"})


def _check_breaches(errors: list[dict[str, str]], breaches: list[str], *, required: bool) -> list[str]:
    unknown = [b for b in breaches if b not in Breach.values]
    if unknown:
        errors.append({"field": "breaches", "message": f"unknown breach {unknown[0]!r}; use one of "
                       + ", ".join(Breach.values)})
    elif required and not breaches:
        errors.append({"field": "breaches", "message": "choose at least one breach"})
    return list(dict.fromkeys(breaches))


def _once(model: type[Inspection] | type[Sanction], token: str, fingerprint: str, create: Any) -> tuple[Any, bool]:
    purpose = f"enforcement.{model.__name__.lower()}"
    if not token:
        return create(None), True
    existing = idempotency.prior(model.objects.all(), token=token, purpose=purpose, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    once = idempotency.create_once(model.objects.all(), token=token, purpose=purpose, fingerprint=fingerprint,
                                   create=create)
    return once.obj, once.created


# ---------------------------------------------------------------------------------------------- inspections
def inspection_record(
    *,
    user: User | None,
    organisation: Organisation | None,
    regulator: Actor | None,
    subject: Actor | None,
    kind: str,
    inspected_on: dt.date | None,
    outcome: str,
    breaches: list[str],
    findings: str = "",
    token: str = "",
) -> tuple[Inspection, bool]:
    """Record an inspection. Returns (inspection, created): a retried submission with the same ``token`` returns
    the first one. Raises EnforcementError."""
    errors: list[dict[str, str]] = []
    subject = canonical_actor(subject)
    _check_parties(errors, regulator, subject)
    if kind not in InspectionKind.values:
        errors.append({"field": "kind", "message": "choose " + ", ".join(InspectionKind.values)})
    _check_day(errors, "inspected_on", inspected_on)
    if outcome not in InspectionOutcome.values:
        errors.append({"field": "outcome", "message": "choose " + ", ".join(InspectionOutcome.values)})
    breaches = _check_breaches(errors, breaches, required=outcome == InspectionOutcome.BREACHES)
    if outcome == InspectionOutcome.NO_BREACH and breaches:
        errors.append({"field": "breaches", "message": "an inspection that found no breach lists none; "
                       "choose 'Breaches found' or clear the breaches"})
    if len(findings) > 10_000:
        errors.append({"field": "findings", "message": "write at most 10,000 characters"})
    if errors:
        raise EnforcementError(errors)
    assert regulator is not None and subject is not None and inspected_on is not None
    data = {"regulator": regulator.pk, "subject": subject.pk, "kind": kind, "inspected_on": inspected_on,
            "outcome": outcome, "breaches": breaches, "findings": findings}
    fingerprint = _fingerprint(data)

    def create(key: str | None) -> Inspection:
        with transaction.atomic():
            ins = Inspection.objects.create(
                regulator=regulator, subject=subject, kind=kind, inspected_on=inspected_on, outcome=outcome,
                breaches=breaches, findings=findings, recorded_by=user, organisation=organisation,
                idempotency_key=key, input_hash=fingerprint,
            )
            audit_record(actor=user, action="inspection.record", target=ins, organisation=organisation,
                         new={k: v for k, v in data.items() if k != "findings"} | {
                             "subject": subject.identifier, "regulator": regulator.identifier,
                             "inspected_on": str(inspected_on)})
            return ins

    return _once(Inspection, token, fingerprint, create)


# ---------------------------------------------------------------------------------------------- sanctions
def licences_from(subject: Actor, regulator: Actor) -> list[Licence]:
    """The licences a regulator issued to an actor (or to records merged into it)."""
    return list(Licence.objects.filter(actor_id__in=member_ids(subject), regulator=regulator).order_by("id"))


@dataclass(frozen=True)
class SanctionInput:
    regulator: Actor | None
    subject: Actor | None
    kind: str
    breaches: list[str]
    legal_basis: str
    decided_on: dt.date | None
    effective_from: dt.date | None
    effective_until: dt.date | None = None
    amount: Decimal | None = None
    currency: str = ""
    licence: Licence | None = None
    inspection: Inspection | None = None
    summary: str = ""
    source_note: str = ""


def check_sanction(s: SanctionInput) -> tuple[list[dict[str, str]], Licence | None]:
    errors: list[dict[str, str]] = []
    _check_parties(errors, s.regulator, s.subject)
    if s.kind not in SanctionKind.values:
        errors.append({"field": "kind", "message": "choose " + ", ".join(SanctionKind.values)})
    _check_breaches(errors, s.breaches, required=True)
    if not s.legal_basis.strip():
        errors.append({"field": "legal_basis", "message": "name the law and section the sanction applies "
                       "(e.g. Foreign Employment Act 2007, s. 24)"})
    elif len(s.legal_basis) > 300:
        errors.append({"field": "legal_basis", "message": "write at most 300 characters"})
    _check_day(errors, "decided_on", s.decided_on)
    _check_day(errors, "effective_from", s.effective_from, not_after_today=False)
    if s.decided_on and s.effective_from and s.effective_from < s.decided_on:
        errors.append({"field": "effective_from", "message": "must not be before the day it was decided"})
    if s.kind == SanctionKind.SUSPENSION:
        if s.effective_until is None:
            errors.append({"field": "effective_until", "message": "give the last day of the suspension"})
        elif s.effective_from and s.effective_until < s.effective_from:
            errors.append({"field": "effective_until", "message": "must not be before the first day"})
    elif s.effective_until is not None:
        errors.append({"field": "effective_until", "message": "only a suspension has a last day; leave it empty"})
    if s.kind in WITH_AMOUNT:
        if s.amount is None or s.amount <= 0:
            errors.append({"field": "amount", "message": "give the amount, more than 0"})
        if not is_currency(s.currency):
            errors.append({"field": "currency", "message": "give an ISO 4217 currency code, e.g. NPR"})
    elif s.amount is not None or s.currency:
        errors.append({"field": "amount", "message": "only a fine or an order to repay workers has an amount; "
                       "leave amount and currency empty"})
    for name, text, most in (("summary", s.summary, 500), ("source_note", s.source_note, 300)):
        if len(text) > most:
            errors.append({"field": name, "message": f"write at most {most} characters"})
    licence = s.licence
    if s.regulator is not None and s.subject is not None and s.kind in LICENCE_STATUS_OF and not errors:
        held = licences_from(s.subject, s.regulator)
        if licence is not None and licence not in held:
            errors.append({"field": "licence", "message": f"{licence.number} is not a licence {s.regulator.name} "
                           f"issued to {s.subject.name}"})
        elif licence is None and len(held) > 1:
            errors.append({"field": "licence", "message": "this recruiter holds several licences from this "
                           "regulator: choose one (" + ", ".join(h.number for h in held) + ")"})
        elif licence is None and held:
            licence = held[0]
        elif licence is None and s.kind != SanctionKind.BAN:
            errors.append({"field": "kind", "message": f"{s.subject.name} holds no licence from {s.regulator.name} "
                           "to suspend or revoke; an unlicensed recruiter is banned (blacklisted)"})
        if licence is not None and s.effective_from is not None:
            latest = licence.history.order_by("-effective_date", "-id").first()
            if licence.valid_from and s.effective_from < licence.valid_from:
                errors.append({"field": "effective_from", "message": f"licence {licence.number} was issued on "
                               f"{licence.valid_from}: a sanction on it starts on or after that day"})
            elif latest is not None and s.effective_from < latest.effective_date:
                errors.append({"field": "effective_from", "message": f"licence {licence.number} has a later status "
                               f"in its history ({latest.get_status_display().lower()} from {latest.effective_date}): "
                               "a sanction on it starts on or after that day"})
    elif licence is not None and s.kind not in LICENCE_STATUS_OF:
        licence = None  # a warning or a fine leaves the licence as it is
    if s.inspection is not None and s.subject is not None and (
        s.inspection.subject_id not in member_ids(s.subject) or s.inspection.regulator_id != getattr(
            s.regulator, "pk", None)
    ):
        errors.append({"field": "inspection", "message": "this inspection was of another recruiter or by "
                       "another regulator"})
    return errors, licence


def sanction_impose(
    *, user: User | None, organisation: Organisation | None, data: SanctionInput, token: str = ""
) -> tuple[Sanction, bool]:
    """Record a sanction (and, when it has taken effect, its licence status). Returns (sanction, created); a
    retried submission with the same ``token`` returns the first. Raises EnforcementError."""
    data = SanctionInput(**{**data.__dict__, "subject": canonical_actor(data.subject),
                            "currency": data.currency.strip().upper(), "legal_basis": data.legal_basis.strip()})
    errors, licence = check_sanction(data)
    if errors:
        raise EnforcementError(errors)
    assert data.regulator is not None and data.subject is not None
    fields = {k: v for k, v in data.__dict__.items() if k not in ("licence",)}
    fields["licence"] = licence
    fingerprint = _fingerprint({k: getattr(v, "pk", v) for k, v in fields.items()})

    def create(key: str | None) -> Sanction:
        with transaction.atomic():
            s = Sanction.objects.create(**fields, recorded_by=user, organisation=organisation, idempotency_key=key,
                                        input_hash=fingerprint)
            audit_record(actor=user, action="sanction.impose", target=s, organisation=organisation, new={
                "subject": s.subject.identifier, "regulator": s.regulator.identifier, "kind": s.kind,
                "breaches": s.breaches, "legal_basis": s.legal_basis, "effective_from": str(s.effective_from),
                "effective_until": str(s.effective_until) if s.effective_until else None,
                "amount": f"{s.amount:.2f}" if s.amount is not None else None, "currency": s.currency,
                "licence": licence.number if licence else None,
            })
            if s.effective_from <= today():
                _apply(s, user)
            return s

    return _once(Sanction, token, fingerprint, create)


def _apply(s: Sanction, user: User | None) -> None:
    """Put the sanction's licence in the status the sanction gives it (once)."""
    status = LICENCE_STATUS_OF.get(SanctionKind(s.kind))
    if status is None or s.licence is None or s.licence_change_id is not None:
        return
    lic = Licence.objects.select_for_update().get(pk=s.licence.pk)
    change = licence_status_record(
        actor_user=user, licence=lic, status=status, effective_date=s.effective_from, valid_until=lic.valid_until,
        reason=s.legal_basis, source_note=f"FairRecruit {s.code}"
        + (f"; {s.source_note}" if s.source_note else ""),
    )
    if change is not None:
        s.licence_change = change
        s.save(update_fields=["licence_change"])


def _reinstate(s: Sanction, user: User | None, day: dt.date, reason: str) -> bool:
    """Give the licence back the status it had before the sanction, when the sanction's status is still its
    latest one. Returns whether it did."""
    if s.licence_change is None or s.reinstated:
        return False
    lic = Licence.objects.select_for_update().get(pk=s.licence_change.licence_id)
    latest = lic.history.order_by("-effective_date", "-id").first()
    if latest is None or latest.pk != s.licence_change_id:
        return False
    before = lic.history.exclude(pk=latest.pk).filter(
        effective_date__lte=latest.effective_date).order_by("-effective_date", "-id").first()
    status = before.status if before is not None else LicenceStatus.ACTIVE
    licence_status_record(actor_user=user, licence=lic, status=status, effective_date=day,
                          valid_until=lic.valid_until, reason=reason, source_note=f"FairRecruit {s.code}")
    s.reinstated = True
    s.save(update_fields=["reinstated"])
    return True


@transaction.atomic
def sanction_lift(*, user: User | None, organisation: Organisation | None, sanction: Sanction,
                  lifted_on: dt.date | None, reason: str) -> Sanction:
    """Lift a sanction (on appeal, or by the regulator's own review). The record stays, with the day and the
    reason; a licence it suspended, revoked or banned gets its earlier status back. Raises EnforcementError."""
    s = Sanction.objects.select_for_update().get(pk=sanction.pk)
    errors: list[dict[str, str]] = []
    if s.lifted_on is not None:
        errors.append({"field": "lifted_on", "message": f"this sanction was already lifted on {s.lifted_on}"})
    _check_day(errors, "lifted_on", lifted_on)
    if lifted_on is not None and lifted_on < s.decided_on:
        errors.append({"field": "lifted_on", "message": "must not be before the day the sanction was decided"})
    if not reason.strip():
        errors.append({"field": "reason", "message": "say why it is lifted (e.g. appeal upheld by the tribunal)"})
    elif len(reason) > 500:
        errors.append({"field": "reason", "message": "write at most 500 characters"})
    if errors:
        raise EnforcementError(errors)
    assert lifted_on is not None
    s.lifted_on, s.lifted_reason = lifted_on, reason.strip()
    s.save(update_fields=["lifted_on", "lifted_reason"])
    reinstated = _reinstate(s, user, lifted_on, f"sanction lifted: {s.lifted_reason}")
    audit_record(actor=user, action="sanction.lift", target=s, organisation=organisation,
                 old={"lifted_on": None}, new={"lifted_on": str(lifted_on), "reason": s.lifted_reason,
                                               "licence_reinstated": reinstated})
    return s


@transaction.atomic
def sanction_publication(*, user: User | None, organisation: Organisation | None, sanction: Sanction,
                         published: bool, reason: str = "", day: dt.date | None = None) -> Sanction:
    """Withdraw a sanction from publication (``published=False``, with the reason: a court order, a person's
    request the regulator granted, an error being checked) or publish it again. Only what the public sees
    changes: the sanction stays in force, its licence effects stay, and the regulator's side, certification
    monitoring and inspection targeting still count it. Raises EnforcementError."""
    s = Sanction.objects.select_for_update().get(pk=sanction.pk)
    errors: list[dict[str, str]] = []
    if not published and s.withdrawn_on is not None:
        errors.append({"field": "published", "message": f"this sanction was already withdrawn on {s.withdrawn_on}"})
    elif published and s.withdrawn_on is None:
        errors.append({"field": "published", "message": "this sanction is published already"})
    if not published and not reason.strip():
        errors.append({"field": "reason", "message": "say why it is withdrawn (e.g. court order of 3 May 2026)"})
    elif len(reason) > 500:
        errors.append({"field": "reason", "message": "write at most 500 characters"})
    if errors:
        raise EnforcementError(errors)
    old = {"withdrawn_on": str(s.withdrawn_on) if s.withdrawn_on else None, "reason": s.withdrawn_reason}
    if published:
        s.withdrawn_on, s.withdrawn_reason = None, ""
    else:
        s.withdrawn_on, s.withdrawn_reason = day or today(), reason.strip()
    s.save(update_fields=["withdrawn_on", "withdrawn_reason"])
    audit_record(actor=user, action="sanction.publish" if published else "sanction.withdraw", target=s,
                 organisation=organisation, old=old,
                 new={"withdrawn_on": str(s.withdrawn_on) if s.withdrawn_on else None, "reason": s.withdrawn_reason})
    return s


def sanctions_tick(day: dt.date | None = None) -> dict[str, int]:
    """The daily round: licence statuses of sanctions whose first day has come, and reinstatement of licences
    whose suspension has ended. Safe to run any number of times."""
    day = day or today()
    applied = ended = 0
    due = Sanction.objects.filter(kind__in=list(LICENCE_STATUS_OF), licence__isnull=False,
                                  licence_change__isnull=True, lifted_on__isnull=True, effective_from__lte=day)
    for s in due.select_related("licence"):
        with transaction.atomic():
            if s.kind == SanctionKind.SUSPENSION and s.effective_until and s.effective_until < day:
                continue  # over before it was applied: nothing to put in force
            _apply(s, None)
            applied += s.licence_change_id is not None
    over = Sanction.objects.filter(kind=SanctionKind.SUSPENSION, effective_until__lt=day, lifted_on__isnull=True,
                                   licence_change__isnull=False, reinstated=False)
    for s in over.select_related("licence_change"):
        with transaction.atomic():
            assert s.effective_until is not None
            if _reinstate(s, None, s.effective_until + dt.timedelta(days=1), "suspension ended"):
                ended += 1
                audit_record(actor=None, action="sanction.ended", target=s,
                             new={"licence_reinstated_on": str(s.effective_until + dt.timedelta(days=1))})
    return {"applied": applied, "reinstated": ended}
