"""Evidence files for certification: size-limited, type sniffed from the bytes, encrypted with the field keys
(``core.crypto``), kept outside any public URL in ``FAIRRECRUIT_CERT_EVIDENCE_DIR``."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from fairrecruit.certification import conf
from fairrecruit.core import crypto

ALLOWED_PREFIXES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"PK\x03\x04": "application/zip",  # office documents (xlsx, docx)
}


class EvidenceError(ValueError):
    pass


@dataclass(frozen=True)
class Stored:
    storage_name: str
    content_type: str
    size: int
    sha256: str


def _box() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in crypto.configured_keys()])


def sniff(head: bytes) -> str | None:
    return next((kind for prefix, kind in ALLOWED_PREFIXES.items() if head.startswith(prefix)), None)


def save(data: bytes) -> Stored:
    limit = int(conf.get("FAIRRECRUIT_CERT_EVIDENCE_MAX_BYTES"))
    if not data:
        raise EvidenceError("the file is empty")
    if len(data) > limit:
        raise EvidenceError(f"the file is larger than {limit} bytes")
    kind = sniff(data[:16])
    if kind is None:
        raise EvidenceError("only PDF, PNG, JPEG and office (xlsx, docx) files are accepted")
    directory = conf.evidence_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = uuid.uuid4().hex
    tmp = directory / f".{name}.tmp"
    tmp.write_bytes(_box().encrypt(data))
    os.chmod(tmp, 0o600)
    os.replace(tmp, directory / name)
    return Stored(name, kind, len(data), hashlib.sha256(data).hexdigest())


def read(storage_name: str) -> bytes:
    if not storage_name or "/" in storage_name or storage_name.startswith("."):
        raise EvidenceError("bad storage name")
    try:
        return _box().decrypt((conf.evidence_dir() / storage_name).read_bytes())
    except InvalidToken as exc:
        raise EvidenceError("cannot decrypt: wrong key or altered file") from exc


def delete(storage_name: str) -> None:
    try:
        (conf.evidence_dir() / storage_name).unlink()
    except FileNotFoundError:
        pass
