"""Load and validate the rules in ``rules/``: standards, the cost taxonomy, the purpose lexicon, national laws.

Plain Python (no Django), so the engine runs in batch jobs and fast tests. A malformed file is refused at
load time with a :class:`RuleFileError` naming the file, the key and the problem.

Run ``python -m fairrecruit.standards.loader`` to validate every file and print a summary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

from fairrecruit.core.fx import is_currency
from fairrecruit.standards.classify import normalise
from fairrecruit.standards.isco import is_isco08

RULES_DIR = Path(__file__).parent / "rules"

ROLES = ("sub_agent", "licensed_agency", "destination_agency", "employer", "government", "other")
CAP_KINDS = ("zero", "fixed", "wage_multiple", "unknown")
TOPICS = frozenset(
    "fees contract documents deception wages freedom_of_movement grievance information human_rights legality "
    "regulation labour_market discrimination representation conditions transparency".split()
)
_CODE2 = re.compile(r"^[A-Z]{2}$")
_CODE3 = re.compile(r"^[A-Z]{3}$")
_RULE_ID = re.compile(r"^[a-z]{2}\.[a-z0-9][a-z0-9.-]*$")


class RuleFileError(ValueError):
    """A rule file is malformed. ``str()`` names the file, the key and what is wrong."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{Path(path).name}: {key}: {problem}")


@dataclass(frozen=True)
class Source:
    title: str
    article: str
    url: str
    verified: bool
    checked: dt.date | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "article": self.article,
            "url": self.url,
            "verified": self.verified,
            "checked": self.checked.isoformat() if self.checked else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Cap:
    kind: str
    amount: float | None = None
    currency: str | None = None
    months: float | None = None
    per_contract_months: float | None = None
    max_months: float | None = None
    max_amount: float | None = None


@dataclass(frozen=True)
class SubCap:
    """A limit of its own on some of a version's capped items, within the version's cap (``sub_caps``): the
    agency's Tk 37,000 service charge within Bangladesh's Tk 78,990 total for Malaysia. Only fixed amounts."""

    items: frozenset[str]  # the cost items it covers (categories expanded), all among the version's capped items
    names: tuple[str, ...]  # the items and categories as the rule file names them
    cap: Cap
    source: Source  # its own citation, or the version's (with its own ``article`` where one is given)


@dataclass(frozen=True)
class RuleVersion:
    start: dt.date
    until: dt.date | None
    cap: Cap | None
    capped: frozenset[str]
    allowed: frozenset[str]
    prohibited: frozenset[str]
    payees: frozenset[str] | None
    source: Source
    note: str = ""
    sub_caps: tuple[SubCap, ...] = ()

    def sub_cap_of(self, item: str) -> int | None:
        """The index of the sub-cap that covers ``item``, if one does."""
        return next((i for i, sc in enumerate(self.sub_caps) if item in sc.items), None)

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


# The languages a rule's summary or a principle's label and plain words may be written in besides English (the
# site's languages: settings.LANGUAGES).
SUMMARY_LANGUAGES = ("ne", "bn", "hi", "fil", "id", "vi", "my", "ar", "ru", "es")


def _in(texts: tuple[tuple[str, str], ...], language: str, english: str) -> tuple[str, str]:
    return next(((t, lang) for lang, t in texts if lang == language), (english, "en"))

class _Worded:
    """A rule's title and summary in the reader's language (``titles``/``summaries``: (language, text) pairs)."""

    title: str
    summary: str
    titles: tuple[tuple[str, str], ...]
    summaries: tuple[tuple[str, str], ...]

    def title_in(self, language: str) -> tuple[str, str]:
        return _in(self.titles, language, self.title)

    def summary_in(self, language: str) -> tuple[str, str]:
        """(text, language) of the summary in ``language`` if written, else in English."""
        return _in(self.summaries, language, self.summary)


@dataclass(frozen=True)
class Rule(_Worded):
    id: str
    country: str
    title: str
    summary: str
    applies_to: dict[str, Any]
    versions: tuple[RuleVersion, ...]
    # The summary in other languages, written by FairRecruit (not official texts): (language, text) pairs.
    summaries: tuple[tuple[str, str], ...] = ()
    titles: tuple[tuple[str, str], ...] = ()

    def version_on(self, day: dt.date) -> RuleVersion | None:
        return next((v for v in self.versions if v.in_force(day)), None)


