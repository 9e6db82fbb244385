"""Number formats (``FORMAT_MODULE_PATH``) for the worker languages Django leaves ungrouped.

Django's own locale data groups thousands in English, Spanish, Russian and Indonesian only: an amount owed of
150000 rupees came out as "150000" in Nepali, Bengali, Hindi, Filipino, Vietnamese, Burmese and Arabic. The
modules beside this file (``ne/formats.py``...) take the separators and the grouping from CLDR through Babel, so
Nepali, Bengali and Hindi group by lakh and crore ("1,50,000", "12,34,567") as their readers expect, and the
others by thousands. Digits stay Latin (the digits the forms accept); only the separators and grouping change.
Django reads these modules before its own (``settings.FORMAT_MODULE_PATH``), for ``number_format``,
``floatformat:"0g"`` and every number a template localises.
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol


def cldr_numbers(language: str) -> tuple[str, str, tuple[int, ...]]:
    """``DECIMAL_SEPARATOR``, ``THOUSAND_SEPARATOR`` and ``NUMBER_GROUPING`` of ``language`` from CLDR, with Latin
    digits. CLDR's grouping (primary, secondary) becomes Django's sequence form (primary, secondary, 0): the
    secondary group repeats ("#,##,##0" gives (3, 2, 0))."""
    primary, secondary = Locale.parse(language).decimal_formats[None].grouping
    return (
        get_decimal_symbol(language, numbering_system="latn"),
        get_group_symbol(language, numbering_system="latn"),
        (primary, secondary, 0),
    )
