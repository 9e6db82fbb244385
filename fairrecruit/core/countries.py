"""Country names in the reader's language.

The names are ISO 3166-1's and their translations, as shipped by pycountry (the Debian iso-codes project's
catalogues: every language FairRecruit offers has one). Where ISO's name differs from the everyday one ("Viet Nam",
"Korea, Republic of"), the everyday ``common_name`` is used when the language translates it, else the translated
ISO name.

``_OURS`` corrects a few of those catalogues with the names workers use today: the Vietnamese catalogue holds old
transcriptions ("Ca-tă", "Nam Dương", "Cộng hoà Nam Hàn"), so Vietnamese readers get our names for the countries
they most often work in and the English name for the rest (as Vietnamese writes most of them); South Korea, where
many Nepali and Burmese workers go, is named as they say it; one Burmese name holds stray Latin letters.
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from functools import lru_cache

import pycountry
from django.conf import settings
from django.utils.translation import get_language

_OURS: dict[str, dict[str, str]] = {
    "vi": {
        "VN": "Việt Nam", "JP": "Nhật Bản", "KR": "Hàn Quốc", "KP": "Triều Tiên", "TW": "Đài Loan",
        "CN": "Trung Quốc", "SA": "Ả Rập Xê Út", "AE": "Các Tiểu vương quốc Ả Rập Thống nhất", "IN": "Ấn Độ",
        "TH": "Thái Lan", "LA": "Lào", "KH": "Campuchia", "RU": "Nga", "US": "Hoa Kỳ", "GB": "Anh", "FR": "Pháp",
        "DE": "Đức", "IT": "Ý", "ES": "Tây Ban Nha", "AU": "Úc", "PL": "Ba Lan", "CZ": "Séc",
    },
    "ne": {"KR": "दक्षिण कोरिया"},
    "ar": {"KR": "كوريا الجنوبية"},
    "my": {"KR": "တောင်ကိုရီးယားနိုင်ငံ", "BD": "ဘင်္ဂလားဒေ့ရှ်နိုင်ငံ"},
}
_OWN_CATALOGUE_ONLY = {"vi"}  # languages whose pycountry catalogue is not used (see above)
# Short names workers type for a country ("I work in Dubai", "Saudi"), in the scripts of the site's languages.
_SAID = {
    "AE": ("UAE", "Dubai", "Emirates", "दुबई", "युएई", "দুবাই", "ইউএই", "دبي", "الإمارات"),
    "SA": ("KSA", "Saudi", "साउदी", "সৌদি", "السعودية"),
    "KR": ("Korea", "कोरिया", "কোরিয়া", "ကိုရီးယား"),
    "GB": ("UK", "Britain", "England"),
    "US": ("USA", "America"),
}  # languages whose pycountry catalogue is not used (see above)


@lru_cache(maxsize=32)
def _catalogue(language: str) -> gettext.NullTranslations:
    code = language.replace("-", "_")
    if code in _OWN_CATALOGUE_ONLY:
        return gettext.NullTranslations()
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code])
    except OSError:
        return gettext.NullTranslations()


def country_name(code: str | None, language: str | None = None) -> str:
    """The name of the country with this ISO 3166-1 alpha-2 code in ``language`` (default: the active one); the
    code itself when no country has it."""
    c = pycountry.countries.get(alpha_2=code) if code and len(code) == 2 else None
    if c is None:
        return code or ""
    language = language or get_language() or settings.LANGUAGE_CODE
    ours = _OURS.get(language, {}).get(c.alpha_2)
    if ours:
        return ours
    t = _catalogue(language)
    common = getattr(c, "common_name", None)
    if common and t.gettext(common) != common:
        return t.gettext(common)
    name = t.gettext(c.name)
    return name if name != c.name else (common or c.name)


def sort_key(name: str) -> str:
    """A key that sorts names alphabetically whatever their accents ("Åland" with the A's, "Côte d'Ivoire" with
    the C's)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=32)
def countries(language: str) -> list[tuple[str, str]]:
    """Every country as (code, name in ``language``), sorted by that name."""
    named = [(c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries]
    return sorted(named, key=lambda x: sort_key(x[1]))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name of every country in every catalogue, the site's languages first (where two countries share a
    name in different languages, the site's languages win). Plain Python when Django is not set up (the SMS
    conversation engine)."""
    out: dict[str, str] = {sort_key(said): cc for cc, names in _SAID.items() for said in names}
    site = [code for code, _label in settings.LANGUAGES] if settings.configured else []
    others = sorted(d for d in os.listdir(pycountry.LOCALES_DIR) if d not in site)
    for language in ["en", *site, *others]:
        t = _catalogue(language)
        for cc, name in _OURS.get(language, {}).items():
            out.setdefault(sort_key(name), cc)
        for c in pycountry.countries:
            for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
                if n:
                    out.setdefault(sort_key(t.gettext(n)), c.alpha_2)
                    out.setdefault(sort_key(n), c.alpha_2)
    return out


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country named in any language pycountry has a catalogue for ("Nepal", "नेपाल",
    "قطر", "Катар", Tamil "நேபாளம்"), or by a short name workers use ("UAE", "Dubai", "साउदी"), or None."""
    return _names().get(sort_key(" ".join(text.split())))
