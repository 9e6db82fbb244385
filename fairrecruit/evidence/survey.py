"""Recruitment-cost survey microdata: read (CSV, XLSX, Parquet), validate, convert currencies, normalise.

One row per worker. Columns (names are matched without case; spaces become ``_``; aliases in :data:`COLUMNS`):

========================  ============================================================================
``worker_id``             required, unique in the file
``cost_total``            total recruitment costs paid by the worker (and family); or itemised
``cost_<item>``           itemised costs (``cost_agency_fee``, ``cost_ticket``, ...) in ``cost_currency``: summed,
                          an empty cell counts 0; when ``cost_total`` is given too it wins, and must match the
                          items' sum. A ``cost_...`` column that looks like a total (``cost_total_usd``, ``cost_all``),
                          an amount in a currency of its own (``cost_ticket_usd``), a currency (``cost_ticket_currency``)
                          or a derived value (``cost_share``) refuses the file (:func:`cost_column_problem`): summed
                          with the items it would count costs twice
``cost_currency``         ISO 4217; may be empty when the cost is 0 (then the earnings currency is used)
``earnings``              first full month's earnings in the destination, net (metadata 2022, 2.a): > 0
``earnings_currency``     ISO 4217
``weight``                survey weight > 0 (column absent: every worker weighs 1, and the result says so)
``sex``                   F, M or X (also female/male/other); empty = unknown
``age``                   age in whole years, 15–99 (at migration or at interview, as the survey says)
``education``             none, primary, lower_secondary, upper_secondary, post_secondary, tertiary
``isco08``                ISCO-08 code of a major, sub-major, minor or unit group
                          (:data:`fairrecruit.standards.isco.ISCO08`), as text:
                          ``0110`` is armed forces (major group 0); ``110`` is refused, not read as group 1
``industry``              ISIC Rev.4 section letter (A–U) or code of 2–4 digits
``origin``                ISO 3166 alpha-2, required
``destination``           ISO 3166 alpha-2, required, different from origin
``documented``            true/false (yes/no, 1/0, documented/undocumented); empty = unknown
``year``                  the year of the first job abroad (costs paid, first earnings), 1990 – this year
========================  ============================================================================

Rows are numbered as a person sees them: for CSV and XLSX the spreadsheet row (the header is row 1, the first
worker row 2; blank lines count, as a spreadsheet shows them, and are skipped; in a text editor the same line,
unless a quoted value earlier in the file runs over several lines), for Parquet the record number from 1.

CSV is read by Python's ``csv`` module (:func:`_csv_rows`), never guessed from a sample: the delimiter (``,``,
``;``, tab or ``|``) is the one that splits the header line into most columns, quotes are ``"``, the text is UTF-8
(a byte order mark is skipped). A row with more or fewer fields than the header is rejected as ``row N: expected K
fields, found M``; the other rows go to DuckDB with their row numbers, written again as plain CSV.

Warnings (:data:`PLAUSIBLE`) name rows that are imported but look wrong: costs of more than 60 months of
earnings, a month's earnings below 10 US dollars, a weight above 1,000,000. They are shown with the report and
do not reject the row.

Validation names every rejected row and field (:class:`Rejection`); import is all-or-nothing unless
``partial=True``. Currency conversion: costs and earnings of a worker are converted to US dollars with the
reference rate of **one day per worker** (:mod:`fairrecruit.core.fx`, the rate, its date and source recorded):
by default 1 July of ``year`` (the mid-point of the year of the first job), or the date in a column named with
``fx_date_column``. Because both amounts use the same day, the ratio ``C/E`` is the same in any currency; when
cost and earnings currencies are the same it is computed from the amounts as given (the factor is exactly 1).

Plain Python + DuckDB (no Django).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pycountry

from fairrecruit.core import fx
from fairrecruit.standards.isco import ISCO08

KINDS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
MIN_AGE, MAX_AGE = 15, 99
MIN_YEAR = 1990
EDUCATION = ("none", "primary", "lower_secondary", "upper_secondary", "post_secondary", "tertiary")
EDUCATION_ALIASES = {
    "no_schooling": "none",
    "no_education": "none",
    "secondary": "upper_secondary",
    "university": "tertiary",
    "higher": "tertiary",
    "post_secondary_non_tertiary": "post_secondary",
    "vocational": "post_secondary",
}
AGE_GROUPS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 99))
SEX = {"f": "F", "female": "F", "woman": "F", "m": "M", "male": "M", "man": "M", "x": "X", "other": "X"}
TRUE = ("true", "yes", "y", "1", "documented", "t")
FALSE = ("false", "no", "n", "0", "undocumented", "f")
COLUMNS: dict[str, tuple[str, ...]] = {
    "worker_id": ("worker_id", "id", "respondent_id", "worker"),
    "cost_total": ("cost_total", "total_cost", "costs_total", "recruitment_cost", "cost"),
    "cost_currency": ("cost_currency", "costs_currency"),
    "earnings": ("earnings", "first_month_earnings", "earnings_first_month", "monthly_earnings"),
    "earnings_currency": ("earnings_currency",),
    "weight": ("weight", "survey_weight", "wt"),
    "sex": ("sex", "gender"),
    "age": ("age",),
    "education": ("education", "education_level"),
    "isco08": ("isco08", "isco", "occupation", "occupation_isco08"),
    "industry": ("industry", "isic4", "isic"),
    "origin": ("origin", "origin_country"),
    "destination": ("destination", "destination_country"),
    "documented": ("documented",),
    "year": ("year", "migration_year"),
}
REQUIRED = ("worker_id", "earnings", "earnings_currency", "origin", "destination", "year")
NORMALISED_COLUMNS = (
    "row",
    "worker_id",
    "year",
    "origin",
    "destination",
    "sex",
    "age",
    "age_group",
    "education",
    "isco08",
    "isco_major",
    "industry",
    "documented",
    "weight",
    "cost",
    "cost_currency",
    "earnings",
    "earnings_currency",
    "fx_date",
    "cost_usd",
    "earnings_usd",
    "ratio",
)
SHOWN = 20
MAX_WARNINGS = 1000  # warnings kept in a report (a file whose every row looks wrong says so with the count)
CSV_DELIMITERS = (",", ";", "\t", "|")
# Plausibility: beyond these an imported row is named in the warnings (kept, not rejected).
PLAUSIBLE = {
    "ratio": 60,  # months of first-month earnings paid in recruitment costs (five years' pay)
    "earnings_usd": 10,  # US dollars: a month's earnings below this are almost surely a unit or currency slip
    "weight": 1_000_000,  # one respondent standing for more than a million migrant workers
}
# Words in a cost_... column's name that make it something other than an amount paid for one item.
_TOTAL_WORDS = {"total", "totals", "subtotal", "sum", "all"}
_CURRENCY_WORDS = {"currency", "currencies", "ccy", "cur", "curr"}
_DERIVED_WORDS = {"ratio", "share", "pct", "percent", "percentage", "months", "per", "avg", "mean", "median"}


class SurveyError(Exception):
    """The file cannot be imported. ``rejections`` name each rejected row and field."""

    def __init__(self, message: str, rejections: Sequence[Rejection] = (), rows_total: int = 0) -> None:
        super().__init__(message)
        self.rejections = list(rejections)
        self.rows_total = rows_total

    def lines(self, limit: int = SHOWN) -> list[str]:
        out = [issue_line(r.as_dict()) for r in self.rejections[:limit]]
        if len(self.rejections) > limit:
            out.append(f"... and {len(self.rejections) - limit} more (see the full report)")
        return out


@dataclass(frozen=True)
class Rejection:
    """A rejected row (or, in :attr:`Survey.warnings`, an imported row to check): where and what to fix. ``field``
    is empty when the row as a whole is wrong (its number of fields)."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


