"""Record linkage: find records of the same actor across registers, imports and worker reports.

The first part is plain Python + DuckDB (no Django): ``standardise_record`` makes comparable fields (names in
Latin without legal or generic words, consonant skeletons for names written in other scripts, phone numbers as
country code + national number, licence numbers, cities); ``train_model`` fits a Splink model (u by random
sampling, m by expectation maximisation on blocking rules) and saves it as a versioned JSON file in
``linkage_model/``; ``predict`` scores the candidate pairs that the blocking rules produce; ``cluster`` and
``evaluate`` turn pairs into clusters and measure them against a known truth.

The second part works on the database (Django models imported lazily): ``run_linkage`` predicts over every actor,
merges pairs at or above the upper threshold (``merged_into`` on the record that does not survive; nothing is
deleted, so it can be undone), queues pairs in the uncertain band as ``LinkCandidate(status=pending)`` for a person
to decide, and ignores the rest. ``actor_merge``, ``actor_unmerge`` and ``link_candidate_decide`` are the audited
services the review pages use. See docs/linkage.md.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairrecruit.registry.names import GENERIC_WORDS, search_key, standardise_licence, transliterate

if TYPE_CHECKING:
    from fairrecruit.core.models import User
    from fairrecruit.registry.models import Actor, LinkCandidate

Progress = Callable[[str], None]

MODEL_DIR = Path(__file__).resolve().parent / "linkage_model"
MODEL_FILE = re.compile(r"^model-v(\d+)\.json$")
DEFAULT_THRESHOLD_AUTO = 0.99
DEFAULT_THRESHOLD_REVIEW = 0.5
MIN_RECORDS_FOR_PRIOR = 1000
META_KEY = "fairrecruit"  # our metadata in the model file (removed before Splink reads it)

# ---------------------------------------------------------------------------------------------- standardisation
# Generic and legal words as registers and people write them in Devanagari and Bengali (ओभरसिज, म्यानपावर, प्रा. लि.,
# ওভারসীজ, লিঃ ...), after transliteration to Latin. They are dropped like their English forms.
_SCRIPT_GENERIC = """
ओभरसिज ओवरसीज ओभरसीज म्यानपावर मैनपावर मेनपावर प्रा. लि. प्राइभेट प्राइवेट लिमिटेड सर्भिसेज सर्विसेज सर्भिस इन्टरनेसनल
इंटरनेशनल इन्टरनेशनल ह्युमन रिसोर्सेज रिसोर्स रिक्रुटमेन्ट रिक्रूटमेंट इम्प्लोइमेन्ट एजेन्सी एजेंसी कन्सल्टेन्सी कन्सल्टेन्ट्स
ट्राभल्स ट्रेवल्स एण्ड प्लेसमेन्ट्स सोलुसन्स ओभरसिज़ ওভারসীজ ওভারসিজ ম্যানপাওয়ার লিঃ লিমিটেড প্রাঃ প্রাইভেট ইন্টারন্যাশনাল
সার্ভিসেস রিক্রুটিং এজেন্সি ট্রাভেলস হিউম্যান রিসোর্সেস এন্ড ग्लोबल रिसोर्स फरेन प्लेसमेन्ट सर्भिस कन्सल्टेन्ट एचआर
रिक्रुटिङ গ্লোবাল ফরেন ইমপ্লয়মেন্ট কনসালটেন্টস রিসোর্স সার্ভিস
"""
# Legal forms and generic phrases in other languages (Vietnamese, Malay, Indonesian), abbreviations that survive
# punctuation removal as separate letters, and what employers' names say about their trade.
_MORE_GENERIC = """
internasional wll llc jsc tnhh mtv cp sdn bhd pte hr intl int fze fzco al el foreign va
contracting trading facility facilities management hospitality catering transport engineering cleaning building
electronics plantation furniture security industries glove supply labour office sb
"""
_LEGAL = """
pvt private ltd limited llc inc incorporated co company corp corporation plc pte sdn bhd pt cv tbk jsc llp gmbh
wll tnhh mtv cp fze fzco sb and the of
"""
_SCRIPT_LEGAL = "प्रा. लि. प्राइभेट प्राइवेट लिमिटेड লিঃ লিমিটেড প্রাঃ প্রাইভেট"
_GENERIC_PHRASES = [
    "cong ty",
    "co phan",
    "mot thanh vien",
    "nhan luc",
    "quoc te",
    "xuat khau",
    "lao dong",
    "dich vu",
    "thuong mai",
    "hop tac",
    "joint stock",
    "agensi pekerjaan",
    "w l l",
    "l l c",
    "r a",
]
_LEGAL_PHRASES = ["cong ty", "co phan", "mot thanh vien", "joint stock", "w l l", "l l c"]
EXTRA_GENERIC = (
    frozenset(w for text in _SCRIPT_GENERIC.split() for w in search_key(text).split())
    | frozenset(_MORE_GENERIC.split())
    | GENERIC_WORDS
)
LEGAL_WORDS = frozenset(_LEGAL.split()) | frozenset(search_key(_SCRIPT_LEGAL).split())
# Generic words written in Devanagari or Bengali, in Latin letters ('myanpavr', 'knsltensi'): dropped from the core
# name like the others, but not compared as generic words (they would never agree with 'manpower').
_SCRIPT_ONLY_GENERIC = EXTRA_GENERIC - GENERIC_WORDS - frozenset(_MORE_GENERIC.split())
_PHRASES = sorted((tuple(p.split()) for p in _GENERIC_PHRASES), key=len, reverse=True)
_LEGAL_PHRASE_SET = {tuple(p.split()) for p in _LEGAL_PHRASES}
_PHRASE_STARTS = frozenset(p[0] for p in _PHRASES)
_LONG_GENERIC = sorted(w for w in EXTRA_GENERIC if len(w) >= 6 and w.isascii())
# Words that say a name is an organisation's (a shop, an office) but also tell siblings apart, so they stay in the
# core name: 'Kalpana Reliable Ticketing Centre' and 'Kalpana Reliable Documents Centre' are two sub-agents.
ORG_MARKERS = frozenset("ticketing centre center documents document educational education".split())
# Known words that a typo ('Consultanncy', 'Touurs', 'oCnsultancy', 'Tickting') is put back to before comparing.
# The long words of generic phrases too ('Agensi Peekerjaan' -> 'agensi pekerjaan', then dropped as a phrase); seven
# letters or more, so that the name 'Truong' does not become 'thuong' (of 'thuong mai').
_PHRASE_WORDS = frozenset(w for p in _GENERIC_PHRASES for w in p.split() if len(w) >= 7)
_FUZZY_VOCAB = sorted(
    (w for w in EXTRA_GENERIC | ORG_MARKERS | _PHRASE_WORDS if len(w) >= 5 and w.isascii() and w.isalpha()),
    key=lambda w: (-len(w), w),
)
# Generic words that are written run together with the word before them ('SkyOverseas', 'HimalayanManpower').
_SUFFIX_GENERIC = sorted((w for w in EXTRA_GENERIC if len(w) >= 6 and w.isascii() and w.isalpha()), key=len)

# Other names of cities (old names, abbreviations, other scripts), as their standardised key.
CITY_ALIASES = {
    "ktm": "kathmandu",
    "kathamandu": "kathmandu",
    "kathmadaum": "kathmandu",
    "kathmandau": "kathmandu",
    "patan": "lalitpur",
    "chitwan": "bharatpur",
    "qc": "quezon",
    "quezon city": "quezon",
    "cebu city": "cebu",
    "davao city": "davao",
    "iloilo city": "iloilo",
    "makati city": "makati",
    "pasay city": "pasay",
    "metro manila": "manila",
    "ermita manila": "manila",
    "dacca": "dhaka",
    "chittagong": "chattogram",
    "ctg": "chattogram",
    "comilla": "cumilla",
    "bombay": "mumbai",
    "navi mumbai": "mumbai",
    "new delhi": "delhi",
    "madras": "chennai",
    "cochin": "kochi",
    "ernakulam": "kochi",
    "trivandrum": "thiruvananthapuram",
    "calcutta": "kolkata",
    "dki jakarta": "jakarta",
    "jakarta timur": "jakarta",
    "jakarta selatan": "jakarta",
    "col": "colombo",
    "hanoi": "ha noi",
    "tp ho chi minh": "ho chi minh",
    "ho chi minh city": "ho chi minh",
    "hcmc": "ho chi minh",
    "tphcm": "ho chi minh",
    "saigon": "ho chi minh",
    "sai gon": "ho chi minh",
    "da nang": "da nang",
    "danang": "da nang",
}
# Country calling codes and the longest national significant number, to read any way a phone is written.
CALLING_CODES = {
    "NP": ("977", 10),
    "PH": ("63", 10),
    "BD": ("880", 10),
    "IN": ("91", 10),
    "ID": ("62", 11),
    "LK": ("94", 9),
    "VN": ("84", 10),
    "QA": ("974", 8),
    "AE": ("971", 9),
    "SA": ("966", 9),
    "MY": ("60", 10),
    "KW": ("965", 8),
    "OM": ("968", 8),
    "BH": ("973", 8),
    "PK": ("92", 10),
    "MM": ("95", 10),
    "KH": ("855", 9),
}
_DIGITS = re.compile(r"\D+")
_DIGIT_RUN2 = re.compile(r"\d{2,}")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def _is_generic(word: str) -> bool:
    """A generic word, or one with a typo ('consultncy', 'overseass'): one edit away from a long generic word."""
    if word in EXTRA_GENERIC:
        return True
    if len(word) < 6:
        return False
    return _near_generic(word)


@lru_cache(maxsize=200_000)
def _near_generic(word: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return any(
        abs(len(g) - len(word)) <= 1 and Levenshtein.distance(word, g, score_cutoff=1) <= 1
        for g in _LONG_GENERIC
    )


@lru_cache(maxsize=500_000)
def canonical_word(word: str) -> str:
    """A word one typo (an insertion, deletion, substitution or swap of neighbours) away from a known generic word
    or organisation marker of five letters or more becomes that word: 'consultanncy' -> 'consultancy', 'ocnsultancy'
    -> 'consultancy', 'touurs' -> 'tours', 'tickting' -> 'ticketing'. Other words are left alone."""
    if len(word) < 5 or word in EXTRA_GENERIC or word in ORG_MARKERS or not word.isalpha():
        return word
    from rapidfuzz.distance import OSA

    for g in _FUZZY_VOCAB:  # longest first: 'traves' -> 'travels' rather than 'travel'
        if abs(len(g) - len(word)) <= 1 and OSA.distance(word, g, score_cutoff=1) <= 1:
            return g
    return word


@lru_cache(maxsize=200_000)
def split_run_together(word: str) -> tuple[str, ...]:
    """A word that ends in a generic word written without a space is split: 'skyoverseas' -> ('sky', 'overseas').
    The part before must have three letters or more ('manpower' stays whole)."""
    if len(word) < 9 or word in EXTRA_GENERIC or not word.isalpha():
        return (word,)
    for g in _SUFFIX_GENERIC:
        if word.endswith(g) and len(word) - len(g) >= 3:
            return (word[: -len(g)], g)
    return (word,)


_SKELETON_DIGRAPHS = [
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("x", "ks"),
    ("chh", "c"),
    ("ph", "f"),
    ("bh", "b"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ch", "c"),
    ("jh", "j"),
    ("ck", "k"),
    ("ee", "i"),
    ("oo", "u"),
]
_SKELETON_LETTERS = str.maketrans({"c": "k", "q": "k", "w": "b", "v": "b", "z": "j", "x": "k"})


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """A consonant skeleton that survives transliteration and spelling: 'himalayan', 'himalyn' (from हिमालयन) ->
    'hmlyn'; 'crest', 'krest' -> 'krst'."""
    t = token
    for a, b in _SKELETON_DIGRAPHS:
        t = t.replace(a, b)
    t = t.translate(_SKELETON_LETTERS)
    if not t:
        return t
    head, rest = t[0], t[1:]
    rest = "".join(c for c in rest if c not in "aeiouh'")
    out = head
    for c in rest:
        if c != out[-1]:
            out += c
    return out


# Known words by their consonant skeleton, for names written in another script: 'रेसोउर्स' (resours) -> 'resources',
# 'सर्भिस' (sarbhis) -> 'services'. Only skeletons of four letters or more that belong to one known word (and its
# plural): 'गुलाब' (gulab, 'glb') stays a name rather than becoming 'glove'.
_LATIN_VOCAB = sorted(
    w for w in GENERIC_WORDS | frozenset(_MORE_GENERIC.split()) | ORG_MARKERS if len(w) >= 5 and w.isalpha()
)
_by_skeleton: dict[str, list[str]] = {}
for _w in _LATIN_VOCAB:
    _by_skeleton.setdefault(skeleton(_w), []).append(_w)
_SKELETON_VOCAB = {  # 'srbs' -> 'services' (also 'service': the plural stands for both), never two unrelated words
    sk: max(words, key=len)
    for sk, words in _by_skeleton.items()
    if len(sk) >= 4 and len({w.removesuffix("s") for w in words}) == 1
}
del _by_skeleton


def _other_script(name: str) -> bool:
    """Written (partly) in a script other than Latin (Devanagari, Bengali...): spelling is then a guess."""
    return any(ord(ch) > 0x24F and ch.isalpha() for ch in name)


@lru_cache(maxsize=200_000)
def script_word(word: str) -> str:
    """A word transliterated from another script that has the skeleton of a known generic word is that word:
    'resours' (রেসোউর্স) -> 'resources', 'sarbhis' -> 'services'."""
    if len(word) < 4 or word in EXTRA_GENERIC or not word.isalpha():
        return word
    return _SKELETON_VOCAB.get(skeleton(word), word)


def _name_words(name: str) -> list[str]:
    """Latin lower-case words of a name, run-together generic words split and typos in known words repaired
    (and, for a name written in another script, known words recognised by their consonant skeleton)."""
    words = [canonical_word(p) for w in search_key(name).split() for p in split_run_together(w)]
    if _other_script(name):
        words = [script_word(w) for w in words]
    return words


@lru_cache(maxsize=500_000)
def _name_parts(name: str) -> tuple[tuple[str, ...], str, bool]:
    """(core words, name without legal forms, looks like an organisation) of a name, in Latin letters."""
    words = _name_words(name)
    full: list[str] = []
    rest: list[str] = []
    org = False
    i = 0
    while i < len(words):
        for phrase in _PHRASES if words[i] in _PHRASE_STARTS else ():
            if tuple(words[i : i + len(phrase)]) == phrase:
                if phrase not in _LEGAL_PHRASE_SET:
                    full.extend(phrase)
                i += len(phrase)
                org = True
                break
        else:
            full.append(words[i])
            rest.append(words[i])
            i += 1
    org = org or any(w in LEGAL_WORDS or w in EXTRA_GENERIC or w in ORG_MARKERS for w in words)
    full = [w for w in full if w not in LEGAL_WORDS]
    core = [w for w in rest if len(w) > 1 and not _is_generic(w)]
    tokens = core or [w for w in full if len(w) > 1] or full or rest
    return tuple(tokens), " ".join(w for w in full if len(w) > 1), org


# Abbreviations of generic words, compared as the word: 'Anondo Wings Intl.' and 'Anondo Wings International
# Limited' share a generic word.
_GENERIC_SYNONYMS = {"intl": "international", "int": "international", "internasional": "international"}


@lru_cache(maxsize=500_000)
def name_generic(name: str) -> tuple[str, ...]:
    """The generic words of a name (not its legal form), singular: 'Sky Overseas Pvt. Ltd.' -> ('overseas',),
    'Akshar Smart Travels & Manpower' -> ('manpower', 'travel'). 'Sky Overseas' and 'Sky Manpower' have the same
    core name ('sky') but no generic word in common: siblings more often than the same agency."""
    core = set(_name_parts(name)[0])
    words = {
        w
        for w in _name_parts(name)[1].split()
        if w not in core and w not in LEGAL_WORDS and w not in _SCRIPT_ONLY_GENERIC
    }
    words = {_GENERIC_SYNONYMS.get(w, w) for w in words}
    return tuple(sorted({w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words}))


def name_tokens(name: str) -> list[str]:
    """Latin, lower case, without punctuation, legal forms or generic words (kept if nothing else is left)."""
    return list(_name_parts(name)[0])


def looks_like_organisation(name: str) -> bool:
    """True when the name has a legal form or a generic word (Pvt. Ltd., Overseas, Travels...): a company, not a
    person. Company names are far rarer than persons' names, so the same name says more."""
    return _name_parts(name)[2]


