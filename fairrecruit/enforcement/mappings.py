"""Layouts of regulators' published sanction lists (``lists/<name>.yaml``), so that a list is imported as it is
published, without retyping it into FairRecruit's columns (``imports.COLUMNS``).

A mapping says, for one regulator's list: which of its headers hold each of FairRecruit's columns (several
spellings allowed; case, spaces and punctuation ignored; other columns of the list are left alone), how its words
for the penalty map to the sanction kinds, which words in its violations column mean which breach (anything else
is ``other``), how it writes dates, how a registry identifier is made from its licence numbers when it gives no
identifier, and the legal basis to record when the list names none. ``translate`` turns one row of the list into
FairRecruit's cells; the import then checks them exactly as it checks a list in FairRecruit's own columns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fairrecruit.enforcement.models import Breach, SanctionKind
from fairrecruit.registry.imports import (
    MappingError,
    Problem,
    check_date_formats,
    date_in_formats,
    header_list,
    norm,
)

MAPPINGS_DIR = Path(__file__).parent / "lists"
_KEYS = {"title", "regulator", "columns", "kinds", "breaches", "identifier", "legal_basis", "date_formats", "notes"}
_DATE_COLUMNS = ("decided_on", "effective_from", "effective_until")


@dataclass(frozen=True)
class SanctionMapping:
    name: str
    title: str
    regulator: str  # the registry identifier of the regulator whose list this is
    columns: dict[str, tuple[str, ...]]  # FairRecruit column -> the list's headers, normalised
    kinds: dict[str, str]  # the list's word, normalised -> SanctionKind value
    kind_words: tuple[str, ...]  # as written, for messages
    breaches: tuple[tuple[str, str], ...]  # (words, normalised; breach code), longest first
    identifier: str  # e.g. "PH-DMW-{licence}", or ""
    legal_basis: str
    date_formats: tuple[str, ...]

    def header_names(self, headers: list[str]) -> list[str]:
        """The list's header row as FairRecruit's column names ("" for a column the mapping does not use)."""
        by_header = {h: col for col, hs in self.columns.items() for h in hs}
        return [by_header.get(norm(h), "") for h in headers]

    def translate(self, number: int, cells: dict[str, str], problems: list[Problem]) -> dict[str, str]:
        """One row of the list (already keyed by FairRecruit's column names) in FairRecruit's words: the kind,
        the breach codes, ISO dates, the identifier and the legal basis. Words it cannot place are problems."""
        out = dict(cells)
        word = cells.get("kind", "")
        if word:
            kind = self.kinds.get(norm(word))
            if kind is None:
                problems.append(Problem(number, "kind", word, "not a penalty this layout knows; it knows "
                                        + ", ".join(self.kind_words)))
            out["kind"] = kind or ""
        if "breaches" in self.columns or cells.get("breaches"):
            found = [code for words, code in self.breaches if words in norm(cells.get("breaches", ""))]
            out["breaches"] = "|".join(dict.fromkeys(found)) or "other"
        for col in _DATE_COLUMNS:
            if cells.get(col):
                out[col] = self._date(number, col, cells[col], problems)
        if not cells.get("identifier") and self.identifier and cells.get("licence"):
            part = re.sub(r"[^A-Z0-9]+", "-", cells["licence"].upper()).strip("-")
            out["identifier"] = self.identifier.replace("{licence}", part)
        if not cells.get("legal_basis"):
            out["legal_basis"] = self.legal_basis
        return out

    def _date(self, number: int, col: str, text: str, problems: list[Problem]) -> str:
        day = date_in_formats(text.strip(), self.date_formats)
        if day is not None:
            return day.isoformat()
        sample = dt.date(2026, 3, 1)
        problems.append(Problem(number, col, text, "write the date as " + " or ".join(sample.strftime(f)
                                                                                   for f in self.date_formats)))
        return ""


def load_sanction_mapping(name: str) -> SanctionMapping:
    """The layout ``lists/<name>.yaml`` (or a path to a YAML file), checked. Raises MappingError naming the
    file, the key and what is wrong."""
    path = Path(name) if name.endswith((".yaml", ".yml")) or "/" in name else MAPPINGS_DIR / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(m.name for m in list_sanction_mappings()) or "none"
        raise MappingError(path, "mapping", f"no layout named {name!r}; known: {known}") from None
    except yaml.YAMLError as exc:
        raise MappingError(path, "yaml", f"not valid YAML: {exc}") from exc
    return _parse(path, raw)


def list_sanction_mappings() -> list[SanctionMapping]:
    """Every shipped layout (each checked: a malformed one raises MappingError)."""
    return [_parse(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(MAPPINGS_DIR.glob("*.yaml"))]


def _parse(path: Path, raw: Any) -> SanctionMapping:
    from fairrecruit.enforcement.imports import COLUMNS

    if not isinstance(raw, dict):
        raise MappingError(path, "mapping", "must be a YAML mapping of keys to values")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise MappingError(path, unknown[0], "unknown key; the keys are " + ", ".join(sorted(_KEYS)))
    for key in ("title", "regulator", "legal_basis"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise MappingError(path, key, "is required (text)")
    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, dict) or not columns_raw:
        raise MappingError(path, "columns", "must map FairRecruit's columns to the list's headers")
    columns: dict[str, tuple[str, ...]] = {}
    for col, headers in columns_raw.items():
        if col not in COLUMNS:
            raise MappingError(path, f"columns.{col}", "not a column of a sanctions list; use " + ", ".join(COLUMNS))
        columns[col] = tuple(norm(h) for h in header_list(path, f"columns.{col}", headers))
    if "kind" not in columns or not ({"identifier", "name", "licence"} & set(columns)):
        raise MappingError(path, "columns", "needs kind, and identifier, licence or name")
    kinds_raw = raw.get("kinds")
    if not isinstance(kinds_raw, dict) or not kinds_raw:
        raise MappingError(path, "kinds", "must map the list's words for penalties to " + ", ".join(SanctionKind.values))
    for word, kind in kinds_raw.items():
        if kind not in SanctionKind.values:
            raise MappingError(path, f"kinds.{word}", f"{kind!r} is not one of " + ", ".join(SanctionKind.values))
    breaches_raw = raw.get("breaches") or {}
    if not isinstance(breaches_raw, dict):
        raise MappingError(path, "breaches", "must map words of the violations column to breach codes")
    for words, code in breaches_raw.items():
        if code not in Breach.values:
            raise MappingError(path, f"breaches.{words}", f"{code!r} is not one of " + ", ".join(Breach.values))
    identifier = raw.get("identifier") or ""
    if identifier and ("{licence}" not in identifier or "licence" not in columns):
        raise MappingError(path, "identifier", "must contain {licence}, with a licence column in columns")
    return SanctionMapping(
        name=path.stem,
        title=raw["title"].strip(),
        regulator=raw["regulator"].strip(),
        columns=columns,
        kinds={norm(w): k for w, k in kinds_raw.items()},
        kind_words=tuple(str(w) for w in kinds_raw),
        breaches=tuple(sorted(((norm(w), c) for w, c in breaches_raw.items()), key=lambda x: -len(x[0]))),
        identifier=identifier,
        legal_basis=raw["legal_basis"].strip(),
        date_formats=check_date_formats(path, raw.get("date_formats")),
    )
