"""Evidence files: type sniffed from the bytes, size limited, encrypted with the field keys, kept outside any
public URL (``FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR``). Files are written before the database row and removed
again when the transaction fails, so no row ever points at a missing file."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from fairrecruit.core import crypto
from fairrecruit.grievances import conf

# (content type, file extension shown on download)
ALLOWED = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


class EvidenceError(ValueError):
    pass


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes (magic numbers); None when not an accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


@dataclass(frozen=True)
class Stored:
    storage_name: str
    content_type: str
    size: int
    sha256: str


def _box() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in crypto.configured_keys()])


def _path(storage_name: str) -> Path:
    if not storage_name or "/" in storage_name or "\\" in storage_name or storage_name.startswith("."):
        raise EvidenceError("bad storage name")
    return conf.evidence_dir() / storage_name


def check(data: bytes) -> str:
    """The sniffed content type, or EvidenceError saying why the file is refused."""
    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES"))
    if not data:
        raise EvidenceError("the file is empty")
    if len(data) > limit:
        raise EvidenceError(f"the file is larger than {limit // (1024 * 1024) or 1} MB")
    kind = sniff(data[:16])
    if kind is None:
        raise EvidenceError("only photos (JPEG, PNG, WebP, HEIC) and PDF files are accepted")
    return kind


def save(data: bytes) -> Stored:
    kind = check(data)
    directory = conf.evidence_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = uuid.uuid4().hex
    target = directory / name
    tmp = directory / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(_box().encrypt(data))
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)
    return Stored(name, kind, len(data), hashlib.sha256(data).hexdigest())


def read(storage_name: str) -> bytes:
    try:
        return _box().decrypt(_path(storage_name).read_bytes())
    except InvalidToken as exc:
        raise EvidenceError("cannot decrypt: wrong key or altered file") from exc


def delete(storage_name: str) -> None:
    try:
        _path(storage_name).unlink()
    except FileNotFoundError:
        pass


def rotate_all(dry_run: bool) -> tuple[int, list[str]]:
    """Re-encrypt every evidence file under the first key (``core.rekey``): how many, and the missing ones."""
    from fairrecruit.grievances.models import Attachment

    done, missing = 0, []
    for a in Attachment.objects.only("storage_name").order_by("pk").iterator():
        if dry_run or rotate(a.storage_name):
            done += 1
        else:
            missing.append(a.storage_name)
    return done, missing


def rotate(storage_name: str) -> bool:
    """Re-encrypt a file under the first key. False when the file is missing."""
    path = _path(storage_name)
    if not path.exists():
        return False
    token = _box().rotate(path.read_bytes())
    tmp = path.with_name(f".{storage_name}.rotate")
    tmp.write_bytes(token)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return True