def name_full(name: str) -> str:
    """The name without legal forms but with its generic words: tells 'Sky Overseas' from 'Sky Manpower'."""
    return _name_parts(name)[1]


def phone_key(phone: str, country: str = "") -> str:
    """Country calling code + national significant number: '+977-1-4123456', '01-4123456' and '0097714123456'
    all give '97714123456' for NP."""
    digits = _DIGITS.sub("", phone or "")
    if digits.startswith("00"):
        digits = digits[2:]
    code, longest = CALLING_CODES.get(country, ("", 99))
    if code and digits.startswith(code) and len(digits) > longest:
        digits = digits[len(code) :]
    digits = digits.lstrip("0")
    return code + digits if digits else ""


def licence_core(number: str) -> str:
    """The serial inside a licence number: '1234/065/066', 'Lic. No. 1234', 'RL-1234', 'BP2MI/SIP3MI/1234/2019'
    -> '1234' (the first part that is only digits, else the first run of two or more digits)."""
    parts = _NON_ALNUM.split(transliterate(number or ""))
    for part in parts:
        if part.isdigit():
            return part.lstrip("0") or "0"
    m = _DIGIT_RUN2.search(number or "")
    return m.group(0).lstrip("0") if m else ""


def city_key(city: str) -> str:
    key = " ".join(w for w in search_key(city).split() if not w.isdigit())
    key = CITY_ALIASES.get(key, key)
    if key.endswith(" city"):
        key = CITY_ALIASES.get(key, key[: -len(" city")])
    return key