def issue_line(issue: dict[str, Any]) -> str:
    """``row 4: earnings: missing ...``, or ``row 4: expected ...`` for the row as a whole."""
    where = f"row {issue['row']}: " + (f"{issue['field']}: " if issue["field"] else "")
    return where + str(issue["message"])


def warnings_note(total: int, rows: int) -> str:
    return f"{total} warning(s) in {rows} row(s): the rows were kept; check them."


@dataclass
class Survey:
    """A validated, normalised survey held in DuckDB table ``table`` of connection ``con``."""

    con: duckdb.DuckDBPyConnection
    table: str
    filename: str
    sha256: str
    rows_total: int
    rows_imported: int
    rejections: list[Rejection]
    conversions: list[dict[str, Any]]
    fx_rule: str
    weighted: bool
    item_columns: list[str] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        out = [f"Currency conversion: {self.fx_rule}."]
        if not self.weighted:
            out.append("The file has no survey weights: every worker weighs 1 (an unweighted estimate).")
        if self.item_columns:
            out.append(f"Costs summed from items: {', '.join(self.item_columns)}.")
        if self.warnings:
            out.append(warnings_note(len(self.warnings), len({w.row for w in self.warnings})))
        return out

    def report(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "rows_total": self.rows_total,
            "rows_imported": self.rows_imported,
            "rows_rejected": len({r.row for r in self.rejections}),
            "rejections": [r.as_dict() for r in self.rejections],
            "conversions": self.conversions,
            "fx_rule": self.fx_rule,
            "weighted": self.weighted,
            "notes": self.notes,
            "warnings": [w.as_dict() for w in self.warnings[:MAX_WARNINGS]],
            "warnings_total": len(self.warnings),
            "rows_warned": len({w.row for w in self.warnings}),
        }

    def records(self) -> list[dict[str, Any]]:
        cur = self.con.execute(f"SELECT * FROM {self.table} ORDER BY row")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def age_group(age: int | None) -> str | None:
    if age is None:
        return None
    for lo, hi in AGE_GROUPS:
        if lo <= age <= hi:
            return f"{lo}+" if hi == 99 else f"{lo}-{hi}"
    return None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cost_column_problem(name: str) -> str | None:
    """Why column ``name`` (``cost_...``, not ``cost_total`` or ``cost_currency``) cannot be summed as an item
    of the costs: a total, an amount in a currency of its own, a currency or a derived value. None for an item."""
    words = _norm(name).split("_")[1:]
    summed = "cost_<item> columns are summed as the items paid, all in cost_currency"
    if _TOTAL_WORDS & set(words):
        return (
            f"column '{name}' looks like a total: {summed}, so a total beside them counts the costs twice; give "
            "the total in cost_total (in cost_currency) or remove the column"
        )
    if words[-1] in _CURRENCY_WORDS:
        return (
            f"column '{name}' looks like a currency column: {summed}; give the items in one currency, named in "
            "cost_currency, and remove this column"
        )
    if fx.is_currency(words[-1]):
        code, item = words[-1].upper(), "_".join(["cost", *words[:-1]])
        return (
            f"column '{name}' looks like an amount in another currency ({code}): {summed}; name it {item} and "
            f"give {code} in cost_currency, or remove it if it repeats another column"
        )
    if _DERIVED_WORDS & set(words):
        return (
            f"column '{name}' looks like a value derived from the costs, not an amount paid: {summed}; remove "
            "it, or rename it if it is an item"
        )
    return None


