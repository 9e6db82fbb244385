"""Idempotent submissions: a client's retried submission is stored once.

The client sends a token (a form's hidden token, an ``Idempotency-Key`` header). The record stores a keyed hash
of it (``crypto.lookup_hash`` with a purpose) under a unique constraint, and a hash of what was sent (the input
fingerprint). Then:

* a retry (same token, same input) finds the stored record and stores nothing;
* the same token with another input is a conflict (``IdempotencyMismatch``; the caller answers 409);
* two retries racing each other both try to insert: the unique key refuses the second inside its transaction,
  which then finds the first one's record (``create_once``).

Keys hashed under an older field key are still found (``crypto.lookup_hashes`` tries every configured key), so a
key rotation does not turn a retry into a second record. Used by ``reviews.services.review_submit`` and
``grievances.services.complaint_submit`` / ``worker_evidence_upload``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from fairrecruit.core import crypto

T = TypeVar("T", bound=Model)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,100}$")  # a form's token or an Idempotency-Key header
HEADER = "Idempotency-Key"


def header_key(request: HttpRequest) -> tuple[str, dict[str, str] | None]:
    """The request's ``Idempotency-Key`` ('' when none) and, when it is malformed, the field error to answer."""
    key = request.headers.get(HEADER) or ""
    if key and not TOKEN_RE.match(key):
        return key, {"field": HEADER, "message": "must be 16 to 100 letters, digits, - or _ (use a random UUID)"}
    return key, None


class IdempotencyMismatch(ValueError):
    """The token was used before with another input. ``existing`` is the record stored with it."""

    def __init__(self, existing: Any) -> None:
        self.existing = existing
        super().__init__("token already used with another input")


@dataclass(frozen=True)
class Once(Generic[T]):
    obj: T
    created: bool


def key_hash(token: str, *, purpose: str) -> str:
    """What to store in the record's unique key column."""
    return crypto.lookup_hash(token, purpose=purpose)


def prior(
    queryset: QuerySet[T],
    *,
    token: str,
    purpose: str,
    fingerprint: str,
    key_field: str = "idempotency_key",
    input_field: str = "input_hash",
) -> T | None:
    """The record stored with this token, or None. Raises IdempotencyMismatch when it was stored with
    another input."""
    obj = queryset.filter(**{f"{key_field}__in": crypto.lookup_hashes(token, purpose=purpose)}).first()
    if obj is not None and getattr(obj, input_field) != fingerprint:
        raise IdempotencyMismatch(obj)
    return obj


def create_once(
    queryset: QuerySet[T],
    *,
    token: str,
    purpose: str,
    fingerprint: str,
    create: Callable[[str], T],
    cleanup: Callable[[], None] | None = None,
    key_field: str = "idempotency_key",
    input_field: str = "input_hash",
) -> Once[T]:
    """Store the record with ``create(key_hash)``, which must run in its own ``transaction.atomic`` and store
    the hash in ``key_field`` (unique) and ``fingerprint`` in ``input_field``. When a concurrent retry stored
    it first (IntegrityError), return that record instead (``created`` False). ``cleanup`` runs whenever
    ``create`` raises (e.g. to remove files written before the transaction). Raises IdempotencyMismatch when
    the racing record was stored with another input; any other IntegrityError propagates."""
    try:
        return Once(create(key_hash(token, purpose=purpose)), True)
    except IntegrityError:
        if cleanup is not None:
            cleanup()
        found = prior(
            queryset,
            token=token,
            purpose=purpose,
            fingerprint=fingerprint,
            key_field=key_field,
            input_field=input_field,
        )
        if found is None:
            raise
        return Once(found, False)
    except BaseException:
        if cleanup is not None:
            cleanup()
        raise