# What a minimum wage's allowances stand for: the benefit the employer may give in kind instead of paying it
# (the benefit terms of ``contracts.compare.Terms``).
ALLOWANCES = ("food", "accommodation")


@dataclass(frozen=True)
class MinimumWageVersion:
    start: dt.date
    until: dt.date | None
    amount: float  # the monthly basic wage, at least
    currency: str
    # (benefit, monthly amount) paid on top of the basic wage unless the employer gives the benefit in kind
    allowances: tuple[tuple[str, float], ...]
    source: Source
    note: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class MinimumWage(_Worded):
    """A legal minimum monthly wage (``minimum_wages`` in a country's rule file): a destination's own, or one an
    origin sets for its workers abroad."""

    id: str
    country: str
    title: str
    summary: str
    versions: tuple[MinimumWageVersion, ...]
    summaries: tuple[tuple[str, str], ...] = ()
    titles: tuple[tuple[str, str], ...] = ()
    # Whom it covers, as a rule's applies_to: empty in a destination's file covers every worker there; an origin's
    # file covers its workers abroad (``destinations``, ``domestic_work``: the Philippines' household workers).
    applies_to: dict[str, Any] = field(default_factory=dict)

    def covers(self, origin: str, destination: str, domestic_work: bool) -> bool:
        a = self.applies_to
        return ((not a.get("origins") or origin in a["origins"])
                and (not a.get("destinations") or destination in a["destinations"])
                and ("domestic_work" not in a or a["domestic_work"] == domestic_work))

    def version_on(self, day: dt.date) -> MinimumWageVersion | None:
        return next((v for v in self.versions if v.in_force(day)), None)


@dataclass(frozen=True)
class CountryLaw:
    country: str
    name: str
    role: str
    authority: str
    rules: tuple[Rule, ...]
    path: str
    minimum_wages: tuple[MinimumWage, ...] = ()

    @property
    def standard_id(self) -> str:
        return f"law-{self.country.lower()}"


@dataclass(frozen=True)
class Principle:
    id: str
    number: str
    label: str
    text: str
    plain: str
    topics: frozenset[str]
    source: Source
    standard_id: str
    children: tuple[Principle, ...] = ()
    category: str | None = None
    # The label and the plain words in other languages, written by FairRecruit: (language, text) pairs.
    labels: tuple[tuple[str, str], ...] = ()
    plains: tuple[tuple[str, str], ...] = ()

    def label_in(self, language: str) -> tuple[str, str]:
        """(text, language) of the label in ``language`` if written, else in English."""
        return _in(self.labels, language, self.label)

    def plain_in(self, language: str) -> tuple[str, str]:
        return _in(self.plains, language, self.plain)


@dataclass(frozen=True)
class Standard:
    id: str
    title: str
    short_title: str
    publisher: str
    kind: str
    binding: bool
    start: dt.date
    until: dt.date | None
    summary: str
    source: Source
    items: tuple[Principle, ...]

    def walk(self) -> list[Principle]:
        out: list[Principle] = []
        stack = list(reversed(self.items))
        while stack:
            p = stack.pop()
            out.append(p)
            stack.extend(reversed(p.children))
        return out


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    items: tuple[str, ...]