def _check_columns(filename: str, names: Sequence[str]) -> None:
    """Two columns whose names match once case, spaces and punctuation are ignored: which one is meant?"""
    seen: dict[str, int] = {}
    for i, n in enumerate(names, start=1):
        key = _norm(n) or f"#{i}"
        if key in seen:
            raise SurveyError(
                f"{filename}: columns {seen[key]} and {i} are both named '{key}' (case, spaces and punctuation "
                "aside): rename or remove one"
            )
        seen[key] = i


def _csv_rows(path: Path, out: Any) -> tuple[list[str], list[Rejection]]:
    """Read CSV ``path`` with Python's csv module; write each worker row to ``out`` as plain CSV led by its
    spreadsheet row number (blank lines count as rows; rows without any value are left out). Returns the header
    and the rows rejected because their number of fields is not the header's."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            first = next((line for line in f if line.strip()), "")
            delim = max(CSV_DELIMITERS, key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
            f.seek(0)
            reader = csv.reader(f, delimiter=delim)
            records = enumerate(reader, start=1)
            header = next((rec for _, rec in records if "".join(rec).strip()), None)
            if header is None:
                raise SurveyError(f"{path.name}: the file is empty")
            header = [h.strip() or f"column{i + 1}" for i, h in enumerate(header)]
            shown = "tab" if delim == "\t" else f"'{delim}'"
            fix = (
                f"check for a missing value or delimiter {shown}; a value containing {shown} must be in double "
                "quotes"
            )
            writer = csv.writer(out, lineterminator="\n")
            bad = []
            for row, rec in records:
                if not "".join(rec).strip():
                    continue
                if len(rec) == len(header):
                    rec.insert(0, str(row))
                    writer.writerow(rec)
                    continue
                runs_on = any("\n" in v for v in rec)
                bad.append(
                    Rejection(
                        row,
                        "",
                        f"expected {len(header)} fields (one per column), found {len(rec)}: {fix}"
                        + (
                            "; a quoted value runs over several lines here: is its closing quote there?"
                            if runs_on
                            else ""
                        ),
                    )
                )
    except UnicodeDecodeError as exc:
        with path.open("rb") as f:
            line = next((i for i, b in enumerate(f, start=1) if not _is_utf8(b)), 0)
        raise SurveyError(f"{path.name}: line {line} is not UTF-8 text: save the file as CSV UTF-8") from exc
    except csv.Error as exc:
        raise SurveyError(f"{path.name}: line {reader.line_num}: cannot be read: {exc}") from exc
    return header, bad


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def load(
    path: Path | str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    table: str = "survey",
    partial: bool = False,
    fx_date_column: str | None = None,
    today: dt.date | None = None,
) -> Survey:
    """Read, validate and normalise a survey file into DuckDB table ``table``. Raises :class:`SurveyError`
    when the file cannot be read, or (unless ``partial``) when any row is rejected."""
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise SurveyError(f"{path.name}: unknown kind of file; use .csv, .xlsx or .parquet")
    if not path.is_file():
        raise SurveyError(f"{path}: no such file")
    con = con or duckdb.connect()
    return _Loader(con, path, kind, table, partial, fx_date_column, today or dt.date.today()).run()


class _Loader:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        kind: str,
        table: str,
        partial: bool,
        fx_date_column: str | None,
        today: dt.date,
    ) -> None:
        self.con, self.path, self.kind, self.table = con, path, kind, table
        self.partial, self.fx_col, self.today = partial, fx_date_column, today
        self.raw = f"{table}_raw"
        self.unreadable: list[Rejection] = []  # CSV rows with a wrong number of fields

    def sql(self, q: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(q, params) if params is not None else self.con.execute(q)

    # --- reading --------------------------------------------------------------------------------------------

    def read(self) -> list[str]:
        p = _lit(str(self.path))
        try:
            if self.kind == "csv":
                self._csv()
            elif self.kind == "parquet":
                self.sql(f"""CREATE OR REPLACE TEMP VIEW {self.raw} AS
                    SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row
                    FROM read_parquet({p}, file_row_number = true)""")
                _check_columns(
                    self.path.name, [d[0] for d in self.sql(f"SELECT * FROM {self.raw} LIMIT 0").description]
                )
            else:
                self.con.register(f"{self.raw}_arrow", self._xlsx())
                self.sql(f"CREATE OR REPLACE TEMP VIEW {self.raw} AS SELECT * FROM {self.raw}_arrow")
            names = [d[0] for d in self.sql(f"SELECT * FROM {self.raw} LIMIT 0").description]
        except (duckdb.Error, OSError, ValueError) as exc:
            raise SurveyError(f"{self.path.name}: cannot be read: {exc}") from exc
        return [n for n in names if n != "_row"]

    def _csv(self) -> None:
        """The rows as Python's csv module reads them, each with its row number, put in DuckDB through a plain CSV
        file (strict: comma, double quotes, one line end) that DuckDB cannot read otherwise."""
        fd, tmp = tempfile.mkstemp(prefix="fairrecruit-survey-", suffix=".csv")
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                names, self.unreadable = _csv_rows(self.path, out)
            _check_columns(self.path.name, names)
            cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
            self.sql(f"""CREATE OR REPLACE TEMP TABLE {self.raw}_csv AS SELECT * FROM read_csv({_lit(tmp)},
                delim = ',', quote = '"', escape = '"', new_line = '\\n', header = false, auto_detect = false,
                strict_mode = true, columns = {{'_row': 'BIGINT', {cols}}})""")
        finally:
            os.unlink(tmp)
        named = ", ".join(f"c{i} AS {_q(n)}" for i, n in enumerate(names))
        self.sql(f"CREATE OR REPLACE TEMP VIEW {self.raw} AS SELECT _row, {named} FROM {self.raw}_csv")

    def _xlsx(self) -> pa.Table:
        from openpyxl import load_workbook

        wb = load_workbook(self.path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if not header:
            raise ValueError("the first sheet is empty")
        names = [str(h) if h is not None else f"column{i + 1}" for i, h in enumerate(header)]
        _check_columns(self.path.name, names)
        cols: dict[str, list[str | None]] = {n: [] for n in names}
        rows: list[int] = []
        for i, values in enumerate(it, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            rows.append(i)
            for n, v in zip(names, list(values) + [None] * (len(names) - len(values)), strict=False):
                cols[n].append(_cell(v))
        wb.close()
        return pa.table(
            {"_row": pa.array(rows, pa.int64()), **{n: pa.array(v, pa.string()) for n, v in cols.items()}}
        )

    # --- the run --------------------------------------------------------------------------------------------

    def run(self) -> Survey:
        names = self.read()
        by_norm: dict[str, str] = {}
        for n in names:
            by_norm.setdefault(_norm(n), n)
        col: dict[str, str] = {}
        for canon, aliases in COLUMNS.items():
            for a in aliases:
                if a in by_norm:
                    col[canon] = by_norm[a]
                    break
        fx_col = by_norm.get(_norm(self.fx_col)) if self.fx_col else None
        items = [
            by_norm[n]
            for n in by_norm
            if n.startswith("cost_")
            and n not in ("cost_total", "cost_currency")
            and by_norm[n] not in (*col.values(), fx_col)
        ]
        problems = [m for m in map(cost_column_problem, items) if m]
        if problems:
            raise SurveyError(f"{self.path.name}: " + "; ".join(problems))
        missing = [c for c in REQUIRED if c not in col]
        if "cost_total" not in col and not items:
            missing.append("cost_total (or itemised cost_<item> columns)")
        if self.fx_col and fx_col is None:
            missing.append(f"{self.fx_col} (the exchange-rate date column asked for)")
        if missing:
            raise SurveyError(f"{self.path.name}: missing column(s): {', '.join(missing)}")
        read = int(self.sql(f"SELECT count(*) FROM {self.raw}").fetchone()[0])  # type: ignore[index]
        total = read + len(self.unreadable)
        if total == 0:
            raise SurveyError(f"{self.path.name}: no rows")
        self.parse(col, items, fx_col)
        rejections = self.unreadable + self.validate(col, items)
        conversions = self.convert(rejections)
        bad_rows = {r.row for r in rejections}
        if rejections and not self.partial:
            raise SurveyError(
                f"{self.path.name}: {len(bad_rows)} of {total} row(s) rejected; nothing imported",
                sorted(rejections, key=lambda r: (r.row, r.field)),
                total,
            )
        self.normalise()
        imported = int(self.sql(f"SELECT count(*) FROM {self.table}").fetchone()[0])  # type: ignore[index]
        if imported == 0:
            raise SurveyError(f"{self.path.name}: every row was rejected", rejections, total)
        warnings = self.warn()
        rule = (
            f"each worker's costs and earnings at the reference rate of the date in column {fx_col!r}"
            if fx_col
            else "each worker's costs and earnings at the reference rate of 1 July of the year of the first job "
            "(mid-year)"
        )
        return Survey(
            con=self.con,
            table=self.table,
            filename=self.path.name,
            sha256=file_sha256(self.path),
            rows_total=total,
            rows_imported=imported,
            rejections=sorted(rejections, key=lambda r: (r.row, r.field)),
            conversions=conversions,
            fx_rule=rule,
            weighted="weight" in col,
            item_columns=[] if "cost_total" in col and not items else items,
            warnings=sorted(warnings, key=lambda r: (r.row, r.field)),
        )

    def parse(self, col: dict[str, str], items: list[str], fx_col: str | None) -> None:
        def text(canon: str) -> str:
            if canon not in col:
                return "CAST(NULL AS VARCHAR)"
            return f"nullif(trim(CAST({_q(col[canon])} AS VARCHAR)), '')"

        def num(expr: str) -> str:
            return f"TRY_CAST({expr} AS DOUBLE)"

        item_sum = "CAST(NULL AS DOUBLE)"
        items_any = "false"
        items_bad = "CAST(NULL AS VARCHAR)"
        if items:
            texts = [f"nullif(trim(CAST({_q(i)} AS VARCHAR)), '')" for i in items]
            item_sum = " + ".join(f"coalesce({num(t)}, 0)" for t in texts)
            items_any = " OR ".join(f"({t} IS NOT NULL)" for t in texts)
            checks = []
            for i, t in zip(items, texts, strict=True):
                checks.append(
                    f"WHEN {t} IS NOT NULL AND ({num(t)} IS NULL OR NOT isfinite({num(t)})) "
                    f"THEN {_lit(_norm(i))} || ': not a number: ' || {t}"
                )
                checks.append(
                    f"WHEN {num(t)} < 0 THEN {_lit(_norm(i))} || ': must not be negative (' || {t} || ')'"
                )
            items_bad = f"CASE {' '.join(checks)} END"
        weight = text("weight") if "weight" in col else "'1'"
        fxd = f"nullif(trim(CAST({_q(fx_col)} AS VARCHAR)), '')" if fx_col else "CAST(NULL AS VARCHAR)"
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {self.table}_p AS SELECT _row AS row,
            {text("worker_id")} AS worker_id_t,
            {text("cost_total")} AS cost_total_t, {num(text("cost_total"))} AS cost_total_n,
            {item_sum} AS items_n, {items_any} AS items_any, {items_bad} AS items_bad,
            upper({text("cost_currency")}) AS cost_currency,
            {text("earnings")} AS earnings_t, {num(text("earnings"))} AS earnings_n,
            upper({text("earnings_currency")}) AS earnings_currency,
            {weight} AS weight_t, {num(weight)} AS weight_n,
            lower({text("sex")}) AS sex_t,
            {text("age")} AS age_t, {num(text("age"))} AS age_n,
            lower(replace({text("education")}, ' ', '_')) AS education_t,
            regexp_replace({text("isco08")}, '\\.0+$', '') AS isco_t,
            upper(regexp_replace({text("industry")}, '\\.0+$', '')) AS industry_t,
            upper({text("origin")}) AS origin, upper({text("destination")}) AS destination,
            lower({text("documented")}) AS documented_t,
            {text("year")} AS year_t, {num(text("year"))} AS year_n,
            {fxd} AS fx_date_t, TRY_CAST({fxd} AS DATE) AS fx_date_d
            FROM {self.raw}""")

    def validate(self, col: dict[str, str], items: list[str]) -> list[Rejection]:
        p = f"{self.table}_p"
        cur_ok = self._lookup_table(
            "cur", f"SELECT cost_currency FROM {p} UNION SELECT earnings_currency FROM {p}", fx.is_currency
        )
        isco_ok = self._lookup_table("isco", f"SELECT DISTINCT isco_t FROM {p}", ISCO08.__contains__)
        isco_zero = self._lookup_table(  # 0110 (armed forces) read as a number by a spreadsheet: 110
            "isco0", f"SELECT DISTINCT isco_t FROM {p}", lambda c: c not in ISCO08 and "0" + c in ISCO08
        )
        cc_ok = self._lookup_table(
            "cc",
            f"SELECT origin FROM {p} UNION SELECT destination FROM {p}",
            lambda c: len(c) == 2 and pycountry.countries.get(alpha_2=c) is not None,
        )
        sexes = ", ".join(_lit(s) for s in SEX)
        edus = ", ".join(_lit(e) for e in (*EDUCATION, *EDUCATION_ALIASES))
        bools = ", ".join(_lit(b) for b in (*TRUE, *FALSE))
        year_max = self.today.year
        cost = "coalesce(cost_total_n, items_n)"
        checks: list[tuple[str, str, str]] = [
            ("worker_id", "worker_id_t IS NULL", "'missing: every worker needs an id'"),
            (
                "worker_id",
                "dup_first IS NOT NULL",
                "'duplicate worker id ' || worker_id_t || ' (first on row ' || dup_first || ')'",
            ),
            ("earnings", "earnings_t IS NULL", "'missing: the first month''s earnings are required'"),
            (
                "earnings",
                "earnings_t IS NOT NULL AND (earnings_n IS NULL OR NOT isfinite(earnings_n))",
                "'not a number: ' || earnings_t",
            ),
            ("earnings", "earnings_n <= 0", "'must be more than 0 (' || earnings_t || ')'"),
            ("earnings_currency", "earnings_currency IS NULL", "'missing'"),
            (
                "earnings_currency",
                f"earnings_currency IS NOT NULL AND earnings_currency NOT IN (SELECT v FROM {cur_ok})",
                "'unknown currency ' || earnings_currency",
            ),
            (
                "cost_total",
                "cost_total_t IS NULL AND NOT items_any",
                "'missing: give cost_total or the itemised costs (0 if nothing was paid)'",
            ),
            (
                "cost_total",
                "cost_total_t IS NOT NULL AND (cost_total_n IS NULL OR NOT isfinite(cost_total_n))",
                "'not a number: ' || cost_total_t",
            ),
            ("cost_total", "cost_total_n < 0", "'must not be negative (' || cost_total_t || ')'"),
            (
                "cost_total",
                "cost_total_n IS NOT NULL AND items_any AND abs(cost_total_n - items_n) > "
                "greatest(1, 0.01 * cost_total_n)",
                "'differs from the sum of the itemised costs (' || items_n || ')'",
            ),
            ("cost_items", "items_bad IS NOT NULL", "items_bad"),
            (
                "cost_currency",
                f"cost_currency IS NULL AND {cost} > 0",
                "'missing (costs above 0 need a currency)'",
            ),
            (
                "cost_currency",
                f"cost_currency IS NOT NULL AND cost_currency NOT IN (SELECT v FROM {cur_ok})",
                "'unknown currency ' || cost_currency",
            ),
            ("weight", "weight_t IS NULL", "'missing survey weight'"),
            (
                "weight",
                "weight_t IS NOT NULL AND (weight_n IS NULL OR NOT isfinite(weight_n))",
                "'not a number: ' || weight_t",
            ),
            ("weight", "weight_n <= 0", "'must be more than 0 (' || weight_t || ')'"),
            (
                "sex",
                f"sex_t IS NOT NULL AND sex_t NOT IN ({sexes})",
                "'unknown value ' || sex_t || ': use F, M or X'",
            ),
            ("age", "age_t IS NOT NULL AND age_n IS NULL", "'not a number: ' || age_t"),
            (
                "age",
                f"age_n IS NOT NULL AND (age_n <> floor(age_n) OR age_n < {MIN_AGE} OR age_n > {MAX_AGE})",
                f"'impossible age ' || age_t || ': must be a whole number from {MIN_AGE} to {MAX_AGE}'",
            ),
            (
                "education",
                f"education_t IS NOT NULL AND education_t NOT IN ({edus})",
                f"'unknown level ' || education_t || ': use {', '.join(EDUCATION)}'",
            ),
            (
                "isco08",
                f"isco_t IN (SELECT v FROM {isco_zero})",
                "'not an ISCO-08 code: ' || isco_t || '; armed forces codes start with 0 (0' || isco_t || "
                "'): store the column as text so that the leading 0 is kept'",
            ),
            (
                "isco08",
                f"isco_t IS NOT NULL AND isco_t NOT IN (SELECT v FROM {isco_ok}) "
                f"AND isco_t NOT IN (SELECT v FROM {isco_zero})",
                "'not an ISCO-08 code: ' || isco_t || '; use a major, sub-major, minor or unit group (1 to 4 "
                "digits)'",
            ),
            (
                "industry",
                "industry_t IS NOT NULL AND NOT regexp_full_match(industry_t, '[A-U]|[0-9]{2,4}')",
                "'not an ISIC Rev.4 section or code: ' || industry_t",
            ),
            ("origin", "origin IS NULL", "'missing'"),
            (
                "origin",
                f"origin IS NOT NULL AND origin NOT IN (SELECT v FROM {cc_ok})",
                "'unknown country code ' || origin || ': use ISO 3166 alpha-2'",
            ),
            ("destination", "destination IS NULL", "'missing'"),
            (
                "destination",
                f"destination IS NOT NULL AND destination NOT IN (SELECT v FROM {cc_ok})",
                "'unknown country code ' || destination || ': use ISO 3166 alpha-2'",
            ),
            ("destination", "destination = origin", "'same as the origin: a migrant worker changes country'"),
            (
                "documented",
                f"documented_t IS NOT NULL AND documented_t NOT IN ({bools})",
                "'unknown value ' || documented_t || ': use true or false'",
            ),
            ("year", "year_t IS NULL", "'missing'"),
            (
                "year",
                f"year_t IS NOT NULL AND (year_n IS NULL OR year_n <> floor(year_n) OR year_n < {MIN_YEAR} "
                f"OR year_n > {year_max})",
                f"'impossible year ' || year_t || ': must be from {MIN_YEAR} to {year_max}'",
            ),
            (
                "fx_date",
                "fx_date_t IS NOT NULL AND fx_date_d IS NULL",
                "'not a date (YYYY-MM-DD): ' || fx_date_t",
            ),
            ("fx_date", f"fx_date_d > DATE '{self.today.isoformat()}'", "'in the future: ' || fx_date_t"),
        ]
        if self.fx_col:
            checks.append(("fx_date", "fx_date_t IS NULL", "'missing (the exchange-rate date column)'"))
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {p}2 AS SELECT *,
            CASE WHEN worker_id_t IS NOT NULL AND count(*) OVER (PARTITION BY worker_id_t) > 1
                      AND row <> min(row) OVER (PARTITION BY worker_id_t)
                 THEN min(row) OVER (PARTITION BY worker_id_t) END AS dup_first
            FROM {p}""")
        self.sql(f"DROP TABLE {p}")
        self.sql(f"ALTER TABLE {p}2 RENAME TO {p.split('.')[-1]}")
        out = self._check(p, "row", checks)
        bad = sorted({r.row for r in out})
        self.sql(f"CREATE OR REPLACE TEMP TABLE {self.table}_bad (row BIGINT)")
        if bad:
            self.con.executemany(f"INSERT INTO {self.table}_bad VALUES (?)", [(b,) for b in bad])
        return out

    def _check(self, source: str, row: str, checks: list[tuple[str, str, str]]) -> list[Rejection]:
        """(field, condition, message) over ``source`` -> the rows where a condition holds (one scan to count)."""
        counts = self.sql(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for _, c, _ in checks) + f" FROM {source}"
        ).fetchone()
        out: list[Rejection] = []
        for (fld, cond, msg), n in zip(checks, counts or (), strict=True):
            if n:
                for r, m in self.sql(
                    f"SELECT {row}, {msg} FROM {source} WHERE {cond} ORDER BY {row}"
                ).fetchall():
                    out.append(Rejection(int(r), fld, str(m)))
        return out

    def warn(self) -> list[Rejection]:
        """Imported rows with possible but implausible values (:data:`PLAUSIBLE`): named, kept."""
        ratio, usd, weight = PLAUSIBLE["ratio"], PLAUSIBLE["earnings_usd"], PLAUSIBLE["weight"]
        return self._check(
            f"{self.table} n JOIN {self.table}_p p ON p.row = n.row",
            "n.row",
            [
                (
                    "ratio",
                    f"n.ratio > {ratio}",
                    f"'the costs are ' || CAST(round(n.ratio) AS BIGINT) || ' months of earnings (more than {ratio}): "
                    "check that the earnings are for one month and the amounts and currencies of costs and "
                    "earnings'",
                ),
                (
                    "earnings",
                    f"n.earnings_usd < {usd}",
                    "'first month''s earnings of ' || p.earnings_t || ' ' || n.earnings_currency || CASE WHEN "
                    f"n.earnings_currency = 'USD' THEN ' (below {usd} US dollars)' ELSE ' (' || "
                    f"printf('%.2f', n.earnings_usd) || ' US dollars, below {usd})' END || "
                    "': check the amount and the currency'",
                ),
                (
                    "weight",
                    f"n.weight > {weight}",
                    f"'survey weight ' || p.weight_t || ': one worker standing for more than {weight} workers; "
                    "check the weight'",
                ),
            ],
        )

    def _lookup_table(self, name: str, values_sql: str, ok: Any) -> str:
        t = f"{self.table}_ok_{name}"
        values = [v for (v,) in self.sql(values_sql).fetchall() if v is not None]
        self.sql(f"CREATE OR REPLACE TEMP TABLE {t} (v VARCHAR)")
        good = [(v,) for v in values if ok(v)]
        if good:
            self.con.executemany(f"INSERT INTO {t} VALUES (?)", good)
        return t

    def convert(self, rejections: list[Rejection]) -> list[dict[str, Any]]:
        """Look up each distinct (currency, day) once; rows whose rate is unknown are rejected."""
        p = f"{self.table}_p"
        day = "coalesce(fx_date_d, make_date(CAST(year_n AS INTEGER), 7, 1))"
        pairs = self.sql(f"""SELECT DISTINCT coalesce(cost_currency, earnings_currency) AS cc, earnings_currency AS ec,
                   {day} AS d
            FROM {p} WHERE row NOT IN (SELECT row FROM {self.table}_bad)""").fetchall()
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {self.table}_fx
            (cc VARCHAR, ec VARCHAR, d DATE, cost_per_usd DOUBLE, earn_per_usd DOUBLE, factor DOUBLE)""")
        used: dict[tuple[str, dt.date], fx.Rate] = {}
        missing: set[tuple[str, dt.date]] = set()
        rows = []
        for cc, ec, d in pairs:
            rc, re_ = fx.usd_rate(cc, d), fx.usd_rate(ec, d)
            for code, r in ((cc, rc), (ec, re_)):
                if r is None:
                    missing.add((code, d))
                else:
                    used[(code, d)] = r
            if rc is None or re_ is None:
                continue
            factor = 1.0 if cc == ec else re_.per_usd / rc.per_usd
            rows.append((cc, ec, d, rc.per_usd, re_.per_usd, factor))
        if rows:
            self.con.executemany(f"INSERT INTO {self.table}_fx VALUES (?, ?, ?, ?, ?, ?)", rows)
        if missing:
            found = self.sql(f"""SELECT row, coalesce(cost_currency, earnings_currency), earnings_currency, {day}
                FROM {p} WHERE row NOT IN (SELECT row FROM {self.table}_bad) ORDER BY row""").fetchall()
            new_bad = []
            for row, cc, ec, d in found:
                for fld, code in (("cost_currency", cc), ("earnings_currency", ec)):
                    if (code, d) in missing:
                        rejections.append(
                            Rejection(int(row), fld, f"no exchange rate known for {code} on {d}")
                        )
                        new_bad.append((int(row),))
            if new_bad:
                self.con.executemany(f"INSERT INTO {self.table}_bad VALUES (?)", sorted(set(new_bad)))
        return [
            {
                "currency": code,
                "for_date": d.isoformat(),
                "rate_date": r.day.isoformat(),
                "per_usd": round(r.per_usd, 6),
                "source": r.source,
                "latest_available": r.latest_available,
            }
            for (code, d), r in sorted(used.items())
            if code != "USD"
        ]

    def normalise(self) -> None:
        """The normalised table, stored sorted by ratio: the exact quantiles of ``sdg.py`` then read back only the
        row groups of the few ratio ranges that hold them (``records()`` gives the rows in file order)."""
        p = f"{self.table}_p"
        day = "coalesce(fx_date_d, make_date(CAST(year_n AS INTEGER), 7, 1))"
        ag = " ".join(
            f"WHEN age_n BETWEEN {lo} AND {hi} THEN '{lo}+'"
            if hi == 99
            else f"WHEN age_n BETWEEN {lo} AND {hi} THEN '{lo}-{hi}'"
            for lo, hi in AGE_GROUPS
        )
        sex = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in SEX.items())
        edu = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in EDUCATION_ALIASES.items())
        trues = ", ".join(_lit(t) for t in TRUE)
        falses = ", ".join(_lit(f) for f in FALSE)
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {self.table} AS
            SELECT CAST(p.row AS BIGINT) AS row, worker_id_t AS worker_id, CAST(year_n AS INTEGER) AS year,
                   origin, destination,
                   CASE sex_t {sex} END AS sex,
                   CAST(age_n AS INTEGER) AS age, CASE {ag} END AS age_group,
                   CASE education_t {edu} ELSE education_t END AS education,
                   isco_t AS isco08, left(isco_t, 1) AS isco_major, industry_t AS industry,
                   CASE WHEN documented_t IN ({trues}) THEN true WHEN documented_t IN ({falses}) THEN false END
                       AS documented,
                   weight_n AS weight,
                   coalesce(cost_total_n, items_n) AS cost,
                   coalesce(p.cost_currency, p.earnings_currency) AS cost_currency,
                   earnings_n AS earnings, p.earnings_currency,
                   {day} AS fx_date,
                   coalesce(cost_total_n, items_n) / f.cost_per_usd AS cost_usd,
                   earnings_n / f.earn_per_usd AS earnings_usd,
                   coalesce(cost_total_n, items_n) * f.factor / earnings_n AS ratio
            FROM {p} p JOIN {self.table}_fx f
              ON f.cc = coalesce(p.cost_currency, p.earnings_currency) AND f.ec = p.earnings_currency
             AND f.d = {day}
            WHERE p.row NOT IN (SELECT row FROM {self.table}_bad)
            ORDER BY ratio, p.row""")


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def from_records(
    con: duckdb.DuckDBPyConnection, records: Sequence[dict[str, Any]], table: str = "survey"
) -> str:
    """Put already-normalised records (e.g. from the database) into DuckDB table ``table``, sorted by ratio as
    :meth:`_Loader.normalise` stores them."""
    cols = {c: [r.get(c) for r in records] for c in NORMALISED_COLUMNS}
    types = {
        "row": pa.int64(),
        "year": pa.int32(),
        "age": pa.int32(),
        "documented": pa.bool_(),
        "weight": pa.float64(),
        "cost": pa.float64(),
        "earnings": pa.float64(),
        "cost_usd": pa.float64(),
        "earnings_usd": pa.float64(),
        "ratio": pa.float64(),
        "fx_date": pa.date32(),
    }
    arrays = {c: pa.array([_plain(v) for v in vals], types.get(c, pa.string())) for c, vals in cols.items()}
    tab = pa.table(arrays)
    con.register(f"{table}_arrow", tab)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_arrow ORDER BY ratio, row")
    con.unregister(f"{table}_arrow")
    return table


def _plain(v: Any) -> Any:
    from decimal import Decimal

    return float(v) if isinstance(v, Decimal) else v


# --- the exchange rates a survey used, for every output ------------------------------------------------------

CONVERSION_COLUMNS = ("currency", "for_date", "per_usd", "rate_date", "source", "latest_available")
CONVERSION_HEADINGS = ("currency", "for date", "per USD", "rate date", "source")


def conversion_rows(conversions: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The exchange rates a survey used (:attr:`Survey.conversions`, ``evidence.Survey.conversions``) as the CLI
    tables, the ``<stem>.conversions.csv`` file, the Parquet metadata, the survey page and the API show them: one
    row per currency and day asked, sorted, with :data:`CONVERSION_COLUMNS` (``for_date`` the day asked: 1 July of
    the year of the first job, or the worker's date column; ``rate_date`` the day of the rate used; ``per_usd``
    units of the currency for one US dollar; ``latest_available`` true when the day asked is after the rates
    shipped)."""
    out = [
        {
            "currency": str(c.get("currency") or ""),
            "for_date": str(c.get("for_date") or ""),
            "per_usd": None if c.get("per_usd") is None else float(c["per_usd"]),
            "rate_date": str(c.get("rate_date") or c.get("date") or ""),
            "source": str(c.get("source") or ""),
            "latest_available": bool(c.get("latest_available")),
        }
        for c in conversions or ()
    ]
    return sorted(out, key=lambda c: (c["currency"], c["for_date"]))


