"""Field-level encryption at rest, keyed lookup hashes, and logged reads of sensitive fields.

Keys
    ``FAIRRECRUIT_FIELD_KEYS`` (a Django setting, else the environment variable of that name): comma-separated
    url-safe base64 Fernet keys. The first key encrypts; every key decrypts (``MultiFernet``), so a key is
    rotated by putting a new key first and running ``fairrecruit rekey`` (``core.rekey``) over the stored values.
    Lookup hashes of values not kept (PINs, edit codes) cannot be re-keyed: keep an old key listed while values
    hashed under it must be found.
    Make a key with ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.

    When it is unset, a development key is derived from ``SECRET_KEY``. That is only for a local demo:
    production MUST set ``FAIRRECRUIT_FIELD_KEYS`` and keep it outside the database and its backups, or the
    encryption protects nothing.

Fields
    ``EncryptedTextField`` stores Fernet ciphertext in a text column. Reading a row never decrypts: the value
    is a :class:`Sealed` object that prints as ``[encrypted]``. The only way to the clear text for display is
    :func:`sensitive_read`, which checks permission and writes a ``sensitive.read`` audit event, so that "who
    saw this contact" has an answer; :func:`sensitive_read_many` does the same for a page of records (one event
    per record, written in one query).

Lookup hashes
    ``lookup_hash`` is an HMAC keyed by the field key, for values that must be found again (edit codes,
    idempotency tokens, duplicate texts) without storing them. ``lookup_hashes`` gives the hash under every
    configured key, so lookups keep working during a key rotation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

KEYS_SETTING = "FAIRRECRUIT_FIELD_KEYS"
SENSITIVE_READ = "sensitive.read"
SENSITIVE_READ_DENIED = "sensitive.read_denied"


class DecryptionError(ValueError):
    """The value was not encrypted with any configured key (or was altered)."""


# --- keys ----------------------------------------------------------------------------------------------------


def development_key(secret: str) -> bytes:
    """A Fernet key derived from ``SECRET_KEY``: for development only."""
    digest = hashlib.sha256(b"fairrecruit-field-key-v1\x00" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _raw_keys() -> str:
    raw: Any = getattr(settings, KEYS_SETTING, None)
    if raw is None:
        raw = os.environ.get(KEYS_SETTING, "")
    if isinstance(raw, list | tuple):
        raw = ",".join(str(k) for k in raw)
    return str(raw)


def configured_keys() -> tuple[bytes, ...]:
    """The field keys, first one encrypting. Falls back to the development key."""
    keys = tuple(k.strip().encode() for k in _raw_keys().split(",") if k.strip())
    return keys or (development_key(str(settings.SECRET_KEY)),)


def using_development_key() -> bool:
    return not _raw_keys().strip()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(
            f"{KEYS_SETTING}: every key must be a url-safe base64 Fernet key of 32 bytes ({exc})"
        ) from exc


def _box() -> MultiFernet:
    return _fernet(configured_keys())


# --- encryption ----------------------------------------------------------------------------------------------


def encrypt(text: str) -> str:
    """Encrypt with the first key. The token is ASCII text."""
    return _box().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt with any configured key. Raises :class:`DecryptionError`."""
    try:
        return _box().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError("cannot decrypt: wrong key or altered value") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key (after a new key was put first)."""
    try:
        return _box().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("cannot rotate: wrong key or altered value") from exc


def _hash_key(key: bytes) -> bytes:
    return hashlib.sha256(b"fairrecruit-lookup-v1\x00" + key).digest()


def lookup_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under the first key, separated by ``purpose``. Hex, 64 characters."""
    return _hmac(configured_keys()[0], value, purpose)


def lookup_hashes(value: str, *, purpose: str) -> list[str]:
    """The lookup hash under every configured key (to find values stored before a rotation)."""
    return [_hmac(k, value, purpose) for k in configured_keys()]


def _hmac(key: bytes, value: str, purpose: str) -> str:
    msg = purpose.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(_hash_key(key), msg, hashlib.sha256).hexdigest()


def derive(value: str, *, purpose: str) -> bytes:
    """32 pseudo-random bytes from ``value`` (for codes derived from a client token)."""
    return hmac.new(
        _hash_key(configured_keys()[0]), purpose.encode() + b"\x00" + value.encode(), "sha256"
    ).digest()


# --- model field -----------------------------------------------------------------------------------------------


