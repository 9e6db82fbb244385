"""Search the registry by name (typo-tolerant, any script), licence number, phone or identifier.

Names: the query and every name and alias are compared in Latin letters (``names.search_key``), so a Devanagari
alias is found by a Latin query and the other way round. Search runs in two steps:

1. **Candidates** from a trigram index the database keeps in sync by itself:

   - SQLite (the embedded default): a contentless FTS5 table with the trigram tokenizer holding
     ``registry_actor.search_text`` (migration ``0002_search_index``; triggers keep it in sync). The query's core
     words (generic words such as "Overseas" or "Pvt Ltd" dropped, also when misspelt) are cut into trigrams,
     each word padded so that it has a start and an end trigram. The rarest trigrams (actor counts from
     ``fts5vocab``, cached) are read - the two rarest of each word first - until their lists hold
     ``CANDIDATE_BUDGET`` entries; the ``CANDIDATE_LIMIT`` actors holding the most of them are the candidates,
     after the actors holding two of the query's words exactly (which separates queries made only of common
     words). A typo breaks at most three trigrams of a word: the right actor still holds most of the others.
   - PostgreSQL: ``pg_trgm`` word similarity with its GIN index on ``search_text``.
   - Other databases: every actor (slow; for small test databases only).

2. **Re-ranking** with rapidfuzz: the ``RERANK_LIMIT`` candidates closest by plain character similarity are
   scored on every name and alias: the best of the whole-name similarity (character and sorted-word ratios), the
   same on the core words, and the core-word set ratio (for a query that gives only part of a name); for queries
   in other scripts also the consonant skeletons (transliteration often drops vowels). The set ratio is 100 for
   any name whose core words are all in the query, so a name pays for the query's core words it lacks
   (``UNCOVERED_PENALTY`` times their share, by length): for "frist shakti", "First Shakti Travels" ranks above
   "Frist Manpower" - the distinctive word decides. Core-word scores ignore generic words, so a name that lacks
   the query's generic words loses ``GENERIC_MISSING_PENALTY`` ("sky overseas": "Sky Overseas" before "Sky
   Manpower"). Scores are 0-100; ``MIN_SCORE`` is the cut-off.

Exact look-ups go first: identifier (``NP-DOFE-1234``), licence number (standardised: ``Lic. No. 123/2019`` finds
``123-2019``), phone (standardised; two numbers match when the shorter, of at least 7 digits, ends the
longer, so ``098412 34567`` finds ``+977 9841234567``; a WhatsApp link counts as its number) and website or
social-media account (``https://www.facebook.com/aakash374/``, ``facebook.com/aakash374`` and ``@aakash374`` find
``facebook.com/aakash374``: ``names.handles_match``).

Records merged by record linkage (``merged_into``) resolve to their survivor: a hit on a merged record is
reported on the survivor, with ``via`` naming the merged record.

Measured on 1,000,000 generated actors: ``bench/bench_search.py`` (figures in docs/verification.md).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from fairrecruit.registry.models import Actor, Licence
from fairrecruit.registry.names import (
    GENERIC_WORDS,
    handle_lookup_keys,
    handle_phone,
    handles_match,
    is_name_part,
    licence_keys,
    search_key,
    standardise_phone,
)

log = logging.getLogger(__name__)

MIN_SCORE = 72.0  # below this a name is not shown as a match
UNCOVERED_PENALTY = 30.0  # set ratio: points off for the share of the query's core words a name lacks
GENERIC_MISSING_PENALTY = 2.0  # core-word scores: points off when a name lacks the query's generic words
CANDIDATE_BUDGET = 30_000  # SQLite: trigram postings read per query (see _choose_trigrams)
CANDIDATE_LIMIT = 1500  # candidates taken from the index per query
RERANK_LIMIT = 300  # of which this many, the closest by plain similarity, are re-ranked in full
CANDIDATE_HARD_CAP = 50_000  # SQLite: never more postings than this, whatever the query
MIN_TRIGRAMS = 2  # SQLite: read at least this many of the query's trigrams (within the hard cap)
PG_WORD_SIMILARITY = 0.3  # PostgreSQL: pg_trgm.word_similarity_threshold for candidates
PHONE_MIN_DIGITS = 7
DF_TTL_SECONDS = 600  # how long trigram document counts are cached (they only steer the choice of trigrams)
INDEX_CHECK_SECONDS = 60  # how often a process checks that the SQLite index and its triggers are there

FTS_TABLE = "registry_actor_fts"
VOCAB_TABLE = "registry_actor_fts_vocab"
SQLITE_TRIGGERS = ("registry_actor_fts_ai", "registry_actor_fts_ad", "registry_actor_fts_au")
# Keep in step with migrations/0002_search_index.py (the migration keeps its own copy, as migrations must).
_SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_text, content='', tokenize='trigram', detail='full')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, row)",
    f"CREATE TRIGGER IF NOT EXISTS registry_actor_fts_ai AFTER INSERT ON registry_actor BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, ' ' || new.search_text || ' '); END",
    f"CREATE TRIGGER IF NOT EXISTS registry_actor_fts_ad AFTER DELETE ON registry_actor BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.id, ' ' || old.search_text || ' '); END",
    f"CREATE TRIGGER IF NOT EXISTS registry_actor_fts_au AFTER UPDATE OF search_text ON registry_actor BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.id, ' ' || old.search_text || ' '); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, ' ' || new.search_text || ' '); END",
]
_SQLITE_REFILL = [
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')",
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT id, ' ' || search_text || ' ' FROM registry_actor",
]

_GENERIC_LONG = sorted(w for w in GENERIC_WORDS if len(w) >= 5)
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True)
class Match:
    """One actor found. ``actor_id`` is the survivor when the record that matched was merged (``via_id``)."""

    actor_id: int
    score: float
    how: str  # "identifier" | "licence" | "phone" | "handle" | "name"
    matched: str  # the identifier, licence number, phone, website or account, or (transliterated) name that matched
    via_id: int | None = None


@dataclass
class Query:
    """What was typed, read once: its Latin key, core words, and which exact look-ups it can be."""

    text: str
    key: str = ""
    other_script: bool = False  # typed in a script other than Latin (transliterated, often without vowels)
    words: list[str] = field(default_factory=list)
    core: str = ""
    licence: str = ""
    licence_alt: str = ""  # without words like "Lic. No." in front
    phone: str = ""
    handles: list[str] = field(default_factory=list)  # keys of a website or social-media account typed

    @classmethod
    def parse(cls, text: str) -> Query:
        text = (text or "").strip()
        key = search_key(text)
        words = core_words(key)
        digits = _DIGITS.sub("", text)
        phone = ""
        if _PHONE_LIKE.match(text) and len(digits.lstrip("0")) >= PHONE_MIN_DIGITS:
            phone = standardise_phone(text).lstrip("0")
        phone = phone or handle_phone(text).lstrip("0")  # a WhatsApp link names a phone number
        licence = [k for k in licence_keys(text) if len(k) >= 3 and any(ch.isdigit() for ch in k)]
        return cls(
            text=text,
            key=key,
            other_script=any(ord(ch) > 0x24F and ch.isalpha() for ch in text),
            words=words,
            core=" ".join(words),
            licence=licence[0] if licence else "",
            licence_alt=licence[1] if len(licence) > 1 else "",
            phone=phone,
            handles=handle_lookup_keys(text),
        )


# ---------------------------------------------------------------------------------------------- words
def _is_generic(word: str) -> bool:
    """'overseas', and also 'oversees' or 'recrutiment': a generic word, misspelt by one (two if long) letters."""
    if word in GENERIC_WORDS:
        return True
    if len(word) < 6:
        return False
    best = process.extractOne(
        word, _GENERIC_LONG, scorer=Levenshtein.distance, score_cutoff=1 if len(word) < 9 else 2
    )
    return best is not None


def core_words(key: str) -> list[str]:
    """The words of a search key that say which organisation it is (all of them if every word is generic)."""
    words = key.split()
    core = [w for w in words if not _is_generic(w)]
    return core or words


def uncovered_share(query_words: Sequence[str], core: str) -> float:
    """The share of the query's core words (by length: long words are rarer) that no word of ``core`` matches,
    allowing a typo or two (character similarity >= 75): 'frist shakti' against 'frist' -> 6/11."""
    words = core.split()
    total = sum(len(w) for w in query_words)
    if not total or not words:
        return 1.0 if total else 0.0
    missing = sum(
        len(w)
        for w in query_words
        if process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=75) is None
    )
    return missing / total


def generic_missing_share(query_generic: Sequence[str], part: str) -> float:
    """The share of the query's generic words ('overseas') that a name lacks ('sky manpower' -> 1.0); plural or
    a typo at the end count as present ('travel' in 'travels')."""
    if not query_generic:
        return 0.0
    words = part.split()
    missing = sum(1 for g in query_generic if not any(w[:5] == g[:5] for w in words))
    return missing / len(query_generic)


def _core_of(part: str) -> str:
    words = [w for w in part.split() if w not in GENERIC_WORDS]
    return " ".join(words) if words else part


_SKELETON_SUBS = (
    ("bh", "b"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("kh", "k"),
    ("gh", "g"),
    ("ch", "c"),
    ("sh", "s"),
    ("jh", "j"),
    ("ck", "k"),
    ("v", "b"),
    ("w", "b"),
    ("z", "j"),
    ("q", "k"),
)
_VOWELS = re.compile(r"(?<=\w)[aeiouy]+")
_REPEATS = re.compile(r"(\w)\1+")


def skeleton(text: str) -> str:
    """Consonant skeleton of a Latin key, for names transliterated from scripts that write few vowels:
    'himalyn' (from हिमालयन) and 'himalayan' both give 'hmln'."""
    for a, b in _SKELETON_SUBS:
        text = text.replace(a, b)
    return _REPEATS.sub(r"\1", _VOWELS.sub("", text))


_GENERIC_SKELETONS = sorted({skeleton(w) for w in GENERIC_WORDS if len(w) >= 5})
_GENERIC_SKELETON_SET = frozenset(_GENERIC_SKELETONS)


def _generic_skeleton(sk: str) -> bool:
    """Skeletons are short, so only a long one may differ from a generic word's by a letter."""
    if len(sk) < 5:
        return sk in _GENERIC_SKELETON_SET
    return process.extractOne(sk, _GENERIC_SKELETONS, scorer=Levenshtein.distance, score_cutoff=1) is not None


