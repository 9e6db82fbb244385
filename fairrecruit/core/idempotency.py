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
``grievances.services.complaint_submit`` / ``worker_evidence_upload``.

Records without an idempotency column of their own go through ``submit_once``: the token's hash is kept in a
``FormSubmission`` row next to what the form stored, written in the same transaction."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_noop

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


def submit_once(*, token: str, purpose: str, fingerprint: str, model: type[T], create: Callable[[], T]) -> Once[T]:
    """Run ``create`` (which stores a ``model`` record and returns it) once per form token: the same token and
    input again return the record stored the first time (``created`` False) without calling ``create``; the same
    token with another input raises IdempotencyMismatch. Without a token, ``create`` just runs.

    The token's ``FormSubmission`` row is inserted first, in the transaction of ``create``'s writes: a retry
    racing the first submission waits on the unique key and then finds it, so ``create`` never runs twice (and
    stores no file twice). An exception from ``create`` rolls the row back with everything else."""
    from fairrecruit.core.models import FormSubmission

    if not token:
        return Once(create(), True)
    hashes = crypto.lookup_hashes(token, purpose=purpose)

    def stored() -> T | None:
        sub = FormSubmission.objects.filter(key_hash__in=hashes).first()
        if sub is None:
            return None
        if sub.input_hash != fingerprint or sub.purpose != purpose:
            raise IdempotencyMismatch(sub)
        return model._default_manager.filter(pk=sub.target_id).first()

    found = stored()
    if found is not None:
        return Once(found, False)
    try:
        with transaction.atomic():
            sub = FormSubmission.objects.create(key_hash=hashes[0], input_hash=fingerprint, purpose=purpose,
                                                target_type=model._meta.label_lower, target_id="")
            obj = create()
            sub.target_id = str(obj.pk)
            sub.save(update_fields=["target_id"])
    except IntegrityError:
        found = stored()
        if found is None:
            raise
        return Once(found, False)
    return Once(obj, True)


def form_once(request: HttpRequest, *, purpose: str, model: type[T], create: Callable[[], T]) -> Once[T]:
    """``submit_once`` for a page's form carrying ``{% form_token %}``."""
    return submit_once(token=form_token(request), purpose=purpose, fingerprint=form_fingerprint(request),
                       model=model, create=create)


# Shown (translated: gettext(FORM_RESENT)) when a form's token comes back with other values.
FORM_RESENT = gettext_noop("This form was already sent with other values: reload the page and try again.")


def form_fingerprint(request: HttpRequest) -> str:
    """A hash of what a page's form sent (its fields but the tokens, and its files' contents)."""
    fields = sorted((k, v) for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken", "token"))
    files = []
    for k, uploaded in request.FILES.lists():
        for f in uploaded:
            files.append((k, hashlib.sha256(f.read()).hexdigest()))
            f.seek(0)
    files.sort()
    return fingerprint(request.path, fields, files)


def form_token(request: HttpRequest) -> str:
    """The token of a page's form (``{% form_token %}``); "" when none or malformed."""
    token = request.POST.get("token", "")
    return token if TOKEN_RE.match(token) else ""


def fingerprint(*parts: Any) -> str:
    """A hash of what a form sent, for ``submit_once``."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
