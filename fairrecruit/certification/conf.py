"""Settings of the certification app: Django setting, else environment variable, else the default
(documented in docs/certification.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings

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
    default = DEFAULTS[name]
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, list | tuple) and isinstance(default, str):
        return ",".join(str(v) for v in value)
    return type(default)(value)


def evidence_dir() -> Path:
    configured = get("FAIRRECRUIT_CERT_EVIDENCE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "certification-evidence"
