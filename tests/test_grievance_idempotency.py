"""The shared idempotent-submission helper (core/idempotency.py) that complaints, evidence uploads and reviews
use: a retry finds the stored record, a reused token with another input is a mismatch, and an insert that
loses a race to a concurrent retry returns the winner's record."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from fairrecruit.core import idempotency
from fairrecruit.grievances.models import Case
from fairrecruit.grievances.services import ComplaintInput, complaint_submit

pytestmark = pytest.mark.django_db
PURPOSE = "grievance.idempotency"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")


def _stored(token: str) -> Case:
    return complaint_submit(data=ComplaintInput(categories=["fees"]), token=token, channel="api").case


def _duplicate(key: str) -> Case:
    with transaction.atomic():
        return Case.objects.create(
            code="GR-ZZZZ-ZZZZ",
            pin_hash="x",
            idempotency_key=key,
            input_hash="y",
            channel="api",
            primary_category="fees",
            severity="low",
            urgency="normal",
            stage_started_at=timezone.now(),
        )


def test_prior_finds_a_retry_and_refuses_another_input() -> None:
    token = secrets.token_urlsafe(24)
    assert idempotency.prior(Case.objects.all(), token=token, purpose=PURPOSE, fingerprint="f") is None
    case = _stored(token)
    found = idempotency.prior(Case.objects.all(), token=token, purpose=PURPOSE, fingerprint=case.input_hash)
    assert found == case
    with pytest.raises(idempotency.IdempotencyMismatch) as exc:
        idempotency.prior(Case.objects.all(), token=token, purpose=PURPOSE, fingerprint="another input")
    assert exc.value.existing == case


def test_losing_the_race_returns_the_winner_and_cleans_up() -> None:
    token = secrets.token_urlsafe(24)
    case = _stored(token)  # the concurrent retry that committed first
    cleaned: list[bool] = []
    once = idempotency.create_once(
        Case.objects.all(),
        token=token,
        purpose=PURPOSE,
        fingerprint=case.input_hash,
        create=_duplicate,
        cleanup=lambda: cleaned.append(True),
    )
    assert once.obj == case and once.created is False and cleaned == [True]
    assert Case.objects.count() == 1
    with pytest.raises(idempotency.IdempotencyMismatch):
        idempotency.create_once(
            Case.objects.all(), token=token, purpose=PURPOSE, fingerprint="other", create=_duplicate
        )


def test_another_integrity_error_is_not_swallowed() -> None:
    _stored("first-token-0000000001")
    other = Case.objects.get()

    def clash(key: str) -> Case:  # a unique code already taken, under a new token
        with transaction.atomic():
            return Case.objects.create(
                code=other.code,
                pin_hash="x",
                idempotency_key=key,
                input_hash="y",
                channel="api",
                primary_category="fees",
                severity="low",
                urgency="normal",
                stage_started_at=timezone.now(),
            )

    with pytest.raises(IntegrityError):
        idempotency.create_once(
            Case.objects.all(), token="second-token-000000001", purpose=PURPOSE, fingerprint="y", create=clash
        )
