"""Workforce fee surveys: a brand or employer asks its workers what they paid to get their jobs. Each answer is
the journey the fee check takes, assessed by the standards engine, with the worker's employee number (encrypted,
read only by the organisation's users who manage it, every read logged) so that the brand can repay: the answers
download in the file format of the repayment programmes (``grievances.programmes``). Aggregates are shown only
from ``MIN_CELL`` answers up."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fairrecruit.core import crypto
from fairrecruit.core.auth import post_limited
from fairrecruit.core.models import AuditEvent, Organisation, User
from fairrecruit.core.permissions import can
from fairrecruit.core.services import audit_record
from fairrecruit.grievances.models import Programme
from fairrecruit.grievances.programmes import (
    OPTIONAL,
    PAYMENT,
    REQUIRED,
    Imported,
    next_instalment,
    programme_import,
)
from fairrecruit.grievances.services import CODE_ALPHABET, encode_code, source_for_ip
from fairrecruit.registry.selectors import today
from fairrecruit.standards.engine import ZERO_FEE_ID, default_assessor
from fairrecruit.supplychain import conf
from fairrecruit.supplychain.models import FeeSurvey, FeeSurveyAnswer, answer_ref_hashes
from fairrecruit.supplychain.services import SupplyChainError

MIN_CELL = 5
REF_MAX = 40


def survey_create(*, user: User | None, organisation: Organisation, title: str,
                  closes: dt.date | None = None) -> FeeSurvey:
    errors = []
    title = " ".join((title or "").split())
    if not title:
        errors.append({"field": "title", "message": "is required: e.g. 'Fee survey, Doha warehouse, 2026'"})
    if len(title) > 200:
        errors.append({"field": "title", "message": "at most 200 characters"})
    if closes is not None and closes < today():
        errors.append({"field": "closes", "message": "must not be in the past"})
    if errors:
        raise SupplyChainError(errors)
    with transaction.atomic():
        s = FeeSurvey.objects.create(organisation=organisation, title=title, closes=closes, created_by=user,
                                     code=secrets.token_urlsafe(9)[:12].replace("-", "x").replace("_", "y"))
        audit_record(actor=user, action="feesurvey.create", target=s, organisation=organisation,
                     new={"title": title, "closes": closes.isoformat() if closes else None})
    return s


def over_rate(request: HttpRequest) -> bool:
    """Count one answer from this connection (the page and the API share the count); True when over
    ``FAIRRECRUIT_FEE_SURVEY_RATE``."""
    return post_limited(request, group="supplychain.survey", rate=conf.get("FAIRRECRUIT_FEE_SURVEY_RATE"),
                        source=lambda _group, req: source_for_ip(req.META.get("REMOTE_ADDR")))


def is_open(survey: FeeSurvey) -> bool:
    return survey.closes is None or survey.closes >= today()


class AlreadyAnswered(ValueError):
    """An answer with this employee number is stored already (a different one: not a retry)."""


class TokenReused(ValueError):
    """The form's token (or the Idempotency-Key) was used before with other answers."""


@dataclass
class Answered:
    answer: FeeSurveyAnswer
    created: bool


def _ref_hashes(survey: FeeSurvey, ref: str) -> list[str]:
    return answer_ref_hashes(survey.pk, ref)


def _ref_hash(survey: FeeSurvey, ref: str) -> str:
    return _ref_hashes(survey, ref)[0]


def current(survey: FeeSurvey) -> QuerySet[FeeSurveyAnswer]:
    """The answers that count: not withdrawn."""
    return survey.answers.filter(withdrawn_at__isnull=True)


RECEIPT_PURPOSE = "feesurvey.receipt"
RECEIPT_LENGTH = 12