class Sealed:
    """Ciphertext read from the database. Never shows the clear text: use :func:`sensitive_read`."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __str__(self) -> str:
        return "[encrypted]" if self.token else ""

    def __repr__(self) -> str:
        return f"<Sealed {len(self.token)} chars>"

    def __bool__(self) -> bool:
        return bool(self.token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


def seal(text: str) -> Sealed:
    """Encrypt clear text into a value for an :class:`EncryptedTextField` ("" stays empty)."""
    return Sealed(encrypt(text) if text else "")


if TYPE_CHECKING:
    _FieldBase = models.Field[str | Sealed, Sealed]
else:
    _FieldBase = models.Field


class EncryptedTextField(_FieldBase):
    """A text column holding Fernet ciphertext. Assign clear text (a ``str``) or a :class:`Sealed`; reading
    gives a :class:`Sealed`. Empty stays empty (so "no contact given" is visible without decrypting).
    Not searchable: store a :func:`lookup_hash` next to it when a value must be found again."""

    description = "Text encrypted at rest (Fernet)"
    _pyi_private_set_type: str | Sealed
    _pyi_private_get_type: Sealed

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed:
        return Sealed(value or "")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed) or value is None:
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Sealed):
            return value.token
        text = str(value)
        return encrypt(text) if text else ""

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))


# --- logged reads ----------------------------------------------------------------------------------------------


def sensitive_read(*, actor_user: Any, obj: models.Model, field: str, purpose: str) -> str:
    """The clear text of an encrypted field, for showing to ``actor_user``, with an audit event.

    The model says which permission guards each field in ``SENSITIVE_FIELDS = {field: permission}``; when it
    defines ``sensitive_read_allowed(user, permission)`` that decides (for organisation-scoped permissions),
    otherwise any scope of the permission is enough. A refusal is logged too (``sensitive.read_denied``) and
    raises ``PermissionDenied``. ``purpose`` (why it is read) is required and recorded."""
    return sensitive_read_many(actor_user=actor_user, objs=[obj], field=field, purpose=purpose)[0]


def sensitive_read_many(*, actor_user: Any, objs: Any, field: str, purpose: str) -> list[str]:
    """:func:`sensitive_read` for many records at once (a page of a list, a download): each record's read is
    checked and gets its own ``sensitive.read`` event, written in one query. The permission is decided once per
    ``sensitive_read_key()`` when the model defines it (e.g. the organisation that owns the record), else for
    each record. One refusal refuses all (logged for that record): nothing is returned."""
    from fairrecruit.core.models import AuditEvent
    from fairrecruit.core.permissions import can
    from fairrecruit.core.services import audit_event, audit_record

    purpose = (purpose or "").strip()
    if len(purpose) < 3:
        raise ValueError("purpose: say why you need to see this")
    detail = {"field": field, "purpose": purpose[:300]}
    decided: dict[Any, bool] = {}
    events, out = [], []
    for obj in objs:
        fields: dict[str, str] = getattr(obj, "SENSITIVE_FIELDS", {})
        if field not in fields:
            raise ValueError(f"{obj._meta.label}.{field} is not a declared sensitive field")
        permission = fields[field]
        key_of = getattr(obj, "sensitive_read_key", None)
        key = (type(obj), permission, key_of()) if callable(key_of) else None
        if key is None or key not in decided:
            check = getattr(obj, "sensitive_read_allowed", None)
            allowed = bool(check(actor_user, permission)) if callable(check) else can(actor_user, permission)
            if key is not None:
                decided[key] = allowed
        else:
            allowed = decided[key]
        if not allowed:
            audit_record(actor=actor_user, action=SENSITIVE_READ_DENIED, target=obj, new=detail)
            raise PermissionDenied(f"not allowed to read {field}")
        events.append(audit_event(actor=actor_user, action=SENSITIVE_READ, target=obj, new=detail))
        value = getattr(obj, field)
        if isinstance(value, Sealed):
            out.append(decrypt(value.token) if value.token else "")
        else:
            out.append(str(value or ""))  # assigned in this process and not read back from the database
    AuditEvent.objects.bulk_create(events)
    return out


__all__ = [
    "KEYS_SETTING",
    "DecryptionError",
    "EncryptedTextField",
    "Sealed",
    "configured_keys",
    "decrypt",
    "derive",
    "development_key",
    "encrypt",
    "lookup_hash",
    "lookup_hashes",
    "rotate",
    "seal",
    "sensitive_read",
    "sensitive_read_many",
    "using_development_key",
]