def word_trigrams(words: Iterable[str]) -> list[str]:
    """Trigrams of each word padded with one space each side: 'noor' -> ' no', 'noo', 'oor', 'or '."""
    out: dict[str, None] = {}
    for w in words:
        p = f" {w} "
        for i in range(len(p) - 2):
            out[p[i : i + 3]] = None
    return list(out)


# ---------------------------------------------------------------------------------------------- index upkeep
_index_checked: dict[str, tuple[float, bool]] = {}  # alias -> (when checked, usable)


def ensure_search_index(using: str = DEFAULT_DB_ALIAS, *, force: bool = False) -> bool:
    """SQLite: make sure the FTS5 index and its triggers exist; when they had to be (re)made, refill the index
    from ``registry_actor``. Django rebuilds a table for many schema changes on SQLite, which drops its
    triggers; this puts them back. Returns True when the trigram index is usable (False on databases without
    FTS5). Does nothing on other databases."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return conn.vendor == "postgresql"
    now = time.monotonic()
    checked = _index_checked.get(using)
    if not force and checked is not None and now - checked[0] < INDEX_CHECK_SECONDS:
        return checked[1]
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT name FROM sqlite_master WHERE name IN ({','.join(['%s'] * (2 + len(SQLITE_TRIGGERS)))})",
            [FTS_TABLE, VOCAB_TABLE, *SQLITE_TRIGGERS],
        )
        present = {r[0] for r in cur.fetchall()}
        if len(present) < 2 + len(SQLITE_TRIGGERS):
            log.warning("registry search index incomplete (%s present); rebuilding it", sorted(present))
            try:
                for sql in _SQLITE_CREATE + _SQLITE_REFILL:
                    cur.execute(sql)
            except Exception:  # pragma: no cover - SQLite built without FTS5
                log.exception("cannot build the FTS5 search index; name search will scan every actor")
                _index_checked[using] = (now, False)
                return False
            _df_cache.clear()
    _index_checked[using] = (now, True)
    return True


def on_post_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate`` receiver: put back the SQLite index triggers a migration may have dropped, at once
    rather than at the first search. Connect it in ``RegistryConfig.ready()``."""
    if "registry_actor" in connections[using].introspection.table_names():
        ensure_search_index(using, force=True)


