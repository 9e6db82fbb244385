"""Name standardisation for search and record linkage (plain Python, no Django).

Agencies appear under many spellings: "Al-Noor Manpower Pvt. Ltd.", "AL NOOR MANPOWER PRIVATE LIMITED",
"अल नूर म्यानपावर". We compare them on a standardised form: transliterated to Latin (anyascii), case-folded,
punctuation removed, and legal or generic suffixes (Pvt. Ltd., Manpower, Overseas, Services...) dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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


# ---------------------------------------------------------------------------------------------- websites, accounts
# Social networks: an address there names an account ("facebook.com/aakash374"), never the organisation by the
# host alone. Brokers recruit through them (and WhatsApp, whose account is a phone number).
SOCIAL_HOSTS = frozenset(
    {"facebook.com", "instagram.com", "tiktok.com", "twitter.com", "youtube.com", "t.me", "linkedin.com",
     "threads.net", "m.me"}
)
_HOST_ALIASES = {"fb.com": "facebook.com", "fb.me": "facebook.com", "x.com": "twitter.com", "telegram.me": "t.me"}
_WHATSAPP_HOSTS = frozenset({"wa.me", "whatsapp.com", "api.whatsapp.com", "chat.whatsapp.com"})
_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "touch.")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_HOST = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_ACCOUNT = re.compile(r"[a-z0-9_][a-z0-9._\-]+")
_EMAIL = re.compile(r"[^\s/@]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_NOT_NAME = re.compile(r"[./@]")  # search keys of names never hold these; handle keys always do


def _handle(text: str) -> tuple[str, list[str], str]:
    """(the social network or "", the keys a website or account is stored and found under, the site of an address
    on an ordinary website). See :func:`handle_keys`."""
    t = unicodedata.normalize("NFKC", text or "").strip().casefold()
    if not t or any(ch.isspace() for ch in t):
        return "", [], ""
    t = t.removeprefix("mailto:")  # imports keep e-mail addresses as mailto: links among the websites
    if _EMAIL.fullmatch(t):
        return "", [t], ""
    if t.startswith("@"):
        name = t[1:].rstrip("/")
        return "", ["@" + name] if _ACCOUNT.fullmatch(name) else [], ""
    t = _SCHEME.sub("", t).partition("#")[0]
    t, _q, query = t.partition("?")
    host, _s, path = t.partition("/")
    host, path = host.split(":")[0].rstrip("."), path.strip("/")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    host = _HOST_ALIASES.get(host, host)
    if not _HOST.fullmatch(host):
        return "", [], ""
    if host in _WHATSAPP_HOSTS:  # wa.me/9779812345678, api.whatsapp.com/send?phone=9779812345678
        phone = re.search(r"(?:^|&)phone=([^&]*)", query)
        digits = _DIGITS.sub("", path) or _DIGITS.sub("", phone.group(1) if phone else "")
        return "wa.me", [f"wa.me/{digits}"] if len(digits) >= 7 else [], ""
    if host not in SOCIAL_HOSTS:
        return "", [f"{host}/{path}" if path else host], host if path else ""
    if path == "profile.php":  # facebook.com/profile.php?id=100012345
        ident = re.search(r"(?:^|&)id=(\d+)", query)
        return host, [f"{host}/profile.php?id={ident.group(1)}"] if ident else [], ""
    if not path:
        return host, [], ""
    name = path.rsplit("/", 1)[-1].lstrip("@")
    return host, [f"{host}/{path}"] + (["@" + name] if _ACCOUNT.fullmatch(name) else []), ""


def handle_keys(text: str) -> list[str]:
    """The keys a website, e-mail address or social-media account is stored under in the search text, however it
    was written: 'https://www.facebook.com/aakash374/' -> ['facebook.com/aakash374', '@aakash374'] (the account
    on any network), '@aakash374' -> ['@aakash374'], 'www.himalayan.com.np' -> ['himalayan.com.np'],
    'https://wa.me/9779812345678' -> ['wa.me/9779812345678']. Nothing for text that is none of these (a name, a
    network's home page)."""
    return _handle(text)[1]


def handles_match(typed: str, stored: str) -> bool:
    """Whether what a person typed names the website or account ``stored``: they share a key, and are not
    accounts on two different networks ('facebook.com/aakash374' is not 'tiktok.com/@aakash374'; '@aakash374' is
    either). A page of a website names its site ('himalayan.com.np/contact' finds 'himalayan.com.np')."""
    net_a, keys_a, site = _handle(typed)
    net_b, keys_b, _site = _handle(stored)
    if net_a and net_b and net_a != net_b:
        return False
    return bool(set(keys_a + ([site] if site else [])) & set(keys_b))


def handle_lookup_keys(typed: str) -> list[str]:
    """What to look a typed website or account up under in the search text: its keys, and the site of a page."""
    _net, keys, site = _handle(typed)
    return keys + ([site] if site else [])


def handle_phone(text: str) -> str:
    """The phone number of a WhatsApp link ('wa.me/9779812345678' -> '9779812345678'), else ""."""
    net, keys, _site = _handle(text)
    return keys[0].removeprefix("wa.me/") if net == "wa.me" and keys else ""


def is_name_part(part: str) -> bool:
    """Whether a part of a search text is a name or alias (or a licence number), to be scored by name search: not
    a phone number, nor the key of a website or account."""
    return bool(part) and not part.replace(" ", "").isdigit() and not _NOT_NAME.search(part)


def search_text(
    names: Iterable[str], phones: Iterable[str] = (), licence_numbers: Iterable[str] = (), online: Iterable[str] = ()
) -> str:
    """An actor's search text (``Actor.search_text``, which the trigram index holds), parts joined by ' | '
    without repeats: its names and aliases as search keys, its phones standardised, its standardised licence
    numbers, and the keys of its websites and social-media accounts (``online``; :func:`handle_keys`)."""
    parts = [search_key(n) for n in names]
    parts += [standardise_phone(p) for p in phones]
    parts += list(licence_numbers)
    parts += [k for address in online for k in handle_keys(address)]
    return " | ".join(p for p in dict.fromkeys(parts) if p)