@dataclass
class RuleSet:
    """Everything in ``rules/``, validated. ``version`` changes whenever any rule file changes."""

    version: str
    taxonomy_source: Source
    categories: dict[str, Category]
    item_category: dict[str, str]
    lexicon: dict[str, dict[str, list[str]]]
    standards: dict[str, Standard]
    laws: dict[str, CountryLaw]
    principles: dict[str, Principle] = field(default_factory=dict)

    def expand(self, names: frozenset[str] | set[str]) -> frozenset[str]:
        """Category names expand to their items; item names stay."""
        out: set[str] = set()
        for n in names:
            out.update(self.categories[n].items if n in self.categories else (n,))
        return frozenset(out)

    def principles_for(self, topic: str) -> list[Principle]:
        return [p for p in self.principles.values() if topic in p.topics]

    def minimum_wage(self, country: str, day: dt.date) -> tuple[MinimumWage, MinimumWageVersion] | None:
        """The minimum wage in force for every worker in ``country`` on ``day`` (its own file's, covering everyone),
        or None when none is known for that day (which says nothing about whether the country has one)."""
        law = self.laws.get(country)
        for mw in law.minimum_wages if law and law.role == "destination" else ():
            v = mw.version_on(day)
            if v is not None and not mw.applies_to:
                return mw, v
        return None

    def depends_on_domestic_work(self, *countries: str) -> bool:
        """Whether a rule or a minimum wage of any of ``countries`` covers only, or excludes, domestic work: then
        whether the work is domestic work changes what the law allows (the Philippines', Indonesia's)."""
        for country in countries:
            law = self.laws.get(country)
            if law is None:
                continue
            if any("domestic_work" in (r.applies_to or {}) for r in law.rules) or any(
                "domestic_work" in (m.applies_to or {}) for m in law.minimum_wages
            ):
                return True
        return False

    def minimum_wages_for(self, origin: str, destination: str, day: dt.date,
                          domestic_work: bool = False) -> list[tuple[MinimumWage, MinimumWageVersion]]:
        """Every minimum wage in force on ``day`` for a worker of ``origin`` working in ``destination``: the
        destination's own, and those the origin sets for its workers abroad."""
        out = []
        for country in dict.fromkeys((destination, origin)):
            law = self.laws.get(country)
            if law is None or (law.role == "destination") != (country == destination):  # each law for its side
                continue
            for mw in law.minimum_wages:
                v = mw.version_on(day)
                if v is not None and mw.covers(origin, destination, domestic_work):
                    out.append((mw, v))
        return out


# --- validation helpers ------------------------------------------------------------------------------------


def _req(d: Any, key: str, path: Path, where: str, kind: type | tuple[type, ...] = str) -> Any:
    if not isinstance(d, dict) or key not in d or d[key] is None:
        raise RuleFileError(path, f"{where}.{key}" if where else key, "is missing")
    val = d[key]
    if not isinstance(val, kind) or (isinstance(val, str) and not val.strip()):
        raise RuleFileError(
            path, f"{where}.{key}" if where else key, f"must be a non-empty {_kind_name(kind)}"
        )
    return val


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return {"str": "text", "dict": "mapping", "list": "list"}.get(kind.__name__, kind.__name__)