# ---------------------------------------------------------------------------------------------- candidates
_df_cache: dict[tuple[str, str], tuple[int, float]] = {}


def clear_caches() -> None:
    """Forget cached trigram counts and index checks (tests; after bulk loads)."""
    _df_cache.clear()
    _index_checked.clear()


def _trigram_counts(cur, using: str, trigrams: Sequence[str]) -> dict[str, int]:
    """How many actors hold each trigram (fts5vocab), cached for DF_TTL_SECONDS: the counts only decide which
    trigrams are read first, so a stale count costs time, never a result. A count of 0 is not taken from the
    cache: a trigram counted as absent is left out of the search, and an actor added since (an import, a worker's
    complaint naming a new broker) would not be found until the count expired."""
    now = time.monotonic()
    out: dict[str, int] = {}
    missing = []
    for t in trigrams:
        hit = _df_cache.get((using, t))
        if hit is not None and hit[0] > 0 and now - hit[1] < DF_TTL_SECONDS:
            out[t] = hit[0]
        else:
            missing.append(t)
    if missing:
        cur.execute(
            f"SELECT term, doc FROM {VOCAB_TABLE} WHERE term IN ({','.join(['%s'] * len(missing))})", missing
        )
        found = dict(cur.fetchall())
        for t in missing:
            out[t] = found.get(t, 0)
            _df_cache[(using, t)] = (out[t], now)
    return out


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