def standardise_record(rec: dict[str, Any]) -> dict[str, Any]:
    """The columns the linkage model compares, from a raw record with ``unique_id``, ``name``, ``aliases``,
    ``country``, ``city``, ``address``, ``phones`` and ``licence_number``."""
    country = (rec.get("country") or "").upper()
    parts, full, org = _name_parts(rec.get("name") or "")
    tokens = list(parts)
    name_std = " ".join(tokens)
    all_names = [name_std] + [" ".join(name_tokens(a)) for a in rec.get("aliases") or []]
    phones = [k for k in (phone_key(p, country) for p in rec.get("phones") or []) if len(k) >= 7]
    phones = list(dict.fromkeys(phones))
    licence = rec.get("licence_number") or ""
    address = search_key(rec.get("address") or "")
    return {
        "unique_id": int(rec["unique_id"]),
        "country": country or None,
        "kind": rec.get("kind") or None,
        "name_full": full or None,
        "name_org": org,
        "name_std": name_std or None,
        "name_generic": list(name_generic(rec.get("name") or "")) or None,
        "name_joined": name_std.replace(" ", "") or None,
        "name_sorted": " ".join(sorted(tokens)) or None,
        "name_skel": " ".join(skeleton(t) for t in tokens) or None,
        # the skeleton of the name written as one word: 'Janata Everest' and 'जनटएवेरेस्ट' -> 'jntbrst'
        "name_jskel": skeleton(name_std.replace(" ", "")) or None,
        # the skeletons of the words in alphabetical order: 'Jamal Molla' ~ 'Molla Jamall', 'Ajith Fernando' ~
        # 'फर्नान्डो अजित' (word order and spelling both differ)
        "name_sskel": " ".join(sorted(skeleton(t) for t in tokens)) or None,
        "name_words": list(dict.fromkeys(tokens)) or None,
        "name_first": tokens[0] if tokens else None,
        # word order swapped (and one word misspelt): 'ram thapa' ~ 'thapx ram'
        "swap_a": f"{tokens[0]}|{tokens[-1][:2]}" if len(tokens) > 1 else None,
        "swap_b": f"{tokens[-1]}|{tokens[0][:2]}" if len(tokens) > 1 else None,
        "name_last": tokens[-1] if tokens else None,
        "names_all": [n for n in dict.fromkeys(all_names) if n] or None,
        "phones": phones or None,
        "phones7": list(dict.fromkeys(p[-7:] for p in phones)) or None,
        "phone1": phones[0] if phones else None,
        "licence_std": standardise_licence(licence) or None,
        "licence_core": licence_core(licence) or None,
        "city_std": city_key(rec.get("city") or "") or None,
        "address_std": address or None,
    }


def standardise_all(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``standardise_record`` over many records (with the garbage collector paused: it is many times faster)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return [standardise_record(r) for r in records]
    finally:
        if paused:
            gc.enable()


# ---------------------------------------------------------------------------------------------- the model
def _schema() -> Any:
    import pyarrow as pa

    s, ls = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [
            ("unique_id", pa.int64()),
            ("country", s),
            ("kind", s),
            ("name_full", s),
            ("name_org", pa.bool_()),
            ("name_std", s),
            ("name_generic", ls),
            ("name_joined", s),
            ("name_sorted", s),
            ("name_skel", s),
            ("name_jskel", s),
            ("name_sskel", s),
            ("name_words", ls),
            ("name_first", s),
            ("swap_a", s),
            ("swap_b", s),
            ("name_last", s),
            ("names_all", ls),
            ("phones", ls),
            ("phones7", ls),
            ("phone1", s),
            ("licence_std", s),
            ("licence_core", s),
            ("city_std", s),
            ("address_std", s),
        ]
    )


