"""Country names in the reader's language, and countries named in any language.

Names come from the Unicode CLDR through Babel, the names phones and browsers show (modern, everyday names:
"Hàn Quốc", "दक्षिण कोरिया", "Vietnam" rather than ISO's "Viet Nam"); the list of countries is ISO 3166-1's
(pycountry). A language Babel does not know falls back to English.

``country_code`` reads a country typed in any language: the CLDR names of the site's languages, the ISO names and
their translations in every language of pycountry's catalogues (the Debian iso-codes project, over 100 languages,
so a Tamil or Urdu speaker is understood too), and a few short names workers use ("UAE", "Dubai", "साउदी").
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils.translation import get_language

# Short names workers type for a country ("I work in Dubai", "Saudi"), in the scripts of the site's languages.
_SAID = {
    "AE": ("UAE", "Dubai", "Emirates", "दुबई", "युएई", "দুবাই", "ইউএই", "دبي", "الإمارات"),
    "SA": ("KSA", "Saudi", "साउदी", "সৌদি", "السعودية"),
    "KR": ("Korea", "कोरिया", "কোরিয়া", "ကိုရီးယား"),
    "GB": ("UK", "Britain", "England"),
    "US": ("USA", "America"),
}


@lru_cache(maxsize=64)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def country_name(code: str | None, language: str | None = None) -> str:
    """The name of the country with this ISO 3166-1 alpha-2 code in ``language`` (default: the active one); the
    code itself when no country has it."""
    code = (code or "").upper()
    if len(code) != 2 or code not in _codes():
        return code
    language = language or get_language() or settings.LANGUAGE_CODE
    return _territories(language).get(code) or _territories("en").get(code) or code


def sort_key(name: str) -> str:
    """A key that sorts names alphabetically whatever their accents ("Åland" with the A's, "Côte d'Ivoire" with
    the C's)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=32)
def countries(language: str) -> list[tuple[str, str]]:
    """Every country as (code, name in ``language``), sorted by that name."""
    return sorted(((c, country_name(c, language)) for c in _codes()), key=lambda x: sort_key(x[1]))


@lru_cache(maxsize=64)
def _catalogue(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name of every country: short names, then the CLDR names of the site's languages, then ISO's names in
    every catalogue (where two countries share a name in different languages, the first wins). Plain Python when
    Django is not set up (the SMS conversation engine): then English and every catalogue."""
    out: dict[str, str] = {sort_key(said): cc for cc, names in _SAID.items() for said in names}
    site = [code for code, _label in settings.LANGUAGES] if settings.configured else []
    for language in ["en", *site]:
        for cc, name in _territories(language).items():
            if cc in _codes():
                out.setdefault(sort_key(name), cc)
    others = sorted(d for d in os.listdir(pycountry.LOCALES_DIR) if d not in site)
    for language in ["en", *site, *others]:
        t = _catalogue(language)
        for c in pycountry.countries:
            for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
                if n:
                    out.setdefault(sort_key(t.gettext(n)), c.alpha_2)
                    out.setdefault(sort_key(n), c.alpha_2)
    return out


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country named in any language ("Nepal", "नेपाल", "قطر", "Катар", "Hàn Quốc", Tamil
    "நேபாளம்"), or by a short name workers use ("UAE", "Dubai", "साउदी"), or None."""
    return _names().get(sort_key(" ".join(text.split())))
