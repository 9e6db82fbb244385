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
import secrets
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from fairrecruit.core import crypto
from fairrecruit.core.auth import post_limited
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import audit_record
from fairrecruit.grievances.programmes import OPTIONAL, PAYMENT, REQUIRED
from fairrecruit.grievances.services import source_for_ip
from fairrecruit.registry.selectors import today
from fairrecruit.standards.engine import ZERO_FEE_ID, default_assessor
from fairrecruit.supplychain import conf
from fairrecruit.supplychain.models import FeeSurvey, FeeSurveyAnswer
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


def _ref_hash(survey: FeeSurvey, ref: str) -> str:
    return crypto.lookup_hash(" ".join(ref.split()).casefold(), purpose=f"feesurvey:{survey.pk}")


def answer_submit(*, survey: FeeSurvey, worker_ref: str, journey: dict[str, Any], token: str) -> Answered:
    """Store one worker's answer (``journey`` is valid). A retry with the same form token stores nothing new;
    a second answer with the same employee number is refused (``AlreadyAnswered``): someone else could have typed
    it, so corrections go through the organisation; the same token with other answers is ``TokenReused``."""
    token_hash = crypto.lookup_hash(token, purpose="feesurvey.token")
    input_hash = hashlib.sha256(json.dumps([worker_ref, journey], sort_keys=True).encode()).hexdigest()
    found = FeeSurveyAnswer.objects.filter(token_hash=token_hash).first()
    if found is not None:
        if found.survey_id != survey.pk or found.input_hash != input_hash:
            raise TokenReused(token)
        return Answered(found, False)
    ref_hash = _ref_hash(survey, worker_ref)
    if FeeSurveyAnswer.objects.filter(survey=survey, worker_ref_hash=ref_hash).exists():
        raise AlreadyAnswered(worker_ref)
    result = default_assessor().assess(journey)
    zero = result["owed"].get(ZERO_FEE_ID) or {}
    paid = result["paid"].get("amount_usd")
    try:
        with transaction.atomic():
            a = FeeSurveyAnswer.objects.create(
                survey=survey, worker_ref=" ".join(worker_ref.split()), worker_ref_hash=ref_hash,
                token_hash=token_hash, input_hash=input_hash, journey=journey, result=result,
                paid_usd=None if paid is None else Decimal(str(round(paid, 2))),
                owed_usd=None if zero.get("amount_usd") is None else Decimal(str(round(zero["amount_usd"], 2))),
                months=(result.get("sdg_10_7_1") or {}).get("months"),
            )
            audit_record(actor=None, action="feesurvey.answer", target=a, organisation=survey.organisation,
                         new={"survey": survey.pk})  # nothing about the worker
    except IntegrityError:  # a retry racing the first submission, or the same employee number at once
        again = FeeSurveyAnswer.objects.filter(token_hash=token_hash).first()
        if again is not None:
            if again.survey_id != survey.pk or again.input_hash != input_hash:
                raise TokenReused(token) from None
            return Answered(again, False)
        raise AlreadyAnswered(worker_ref) from None
    return Answered(a, True)


def summary(survey: FeeSurvey) -> dict[str, Any]:
    """Counts, and the aggregates from MIN_CELL answers up (None below)."""
    rows = list(survey.answers.values("paid_usd", "owed_usd", "months", "journey"))
    n = len(rows)
    out: dict[str, Any] = {"answers": n, "min_cell": MIN_CELL, "shown": n >= MIN_CELL}
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
    employee number read through ``crypto.sensitive_read`` (refused and logged for users who may not)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=PROGRAMME_COLUMNS, lineterminator="\n")
    w.writeheader()
    for a in survey.answers.select_related("survey").order_by("id"):
        ref = crypto.sensitive_read(actor_user=user, obj=a, field="worker_ref", purpose=purpose)
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
