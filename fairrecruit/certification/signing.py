"""Tamper-evident certificates: an Ed25519 signature over the certificate's canonical fields.

Key: ``FAIRRECRUIT_CERT_SIGNING_KEY`` (setting or environment): the 32-byte private seed as 64 hex characters or
url-safe base64. Unset: a development key derived from ``SECRET_KEY`` (demo only; production MUST set it and
keep it out of the database). ``key_id`` is the first 16 hex characters of SHA-256 of the raw public key.
Make a key with ``python -c "import secrets; print(secrets.token_hex(32))"`` or ``fairrecruit certification_keys
rotate``.

Rotation: every certificate records the ``key_id`` of the key that signed it. Verification trusts the current
key and the retired public keys in ``FAIRRECRUIT_CERT_VERIFY_KEYS`` (comma-separated, 64 hex characters or
url-safe base64 each) — configuration, not the database, so someone who can write to the database cannot add a
key of their own and re-sign a changed certificate. A signature by a key that is not trusted is invalid.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fairrecruit.certification import conf

SIGNED_FIELDS = (
    "number",
    "holder",
    "actor",
    "scheme",
    "standard",
    "body",
    "corridors",
    "sectors",
    "issued_on",
    "valid_until",
)


def _key_bytes(raw: str, name: str) -> bytes:
    """32 bytes from 64 hex characters or url-safe base64."""
    try:
        out = bytes.fromhex(raw) if len(raw) == 64 else base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{name}: 32 bytes as hex or base64") from exc
    if len(out) != 32:
        raise ImproperlyConfigured(f"{name}: must be 32 bytes")
    return out


def _seed() -> bytes:
    raw = str(conf.get("FAIRRECRUIT_CERT_SIGNING_KEY")).strip()
    if not raw:
        return hashlib.sha256(b"fairrecruit-cert-signing-v1\x00" + str(settings.SECRET_KEY).encode()).digest()
    return _key_bytes(raw, "FAIRRECRUIT_CERT_SIGNING_KEY")


def using_development_key() -> bool:
    return not str(conf.get("FAIRRECRUIT_CERT_SIGNING_KEY")).strip()


def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_seed())


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_raw() -> bytes:
    return public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def key_id() -> str:
    return key_id_of(public_key_raw())


def retired_public_keys() -> dict[str, bytes]:
    """key_id -> raw public key of every retired key in ``FAIRRECRUIT_CERT_VERIFY_KEYS``."""
    value = conf.get("FAIRRECRUIT_CERT_VERIFY_KEYS")
    items = value if isinstance(value, list | tuple) else str(value).replace(";", ",").split(",")
    out = {}
    for item in items:
        raw = str(item).strip()
        if raw:
            pub = _key_bytes(raw, "FAIRRECRUIT_CERT_VERIFY_KEYS")
            out[key_id_of(pub)] = pub
    return out


def trusted_public_keys() -> dict[str, bytes]:
    """key_id -> raw public key: the current key first, then the retired ones."""
    return {key_id(): public_key_raw(), **{k: v for k, v in retired_public_keys().items() if k != key_id()}}


def new_seed() -> str:
    """A fresh private key seed, as 64 hex characters."""
    import secrets

    return secrets.token_hex(32)


def public_key_raw_of_seed(seed_hex: str) -> bytes:
    priv = Ed25519PrivateKey.from_private_bytes(_key_bytes(seed_hex, "seed"))
    return priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def canonical_fields(cert: Any) -> dict[str, Any]:
    """What is signed, from a Certificate (or anything with the same attributes)."""
    return {
        "number": cert.number,
        "holder": cert.holder_name,
        "actor": cert.actor.identifier,
        "scheme": cert.scheme.code,
        "standard": cert.scheme.standard_id,
        "body": cert.body.organisation.name,
        "corridors": sorted(cert.scope_corridors),
        "sectors": sorted(cert.scope_sectors),
        "issued_on": cert.issued_on.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
    }


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(fields: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(private_key().sign(canonical_bytes(fields))).decode("ascii").rstrip("=")


def verify(fields: dict[str, Any], signature: str, signed_by: str | None = None) -> bool:
    """Whether ``signature`` is a signature of ``fields`` by the key ``signed_by`` (a key id; None: the
    current key). A key id that is neither the current key nor a configured retired key never verifies."""
    raw = public_key_raw() if signed_by is None else trusted_public_keys().get(signed_by)
    if raw is None:
        return False
    try:
        sig = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, canonical_bytes(fields))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def verify_certificate(cert: Any) -> bool:
    """Checked against the key the certificate says signed it (current or retired)."""
    return verify(canonical_fields(cert), cert.signature, cert.key_id or "")
