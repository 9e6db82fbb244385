"""Printable posters: a link as a QR code (segno, inline SVG) and the languages a poster is printed in. Used by the
public poster of the worker pages (``core.views.poster``) and by a fee survey's poster (``supplychain``)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

MAX_LANGUAGES = 4  # sections that fit on one A4 sheet


def qr_svg(data: str) -> SafeString:
    """``data`` as a QR code (error correction M), an SVG to put in the page; segno escapes the title."""
    return mark_safe(segno.make(data, error="m").svg_inline(scale=6, title=data))


def languages(asked: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The poster's sections, one per language asked (``?lang=ne&lang=bn``; English when none), and the problems
    with what was asked, each naming the ``lang`` parameter."""
    known = dict(settings.LANGUAGES)
    codes = list(dict.fromkeys(asked)) or ["en"]
    errors = [_("lang: %(code)s is not one of FairRecruit's languages (%(list)s)")
              % {"code": repr(c[:20]), "list": ", ".join(known)} for c in codes if c not in known]
    if len(codes) > MAX_LANGUAGES:
        errors.append(_("lang: at most %(n)s languages fit on one poster") % {"n": MAX_LANGUAGES})
    sections = [{"code": c, "name": known[c], "rtl": get_language_info(c)["bidi"]} for c in codes if c in known]
    return sections[:MAX_LANGUAGES], errors