Row = tuple[int, str, "int | None"]  # id, search_text, merged_into_id


def _choose_trigrams(words: list[str], df: dict[str, int], budget: int) -> list[str]:
    """The trigrams to read: first the two rarest of each word (so that every word counts), then the rarest of
    the rest, while their lists hold at most ``budget`` postings (``MIN_TRIGRAMS`` are read anyway, up to
    ``CANDIDATE_HARD_CAP`` postings). Trigrams no actor has are skipped."""
    chosen: dict[str, None] = {}
    total = 0

    def fits(t: str) -> bool:
        return total + df[t] <= budget or (len(chosen) < MIN_TRIGRAMS and total + df[t] <= CANDIDATE_HARD_CAP)

    for w in words:
        for t in sorted((t for t in word_trigrams([w]) if df.get(t)), key=lambda t: (df[t], t))[:2]:
            if t not in chosen and fits(t):
                chosen[t] = None
                total += df[t]
    for t in sorted((t for t in word_trigrams(words) if df.get(t)), key=lambda t: (df[t], t)):
        if t not in chosen:
            if not fits(t):
                break
            chosen[t] = None
            total += df[t]
    return list(chosen)


def _word_pairs_expression(words: list[str]) -> str:
    """FTS5 expression for actors holding two of the query's words exactly: cheap where every word is common
    ('Star Crown ...'), which trigram counting within a budget cannot tell apart."""
    uniq = sorted(dict.fromkeys(w for w in words if len(w) >= 2), key=len, reverse=True)[:4]
    pairs = [(a, b) for i, a in enumerate(uniq) for b in uniq[i + 1 :]]
    return " OR ".join(f"({_fts_phrase(f' {a} ')} AND {_fts_phrase(f' {b} ')})" for a, b in pairs)


def _sqlite_candidates(words: list[str], limit: int, budget: int, using: str) -> list[Row]:
    tris = word_trigrams(words)
    if not tris:
        return []
    with connections[using].cursor() as cur:
        df = _trigram_counts(cur, using, tris)
        chosen = _choose_trigrams(words, df, budget)
        branches = [f"SELECT rowid AS id, 1 AS w FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"] * len(chosen)
        params: list[Any] = list(map(_fts_phrase, chosen))
        pairs = _word_pairs_expression(words)
        if pairs:  # actors with two exact words of the query come first
            branches.append(
                f"SELECT id, 1000 AS w FROM (SELECT rowid AS id FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)"
            )
            params += [pairs, limit]
        if not branches:
            return []
        cur.execute(
            "SELECT a.id, a.search_text, a.merged_into_id FROM "
            f"(SELECT id, sum(w) AS n FROM ({' UNION ALL '.join(branches)}) GROUP BY id ORDER BY n DESC, id "
            "LIMIT %s) AS c JOIN registry_actor AS a ON a.id = c.id",
            [*params, limit],
        )
        return cur.fetchall()