# The generic words do not contradict each other: one name has none, or they share one ('Sky Overseas' and 'Sky
# Manpower' do contradict: siblings as often as not).
_GENERIC_AGREE = (
    "(name_generic_l is null or name_generic_r is null or list_has_any(name_generic_l, name_generic_r))"
)

# Cheap conditions first: DuckDB evaluates the edit distance only for the pairs left (lengths one apart or less).
_SAME_LENGTH_1 = "abs(length(name_joined_l) - length(name_joined_r)) <= 1"
_ONE_EDIT = "damerau_levenshtein(name_joined_l, name_joined_r) <= 1"
# One of the two records is sparse (as worker reports are): what it gives differently says less.
_ONE_NO_CITY = "(city_std_l is null or city_std_r is null)"
_ONE_NO_PHONE = "(phones_l is null or phones_r is null)"


def settings_creator() -> Any:
    """The model's shape: comparisons and blocking rules. Trained parameters live in the model file."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="standardised name (no legal or generic words, any script in Latin letters)",
        comparison_levels=[
            cll.NullLevel("name_std"),
            cll.CustomLevel(
                "name_full_l = name_full_r and name_org_l and name_org_r", "same name (of an organisation)"
            ),
            # A person's name in any word order (family name first or last) is one level: the order says nothing
            # about whether two records are the same person, and a common name says little (term frequency).
            cll.CustomLevel(
                "name_sorted_l = name_sorted_r and not name_org_l and not name_org_r",
                "same name of a person (words in any order)",
            ).configure(tf_adjustment_column="name_sorted", tf_adjustment_weight=1.0),
            cll.ExactMatchLevel("name_full", term_frequency_adjustments=True),
            # The same core name: the generic words decide how much that says. 'Sky Overseas' and 'Sky
            # Manpower' (no generic word in common) are siblings as often as they are one agency, and a core
            # name many records share ('new cirebon') is weaker evidence than a rare one (term frequency).
            cll.CustomLevel(
                "name_std_l = name_std_r and (name_generic_l is null or name_generic_r is null)",
                "same name without legal and generic words (one gives no generic word)",
            ).configure(tf_adjustment_column="name_std", tf_adjustment_weight=1.0),
            cll.CustomLevel(
                "name_std_l = name_std_r and list_has_any(name_generic_l, name_generic_r)",
                "same name without legal and generic words (a generic word in common)",
            ).configure(tf_adjustment_column="name_std", tf_adjustment_weight=1.0),
            cll.CustomLevel(
                "name_std_l = name_std_r",
                "same name without legal and generic words, other generic words (a sibling?)",
            ).configure(tf_adjustment_column="name_std", tf_adjustment_weight=1.0),
            cll.CustomLevel("name_joined_l = name_joined_r", "same letters (spaces differ)"),
            cll.CustomLevel("name_sorted_l = name_sorted_r", "same words, other order"),
            cll.CustomLevel("list_has_any(names_all_l, names_all_r)", "a name matches an alias"),
            # a typo in a long name is rarely another agency; in a short one ('Hoa Loi', 'Hoa Loc') often is
            cll.CustomLevel(
                "length(name_joined_l) >= 14 and name_org_l and name_org_r"
                f" and {_SAME_LENGTH_1} and {_GENERIC_AGREE} and {_ONE_EDIT}",
                "one typo apart in a long name (organisations, no conflicting generic words)",
            ),
            cll.CustomLevel(
                "length(name_joined_l) >= 6 and name_org_l and name_org_r"
                f" and {_SAME_LENGTH_1} and {_GENERIC_AGREE} and {_ONE_EDIT}",
                "one typo apart (organisations, no conflicting generic words)",
            ),
            cll.CustomLevel(
                "jaro_winkler_similarity(name_joined_l, name_joined_r) >= 0.95 and (name_org_l or name_org_r)",
                "nearly the same name (organisation)",
            ),
            cll.JaroWinklerLevel("name_joined", 0.95),
            cll.CustomLevel(
                "name_skel_l = name_skel_r and length(name_skel_l) >= 5"
                f" and name_org_l and name_org_r and {_GENERIC_AGREE}",
                "same consonant skeleton (organisations, no conflicting generic words: other script or spelling)",
            ),
            cll.CustomLevel(
                "name_skel_l = name_skel_r and length(name_skel_l) >= 5",
                "same consonant skeleton (other script or spelling)",
            ),
            cll.CustomLevel(
                "name_jskel_l = name_jskel_r and length(name_jskel_l) >= 5",
                "same consonant skeleton, spaces aside (words run together, other script)",
            ),
            cll.CustomLevel(
                "name_sskel_l = name_sskel_r and length(name_sskel_l) >= 5",
                "same consonant skeletons, other order (order and spelling or script differ)",
            ),
            # a middle name dropped or abbreviated: 'Biju Kumar Das' and 'Biju Das'
            cll.CustomLevel(
                "name_first_l = name_first_r and name_last_l = name_last_r and name_first_l <> name_last_l",
                "same first and last word (a middle word more or less)",
            ),
            cll.JaroWinklerLevel("name_sorted", 0.92),
            cll.CustomLevel(
                "list_has_all(name_words_l, name_words_r) or list_has_all(name_words_r, name_words_l)",
                "the words of one name are all in the other",
            ),
            cll.JaroWinklerLevel("name_joined", 0.88),
            cll.JaroWinklerLevel("name_skel", 0.88),
            cll.JaroWinklerLevel("name_joined", 0.75),
            cll.ElseLevel(),
        ],
    )
    licence = cl.CustomComparison(
        output_column_name="licence",
        comparison_description="licence number",
        comparison_levels=[
            cll.NullLevel("licence_core"),
            cll.ExactMatchLevel("licence_std"),
            cll.ExactMatchLevel("licence_core"),
            cll.ElseLevel(),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone numbers (any of them)",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ArrayIntersectLevel("phones", 1),
            cll.ArrayIntersectLevel("phones7", 1),
            # A worker's report gives the number the worker had (a mobile, a broker's) and often no city: a
            # different phone from such a record says much less than between two records that both give a city.
            cll.CustomLevel(_ONE_NO_CITY, "different (one record gives no city)"),
            cll.ElseLevel(),
        ],
    )
    city = cl.CustomComparison(
        output_column_name="city",
        comparison_description="city",
        comparison_levels=[
            cll.NullLevel("city_std"),
            cll.ExactMatchLevel("city_std", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("city_std", 0.88),
            # the same for a different city from a record that gives no phone (a worker's memory, a branch)
            cll.CustomLevel(_ONE_NO_PHONE, "different (one record gives no phone)"),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="address",
        comparison_levels=[
            cll.NullLevel("address_std"),
            cll.ExactMatchLevel("address_std"),
            cll.JaroWinklerLevel("address_std", 0.9),
            cll.JaroWinklerLevel("address_std", 0.75),
            cll.ElseLevel(),
        ],
    )
    # Records of one actor are in one country (blocking mostly asks for it): agreeing says little, disagreeing
    # (a shared licence or phone across borders) a lot.
    country = cl.CustomComparison(
        output_column_name="country",
        comparison_description="country",
        comparison_levels=[
            cll.NullLevel("country"),
            cll.ExactMatchLevel("country"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-4,
        comparisons=[name, licence, phone, city, address, country],
        blocking_rules_to_generate_predictions=BLOCKING_RULES(block_on),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["kind"],
    )


def BLOCKING_RULES(block_on: Any) -> list[Any]:  # noqa: N802 - a table of rules
    """Cheap keys that true pairs share: the same name, word order, skeleton, licence, phone; or the first or last
    word of the name within a city or country; or the first letters of the skeleton."""
    from splink.blocking_rule_library import CustomRule

    return [
        block_on("name_joined", "country"),
        block_on("name_sorted", "country"),
        block_on("name_skel", "country"),
        block_on("licence_std"),
        block_on("licence_core", "country"),
        block_on("phones", arrays_to_explode=["phones"]),
        block_on("name_first", "city_std"),
        CustomRule("l.swap_a = r.swap_b and l.country = r.country"),
        CustomRule("l.swap_b = r.swap_a and l.country = r.country"),
        block_on("name_last", "country", "substr(name_first, 1, 1)"),
        block_on("substr(name_skel, 1, 4)", "country", "substr(name_last, 1, 2)"),
        block_on("substr(name_jskel, 1, 6)", "country"),
        block_on("name_sskel", "country"),
    ]


def training_rules(block_on: Any) -> list[Any]:
    """Blocking rules for expectation maximisation: each leaves other comparisons free to be estimated."""
    return [block_on("licence_std"), block_on("name_joined", "country"), block_on("phone1")]


def model_versions(model_dir: Path = MODEL_DIR) -> list[tuple[int, Path]]:
    found = [(int(m.group(1)), p) for p in model_dir.glob("model-v*.json") if (m := MODEL_FILE.match(p.name))]
    return sorted(found)


def latest_model_path(model_dir: Path = MODEL_DIR) -> Path:
    versions = model_versions(model_dir)
    if not versions:
        raise FileNotFoundError(f"no trained linkage model in {model_dir} (run `fairrecruit link --train`)")
    return versions[-1][1]


def next_model_path(model_dir: Path = MODEL_DIR) -> Path:
    versions = model_versions(model_dir)
    return model_dir / f"model-v{(versions[-1][0] + 1) if versions else 1}.json"


def model_version(path: Path) -> str:
    """'model-v1' for linkage_model/model-v1.json: stored on every LinkCandidate."""
    return path.stem


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def _register(std_records: Sequence[dict[str, Any]]) -> tuple[Any, Any, Any]:
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    table = pa.Table.from_pylist(list(std_records), schema=_schema())
    sdf = db_api.register(table, dataset_display_name="records")
    return con, db_api, sdf


def _notify(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def train_model(
    records: Iterable[dict[str, Any]],
    out_path: Path | None = None,
    *,
    seed: int = 1,
    max_pairs: float = 5e7,
    recall: float = 0.55,
    distinct_records: Iterable[dict[str, Any]] | None = None,
    note: str = "",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit the model on raw records and save it as JSON (``out_path``). Returns the model.

    - u (how often non-matching records agree by chance) by random sampling. Random pairs are assumed to be
      non-matches; true duplicates among them inflate u for rare names. Pass ``distinct_records`` (records known to
      be different actors, e.g. one per known cluster, or the records that were not merged) to sample from those.
    - The prior (probability that two random records match): from ``cluster_id`` when every record has one
      (generated data), else from deterministic rules (same licence, same name and phone, same name and city)
      divided by their assumed ``recall``.
    - m (how often matching records agree) by expectation maximisation on the training blocking rules.
    """
    from splink import Linker, block_on

    _quiet_splink()
    raw = list(records)
    std = standardise_all(raw)
    _notify(progress, f"training on {len(std):,} records")
    settings: Any = settings_creator()
    if distinct_records is not None:
        distinct = standardise_all(distinct_records)
        _notify(progress, f"estimating u (random sampling of {len(distinct):,} distinct records)")
        con_u, _, sdf_u = _register(distinct)
        linker_u = Linker(sdf_u, settings, log_level=logging.ERROR)
        linker_u.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        settings = linker_u.misc.save_model_to_json(None)
        con_u.close()
        for comp in settings["comparisons"]:  # never seen among distinct records: rarer than 1 in max_pairs
            for level in comp["comparison_levels"]:
                if not level.get("is_null_level") and level.get("u_probability") is None:
                    level["u_probability"] = 1 / max_pairs
    con, _, sdf = _register(std)
    linker = Linker(sdf, settings, log_level=logging.ERROR)
    if raw and all(r.get("cluster_id") is not None for r in raw):
        sizes: dict[Any, int] = {}
        for r in raw:
            sizes[r["cluster_id"]] = sizes.get(r["cluster_id"], 0) + 1
        true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
        prior = true_pairs / max(1, len(raw) * (len(raw) - 1) // 2)
        linker._settings_obj._probability_two_random_records_match = prior
        _notify(progress, f"prior from known clusters: {prior:.3g}")
    else:
        linker.training.estimate_probability_two_random_records_match(
            [
                block_on("licence_std"),
                block_on("name_joined", "country", "phone1"),
                block_on("name_joined", "country", "city_std"),
            ],
            recall=recall,
        )
    if distinct_records is None:
        _notify(progress, "estimating u (random sampling)")
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    from splink.internals.exceptions import EMTrainingException

    for rule in training_rules(block_on):
        sql = rule.create_sql(_duckdb_dialect())
        _notify(progress, f"estimating m (expectation maximisation) on {sql}")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except EMTrainingException as exc:  # e.g. no two records share a licence number in a small registry
            _notify(progress, f"skipped {sql}: {str(exc).splitlines()[0]}")
    model = linker.misc.save_model_to_json(None)
    con.close()
    model[META_KEY] = {
        "version": model_version(out_path) if out_path else None,
        "trained_on_records": len(std),
        "trained_at": dt.date.today().isoformat(),
        "seed": seed,
        "note": note,
    }
    if out_path:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _notify(progress, f"saved {out_path}")
    return model


def distinct_sample(records: Sequence[dict[str, Any]], *, seed: int = 1) -> list[dict[str, Any]]:
    """One record per true actor (``cluster_id``), chosen at random (seeded). Not the first: that is usually the
    register's full record, and u of the levels that depend on a record being sparse (no city, no phone: worker
    reports) would be estimated from pairs that are almost never sparse."""
    import random

    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault(r["cluster_id"], []).append(r)
    rng = random.Random(seed)
    return [rng.choice(members) for members in groups.values()]


def train_on_generated(
    out_path: Path, *, n_records: int = 60_000, seed: int = 1, progress: Progress | None = None
) -> dict[str, Any]:
    """Train on a generated registry with known truth (how ``model-v1.json`` was made): u from one record per
    true actor (chosen at random since model-v5, see ``distinct_sample``), the prior from the true clusters, m by
    expectation maximisation."""
    from fairrecruit.registry.generate import iter_linkage_records

    records = list(iter_linkage_records(n_records, seed=seed))
    distinct = distinct_sample(records, seed=seed)
    return train_model(
        records,
        out_path,
        seed=seed,
        distinct_records=distinct,
        progress=progress,
        note=f"trained on {n_records:,} generated records (fairrecruit.registry.generate, seed {seed})",
    )


def load_model(path: Path, n_records: int | None = None) -> dict[str, Any]:
    """A saved model as Splink settings. The prior (probability that two random records match) shrinks as the
    data grows: it is rescaled from the number of records the model was trained on to ``n_records``."""
    model = json.loads(path.read_text(encoding="utf-8"))
    meta = model.pop(META_KEY, {})
    trained_on = meta.get("trained_on_records")
    if trained_on and n_records:
        # a registry is not tiny: below MIN_RECORDS_FOR_PRIOR records the prior stays as for that many
        effective = max(n_records, MIN_RECORDS_FOR_PRIOR)
        prior = model["probability_two_random_records_match"] * (trained_on - 1) / (effective - 1)
        model["probability_two_random_records_match"] = min(0.5, prior)
    return model


def _duckdb_dialect() -> Any:
    from splink.internals.dialects import SplinkDialect

    return SplinkDialect.from_string("duckdb")


@dataclass
class Pair:
    left: int
    right: int
    probability: float
    match_weight: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class PredictResult:
    pairs: list[Pair]
    compared: int
    model_version: str
    seconds: float


_NOUNS = {
    "name_full": "name",
    "name_std": "name without legal and generic words",
    "name_joined": "name",
    "name_sorted": "name (words in any order)",
    "name_skel": "consonant skeleton of the name",
    "name_jskel": "consonant skeleton of the name (spaces aside)",
    "name_sskel": "consonant skeletons of the words (any order)",
    "licence_std": "licence number",
    "licence_core": "licence serial number",
    "phones7": "last 7 digits of a phone",
    "phones": "phone number",
    "city_std": "city",
    "address_std": "address",
    "country": "country",
}
_JW = re.compile(r"Jaro-Winkler distance of (\w+) >= ([\d.]+)")


def level_label(level: dict[str, Any]) -> str:
    """A reviewer's words for a comparison level ('same city', 'similar name (Jaro-Winkler >= 0.95)')."""
    label = level.get("label_for_charts") or level.get("sql_condition", "")
    sql = level.get("sql_condition", "")
    if label.startswith("Exact match on "):
        return "same " + _NOUNS.get(label.removeprefix("Exact match on ").strip(), label)
    if m := _JW.match(label):
        return f"similar {_NOUNS.get(m.group(1), m.group(1))} (Jaro-Winkler >= {m.group(2)})"
    if label.startswith("Array intersection"):
        return "same " + (_NOUNS["phones7"] if "phones7" in sql else "phone number (one in common)")
    if label == "All other comparisons":
        return "different"
    return label


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison vector value -> level label, per comparison (the null level is -1, then n-1 down to 0)."""
    out: dict[str, dict[int, str]] = {}
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "missing"}
        for i, lv in enumerate(non_null):
            labels[len(non_null) - 1 - i] = level_label(lv)
        out[comp["output_column_name"]] = labels
    return out


def predict(
    records: Iterable[dict[str, Any]],
    model_path: Path | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD_REVIEW,
    progress: Progress | None = None,
) -> PredictResult:
    """Score every pair the blocking rules produce; return those at or above ``threshold`` with per-field detail."""
    from splink import Linker

    _quiet_splink()
    started = time.monotonic()
    path = model_path or latest_model_path()
    std = standardise_all(records)
    model = load_model(path, len(std))
    _notify(progress, f"standardised {len(std):,} records")
    con, _, sdf = _register(std)
    linker = Linker(sdf, model, log_level=logging.ERROR)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    compared = con.sql(f"select count(*) from {blocked.physical_name}").fetchall()[0][0]
    _notify(progress, f"blocking: {compared:,} pairs to compare")
    preds = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    labels = _level_labels(model)
    names = list(labels)
    present = {c.name.strip('"') for c in preds.columns}
    cols = ", ".join(
        f"gamma_{n}, mw_{n}" + (f" + coalesce(mw_tf_adj_{n}, 0)" if f"mw_tf_adj_{n}" in present else "")
        for n in names
    )
    rows = con.sql(
        f"select unique_id_l, unique_id_r, match_probability, match_weight, {cols} from {preds.physical_name}"
    ).fetchall()
    pairs = []
    for row in rows:
        left, right, p, w = int(row[0]), int(row[1]), float(row[2]), float(row[3])
        detail = {}
        for i, n in enumerate(names):
            gamma, weight = row[4 + 2 * i], row[5 + 2 * i]
            detail[n] = {"level": labels[n].get(int(gamma), str(gamma)), "weight": round(float(weight), 2)}
        if left > right:
            left, right = right, left
        pairs.append(Pair(left, right, p, w, detail))
    con.close()
    seconds = time.monotonic() - started
    _notify(progress, f"scored: {len(pairs):,} pairs at p >= {threshold} in {seconds:.1f} s")
    return PredictResult(
        pairs=pairs, compared=int(compared), model_version=model_version(path), seconds=seconds
    )


def cluster(
    ids: Iterable[int], pairs: Iterable[Pair], threshold: float, forbidden: set[frozenset[int]] | None = None
) -> dict[int, int]:
    """Connected components of the pairs at or above ``threshold`` (minus ``forbidden`` pairs): id -> cluster id
    (the smallest id in the cluster)."""
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pr in pairs:
        if pr.probability < threshold or pr.left not in parent or pr.right not in parent:
            continue
        if forbidden and frozenset((pr.left, pr.right)) in forbidden:
            continue
        a, b = find(pr.left), find(pr.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {i: find(i) for i in parent}


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def evaluate(truth: dict[int, Any], predicted: dict[int, Any]) -> Scores:
    """Pairwise precision, recall and F1 of a clustering against the true clusters (same ids in both)."""
    from collections import Counter

    def pairs(counter: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    true_pairs = pairs(Counter(truth.values()))
    pred_pairs = pairs(Counter(predicted.values()))
    correct = pairs(Counter((truth[i], predicted[i]) for i in truth))
    precision = correct / pred_pairs if pred_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, true_pairs, pred_pairs, correct)


def baseline_clusters(records: Iterable[dict[str, Any]]) -> dict[int, Any]:
    """The simple alternative: records with the same standardised name in the same country are the same."""
    return {
        int(r["unique_id"]): (r.get("country") or "", " ".join(name_tokens(r.get("name") or "")))
        for r in records
    }


# ---------------------------------------------------------------------------------------------- database
OFFICIAL_KINDS = ("licensed_agency", "destination_agency", "employer", "branch")


@dataclass
class LinkRun:
    records: int = 0
    pairs_compared: int = 0
    pairs_scored: int = 0
    auto_merged: int = 0
    queued: int = 0
    skipped_decided: int = 0
    model_version: str = ""
    dry_run: bool = False
    seconds: float = 0.0


def actor_records() -> list[dict[str, Any]]:
    """Every actor but regulators (merged ones too: clusters are stable from run to run) as raw records."""
    from fairrecruit.registry.models import Actor, ActorKind, Alias, Licence

    chosen: dict[int, tuple[str, str]] = {}  # an active licence first, else the latest
    for actor_id, number, status in Licence.objects.order_by("actor_id", "-valid_from").values_list(
        "actor_id", "number", "status"
    ):
        current = chosen.get(actor_id)
        if current is None or (status == "active" and current[1] != "active"):
            chosen[actor_id] = (number, status)
    licences = {actor_id: number for actor_id, (number, _) in chosen.items()}
    aliases: dict[int, list[str]] = {}
    for actor_id, name in Alias.objects.values_list("actor_id", "name"):
        aliases.setdefault(actor_id, []).append(name)
    return [
        {
            "unique_id": a["id"],
            "name": a["name"],
            "aliases": aliases.get(a["id"], []),
            "country": a["country"],
            "city": a["city"],
            "address": a["address"],
            "phones": a["phones"] or [],
            "kind": a["kind"],
            "licence_number": licences.get(a["id"], ""),
        }
        for a in Actor.objects.exclude(kind=ActorKind.REGULATOR)
        .values("id", "name", "country", "city", "address", "phones", "kind")
        .iterator(chunk_size=5000)
    ]


def _survivor_rank(actor_id: int, kind: str, licence_states: dict[int, set[str]]) -> tuple[Any, ...]:
    states = licence_states.get(actor_id, set())
    return (not states, "active" not in states, kind not in OFFICIAL_KINDS, actor_id)


def choose_survivor(actors: Sequence[Actor]) -> Actor:
    """The record the others merge into: one holding a licence (an active one first) issued by a regulator, then an
    official kind of record, then the oldest."""
    from fairrecruit.registry.models import Licence

    states: dict[int, set[str]] = {}
    for actor_id, status in Licence.objects.filter(actor__in=list(actors)).values_list("actor_id", "status"):
        states.setdefault(actor_id, set()).add(status)
    return min(actors, key=lambda a: _survivor_rank(a.pk, a.kind, states))


def root_of(actor_id: int, parents: Mapping[int, int]) -> int:
    """The record an actor is (finally) merged into, following ``merged_into`` (``parents``)."""
    seen = set()
    while actor_id in parents and actor_id not in seen:
        seen.add(actor_id)
        actor_id = parents[actor_id]
    return actor_id


def actor_merge(
    *, actor_user: User | None, survivor: Actor, merged: Actor, candidate: LinkCandidate | None = None
) -> Actor:
    """Record that ``merged`` is the same actor as ``survivor``: set ``merged_into``. Nothing else changes (its
    names, licences, relationships stay where they are), so ``actor_unmerge`` restores it exactly."""
    actors_merge(actor_user=actor_user, merges=[(survivor.pk, merged.pk, candidate)])
    merged.refresh_from_db(fields=["merged_into", "updated_at"])
    return merged


def actors_merge(
    *, actor_user: User | None, merges: Sequence[tuple[int, int, LinkCandidate | None]]
) -> None:
    """:func:`actor_merge` for many ``(survivor id, merged id, candidate)`` at once, in order, in one
    transaction and a few queries (``run_linkage`` merges thousands): every merged record is locked and must not
    be merged already, no merge may make a loop (with those before it), and each gets its audit event and the
    ids on its candidate. One refused merge refuses them all."""
    from django.db import transaction
    from django.utils import timezone

    from fairrecruit.core.models import AuditEvent
    from fairrecruit.core.services import audit_event
    from fairrecruit.registry.models import Actor, LinkCandidate

    if not merges:
        return
    with transaction.atomic():
        merged_ids = [m for _s, m, _c in merges]
        locked = {
            pk: (up, ident)
            for pk, up, ident in Actor.objects.select_for_update()
            .filter(pk__in=merged_ids)
            .values_list("pk", "merged_into_id", "identifier")
        }
        survivors = dict(
            Actor.objects.filter(pk__in={s for s, _m, _c in merges}).values_list("pk", "identifier")
        )
        parents: dict[int, int | None] = {pk: up for pk, (up, _i) in locked.items()}

        def parent(pk: int) -> int | None:
            if pk not in parents:
                parents[pk] = Actor.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
            return parents[pk]

        for survivor_id, merged_id, _c in merges:
            if merged_id not in locked or survivor_id not in survivors:
                raise Actor.DoesNotExist(f"no actor {merged_id if merged_id not in locked else survivor_id}")
            if merged_id == survivor_id:
                raise ValueError("an actor cannot be merged into itself")
            if parents[merged_id] is not None:
                raise ValueError(f"{locked[merged_id][1]} is already merged into another record; undo that first")
            up, seen = parent(survivor_id), {survivor_id}
            while up is not None and up not in seen:
                if up == merged_id:
                    raise ValueError("that merge would make a loop")
                seen.add(up)
                up = parent(up)
            parents[merged_id] = survivor_id
        now = timezone.now()
        Actor.objects.bulk_update(
            [Actor(pk=m, merged_into_id=s, updated_at=now) for s, m, _c in merges],
            ["merged_into", "updated_at"],
            batch_size=500,
        )
        candidates = [c for _s, _m, c in merges if c is not None]
        for s, m, c in merges:
            if c is not None:
                c.detail = {**c.detail, "survivor_actor": s, "merged_actor": m}
        LinkCandidate.objects.bulk_update(candidates, ["detail"], batch_size=500)
        AuditEvent.objects.bulk_create(
            [
                audit_event(
                    actor=actor_user,
                    action="actor.merge",
                    target=("registry.actor", str(m)),
                    old={"merged_into": None},
                    new={
                        "merged_into": s,
                        "survivor": survivors[s],
                        "merged": locked[m][1],
                        "candidate": c.pk if c else None,
                        "probability": c.probability if c else None,
                    },
                )
                for s, m, c in merges
            ],
            batch_size=500,
        )


def actor_unmerge(*, actor_user: User | None, merged: Actor) -> Actor:
    """Undo a merge: clear ``merged_into``. The pair is marked as different actors so linkage does not merge it
    again."""
    from django.db import transaction
    from django.utils import timezone

    from fairrecruit.core.services import audit_record
    from fairrecruit.registry.models import Actor, LinkCandidate

    with transaction.atomic():
        merged = Actor.objects.select_for_update().get(pk=merged.pk)
        if merged.merged_into_id is None:
            raise ValueError(f"{merged.identifier} is not merged")
        survivor_id = merged.merged_into_id
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        now = timezone.now()
        candidates = LinkCandidate.objects.filter(
            status__in=[LinkCandidate.Status.CONFIRMED, LinkCandidate.Status.AUTO_MERGED],
            detail__merged_actor=merged.pk,
            detail__survivor_actor=survivor_id,
        )
        undone = list(candidates.values_list("id", flat=True))
        candidates.update(status=LinkCandidate.Status.REJECTED, decided_by=actor_user, decided_at=now)
        low, high = sorted((merged.pk, survivor_id))
        if not LinkCandidate.objects.filter(left_id=low, right_id=high).exists() and not undone:
            LinkCandidate.objects.create(
                left_id=low,
                right_id=high,
                probability=0.0,
                model_version="manual",
                status=LinkCandidate.Status.REJECTED,
                decided_by=actor_user,
                decided_at=now,
                detail={"note": "merge undone"},
            )
        audit_record(
            actor=actor_user,
            action="actor.unmerge",
            target=merged,
            old={"merged_into": survivor_id},
            new={"merged_into": None, "candidates_rejected": undone},
        )
    return merged


def link_candidate_decide(*, actor_user: User | None, candidate: LinkCandidate, same: bool) -> LinkCandidate:
    """A person's decision on a pending pair: the same actor (merge them) or different actors."""
    from django.db import transaction
    from django.utils import timezone

    from fairrecruit.core.services import audit_record
    from fairrecruit.registry.models import Actor, LinkCandidate

    with transaction.atomic():
        candidate = LinkCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status != LinkCandidate.Status.PENDING:
            raise ValueError(f"this pair was already decided ({candidate.get_status_display()})")
        if same:
            parents = dict(
                Actor.objects.filter(merged_into__isnull=False).values_list("id", "merged_into_id")
            )
            roots = {root_of(candidate.left_id, parents), root_of(candidate.right_id, parents)}
            if len(roots) == 2:
                actors = list(Actor.objects.filter(pk__in=roots))
                survivor = choose_survivor(actors)
                merged = next(a for a in actors if a.pk != survivor.pk)
                actor_merge(actor_user=actor_user, survivor=survivor, merged=merged, candidate=candidate)
                candidate.refresh_from_db(fields=["detail"])
            candidate.status = LinkCandidate.Status.CONFIRMED
        else:
            candidate.status = LinkCandidate.Status.REJECTED
        candidate.decided_by = actor_user if actor_user is not None and actor_user.is_authenticated else None
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor_user,
            action="link_candidate.decide",
            target=candidate,
            old={"status": LinkCandidate.Status.PENDING},
            new={"status": candidate.status, "same": same},
        )
    return candidate