def receipt_for(token: str) -> str:
    """The worker's receipt code for an answer, derived from the form's token with the server key (so a retry
    shows the same code, and nothing stores it in clear): ``FS-XXXX-XXXX-XXXX``, 12 characters of an alphabet
    without look-alikes (about 59 bits)."""
    raw = encode_code(int.from_bytes(crypto.derive(token, purpose=RECEIPT_PURPOSE), "big"), RECEIPT_LENGTH)
    return f"FS-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_receipt(code: str) -> str:
    """A receipt code as typed (any case, with or without the dashes and the FS- prefix) in its printed form."""
    clean = "".join(c for c in (code or "").upper() if c in CODE_ALPHABET)
    clean = clean[-RECEIPT_LENGTH:] if len(clean) >= RECEIPT_LENGTH else clean
    return f"FS-{clean[:4]}-{clean[4:8]}-{clean[8:]}" if len(clean) == RECEIPT_LENGTH else ""


def answer_by_receipt(survey: FeeSurvey, code: str) -> FeeSurveyAnswer | None:
    printed = normalise_receipt(code)
    if not printed:
        return None
    hashes = crypto.lookup_hashes(printed, purpose=RECEIPT_PURPOSE)
    return (survey.answers.filter(receipt_hash__in=hashes)
            .select_related("programme_worker__programme").first())


def repayment_status(answer: FeeSurveyAnswer, *, today_: dt.date | None = None) -> dict[str, Any]:
    """What the worker may see about their own answer: when it was recorded, whether it counts, what the
    zero-fee standard says is owed, and, once the organisation made a repayment programme, what the programme
    owes them, what was paid, and the next instalment not yet covered. Never the employee number."""
    day = today_ or today()
    zero = (answer.result.get("owed") or {}).get(ZERO_FEE_ID) or {}
    out: dict[str, Any] = {
        "recorded_on": answer.created_at.date(),
        "withdrawn": answer.withdrawn_at is not None,
        "owed": zero.get("amount"), "currency": zero.get("currency"), "owed_status": zero.get("status"),
        "programme": None,
    }
    w = answer.programme_worker
    if w is not None and answer.withdrawn_at is None:
        due = next_instalment(w)
        nxt = None if due is None else {"due_date": due[0], "amount": due[1], "late": due[0] < day}
        out["programme"] = {
            "name": w.programme.name, "owed": w.owed, "currency": w.currency, "paid": w.paid,
            "outstanding": None if w.owed is None else max(w.owed - w.paid, Decimal(0)),
            "repaid": w.settled_at is not None, "next": None if w.settled_at is not None else nxt,
            "payments": [(p.paid_on, p.amount) for p in w.payments.all()],
        }
    return out


def answer_submit(*, survey: FeeSurvey, worker_ref: str, journey: dict[str, Any], token: str) -> Answered:
    """Store one worker's answer (``journey`` is valid). A retry with the same form token stores nothing new;
    a second answer with the same employee number is refused (``AlreadyAnswered``): someone else could have typed
    it, so corrections go through the organisation; the same token with other answers is ``TokenReused``."""
    token_hash = crypto.lookup_hash(token, purpose="feesurvey.token")
    input_hash = hashlib.sha256(json.dumps([worker_ref, journey], sort_keys=True).encode()).hexdigest()
    found = FeeSurveyAnswer.objects.filter(token_hash=token_hash).first()
    if found is not None:  # a withdrawn answer's form is not taken again: the worker opens the page anew
        if found.survey_id != survey.pk or found.input_hash != input_hash or found.withdrawn_at is not None:
            raise TokenReused(token)
        return Answered(found, False)
    ref_hash = _ref_hash(survey, worker_ref)
    if current(survey).filter(worker_ref_hash__in=_ref_hashes(survey, worker_ref)).exists():
        raise AlreadyAnswered(worker_ref)
    result = default_assessor().assess(journey)
    zero = result["owed"].get(ZERO_FEE_ID) or {}
    paid = result["paid"].get("amount_usd")
    try:
        with transaction.atomic():
            a = FeeSurveyAnswer.objects.create(
                survey=survey, worker_ref=" ".join(worker_ref.split()), worker_ref_hash=ref_hash,
                token_hash=token_hash, input_hash=input_hash, journey=journey, result=result,
                receipt_hash=crypto.lookup_hash(receipt_for(token), purpose=RECEIPT_PURPOSE),
                paid_usd=None if paid is None else Decimal(str(round(paid, 2))),
                owed_usd=None if zero.get("amount_usd") is None else Decimal(str(round(zero["amount_usd"], 2))),
                months=(result.get("sdg_10_7_1") or {}).get("months"),
            )
            audit_record(actor=None, action="feesurvey.answer", target=a, organisation=survey.organisation,
                         new={"survey": survey.pk})  # nothing about the worker
    except IntegrityError:  # a retry racing the first submission, or the same employee number at once
        again = FeeSurveyAnswer.objects.filter(token_hash=token_hash).first()
        if again is not None:
            if again.survey_id != survey.pk or again.input_hash != input_hash or again.withdrawn_at is not None:
                raise TokenReused(token) from None
            return Answered(again, False)
        raise AlreadyAnswered(worker_ref) from None
    return Answered(a, True)


