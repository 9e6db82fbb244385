"""Data checks for the international standards (rules/standards/*.yaml) and the purpose lexicon (rules/lexicon.yaml).

Plain Python and PyYAML only: no Django, no database, no import of the loader, so a broken data file is reported
here with the file and the item even when the loader itself is being changed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

RULES = Path(__file__).resolve().parent.parent / "rules"
STANDARDS_DIR = RULES / "standards"

TOPICS = frozenset(
    "fees contract documents deception wages freedom_of_movement grievance information human_rights legality "
    "regulation labour_market discrimination representation conditions transparency".split()
)
KINDS = {"principles", "definition", "certification_standard", "industry_principle"}
EXPECTED_FILES = {
    "ilo-fr": "ILO-FR/",
    "ilo-fees": "ILO-FEES/",
    "iris": "IRIS/",
    "employer-pays": "EPP/",
    "dhaka": "DHAKA/",
}
REQUIRED_LANGS = ("en", "ne", "bn", "hi", "fil", "id", "vi", "ar")
OPTIONAL_LANGS = ("my", "ru", "es", "ur")
# Letters of each language must come from this Unicode script (by character name prefix).
SCRIPT = {
    "en": "LATIN", "fil": "LATIN", "id": "LATIN", "vi": "LATIN", "es": "LATIN",
    "ne": "DEVANAGARI", "hi": "DEVANAGARI", "bn": "BENGALI",
    "ar": "ARABIC", "ur": "ARABIC", "ru": "CYRILLIC", "my": "MYANMAR",
}
# Too ambiguous to stand alone as a phrase (README of the lexicon).
BANNED_PHRASES = {"fee", "fees", "charge", "charges", "cost", "costs", "payment", "money", "travel", "police"}
# The official ILO PDF was never read: nothing cited to it may claim verified wording.
UNREAD_URLS = {
    "https://www.ilo.org/wcmsp5/groups/public/---ed_norm/---declaration/documents/publication/wcms_536755.pdf",
}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _standards() -> dict[str, dict[str, Any]]:
    return {p.stem: _load(p) for p in sorted(STANDARDS_DIR.glob("*.yaml"))}


def _walk(items: list[dict[str, Any]], depth: int = 0):
    for it in items or []:
        yield it, depth
        yield from _walk(it.get("items") or [], depth + 1)


def _all_items() -> list[tuple[str, dict[str, Any], int]]:
    return [(name, it, depth) for name, doc in _standards().items() for it, depth in _walk(doc["items"])]


def _top_ids(name: str) -> list[str]:
    return [it["id"] for it in _standards()[name]["items"]]


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _check_source(src: Any, where: str) -> None:
    assert isinstance(src, dict), f"{where}: source must be a mapping"
    for k in ("title", "article", "url"):
        assert isinstance(src.get(k), str) and src[k].strip(), f"{where}: source.{k} missing"
    assert src["url"].startswith(("http://", "https://")), f"{where}: source.url must be an http(s) address"
    assert isinstance(src.get("verified"), bool), f"{where}: source.verified must be true or false"
    assert set(src) <= {"title", "article", "url", "verified", "checked", "note"}, f"{where}: unknown source key"
    if not src["verified"]:
        note = str(src.get("note") or "")
        assert "secondary source" in note or "recalled, not checked against the official text" in note, (
            f"{where}: verified: false needs a note saying 'read in a secondary source' or "
            f"'recalled, not checked against the official text'"
        )
    elif src["url"] in UNREAD_URLS:
        pytest.fail(f"{where}: cites the unread official PDF but claims verified: true")


# --- standards ---------------------------------------------------------------------------------------------


def test_expected_files_present():
    assert set(EXPECTED_FILES) <= set(_standards())


@pytest.mark.parametrize("name", sorted(EXPECTED_FILES))
def test_standard_header(name):
    d = _standards()[name]
    assert d["id"] == name
    for k in ("title", "short_title", "publisher", "summary"):
        assert isinstance(d.get(k), str) and d[k].strip(), f"{name}: {k} missing"
    assert d["kind"] in KINDS
    assert d["binding"] is False
    start = _date(d["from"])
    assert d.get("until") is None or _date(d["until"]) >= start
    _check_source(d.get("source"), f"{name}: source")
    assert isinstance(d.get("items"), list) and d["items"], f"{name}: no items"


def test_every_item_complete_and_cited():
    problems = []
    for name, it, _depth in _all_items():
        where = f"{name}: {it.get('id', '?')}"
        for k in ("id", "label", "text", "plain"):
            if not (isinstance(it.get(k), str) and it[k].strip()):
                problems.append(f"{where}: {k} missing")
        if "number" in it and not isinstance(it["number"], str):
            problems.append(f"{where}: number must be quoted text")
        topics = it.get("topics")
        if not (isinstance(topics, list) and topics):
            problems.append(f"{where}: topics missing")
        elif set(topics) - TOPICS:
            problems.append(f"{where}: unknown topics {sorted(set(topics) - TOPICS)}")
        try:
            _check_source(it.get("source"), where)
        except AssertionError as exc:
            problems.append(str(exc))
        if not str(it.get("id", "")).startswith(EXPECTED_FILES.get(name, "")):
            problems.append(f"{where}: id must start with {EXPECTED_FILES.get(name)}")
    assert not problems, "\n".join(problems)


WORKER_LANGUAGES = ("ne", "bn", "hi", "fil", "id", "vi", "my", "ar", "ru", "es")  # = settings.LANGUAGES - en


def test_every_item_is_worded_for_workers_in_every_language():
    """Pages show a principle's label and plain words in the reader's language: every item has both in every
    site language (test_loader checks this list against settings.LANGUAGES), in that language's script, and a
    Latin-script text that is not the English left untranslated."""
    problems = []
    for name, it, _depth in _all_items():
        for key, english in (("labels", it.get("label")), ("plains", it.get("plain"))):
            texts = it.get(key) or {}
            where = f"{name}: {it.get('id', '?')}: {key}"
            missing = [lang for lang in WORKER_LANGUAGES if not str(texts.get(lang) or "").strip()]
            if missing:
                problems.append(f"{where}: no {', '.join(missing)}")
            for lang, text in texts.items():
                letters = [ch for ch in str(text) if unicodedata.category(ch)[0] == "L"]
                foreign = [ch for ch in letters if not unicodedata.name(ch, "").startswith(SCRIPT[lang])]
                if len(foreign) > len(letters) // 4:
                    problems.append(f"{where}.{lang}: mostly not {SCRIPT[lang]} script")
                if SCRIPT[lang] == "LATIN" and str(text).strip().lower() == str(english).strip().lower():
                    problems.append(f"{where}.{lang}: the English text, not a translation")
    assert not problems, "\n".join(problems)


def test_ids_unique_across_files():
    seen: dict[str, str] = {}
    dups = []
    for name, it, _depth in _all_items():
        if it["id"] in seen:
            dups.append(f"{it['id']} in {seen[it['id']]} and {name}")
        seen[it["id"]] = name
    assert not dups, dups


def test_ilo_has_thirteen_general_principles():
    gps = [i for i in _top_ids("ilo-fr") if re.fullmatch(r"ILO-FR/GP\d\d", i)]
    assert gps == [f"ILO-FR/GP{n:02d}" for n in range(1, 14)]
    # operational guidelines by actor, with children
    top = {it["id"]: it for it in _standards()["ilo-fr"]["items"]}
    for og in ("ILO-FR/OG-GOV", "ILO-FR/OG-ENT"):
        assert top[og].get("items"), f"{og} has no children"
    assert [c["id"] for c in top["ILO-FR/OG-ENT"]["items"]] == [
        "ILO-FR/OG-ENT-A", "ILO-FR/OG-ENT-B", "ILO-FR/OG-ENT-C"
    ]
    assert "ILO-FR/OG-GOV-06" in [c["id"] for c in top["ILO-FR/OG-GOV"]["items"]]


def test_ilo_fee_definition_categories_match_taxonomy():
    taxonomy = _load(RULES / "taxonomy.yaml")["categories"]
    ids = {it["id"]: it for _n, it, _d in _all_items() if _n == "ilo-fees"}
    for code in [f"ILO-FEES/RC{n}" for n in range(1, 8)] + ["ILO-FEES/RF", "ILO-FEES/ILLEGIT"]:
        assert code in ids, f"{code} missing"
        assert ids[code].get("category") in taxonomy, f"{code}: category not in taxonomy.yaml"
    cats = [it["category"] for it in ids.values() if "category" in it]
    assert sorted(cats) == sorted(taxonomy), "each taxonomy category must be named by exactly one cost item"
    assert "ILO-FEES/EXCEPTIONS" in ids and "ILO-FEES/DEF" in ids


def test_iris_principles():
    assert _top_ids("iris") == ["IRIS/A", "IRIS/B", "IRIS/1", "IRIS/2", "IRIS/3", "IRIS/4", "IRIS/5"]
    for it in _standards()["iris"]["items"]:
        for c in it.get("items") or []:
            assert c["id"].startswith(it["id"] + "."), f"criterion {c['id']} not under {it['id']}"


def test_dhaka_principles():
    assert _top_ids("dhaka") == ["DHAKA/A", "DHAKA/B"] + [f"DHAKA/{n}" for n in range(1, 11)]


def test_employer_pays():
    assert _top_ids("employer-pays") == ["EPP/1"]


@pytest.mark.parametrize(
    ("topic", "ids"),
    [
        ("fees", ["ILO-FR/GP07", "IRIS/1", "DHAKA/1", "EPP/1", "ILO-FEES/ZERO"]),
        ("documents", ["ILO-FR/GP11", "IRIS/2", "DHAKA/4"]),
        ("contract", ["ILO-FR/GP08", "IRIS/3", "DHAKA/2"]),
        ("deception", ["ILO-FR/GP09"]),
        ("wages", ["DHAKA/5"]),
        ("grievance", ["ILO-FR/GP13", "IRIS/5", "DHAKA/9"]),
        ("freedom_of_movement", ["ILO-FR/GP11", "ILO-FR/GP12", "IRIS/2", "DHAKA/10"]),
    ],
)
def test_engine_topics(topic, ids):
    """The engine cites principles for events by topic (documents_retained -> documents, ...)."""
    by_id = {it["id"]: it for _n, it, _d in _all_items()}
    for i in ids:
        assert topic in by_id[i]["topics"], f"{i} should carry topic {topic!r}"


# --- lexicon -----------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Same rule as the engine: NFKC, case-folded, anything not a letter/number/mark becomes a space."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in t).split())


def fold(text: str) -> str:
    """Same rule as the engine's Arabic folding: one letter for the forms of alif, ta marbuta and alif maqsura,
    no tatweel, and no article (with 'and'/'with' before it) in front of a word that keeps 3+ letters."""
    swap = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": ""}
    words = []
    for w in text.split():
        w = "".join(swap.get(ch, ch) for ch in w)
        m = re.match(r"^(وال|بال|ال|لل)[\u0600-\u06ff]{3,}$", w)
        if m:
            w = w[len(m.group(1)):]
        words.append(w)
    return " ".join(words)


def _lexicon() -> dict[str, dict[str, list[str]]]:
    return _load(RULES / "lexicon.yaml")["items"]


def _taxonomy_items() -> list[str]:
    return [i for c in _load(RULES / "taxonomy.yaml")["categories"].values() for i in c["items"]]


def test_lexicon_covers_every_taxonomy_item_in_every_language():
    lex = _lexicon()
    items = _taxonomy_items()
    assert sorted(lex) == sorted(items), f"missing {set(items) - set(lex)}, unknown {set(lex) - set(items)}"
    problems = []
    for item, langs in lex.items():
        for lang in REQUIRED_LANGS:
            if len(langs.get(lang) or []) < 2:
                problems.append(f"{item}.{lang}: needs at least 2 phrases")
        for lang in langs:
            if lang not in REQUIRED_LANGS + OPTIONAL_LANGS:
                problems.append(f"{item}.{lang}: unknown language")
            elif not langs[lang]:
                problems.append(f"{item}.{lang}: empty list")
    assert not problems, "\n".join(problems)


def test_lexicon_phrases_are_normalised_and_in_the_right_script():
    problems = []
    for item, langs in _lexicon().items():
        for lang, phrases in langs.items():
            if len(set(phrases)) != len(phrases):
                problems.append(f"{item}.{lang}: duplicate phrase")
            for p in phrases:
                if not isinstance(p, str) or normalise(p) != p:
                    problems.append(f"{item}.{lang}: {p!r} is not normalised (want {normalise(str(p))!r})")
                    continue
                if p in BANNED_PHRASES:
                    problems.append(f"{item}.{lang}: {p!r} is too ambiguous to stand alone")
                for ch in p:
                    if unicodedata.category(ch)[0] == "L" and not unicodedata.name(ch, "").startswith(
                        SCRIPT[lang]
                    ):
                        problems.append(f"{item}.{lang}: {p!r} has {ch!r}, not {SCRIPT[lang]} script")
                        break
    assert not problems, "\n".join(problems)


def test_no_phrase_maps_to_two_items():
    owner: dict[str, str] = {}
    clashes = []
    for item, langs in _lexicon().items():
        for lang, phrases in langs.items():
            for p in phrases:
                n = fold(normalise(p))
                if owner.get(n, item) != item:
                    clashes.append(f"{p!r} ({lang}) -> {item} and {owner[n]}")
                owner[n] = item
    assert not clashes, "\n".join(clashes)


def _classify(purpose: str) -> str:
    """Mirror of the engine's rule, written another way: mark the letters each phrase covers, longest phrase
    first (whole words; an English plural; non-ASCII phrases of 3+ characters also at the start of a longer
    word); a phrase counts only if none of its letters is marked yet; two different items -> 'ambiguous'."""
    text = f" {fold(normalise(purpose))} "
    phrases = sorted(((fold(p), item) for item, langs in _lexicon().items() for ps in langs.values() for p in ps),
                     key=lambda x: -len(x[0]))
    covered = [False] * len(text)
    items = set()
    for p, item in phrases:
        forms = [p, p + "s", p[:-1] + "ies" if p.endswith("y") else p] if p.isascii() else [p]
        for form in forms:
            prefix_ok = len(form) >= 3 and not form.isascii()
            for i in range(1, len(text) - len(form)):
                if text[i - 1] != " " or text[i:i + len(form)] != form:
                    continue
                if not prefix_ok and text[i + len(form)] != " ":
                    continue
                if not any(covered[i:i + len(form)]):
                    covered[i:i + len(form)] = [True] * len(form)
                    items.add(item)
    if not items:
        return "unclassified"
    return items.pop() if len(items) == 1 else "ambiguous"


@pytest.mark.parametrize(
    ("purpose", "item"),
    [
        # purposes used in the example journeys
        ("service charge", "service_fee"),
        ("Service Fee", "service_fee"),
        ("agency fee", "service_fee"),
        ("manpower fee", "service_fee"),
        ("सेवा शुल्क", "service_fee"),
        ("phí dịch vụ", "service_fee"),
        ("placement fee", "placement_fee"),
        ("biaya penempatan", "placement_fee"),
        ("commission to agent", "sub_agent_commission"),
        ("agent fee", "sub_agent_commission"),
        ("dalal er khoroch", "sub_agent_commission"),
        ("ticket", "air_ticket"),
        ("air ticket", "air_ticket"),
        ("टिकट", "air_ticket"),
        ("tiket pesawat", "air_ticket"),
        ("visa", "visa"),
        ("visa fee", "visa"),
        ("medical", "medical"),
        ("insurance", "insurance"),
        ("orientation", "orientation"),
        ("training", "training"),
        ("pelatihan", "training"),
        ("đào tạo", "training"),
        ("passport", "passport"),
        ("processing fee", "document_processing"),
        ("SLBFE registration", "government_registration"),
        ("bribe", "bribe"),
        # longest phrase wins
        ("medical insurance", "insurance"),
        ("bus ticket", "local_travel"),
        ("visa processing fee", "visa"),
        ("pre-departure orientation training", "orientation"),
        ("ticket fare", "air_ticket"),
        ("security deposit", "deposit"),
        ("guarantee money", "deposit"),
        ("land papers as guarantee", "collateral"),
        ("বিমান ভাড়া", "air_ticket"),
        ("বিমা", "insurance"),
        ("tiền vé xe", "local_travel"),
        ("tiền vé máy bay", "air_ticket"),
        ("uang jaminan", "deposit"),
        ("jaminan sosial", "insurance"),
        ("إقامة فندقية", "lodging"),
        ("رسوم الإقامة", "work_permit"),
        ("تذكرة الحافلة", "local_travel"),
        ("pre-departure orientation seminar", "orientation"),
        # a payment for several things is not guessed: the shares are unknown
        ("visa and ticket", "ambiguous"),
        ("service charge and ticket", "ambiguous"),
        ("passport + visa + medical", "ambiguous"),
        ("ভিসা ও টিকিট", "ambiguous"),
        ("भिसा र टिकट", "ambiguous"),
        ("التأشيرة والتذكرة", "ambiguous"),
        # plurals and Arabic spellings
        ("tickets", "air_ticket"),
        ("visas", "visa"),
        ("agencies", "service_fee"),
        ("التذكرة", "air_ticket"),
        ("تذكره", "air_ticket"),
        ("الفيزه", "visa"),
        ("رسوم مكتب", "service_fee"),
        # agglutinated forms (prefix of a word)
        ("एजेन्टलाई", "sub_agent_commission"),
        ("দালালের টাকা", "sub_agent_commission"),
        # informal words
        ("tea money", "bribe"),
        ("चिया खर्च", "bribe"),
        ("lại quả", "kickback"),
        ("धितो", "collateral"),
        ("demand letter", "placement_fee"),
        ("contract attestation", "contract_attestation"),
        ("police report", "police_clearance"),
        ("welfare fund", "welfare_fund"),
        ("uniform", "equipment"),
        ("hotel", "lodging"),
        ("bus fare", "local_travel"),
        ("iqama", "work_permit"),
        ("श्रम स्वीकृति", "government_registration"),
        ("trade test", "skills_test"),
        ("eps topik", "language_test"),
        # words deliberately left out stay unclassified
        ("fee", "unclassified"),
        ("travel", "unclassified"),
        ("tiền còn lại", "unclassified"),
    ],
)
def test_classification_examples(purpose, item):
    assert _classify(purpose) == item