def _only(d: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise RuleFileError(path, f"{where}.{unknown[0]}" if where else unknown[0], "unknown key")


def _date(val: Any, path: Path, key: str, *, optional: bool = False) -> dt.date | None:
    if val is None and optional:
        return None
    if isinstance(val, dt.datetime):
        val = val.date()
    if isinstance(val, dt.date):
        return val
    if isinstance(val, str):
        try:
            return dt.date.fromisoformat(val)
        except ValueError:
            pass
    raise RuleFileError(path, key, f"bad date {val!r}: write YYYY-MM-DD")


def _source(d: Any, path: Path, where: str) -> Source:
    key = f"{where}.source" if where else "source"
    if not isinstance(d, dict) or not isinstance(d.get("source"), dict):
        raise RuleFileError(
            path, key, "missing citation: every rule needs source {title, article, url, verified}"
        )
    s = d["source"]
    _only(s, {"title", "article", "url", "verified", "checked", "note"}, path, key)
    for k in ("title", "article", "url"):
        _req(s, k, path, key)
    if not str(s["url"]).startswith(("http://", "https://")):
        raise RuleFileError(path, f"{key}.url", "must be an http(s) address")
    if not isinstance(s.get("verified"), bool):
        raise RuleFileError(
            path, f"{key}.verified", "must be true or false (false where the wording is recalled)"
        )
    return Source(
        title=s["title"],
        article=str(s["article"]),
        url=s["url"],
        verified=s["verified"],
        checked=_date(s.get("checked"), path, f"{key}.checked", optional=True),
        note=str(s.get("note") or ""),
    )


class RuleYamlLoader(yaml.SafeLoader):
    """YAML 1.2-like: dates stay text (so the loader can name a bad one) and only true/false are booleans
    (YAML 1.1 would read Norway's code NO as false)."""


RuleYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RuleYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=RuleYamlLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as exc:
        raise RuleFileError(path, "(file)", f"not valid YAML: {exc}") from exc


# --- parsers -----------------------------------------------------------------------------------------------


def parse_taxonomy(path: Path) -> tuple[Source, dict[str, Category]]:
    data = _read(path)
    _only(data, {"source", "categories"}, path, "")
    src = _source(data, path, "")
    cats: dict[str, Category] = {}
    seen: dict[str, str] = {}
    for cid, c in _req(data, "categories", path, "", dict).items():
        where = f"categories.{cid}"
        _only(c, {"label", "description", "items"}, path, where)
        items = tuple(_req(c, "items", path, where, list))
        for it in items:
            if it in seen or (it in data["categories"] and it != cid):
                raise RuleFileError(path, f"{where}.items", f"item {it!r} is listed twice")
            seen[it] = cid
        cats[cid] = Category(cid, _req(c, "label", path, where), str(c.get("description", "")), items)
    return src, cats


def parse_lexicon(path: Path, item_category: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    data = _read(path)
    _only(data, {"items", "source", "note"}, path, "")
    items = _req(data, "items", path, "", dict)
    owner: dict[str, str] = {}
    out: dict[str, dict[str, list[str]]] = {}
    for item, langs in items.items():
        if item not in item_category:
            raise RuleFileError(path, f"items.{item}", "unknown category: not an item in taxonomy.yaml")
        out[item] = {}
        for lang, phrases in (langs or {}).items():
            if not isinstance(phrases, list):
                raise RuleFileError(path, f"items.{item}.{lang}", "must be a list of phrases")
            out[item][lang] = [str(p) for p in phrases]
            for p in phrases:
                n = normalise(str(p))
                if owner.get(n, item) != item:
                    raise RuleFileError(
                        path, f"items.{item}.{lang}", f"phrase {p!r} also maps to {owner[n]!r}"
                    )
                owner[n] = item
    return out


def _translations(d: dict[str, Any], key: str, path: Path, where: str) -> tuple[tuple[str, str], ...]:
    """``key``: a mapping of language code to a text in it (a rule's ``summaries``, a principle's ``labels`` and
    ``plains``), as sorted (language, text) pairs."""
    given = d.get(key) or {}
    if not isinstance(given, dict):
        raise RuleFileError(path, f"{where}.{key}", "must map a language code to the text in it")
    for lang, text in given.items():
        if lang not in SUMMARY_LANGUAGES:
            raise RuleFileError(
                path, f"{where}.{key}.{lang}", f"unknown language: use one of {', '.join(SUMMARY_LANGUAGES)}"
            )
        if not isinstance(text, str) or not text.strip():
            raise RuleFileError(path, f"{where}.{key}.{lang}", "must be the text in that language")
    return tuple(sorted((str(k), " ".join(str(v).split())) for k, v in given.items()))


def _parse_principle(d: Any, path: Path, where: str, standard_id: str, seen: set[str]) -> Principle:
    if not isinstance(d, dict):
        raise RuleFileError(path, where, "must be a mapping")
    _only(
        d,
        {"id", "number", "label", "labels", "text", "plain", "plains", "topics", "source", "items", "category", "note"},
        path,
        where,
    )
    pid = _req(d, "id", path, where)
    if pid in seen:
        raise RuleFileError(path, f"{where}.id", f"duplicate id {pid!r}")
    seen.add(pid)
    topics = d.get("topics") or []
    bad = [t for t in topics if t not in TOPICS]
    if bad:
        raise RuleFileError(path, f"{where}.topics", f"unknown topic {bad[0]!r}")
    children = tuple(
        _parse_principle(c, path, f"{where}.items[{i}]", standard_id, seen)
        for i, c in enumerate(d.get("items") or [])
    )
    return Principle(
        id=pid,
        number=str(d.get("number", "")),
        label=_req(d, "label", path, where),
        text=str(d.get("text", "")),
        plain=str(d.get("plain", "")),
        topics=frozenset(topics),
        source=_source(d, path, where),
        standard_id=standard_id,
        children=children,
        category=d.get("category"),
        labels=_translations(d, "labels", path, where),
        plains=_translations(d, "plains", path, where),
    )


def parse_standard(path: Path, seen: set[str]) -> Standard:
    d = _read(path)
    _only(
        d,
        {
            "id",
            "title",
            "short_title",
            "publisher",
            "kind",
            "binding",
            "from",
            "until",
            "summary",
            "source",
            "items",
            "version",
            "note",
        },
        path,
        "",
    )
    sid = _req(d, "id", path, "")
    items = tuple(
        _parse_principle(p, path, f"items[{i}]", sid, seen)
        for i, p in enumerate(_req(d, "items", path, "", list))
    )
    return Standard(
        id=sid,
        title=_req(d, "title", path, ""),
        short_title=str(d.get("short_title") or d["title"]),
        publisher=_req(d, "publisher", path, ""),
        kind=_req(d, "kind", path, ""),
        binding=bool(d.get("binding", False)),
        start=_date(d.get("from"), path, "from"),  # type: ignore[arg-type]
        until=_date(d.get("until"), path, "until", optional=True),
        summary=str(d.get("summary", "")),
        source=_source(d, path, ""),
        items=items,
    )


def _parse_cap(c: Any, path: Path, where: str) -> Cap:
    if not isinstance(c, dict):
        raise RuleFileError(
            path, where, "must be a mapping with kind: zero | fixed | wage_multiple | unknown"
        )
    _only(
        c,
        {"kind", "amount", "currency", "months", "per_contract_months", "max_months", "max_amount", "note"},
        path,
        where,
    )
    kind = c.get("kind")
    if kind not in CAP_KINDS:
        raise RuleFileError(
            path, f"{where}.kind", f"unknown cap kind {kind!r}: use one of {', '.join(CAP_KINDS)}"
        )

    def num(key: str, required: bool = False) -> float | None:
        v = c.get(key)
        if v is None:
            if required:
                raise RuleFileError(path, f"{where}.{key}", f"is missing (needed for a {kind} cap)")
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise RuleFileError(path, f"{where}.{key}", "must be a number, zero or more")
        return float(v)

    cur = c.get("currency")
    if kind == "fixed" or c.get("max_amount") is not None:
        if not isinstance(cur, str) or not _CODE3.match(cur):
            raise RuleFileError(path, f"{where}.currency", "must be an ISO 4217 code such as NPR")
    if cur is not None:
        _currency(cur, path, f"{where}.currency")
    return Cap(
        kind=kind,
        amount=num("amount", kind == "fixed"),
        currency=cur,
        months=num("months", kind == "wage_multiple"),
        per_contract_months=num("per_contract_months"),
        max_months=num("max_months"),
        max_amount=num("max_amount"),
    )


def _names(v: Any, path: Path, key: str, known: set[str]) -> frozenset[str]:
    if v is None:
        return frozenset()
    if not isinstance(v, list):
        raise RuleFileError(path, key, "must be a list of cost items or categories")
    for n in v:
        if n not in known:
            raise RuleFileError(path, key, f"unknown category {n!r}: not in taxonomy.yaml")
    return frozenset(v)


def parse_country(path: Path, ruleset: RuleSet, seen_rules: set[str]) -> CountryLaw:
    d = _read(path)
    _only(d, {"country", "name", "role", "authority", "rules", "minimum_wages", "note"}, path, "")
    cc = _req(d, "country", path, "")
    if not _CODE2.match(cc) or path.stem != cc.lower():
        raise RuleFileError(path, "country", f"{cc!r} must be an ISO alpha-2 code matching the file name")
    role = _req(d, "role", path, "")
    if role not in ("origin", "destination"):
        raise RuleFileError(path, "role", "must be origin or destination")
    known = set(ruleset.categories) | set(ruleset.item_category)
    rules = []
    for i, r in enumerate(_req(d, "rules", path, "", list)):
        rid, where = _rule_id(r, "rules", i, {"applies_to"}, path, cc, seen_rules)
        applies = _applies_to(r, {"sex", "occupations", "occupation_keywords"}, path, where)
        versions = []
        for j, v in enumerate(_req(r, "versions", path, where, list)):
            vw = f"{where}.versions[{j}]"
            _only(
                v,
                {"from", "until", "cap", "capped", "allowed", "prohibited", "payees", "source", "note", "sub_caps"},
                path,
                vw,
            )
            start = _date(v.get("from"), path, f"{vw}.from")
            until = _date(v.get("until"), path, f"{vw}.until", optional=True)
            assert start is not None
            if until is not None and until < start:
                raise RuleFileError(path, f"{vw}.until", f"bad date: {until} is before from {start}")
            capped = _names(v.get("capped"), path, f"{vw}.capped", known)
            allowed = _names(v.get("allowed"), path, f"{vw}.allowed", known)
            prohibited = _names(v.get("prohibited"), path, f"{vw}.prohibited", known)
            ec, ea, ep = ruleset.expand(capped), ruleset.expand(allowed), ruleset.expand(prohibited)
            clash = (ec & ea) | (ec & ep) | (ea & ep)
            if clash:
                raise RuleFileError(
                    path, vw, f"item {sorted(clash)[0]!r} is in more than one of capped/allowed/prohibited"
                )
            if capped and "cap" not in v:
                raise RuleFileError(path, f"{vw}.cap", "is missing: capped items need a cap")
            cap = _parse_cap(v["cap"], path, f"{vw}.cap") if "cap" in v else None
            payees = v.get("payees")
            if payees is not None and any(p not in ROLES for p in payees):
                raise RuleFileError(path, f"{vw}.payees", f"roles must be among {', '.join(ROLES)}")
            source = _source(v, path, vw)
            sub_caps = _sub_caps(v.get("sub_caps"), cap, ec, source, ruleset, known, path, f"{vw}.sub_caps")
            versions.append(
                RuleVersion(
                    start,
                    until,
                    cap,
                    ec,
                    ea,
                    ep,
                    frozenset(payees) if payees else None,
                    source,
                    str(v.get("note") or ""),
                    sub_caps,
                )
            )
        versions.sort(key=lambda v: v.start)
        _no_overlap(versions, path, where)
        rules.append(
            Rule(rid, cc, _req(r, "title", path, where), str(r.get("summary", "")), applies, tuple(versions),
                 _translations(r, "summaries", path, where), _translations(r, "titles", path, where))
        )
    wages = tuple(_parse_minimum_wage(m, path, i, cc, seen_rules) for i, m in enumerate(d.get("minimum_wages") or []))
    return CountryLaw(
        cc, _req(d, "name", path, ""), role, str(d.get("authority", "")), tuple(rules), str(path), wages
    )


def _sub_caps(entries: Any, cap: Cap | None, capped: frozenset[str], source: Source, ruleset: RuleSet,
              known: set[str], path: Path, where: str) -> tuple[SubCap, ...]:
    """A version's ``sub_caps``, checked: each a fixed limit on some of the version's capped items (no item in
    two), within a fixed or wage-multiple cap and not above a fixed cap in the same currency."""
    if entries is None:
        return ()
    if not isinstance(entries, list) or not entries:
        raise RuleFileError(path, where, "must be a list of {items, cap} (leave it out when there is none)")
    if cap is None or cap.kind not in ("fixed", "wage_multiple"):
        raise RuleFileError(path, where, "a sub-cap needs a fixed or wage_multiple cap on the version to be within")
    out: list[SubCap] = []
    for i, e in enumerate(entries):
        w = f"{where}[{i}]"
        if not isinstance(e, dict):
            raise RuleFileError(path, w, "must be a mapping with items and cap")
        _only(e, {"items", "cap", "source", "article", "note"}, path, w)
        names = _names(_req(e, "items", path, w, list), path, f"{w}.items", known)
        items = ruleset.expand(names)
        outside = sorted(items - capped)
        if outside:
            raise RuleFileError(path, f"{w}.items", f"item {outside[0]!r} is not among the version's capped items")
        taken = sorted(items & frozenset().union(*(sc.items for sc in out)))
        if taken:
            raise RuleFileError(path, f"{w}.items", f"item {taken[0]!r} is already in another sub-cap")
        sub = _parse_cap(_req(e, "cap", path, w, dict), path, f"{w}.cap")
        if sub.kind != "fixed":
            raise RuleFileError(path, f"{w}.cap.kind", f"a sub-cap must be fixed (amount and currency), not {sub.kind}")
        assert sub.amount is not None
        if cap.kind == "fixed" and cap.currency == sub.currency and cap.amount is not None and sub.amount > cap.amount:
            raise RuleFileError(path, f"{w}.cap.amount",
                                f"{sub.amount:g} {sub.currency} is more than the version's cap of {cap.amount:g}")
        if "source" in e and "article" in e:
            raise RuleFileError(path, f"{w}.article", "give either a source of its own or an article, not both")
        own = (_source(e, path, w) if "source" in e
               else dataclasses.replace(source, article=str(_req(e, "article", path, w))) if "article" in e
               else source)
        out.append(SubCap(items, tuple(sorted(names)), sub, own))
    return tuple(out)


def _rule_id(r: Any, section: str, i: int, extra: set[str], path: Path, cc: str,
             seen_rules: set[str]) -> tuple[str, str]:
    """The id of the ``i``-th entry of ``section`` (checked: its keys, its form, unique across files) and the
    key path that names it in messages."""
    _only(r if isinstance(r, dict) else {}, {"id", "title", "titles", "summary", "summaries", "versions", "note",
                                             *extra}, path, f"{section}[{i}]")
    rid = _req(r, "id", path, f"{section}[{i}]")
    where = f"{section}.{rid}"
    if not _RULE_ID.match(rid) or not rid.startswith(cc.lower() + "."):
        raise RuleFileError(path, f"{where}.id", f"must look like '{cc.lower()}.some-name'")
    if rid in seen_rules:
        raise RuleFileError(path, f"{where}.id", "duplicate rule id")
    seen_rules.add(rid)
    return rid, where


def is_country(code: Any) -> bool:
    """True for an ISO 3166-1 alpha-2 code in use (rule files, journeys and batches check countries with it)."""
    return isinstance(code, str) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def _applies_to(entry: dict[str, Any], extra: set[str], path: Path, where: str) -> dict[str, Any]:
    """An entry's ``applies_to`` (whom a rule or a minimum wage covers), checked: known keys only
    (``destinations``, ``origins``, ``domestic_work`` and ``extra``), countries as ISO alpha-2 codes."""
    applies = entry.get("applies_to") or {}
    _only(applies, {"destinations", "origins", "domestic_work", *extra}, path, f"{where}.applies_to")
    for k in ("destinations", "origins"):
        for code in applies.get(k) or []:
            if not isinstance(code, str) or not _CODE2.match(code):
                raise RuleFileError(path, f"{where}.applies_to.{k}", f"{code!r} is not an ISO alpha-2 code")
            if not is_country(code):
                raise RuleFileError(path, f"{where}.applies_to.{k}",
                                    f"{code!r} is not an ISO 3166 alpha-2 country code: no country has it")
    for code in applies.get("occupations") or []:
        if not is_isco08(code):
            raise RuleFileError(path, f"{where}.applies_to.occupations",
                                f"{code!r} is not an ISCO-08 code: use a major, sub-major, minor or unit group "
                                "as text, e.g. '9111'")
    return applies


def _currency(code: Any, path: Path, key: str) -> str:
    """``code``, checked to be an ISO 4217 currency code in use (one that amounts can be converted from)."""
    if not isinstance(code, str) or not _CODE3.match(code) or not is_currency(code):
        raise RuleFileError(path, key, f"{code!r} is not an ISO 4217 currency code: use one such as NPR, QAR, USD")
    return code


def _no_overlap(versions: list[Any], path: Path, where: str) -> None:
    for a, b in zip(versions, versions[1:], strict=False):
        if a.until is None or a.until >= b.start:
            raise RuleFileError(path, f"{where}.versions", f"overlapping periods: version from {a.start} overlaps {b.start}")


def _parse_minimum_wage(m: Any, path: Path, i: int, cc: str, seen_rules: set[str]) -> MinimumWage:
    mid, where = _rule_id(m, "minimum_wages", i, {"applies_to"}, path, cc, seen_rules)
    applies = _applies_to(m, set(), path, where)
    if "domestic_work" in applies and not isinstance(applies["domestic_work"], bool):
        raise RuleFileError(path, f"{where}.applies_to.domestic_work", "must be true or false")
    versions = []
    for j, v in enumerate(_req(m, "versions", path, where, list)):
        vw = f"{where}.versions[{j}]"
        _only(v, {"from", "until", "amount", "currency", "allowances", "source", "note"}, path, vw)
        start = _date(v.get("from"), path, f"{vw}.from")
        until = _date(v.get("until"), path, f"{vw}.until", optional=True)
        assert start is not None
        if until is not None and until < start:
            raise RuleFileError(path, f"{vw}.until", f"bad date: {until} is before from {start}")
        amount = _req(v, "amount", path, vw, (int, float))
        if isinstance(amount, bool) or amount <= 0:
            raise RuleFileError(path, f"{vw}.amount", "must be a monthly amount above 0")
        currency = _currency(_req(v, "currency", path, vw), path, f"{vw}.currency")
        allowances = v.get("allowances") or {}
        if not isinstance(allowances, dict):
            raise RuleFileError(path, f"{vw}.allowances", f"must map {' or '.join(ALLOWANCES)} to a monthly amount")
        for k, a in allowances.items():
            if k not in ALLOWANCES:
                raise RuleFileError(path, f"{vw}.allowances.{k}", f"unknown allowance: use {' or '.join(ALLOWANCES)}")
            if isinstance(a, bool) or not isinstance(a, int | float) or a <= 0:
                raise RuleFileError(path, f"{vw}.allowances.{k}", "must be a monthly amount above 0")
        versions.append(MinimumWageVersion(start, until, float(amount), currency,
                                           tuple(sorted((k, float(a)) for k, a in allowances.items())),
                                           _source(v, path, vw), str(v.get("note") or "")))
    versions.sort(key=lambda v: v.start)
    _no_overlap(versions, path, where)
    return MinimumWage(mid, cc, _req(m, "title", path, where), str(m.get("summary", "")), tuple(versions),
                       _translations(m, "summaries", path, where), _translations(m, "titles", path, where),
                       dict(applies))


def load_rules(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Read and validate every rule file. Raises :class:`RuleFileError` on the first problem."""
    digest = hashlib.sha256()
    for p in sorted(rules_dir.rglob("*.yaml")):
        digest.update(p.relative_to(rules_dir).as_posix().encode())
        digest.update(p.read_bytes())
    src, cats = parse_taxonomy(rules_dir / "taxonomy.yaml")
    item_category = {it: c.id for c in cats.values() for it in c.items}
    lex_path = rules_dir / "lexicon.yaml"
    lexicon = parse_lexicon(lex_path, item_category) if lex_path.exists() else {}
    rs = RuleSet(
        version=digest.hexdigest()[:12],
        taxonomy_source=src,
        categories=cats,
        item_category=item_category,
        lexicon=lexicon,
        standards={},
        laws={},
    )
    seen: set[str] = set()
    for p in sorted((rules_dir / "standards").glob("*.yaml")):
        st = parse_standard(p, seen)
        if st.id in rs.standards:
            raise RuleFileError(p, "id", f"duplicate standard id {st.id!r}")
        rs.standards[st.id] = st
        rs.principles.update({pr.id: pr for pr in st.walk()})
    seen_rules: set[str] = set()
    for p in sorted((rules_dir / "countries").glob("*.yaml")):
        law = parse_country(p, rs, seen_rules)
        rs.laws[law.country] = law
    return rs


@lru_cache(maxsize=1)
def get_rules() -> RuleSet:
    """The process-wide rule set (loaded once)."""
    return load_rules()


def main() -> int:
    try:
        rs = load_rules()
    except RuleFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n_rules = sum(len(law.rules) for law in rs.laws.values())
    n_versions = sum(len(r.versions) for law in rs.laws.values() for r in law.rules)
    print(
        f"rule set {rs.version}: {len(rs.standards)} standards, {len(rs.principles)} principles, "
        f"{len(rs.laws)} countries, {n_rules} rules, {n_versions} versions, "
        f"{len(rs.item_category)} cost items, lexicon for {len(rs.lexicon)} items"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