@dataclass
class Corrected:
    answer: FeeSurveyAnswer
    action: str  # "withdrawn" or "renumbered"
    again: bool = False  # a retry: this correction was made before


def answer_correct(*, survey: FeeSurvey, user: User | None, worker_ref: str, reason: str,
                   new_worker_ref: str = "") -> Corrected:
    """The organisation corrects one answer, found by its employee number as the worker typed it: with
    ``new_worker_ref`` the number is changed (the worker mistyped it); without, the answer is withdrawn (someone
    else used this number, or the worker asks): it is kept, counts nowhere, and the number may answer again.
    A reason is required. The audit event names the answer and the reason; employee numbers appear in it only as
    the keyed hashes the row holds."""
    if not can(user, "supplychain.manage", survey.organisation_id):
        raise PermissionDenied("Correcting this survey's answers needs supplychain.manage for its organisation.")
    ref, new, reason = " ".join((worker_ref or "").split()), " ".join((new_worker_ref or "").split()), reason.strip()
    errors = []
    if not ref:
        errors.append({"field": "worker_ref", "message": "is required: the employee number as the worker typed it"})
    if len(new) > REF_MAX:
        errors.append({"field": "new_worker_ref", "message": f"at most {REF_MAX} characters"})
    elif new and ref and new.casefold() == ref.casefold():
        errors.append({"field": "new_worker_ref", "message": "is the same number: leave it empty to withdraw the "
                                                             "answer, or type the right number"})
    if not reason:
        errors.append({"field": "reason", "message": "is required: e.g. 'worker mistyped her number (ticket 12)'"})
    elif len(reason) > 500:
        errors.append({"field": "reason", "message": "at most 500 characters"})
    if errors:
        raise SupplyChainError(errors)
    try:
        return _correct(survey, user, ref, new, reason)
    except IntegrityError:  # a worker answered with the new number at this very moment
        raise SupplyChainError([{"field": "new_worker_ref", "message": "another answer has this employee number "
                                                                       "already"}]) from None