def _postgres_candidates(key: str, limit: int, using: str) -> list[Row]:
    with connections[using].cursor() as cur:
        cur.execute("SET pg_trgm.word_similarity_threshold = %s", [PG_WORD_SIMILARITY])
        cur.execute(
            "SELECT id, search_text, merged_into_id FROM registry_actor WHERE %s <%% search_text "
            "ORDER BY word_similarity(%s, search_text) DESC, id LIMIT %s",
            [key, key, limit],
        )
        return cur.fetchall()


def name_candidates(
    q: Query, *, limit: int = CANDIDATE_LIMIT, budget: int = CANDIDATE_BUDGET, using: str = DEFAULT_DB_ALIAS
) -> list[Row]:
    """(id, search_text, merged_into_id) of the actors whose names share most trigrams with the query. On a
    database without a trigram index: every actor (slow; small databases only)."""
    vendor = connections[using].vendor
    if vendor == "sqlite" and ensure_search_index(using):
        return _sqlite_candidates(q.words, limit, budget, using)
    if vendor == "postgresql":
        return _postgres_candidates(q.core or q.key, limit, using)
    return list(Actor.objects.using(using).values_list("id", "search_text", "merged_into_id"))


# ---------------------------------------------------------------------------------------------- scoring
def prescore(q: Query, rows: list[Row], keep: int) -> list[Row]:
    """The ``keep`` rows whose names are closest to the query by one cheap measure (character similarity of
    the whole key, generic words included: it tells apart the many actors that share the query's core words)."""
    parts: list[str] = []
    owner: list[int] = []
    for i, r in enumerate(rows):
        ps = [p for p in r[1].split(" | ") if is_name_part(p)]
        parts += ps
        owner += [i] * len(ps)
    chosen: dict[int, None] = {}
    for _, _s, j in process.extract(q.key, parts, scorer=fuzz.ratio, limit=keep * 3):
        chosen[owner[j]] = None
        if len(chosen) == keep:
            break
    return [rows[i] for i in sorted(chosen)]


def score_texts(q: Query, texts: Sequence[str], min_score: float = MIN_SCORE) -> list[tuple[float, int]]:
    """Score each search text (names and aliases joined by ' | ') against the query: (best score, index of the
    best part within the text) for each text, in order. Scores under ``min_score`` may be reported as 0."""
    parts: list[str] = []
    owner: list[tuple[int, int]] = []
    for ti, text in enumerate(texts):
        for pi, part in enumerate(text.split(" | ")):
            if is_name_part(part):
                parts.append(part)
                owner.append((ti, pi))
    best = [(0.0, -1)] * len(texts)
    if not parts or not q.key:
        return best
    cores = [_core_of(p) for p in parts]
    qcore = q.core or q.key
    qgeneric = [w for w in q.key.split() if w not in q.words]
    scores = [0.0] * len(parts)

    def take(query: str, choices: list[str], scorer, minus: float, extra=None) -> None:  # type: ignore[no-untyped-def]
        for _, s, j in process.extract(
            query, choices, scorer=scorer, limit=None, score_cutoff=min(100.0, min_score + minus)
        ):
            s -= minus + (extra(j) if extra is not None else 0.0)
            if s > scores[j]:
                scores[j] = s

    def generic_missing(j: int) -> float:
        """Scores on the core words ignore 'Overseas' or 'Manpower', so 'Sky Overseas' would tie with 'Sky
        Manpower': the query's generic words that a name lacks cost a little (they are weaker evidence)."""
        return GENERIC_MISSING_PENALTY * generic_missing_share(qgeneric, parts[j]) if qgeneric else 0.0

    def uncovered(j: int) -> float:
        """A name whose core words are all in the query ('Frist Manpower' for 'frist shakti') scores 100 on
        the set ratio: it pays for the query's words it lacks, weighted by length, so that the distinctive
        word ('shakti') decides and not the common one."""
        return UNCOVERED_PENALTY * uncovered_share(q.words, cores[j]) + generic_missing(j)

    take(q.key, parts, fuzz.ratio, 0)
    take(q.key, parts, fuzz.token_sort_ratio, 0)
    take(qcore, cores, fuzz.ratio, 3, generic_missing)
    take(qcore, cores, fuzz.token_sort_ratio, 3, generic_missing)
    take(qcore, cores, fuzz.token_set_ratio, 10, uncovered)
    if q.other_script:  # compare consonant skeletons too: transliteration drops or changes vowels
        words = [skeleton(w) for w in q.words]
        qskel = " ".join([w for w in words if not _generic_skeleton(w)] or words)
        skel_cores = [skeleton(c) for c in cores]
        take(skeleton(q.key), [skeleton(p) for p in parts], fuzz.ratio, 6)
        take(qskel, skel_cores, fuzz.ratio, 6)
        take(qskel, skel_cores, fuzz.token_sort_ratio, 6)
    for j, s in enumerate(scores):
        ti, pi = owner[j]
        if s > best[ti][0]:
            best[ti] = (round(s, 1), pi)
    return best


