"""Settings of the certification app: Django setting, else environment variable, else the default
(documented in docs/certification.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Ed25519 private key (32-byte seed, hex or url-safe base64) signing certificates. Unset: a development
    # key derived from SECRET_KEY (demo only).
    "FAIRRECRUIT_CERT_SIGNING_KEY": "",
    # Retired public keys that still verify certificates they signed (comma-separated, hex or base64 each).
    "FAIRRECRUIT_CERT_VERIFY_KEYS": "",
    # Where self-assessment, finding and corrective-action evidence is kept (encrypted). Default <project>/var/...
    "FAIRRECRUIT_CERT_EVIDENCE_DIR": "",
    # Largest evidence file accepted, in bytes.
    "FAIRRECRUIT_CERT_EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    # Address printed (as a QR code) on certificates, e.g. https://fairrecruit.org. Empty: the request's host.
    "FAIRRECRUIT_CERT_PUBLIC_URL": "",
}


def get(name: str) -> Any:
    return setting(DEFAULTS, name)


def evidence_dir() -> Path:
    configured = get("FAIRRECRUIT_CERT_EVIDENCE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "certification-evidence"
