"""Writes for the standards app: storing an assessment, once, with its audit event."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import audit_record
from fairrecruit.standards.engine import ZERO_FEE_ID, JourneyError, default_assessor
from fairrecruit.standards.models import Assessment


class IdempotencyConflict(ValueError):
    """The same idempotency key was used before with a different journey."""


def journey_hash(journey: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(journey, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def assessment_compute(*, journey: dict[str, Any]) -> dict[str, Any]:
    """Validate and assess without storing anything (the worker page uses this: nothing kept)."""
    return default_assessor().assess(journey)


def assessment_create(
    *,
    actor: User,
    journey: dict[str, Any],
    organisation: Organisation | None = None,
    idempotency_key: str | None = None,
) -> tuple[Assessment, bool]:
    """Assess and store. With an idempotency key, a retried request returns the stored assessment
    (``created`` False) instead of storing it twice. Raises JourneyError or IdempotencyConflict."""
    h = journey_hash(journey)
    if idempotency_key:
        existing = Assessment.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.input_hash != h:
                raise IdempotencyConflict(idempotency_key)
            return existing, False
    result = default_assessor().assess(journey)
    owed_usd = (result["owed"].get(ZERO_FEE_ID) or {}).get("amount_usd")
    try:
        with transaction.atomic():
            a = Assessment.objects.create(
                organisation=organisation,
                created_by=actor,
                idempotency_key=idempotency_key or None,
                input_hash=h,
                journey=journey,
                result=result,
                ruleset_version=result["ruleset_version"],
                origin=journey["origin"],
                destination=journey["destination"],
                reference_date=result["reference_date"],
                owed_zero_fee_usd=None if owed_usd is None else Decimal(str(owed_usd)),
            )
            audit_record(
                actor=actor,
                action="assessment.create",
                target=a,
                organisation=organisation,
                new={
                    "corridor": result["corridor"],
                    "ruleset_version": result["ruleset_version"],
                    "owed": result["owed"],
                },
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: return what it stored.
        existing = Assessment.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        if existing.input_hash != h:
            raise IdempotencyConflict(idempotency_key or "") from None
        return existing, False
    return a, True


__all__ = ["IdempotencyConflict", "JourneyError", "assessment_compute", "assessment_create", "journey_hash"]
