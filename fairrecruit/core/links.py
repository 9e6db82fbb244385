"""The site's public address, for every link that leaves the page it is made on: QR codes on printed posters and
certificates, links in e-mails and SMS replies, URLs in API answers.

``FAIRRECRUIT_PUBLIC_URL`` (e.g. ``https://fairrecruit.org``): when set, links start with it; when unset, with
the address the request came to (fine on one host; behind a proxy that rewrites the host, a printed QR code would
carry the inner address). The older per-app settings ``FAIRRECRUIT_CERT_PUBLIC_URL`` and
``FAIRRECRUIT_GRIEVANCE_PUBLIC_URL`` still win for their own links. ``check_public_urls`` (a system check) refuses
a value that is not ``http(s)://host[:port]``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core import checks
from django.http import HttpRequest

from fairrecruit.core.conf import setting

DEFAULTS = {"FAIRRECRUIT_PUBLIC_URL": ""}
URL_SETTINGS = ("FAIRRECRUIT_PUBLIC_URL", "FAIRRECRUIT_CERT_PUBLIC_URL", "FAIRRECRUIT_GRIEVANCE_PUBLIC_URL")
_BASE_RE = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?")


def public_base(override: str = "") -> str:
    """The configured public address without a trailing slash ("" when none): ``override`` (an app's own
    setting) first, else ``FAIRRECRUIT_PUBLIC_URL``."""
    return str(override or setting(DEFAULTS, "FAIRRECRUIT_PUBLIC_URL") or "").rstrip("/")


def absolute(request: HttpRequest, path: str, *, override: str = "") -> str:
    """``path`` (from ``reverse``) as a full address: on the public address when one is configured, else on the
    request's."""
    base = public_base(override)
    return base + path if base else request.build_absolute_uri(path)


def check_public_urls(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    out: list[checks.CheckMessage] = []
    for name in URL_SETTINGS:
        value = getattr(settings, name, None) or os.environ.get(name) or ""
        if value and not _BASE_RE.fullmatch(str(value)):
            out.append(checks.Error(
                f"{name}={value!r} is not a site address",
                hint="give the scheme and host only, e.g. https://fairrecruit.org (no path, no query)",
                id="fairrecruit.E101",
            ))
    return out
