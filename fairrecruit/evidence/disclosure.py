"""Statistical disclosure control for open-data releases. Plain Python (no Django).

Record-level tables (one row per assessed recruitment journey) go out only after:

1. **Generalisation** of quasi-identifiers: the year instead of dates; the corridor (origin-destination);
   the ISCO-08 major group instead of the occupation; sex; no identifiers, names or free text at all.
2. **Rounding** of amounts: US dollars to the nearest ``rounding`` (default 100), months of earnings to 0.5.
3. **k-anonymity** over every quasi-identifier *and* the rounded amounts (someone may know what a worker
   paid): each combination must be shared by at least ``k`` records. Records in smaller classes are recoded
   step by step, re-checking after each step: amounts to a 10× coarser rounding; occupation suppressed
   (``*``); year widened to a 5-year period; sex suppressed; destination suppressed (``NP-*``); amounts
   suppressed (empty); and, last, the record is dropped (record suppression). The report counts what each step did.

Aggregate tables publish cells (corridor × year) only when at least ``k`` records are behind them; smaller
cells are suppressed (values empty, ``suppressed`` true). No margins or totals are published next to them, so
a suppressed cell cannot be recovered by subtraction.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SUPPRESSED = "*"
QUASI_IDENTIFIERS = ("corridor", "year", "sex", "occupation")
AMOUNTS = ("paid_usd", "owed_usd")
MONTHS = "months_of_earnings"
RECORD_FIELDS = (*QUASI_IDENTIFIERS, *AMOUNTS, MONTHS)
STEPS = (
    "coarser_amounts",
    "occupation_suppressed",
    "year_widened",
    "sex_suppressed",
    "destination_suppressed",
    "amounts_suppressed",
    "record_dropped",
)


@dataclass(frozen=True)
class Config:
    k: int = 5
    rounding: int = 100
    months_step: float = 0.5
    period_years: int = 5

    def __post_init__(self) -> None:
        if self.k < 2:
            raise ValueError("k must be at least 2")
        if self.rounding < 1:
            raise ValueError("rounding must be at least 1 (US dollar)")


@dataclass
class Result:
    rows: list[dict[str, Any]]
    report: dict[str, Any] = field(default_factory=dict)


def round_to(x: float | None, base: float) -> float | None:
    if x is None:
        return None
    return round(x / base) * base


def generalise(record: dict[str, Any], cfg: Config) -> dict[str, Any]:
    """One input record (year, origin, destination, sex, isco08, paid_usd, owed_usd, months) -> release row."""
    isco = str(record.get("isco08") or "")
    return {
        "corridor": f"{record['origin']}-{record['destination']}",
        "year": str(record["year"]),
        "sex": record.get("sex") or "unknown",
        "occupation": isco[:1] if isco[:1].isdigit() else "unknown",
        "paid_usd": round_to(record.get("paid_usd"), cfg.rounding),
        "owed_usd": round_to(record.get("owed_usd"), cfg.rounding),
        MONTHS: round_to(record.get("months"), cfg.months_step),
    }


def class_key(row: dict[str, Any], fields: Sequence[str] = RECORD_FIELDS) -> tuple[Any, ...]:
    return tuple(row.get(f) for f in fields)


def class_sizes(
    rows: Iterable[dict[str, Any]], fields: Sequence[str] = RECORD_FIELDS
) -> Counter[tuple[Any, ...]]:
    return Counter(class_key(r, fields) for r in rows)


def k_anonymity(rows: Sequence[dict[str, Any]], fields: Sequence[str] = RECORD_FIELDS) -> int:
    """The size of the smallest equivalence class (0 for no rows)."""
    sizes = class_sizes(rows, fields)
    return min(sizes.values()) if sizes else 0


def _step(row: dict[str, Any], step: str, cfg: Config) -> None:
    if step == "coarser_amounts":
        for a in AMOUNTS:
            row[a] = round_to(row[a], cfg.rounding * 10)
        row[MONTHS] = round_to(row[MONTHS], cfg.months_step * 4)
    elif step == "occupation_suppressed":
        row["occupation"] = SUPPRESSED
    elif step == "year_widened":
        y = row["year"]
        if y.isdigit():
            start = int(y) - int(y) % cfg.period_years
            row["year"] = f"{start}-{start + cfg.period_years - 1}"
    elif step == "sex_suppressed":
        row["sex"] = SUPPRESSED
    elif step == "destination_suppressed":
        row["corridor"] = row["corridor"].split("-")[0] + "-" + SUPPRESSED
    elif step == "amounts_suppressed":
        for a in (*AMOUNTS, MONTHS):
            row[a] = None


def protect_records(records: Iterable[dict[str, Any]], cfg: Config | None = None) -> Result:
    """Generalise, round and recode until every class over :data:`RECORD_FIELDS` has at least ``k`` rows."""
    cfg = cfg or Config()
    rows = [generalise(r, cfg) for r in records]
    n_in = len(rows)
    counts = dict.fromkeys(STEPS, 0)
    for step in STEPS:
        sizes = class_sizes(rows)
        small = [r for r in rows if sizes[class_key(r)] < cfg.k]
        if not small:
            break
        if step == "record_dropped":
            drop = {id(r) for r in small}
            rows = [r for r in rows if id(r) not in drop]
            counts[step] = len(drop)
            break
        for r in small:
            _step(r, step, cfg)
        counts[step] = len(small)
    rows.sort(key=lambda r: tuple("" if v is None else str(v) for v in class_key(r)))
    return Result(
        rows=rows,
        report={
            "k": cfg.k,
            "rounding_usd": cfg.rounding,
            "months_step": cfg.months_step,
            "quasi_identifiers": [*QUASI_IDENTIFIERS, *AMOUNTS, MONTHS],
            "records_in": n_in,
            "records_out": len(rows),
            "recoded": counts,
            "smallest_class": k_anonymity(rows),
        },
    )


def summary_cells(records: Iterable[dict[str, Any]], cfg: Config | None = None) -> Result:
    """Corridor × year cells: count, median months of earnings, mean paid and owed (rounded); cells with fewer
    than ``k`` records are suppressed."""
    return count_cells(
        ({**r, "corridor": f"{r['origin']}-{r['destination']}"} for r in records),
        keys=("corridor", "year"),
        count="records",
        values={
            "median_months": _median("months", 0.1),
            "mean_paid_usd": mean("paid_usd"),
            "mean_owed_usd": mean("owed_usd"),
        },
        cfg=cfg,
    )


def _median(column: str, step: float) -> Any:
    def fn(units: list[dict[str, Any]], cfg: Config) -> float | None:
        vals = [u[column] for u in units if u.get(column) is not None]
        return round_to(statistics.median(vals), step) if vals else None

    return fn


def candidates(
    rows: Sequence[dict[str, Any]], known: dict[str, Any], cfg: Config | None = None
) -> list[dict[str, Any]]:
    """The rows of a release that an intruder who knows a worker's corridor, year, sex, ISCO code and the exact
    amount paid (and how the release rounds and recodes) cannot rule out."""
    cfg = cfg or Config()

    def year_ok(v: str) -> bool:
        if v == SUPPRESSED:
            return True
        if "-" in v:
            a, b = v.split("-")
            return int(a) <= int(known["year"]) <= int(b)
        return v == str(known["year"])

    def amount_ok(v: float | None, x: float | None) -> bool:
        # The intruder knows the rounding rules: the exact amount rounded either way, or suppressed.
        if v is None or x is None:
            return True
        return v in (round_to(x, cfg.rounding), round_to(x, cfg.rounding * 10))

    out = []
    for r in rows:
        if r["corridor"] not in (
            f"{known['origin']}-{known['destination']}",
            f"{known['origin']}-{SUPPRESSED}",
        ):
            continue
        if not year_ok(r["year"]):
            continue
        if r["sex"] not in (SUPPRESSED, known.get("sex") or "unknown"):
            continue
        occ = str(known.get("isco08") or "")[:1] or "unknown"
        if r["occupation"] not in (SUPPRESSED, occ):
            continue
        if not amount_ok(r["paid_usd"], known.get("paid_usd")):
            continue
        out.append(r)
    return out


def count_cells(
    rows: Iterable[dict[str, Any]],
    *,
    keys: Sequence[str],
    count: str,
    values: dict[str, Any],
    cfg: Config | None = None,
) -> Result:
    """Aggregate table of ``rows`` (already one dict per unit: a review, a complaint) grouped by ``keys``:
    ``count`` units per cell and, per name in ``values``, a function of the cell's units. A cell with fewer than
    ``k`` units is suppressed (count and values withheld). No totals or margins are published, so a suppressed
    cell cannot be recovered by subtraction."""
    cfg = cfg or Config()
    cells: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        cells.setdefault(tuple(str(r[k]) for k in keys), []).append(r)
    out = []
    suppressed = 0
    for key, units in sorted(cells.items()):
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        if len(units) < cfg.k:
            suppressed += 1
            row.update({count: None, **{name: None for name in values}, "suppressed": True})
        else:
            row.update({count: len(units), **{name: fn(units, cfg) for name, fn in values.items()}})
            row["suppressed"] = False
        out.append(row)
    return Result(rows=out, report={"k": cfg.k, "cells": len(out), "cells_suppressed": suppressed})


def share(column: str, value: Any) -> Any:
    """Cell function: share of units whose ``column`` equals ``value`` among those that answered, to 0.05."""

    def fn(units: list[dict[str, Any]], cfg: Config) -> float | None:
        answered = [u[column] for u in units if u.get(column) not in (None, "")]
        return _tidy(round_to(sum(1 for a in answered if a == value) / len(answered), 0.05)) if answered else None

    return fn


def total(column: str) -> Any:
    """Cell function: sum of ``column`` over the units, rounded to the release's rounding."""

    def fn(units: list[dict[str, Any]], cfg: Config) -> float | None:
        vals = [float(u[column]) for u in units if u.get(column) is not None]
        return round_to(sum(vals), cfg.rounding) if vals else None

    return fn


def counted(column: str, value: Any) -> Any:
    """Cell function: how many units have ``column`` equal to ``value`` (published only with the cell)."""

    def fn(units: list[dict[str, Any]], cfg: Config) -> int:
        return sum(1 for u in units if u.get(column) == value)

    return fn


def mean(column: str, step: float | None = None) -> Any:
    """Cell function: mean of ``column``, rounded to ``step`` (default: the release's rounding of amounts)."""

    def fn(units: list[dict[str, Any]], cfg: Config) -> float | None:
        vals = [float(u[column]) for u in units if u.get(column) is not None]
        return _tidy(round_to(statistics.fmean(vals), step or cfg.rounding)) if vals else None

    return fn


def _tidy(x: float | None) -> float | None:
    """0.30000000000000004 -> 0.3 (rounding to a step leaves binary noise)."""
    return None if x is None else round(x, 6)