def _correct(survey: FeeSurvey, user: User | None, ref: str, new: str, reason: str) -> Corrected:
    with transaction.atomic():
        a = current(survey).select_for_update().filter(worker_ref_hash__in=_ref_hashes(survey, ref)).first()
        if a is None:  # a retry of a correction made already answers as the first did, and changes nothing
            done = (_renumbered(survey, ref, new) if new else
                    survey.answers.filter(worker_ref_hash__in=_ref_hashes(survey, ref), withdrawn_at__isnull=False)
                    .order_by("-withdrawn_at").first())
            if done is not None:
                return Corrected(done, "renumbered" if new else "withdrawn", again=True)
            raise SupplyChainError([{"field": "worker_ref", "message": "no answer in this survey has this employee "
                                                                       "number: check it as the worker wrote it"}])
        before = a.worker_ref_hash
        if new:
            if current(survey).filter(worker_ref_hash__in=_ref_hashes(survey, new)).exclude(pk=a.pk).exists():
                raise SupplyChainError([{"field": "new_worker_ref", "message": "another answer has this employee "
                                                                               "number already"}])
            a.worker_ref, a.worker_ref_hash = new, _ref_hash(survey, new)
            a.save(update_fields=["worker_ref", "worker_ref_hash"])
            action = "renumbered"
        else:
            a.withdrawn_at, a.withdrawn_by, a.withdraw_reason = timezone.now(), user, reason
            a.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
            action = "withdrawn"
        audit_record(actor=user, action=f"feesurvey.answer.{action}", target=a, organisation=survey.organisation,
                     old={"ref_hash": before} if new else None,  # keyed hashes, as on the row: no number in clear
                     new={"survey": survey.pk, "reason": reason} | ({"ref_hash": a.worker_ref_hash} if new else {}))
    return Corrected(a, action)


def _renumbered(survey: FeeSurvey, old: str, new: str) -> FeeSurveyAnswer | None:
    """The current answer numbered ``new`` if it was renumbered from ``old`` (so asking again is a retry)."""
    a = current(survey).filter(worker_ref_hash__in=_ref_hashes(survey, new)).first()
    if a is None:
        return None
    olds = set(_ref_hashes(survey, old))
    events = AuditEvent.objects.filter(action="feesurvey.answer.renumbered", target_type=a._meta.label_lower,
                                       target_id=str(a.pk))
    return a if any((e.old or {}).get("ref_hash") in olds for e in events) else None


def summary(survey: FeeSurvey) -> dict[str, Any]:
    """Counts, and the aggregates from MIN_CELL answers up (None below)."""
    rows = list(current(survey).values("paid_usd", "owed_usd", "months", "journey"))
    n = len(rows)
    out: dict[str, Any] = {"answers": n, "min_cell": MIN_CELL, "shown": n >= MIN_CELL,
                           "withdrawn": survey.answers.filter(withdrawn_at__isnull=False).count()}
    by_origin: dict[str, int] = {}
    for r in rows:
        by_origin[r["journey"]["origin"]] = by_origin.get(r["journey"]["origin"], 0) + 1
    out["by_origin"] = sorted(((cc, k if k >= MIN_CELL else None) for cc, k in by_origin.items()),
                              key=lambda x: -(x[1] or 0))
    if n < MIN_CELL:
        return out
    paid = [float(r["paid_usd"] or 0) for r in rows]
    months = [r["months"] for r in rows if r["months"] is not None]
    out["paid_any_percent"] = round(100 * sum(1 for p in paid if p > 0) / n)
    out["median_paid_usd"] = round(statistics.median(paid), 2)
    out["median_months"] = round(statistics.median(months), 2) if len(months) >= MIN_CELL else None
    owed = [r["owed_usd"] for r in rows if r["owed_usd"] is not None]
    out["owed_usd"] = float(sum(owed, Decimal(0)))
    out["owed_known"] = len(owed)
    return out


PROGRAMME_COLUMNS = [*REQUIRED, *PAYMENT, *OPTIONAL]


