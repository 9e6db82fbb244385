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
    """'Lic. No. 123/2019' -> '1232019'; letters kept: 'POEA-123-LB' -> 'poea123lb'."""
    return _NON_ALNUM.sub("", transliterate(number or "").casefold())