def conversions_text(conversions: Sequence[dict[str, Any]] | None) -> str:
    """:func:`conversion_rows` as a plain-text table for the CLI (empty when nothing was converted)."""
    rows = conversion_rows(conversions)
    if not rows:
        return ""
    cells = [
        (
            c["currency"],
            c["for_date"],
            "-" if c["per_usd"] is None else f"{c['per_usd']:,}",
            c["rate_date"] + (" (latest available)" if c["latest_available"] else ""),
            c["source"],
        )
        for c in rows
    ]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(CONVERSION_HEADINGS)]
    lines = [
        "  ".join(
            (f"{v:>{w}}" if i == 2 else f"{v:<{w}}")
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [CONVERSION_HEADINGS, *cells]
    ]
    return "\n".join(["Exchange rates used:", *lines])


def conversions_path(output: Path) -> Path:
    """Where the exchange rates go beside a written table: ``out.csv`` -> ``out.conversions.csv``."""
    return output.with_name(f"{output.stem}.conversions.csv")


def write_conversions(conversions: Sequence[dict[str, Any]] | None, path: Path) -> None:
    """:func:`conversion_rows` as CSV (a header only when nothing was converted)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=CONVERSION_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(
            {**c, "latest_available": "true" if c["latest_available"] else "false"}
            for c in conversion_rows(conversions)
        )