def programme_csv(survey: FeeSurvey, *, user: User | None, purpose: str) -> str:
    """The answers as a repayment programme's file (one row per payment; grievances.programmes), with each
    employee number read through ``crypto.sensitive_read_many`` (each read logged; refused and logged for users who
    may not)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=PROGRAMME_COLUMNS, lineterminator="\n")
    w.writeheader()
    answers = list(current(survey).select_related("survey").order_by("id"))
    refs = crypto.sensitive_read_many(actor_user=user, objs=answers, field="worker_ref", purpose=purpose)
    for a, ref in zip(answers, refs, strict=True):
        j = a.journey
        base = {"worker_ref": ref, "origin": j["origin"], "destination": j["destination"],
                "recruitment_date": j["recruitment_date"], "contract_months": j["contract_months"],
                "promised_wage_amount": j["promised_wage"]["amount"],
                "promised_wage_currency": j["promised_wage"]["currency"],
                "earnings_amount": j["first_month_earnings"]["amount"],
                "earnings_currency": j["first_month_earnings"]["currency"],
                "departure_date": j.get("departure_date", "")}
        payments = j.get("payments") or [{}]
        for p in payments:
            w.writerow(base | {"payment_amount": p.get("amount", ""), "payment_currency": p.get("currency", ""),
                               "payment_date": p.get("date", ""), "payment_purpose": p.get("purpose", ""),
                               "payment_paid_to": p.get("paid_to", "")})
    return buf.getvalue()


def programme_start(*, survey: FeeSurvey, user: User, name: str, first_due: dt.date, standard: str = "ilo-zero-fee",
                    instalments: int = 1, interval_months: int = 1) -> Imported:
    """A repayment programme (``grievances.programmes``) from the survey's current answers, without the file
    leaving the platform: the same rows as the download (each employee number read through
    ``crypto.sensitive_read``), imported at once. Asking again with the same answers returns the same programme;
    answers added since make a new one. Raises ``SupplyChainError`` when there is no answer, ``ProgrammeError`` for
    the programme's own checks and ``PermissionDenied`` without ``grievance.programme.manage``."""
    if not current(survey).exists():
        raise SupplyChainError([{"field": "(survey)", "message": "has no answers yet: a programme needs at least one"}])
    text = programme_csv(survey, user=user, purpose="repayment programme from fee survey")
    # Each answer is linked to its worker in the programme by link_programme_answers, as the import stores them.
    return programme_import(actor=user, organisation=survey.organisation, name=name, data=text.encode(),
                            filename=programme_file(survey), standard=standard, instalments=instalments,
                            first_due=first_due, interval_months=interval_months)


def link_programme_answers(*, programme: Programme, workers: dict[str, int], **_: Any) -> int:
    """Receiver of ``grievances.programmes.programme_imported``: each current answer of the organisation's fee
    surveys whose employee number is a worker of the new programme is linked to that worker, so that the worker
    follows the repayment with their receipt code. Whether the programme was made in one step or from the
    downloaded file (renamed or not), or from the brand's own payroll file with the same employee numbers. An answer
    already linked to another programme moves to this one only when the file is this survey's download (a newer
    programme for the same answers); else the first programme that repays the worker keeps it. Returns how many
    answers were linked."""
    linked = 0
    for survey in FeeSurvey.objects.filter(organisation_id=programme.organisation_id).only("pk"):
        by_hash = {h: wid for ref, wid in workers.items() for h in answer_ref_hashes(survey.pk, ref)}
        own_file = _survey_of_file(programme.source_name) == survey.pk
        for a in current(survey).filter(worker_ref_hash__in=list(by_hash)).only("pk", "worker_ref_hash",
                                                                                 "programme_worker_id"):
            wid = by_hash[a.worker_ref_hash]
            if a.programme_worker_id != wid and (a.programme_worker_id is None or own_file):
                FeeSurveyAnswer.objects.filter(pk=a.pk).update(programme_worker_id=wid)
                linked += 1
    return linked


def _survey_of_file(name: str) -> int | None:
    """The survey whose download a file name is ("fee-survey-12.csv", "fee-survey-12 (1).csv"), else None."""
    m = re.match(r"fee-survey-(\d+)(?!\d)", name)
    return int(m.group(1)) if m else None


def programme_file(survey: FeeSurvey) -> str:
    """The name of the survey's programme file: of the download, and of the programmes made from it."""
    return f"fee-survey-{survey.pk}.csv"


def programmes_from(survey: FeeSurvey) -> QuerySet[Programme]:
    """The repayment programmes made from this survey's answers (in one step, or from its downloaded file)."""
    return (Programme.objects.filter(organisation=survey.organisation, source_name=programme_file(survey))
            .annotate(n=Count("workers")).order_by("-created_at", "-id"))