# ---------------------------------------------------------------------------------------------- look-ups
def resolve_survivors(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> dict[int, int]:
    """Map each actor id to the id of the record it was (eventually) merged into, or to itself."""
    out: dict[int, int] = {}
    todo = {i: i for i in ids}
    for _ in range(10):  # merge chains are short; this also stops on a cycle
        if not todo:
            break
        rows = dict(
            Actor.objects.using(using).filter(pk__in=set(todo.values())).values_list("id", "merged_into_id")
        )
        nxt = {}
        for orig, cur in todo.items():
            parent = rows.get(cur)
            if parent is None or parent == orig:
                out[orig] = cur
            else:
                nxt[orig] = parent
        todo = nxt
    out.update(todo)
    return out


def lookup_identifier(q: Query, using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    if not q.text or len(q.text) > 80:
        return []
    rows = (
        Actor.objects.using(using)
        .filter(identifier__in={q.text, q.text.upper()})
        .values_list("id", "identifier")
    )
    return [Match(actor_id=i, score=100.0, how="identifier", matched=ident) for i, ident in rows]


def lookup_licence(q: Query, using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    if not q.licence:
        return []
    numbers = [n for n in (q.licence, q.licence_alt) if n]
    rows = Licence.objects.using(using).filter(number_std__in=numbers).values_list("actor_id", "number")
    return [Match(actor_id=i, score=100.0, how="licence", matched=n) for i, n in rows]


def phones_match(a: str, b: str) -> bool:
    """Two standardised phone numbers match when the shorter (at least 7 digits, leading zeros dropped) ends
    the longer: '9841234567' and '9779841234567'."""
    a, b = a.lstrip("0"), b.lstrip("0")
    short, long_ = sorted((a, b), key=len)
    return len(short) >= PHONE_MIN_DIGITS and long_.endswith(short)


def lookup_phone(q: Query, using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    if not q.phone:
        return []
    qs = _holding([q.phone[-PHONE_MIN_DIGITS:]], using)  # PostgreSQL: LIKE uses the trigram index
    out = []
    for actor_id, phones, handles in qs.values_list("id", "phones", "social_handles")[:1000]:
        whatsapp = [(h, handle_phone(h)) for h in handles or []]
        for shown, number in [(p, standardise_phone(p)) for p in phones or []] + [w for w in whatsapp if w[1]]:
            if phones_match(number, q.phone):
                out.append(Match(actor_id=actor_id, score=100.0, how="phone", matched=shown))
                break
    return out


def _holding(texts: list[str], using: str) -> QuerySet[Actor]:
    """Actors whose search text holds one of ``texts`` (the trigram index: FTS5 on SQLite, LIKE on PostgreSQL);
    callers check what they find, since a text may also be part of a longer one."""
    conn = connections[using]
    if conn.vendor == "sqlite" and ensure_search_index(using):
        with conn.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1000",
                [" OR ".join(map(_fts_phrase, texts))],
            )
            return Actor.objects.using(using).filter(pk__in=[r[0] for r in cur.fetchall()])
    cond = Q()
    for t in texts:
        cond |= Q(search_text__contains=t)
    return Actor.objects.using(using).filter(cond)


def lookup_handle(q: Query, using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    """A website, e-mail address or social-media account, typed with or without https://, www., @ or a trailing
    slash (``names.handles_match``): matched with the actor's websites and accounts."""
    if not q.handles:
        return []
    out = []
    for actor_id, websites, handles in _holding(q.handles, using).values_list(
        "id", "websites", "social_handles"
    )[:1000]:
        hit = next((h for h in [*(handles or []), *(websites or [])] if handles_match(q.text, h)), None)
        if hit is not None:
            out.append(Match(actor_id=actor_id, score=100.0, how="handle", matched=hit))
    return out


def search_names(
    q: Query,
    *,
    limit: int = 20,
    country: str = "",
    kind: str = "",
    min_score: float = MIN_SCORE,
    candidate_limit: int = CANDIDATE_LIMIT,
    budget: int = CANDIDATE_BUDGET,
    using: str = DEFAULT_DB_ALIAS,
) -> list[Match]:
    """Typo-tolerant name search. Returns matches on survivors, best first."""
    if not q.key or not any(ch.isalnum() for ch in q.key):
        return []
    if country or kind:
        candidate_limit *= 4  # the filters apply after the index
    rows = name_candidates(q, limit=candidate_limit, budget=budget, using=using)
    if len(rows) > RERANK_LIMIT:
        rows = prescore(q, rows, RERANK_LIMIT)
    scored = score_texts(q, [r[1] for r in rows], min_score)
    hits = [
        (s, r[0], r[1].split(" | ")[pi], r[2])
        for (s, pi), r in zip(scored, rows, strict=True)
        if s >= min_score
    ]
    survivors = resolve_survivors([h[1] for h in hits if h[3] is not None], using=using)
    best: dict[int, Match] = {}
    for s, actor_id, part, merged_into in hits:
        sid = survivors.get(actor_id, actor_id) if merged_into is not None else actor_id
        m = Match(
            actor_id=sid, score=s, how="name", matched=part, via_id=actor_id if sid != actor_id else None
        )
        old = best.get(sid)
        if old is None or (m.score, m.via_id is None) > (old.score, old.via_id is None):
            best[sid] = m
    matches = sorted(best.values(), key=lambda m: (-m.score, m.actor_id))
    if country or kind:
        matches = _filter(matches, country=country, kind=kind, using=using)
    return matches[:limit]


def _filter(matches: list[Match], *, country: str, kind: str, using: str) -> list[Match]:
    qs = Actor.objects.using(using).filter(pk__in=[m.actor_id for m in matches])
    if country:
        qs = qs.filter(country=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    keep = set(qs.values_list("id", flat=True))
    return [m for m in matches if m.actor_id in keep]


def search(
    text: str,
    *,
    limit: int = 20,
    country: str = "",
    kind: str = "",
    min_score: float = MIN_SCORE,
    using: str = DEFAULT_DB_ALIAS,
) -> list[Match]:
    """Everything a person may type: an identifier, a licence number, a phone number, a website or a social-media
    account find their actors exactly (score 100); otherwise, or as well when the query has letters and nothing matched exactly, names
    and aliases are searched typo-tolerantly. Merged records resolve to their survivor."""
    q = Query.parse(text)
    if not q.text:
        return []
    exact = lookup_identifier(q, using) + lookup_licence(q, using) + lookup_phone(q, using) + lookup_handle(q, using)
    if exact:
        survivors = resolve_survivors([m.actor_id for m in exact], using=using)
        seen: dict[int, Match] = {}
        for m in exact:
            sid = survivors.get(m.actor_id, m.actor_id)
            if sid not in seen:
                seen[sid] = Match(
                    sid, m.score, m.how, m.matched, via_id=m.actor_id if sid != m.actor_id else None
                )
        matches = list(seen.values())
        if country or kind:
            matches = _filter(matches, country=country, kind=kind, using=using)
        return matches[:limit]
    if not any(ch.isalpha() for ch in q.text):
        return []
    return search_names(q, limit=limit, country=country, kind=kind, min_score=min_score, using=using)
