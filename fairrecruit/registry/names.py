"""Name standardisation for search and record linkage (plain Python, no Django).

Agencies appear under many spellings: "Al-Noor Manpower Pvt. Ltd.", "AL NOOR MANPOWER PRIVATE LIMITED",
"अल नूर म्यानपावर". We compare them on a standardised form: transliterated to Latin (anyascii), case-folded,
punctuation removed, and legal or generic suffixes (Pvt. Ltd., Manpower, Overseas, Services...) dropped.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Words that say what kind of company it is, not which one. Dropped for comparison (kept for display).
GENERIC_WORDS = frozenset(
    """
    pvt pvt. private ltd ltd. limited llc inc incorporated co company corp corporation plc pte sdn bhd pt cv
    tbk jsc llp gmbh sa establishment est
    manpower overseas services service international intl int'l recruitment recruiting recruiters agency agencies
    employment human resource resources hr consultancy consultants consultant consulting enterprises enterprise
    traders trading travels travel tours group global worldwide placement placements staffing solutions
    and the of
    """.split()
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\D+")


def transliterate(text: str) -> str:
    """Any script to Latin letters: 'अल नूर' -> 'al nuur'-like, 'Công ty' -> 'Cong ty'."""
    return anyascii(unicodedata.normalize("NFKC", text))


def standardise_name(name: str) -> str:
    """Comparable form of an organisation's name: Latin, lower case, no punctuation, no generic words."""
    words = _NON_ALNUM.sub(" ", transliterate(name).casefold()).split()
    core = [w for w in words if w not in GENERIC_WORDS]
    return " ".join(core or words)


def search_key(text: str) -> str:
    """Like standardise_name but keeps every word (for matching what a person typed)."""
    return " ".join(_NON_ALNUM.sub(" ", transliterate(text).casefold()).split())


def standardise_phone(phone: str, default_country_code: str = "") -> str:
    """Digits only, without leading zeros or the international prefix: '+977 (1) 4-123456' -> '97714123456'."""
    digits = _DIGITS.sub("", phone or "")
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0") and default_country_code:
        digits = default_country_code + digits.lstrip("0")
    return digits


def standardise_licence(number: str) -> str:
    """A licence (or job order) number as stored and compared: Latin, lower case, without spaces or punctuation.
    '123/2019' -> '1232019'; letters kept: 'POEA-123-LB' -> 'poea123lb'. Words in front are kept too ('Lic. No.
    123/2019' -> 'licno1232019'), since some numbers begin with letters: :func:`licence_keys` gives the forms to
    look a typed number up under."""
    return _NON_ALNUM.sub("", transliterate(number or "").casefold())


# Words people type before a licence number: "Lic. No. 123/2019", "License number: 45", "Reg. No 7".
LICENCE_PREFIX = re.compile(
    r"^\s*(?:(?:lic(?:en[cs]e)?|reg(?:istration)?|no|nr|num(?:ber)?|#)\b[.:#]?\s*)+", re.IGNORECASE
)


def licence_keys(typed: str) -> list[str]:
    """The standardised numbers a typed licence number is looked up under: as typed, then without words such
    as "Lic. No." in front. 'Lic. No. 777/070/71' -> ['licno77707071', '77707071']; '1001/2019' -> ['10012019']."""
    keys = (standardise_licence(typed), standardise_licence(LICENCE_PREFIX.sub("", typed or "")))
    return [k for k in dict.fromkeys(keys) if k]