def run_linkage(
    *,
    actor_user: User | None = None,
    threshold_auto: float = DEFAULT_THRESHOLD_AUTO,
    threshold_review: float = DEFAULT_THRESHOLD_REVIEW,
    dry_run: bool = False,
    train: bool = False,
    model_path: Path | None = None,
    progress: Progress | None = None,
) -> LinkRun:
    """Link every actor in the database. Pairs at or above ``threshold_auto`` are merged (their clusters, minus
    pairs a person rejected); pairs in [``threshold_review``, ``threshold_auto``) wait for review; the rest are
    ignored. Running it again changes nothing unless the records or the model changed."""
    from django.db import transaction
    from django.utils import timezone

    from fairrecruit.registry.models import Actor, Licence, LinkCandidate

    if not 0 < threshold_review <= threshold_auto <= 1:
        raise ValueError("thresholds must satisfy 0 < review <= auto <= 1")
    started = time.monotonic()
    run = LinkRun(dry_run=dry_run)
    records = actor_records()
    run.records = len(records)
    _notify(progress, f"{len(records):,} actors to link")
    if train:
        if dry_run:  # train into a scratch file: a dry run leaves the model directory alone too
            model_path = Path(tempfile.mkdtemp()) / next_model_path().name
        model_path = model_path or next_model_path()
        merged = set(Actor.objects.filter(merged_into__isnull=False).values_list("id", flat=True))
        train_model(
            records,
            model_path,
            distinct_records=[r for r in records if r["unique_id"] not in merged],
            note=f"trained on the {len(records):,} actors in the database",
            progress=progress,
        )
    path = model_path or latest_model_path()
    run.model_version = model_version(path)
    if len(records) < 2:
        run.seconds = time.monotonic() - started
        return run
    result = predict(records, path, threshold=threshold_review, progress=progress)
    run.pairs_compared, run.pairs_scored = result.compared, len(result.pairs)
    kinds = {r["unique_id"]: r["kind"] for r in records}

    with transaction.atomic():
        parents = dict(Actor.objects.filter(merged_into__isnull=False).values_list("id", "merged_into_id"))
        existing: dict[frozenset[int], LinkCandidate] = {
            frozenset((c.left_id, c.right_id)): c for c in LinkCandidate.objects.all()
        }
        rejected = {k for k, c in existing.items() if c.status == LinkCandidate.Status.REJECTED}
        licence_states: dict[int, set[str]] = {}
        for actor_id, status in Licence.objects.values_list("actor_id", "status"):
            licence_states.setdefault(actor_id, set()).add(status)
        best: dict[frozenset[int], Pair] = {}
        for pr in result.pairs:
            k = frozenset((pr.left, pr.right))
            if k not in best or pr.probability > best[k].probability:
                best[k] = pr

        # 1. merge the clusters formed by high-probability pairs (human rejections respected)
        clusters = cluster(kinds, result.pairs, threshold_auto, forbidden=rejected)
        members: dict[int, list[int]] = {}
        for actor_id, c in clusters.items():
            members.setdefault(c, []).append(actor_id)
        now = timezone.now()
        merges: list[tuple[int, int, LinkCandidate | None]] = []  # written at once (actors_merge), in this order
        new_candidates: list[LinkCandidate] = []
        decided_again: list[LinkCandidate] = []
        for group in members.values():
            if len(group) < 2:
                continue
            roots = sorted({root_of(m, parents) for m in group})
            if len(roots) < 2:
                continue
            survivor_id = min(roots, key=lambda r: _survivor_rank(r, kinds.get(r, ""), licence_states))
            for r in roots:
                if r == survivor_id:
                    continue
                key = frozenset((r, survivor_id))
                if key in rejected:
                    continue
                in_r = [m for m in group if root_of(m, parents) == r]
                linking = [
                    best[k]
                    for k in (frozenset((m, o)) for m in in_r for o in group if o not in in_r)
                    if k in best
                ]
                top = max(linking, key=lambda p: p.probability) if linking else None
                detail = dict(top.detail) if top else {}
                if top and frozenset((top.left, top.right)) != key:
                    detail["via"] = [top.left, top.right]
                low, high = sorted(key)
                cand = existing.get(key)
                if cand is None:
                    cand = LinkCandidate(
                        left_id=low,
                        right_id=high,
                        probability=top.probability if top else threshold_auto,
                        model_version=run.model_version,
                        status=LinkCandidate.Status.AUTO_MERGED,
                        detail=detail,
                        decided_at=now,
                    )
                    new_candidates.append(cand)
                    existing[key] = cand
                else:
                    cand.status, cand.decided_at = LinkCandidate.Status.AUTO_MERGED, now
                    decided_again.append(cand)
                merges.append((survivor_id, r, cand))
                parents[r] = survivor_id
                run.auto_merged += 1
        LinkCandidate.objects.bulk_create(new_candidates, batch_size=1000)
        LinkCandidate.objects.bulk_update(decided_again, ["status", "decided_at"], batch_size=1000)
        actors_merge(actor_user=actor_user, merges=merges)

        # 2. queue the uncertain band, as pairs of the records that survive
        queue: dict[frozenset[int], Pair] = {}
        for pr in result.pairs:
            a, b = root_of(pr.left, parents), root_of(pr.right, parents)
            if a == b:
                continue
            key = frozenset((a, b))
            if key in existing:
                run.skipped_decided += existing[key].status != LinkCandidate.Status.PENDING
                continue
            if key not in queue or pr.probability > queue[key].probability:
                queue[key] = pr
        new = []
        for key, pr in queue.items():
            low, high = sorted(key)
            detail = dict(pr.detail)
            if (low, high) != (pr.left, pr.right):
                detail["via"] = [pr.left, pr.right]
            new.append(
                LinkCandidate(
                    left_id=low,
                    right_id=high,
                    probability=pr.probability,
                    model_version=run.model_version,
                    detail=detail,
                )
            )
        LinkCandidate.objects.bulk_create(new, batch_size=1000)
        run.queued = len(new)
        if dry_run:
            transaction.set_rollback(True)
    run.seconds = time.monotonic() - started
    _notify(progress, f"done in {run.seconds:.1f} s")
    return run
