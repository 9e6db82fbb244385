"""Import regulator-published licence lists (CSV or XLSX) into the registry, with a column mapping.

A mapping (``mappings/<name>.yaml``) says which regulator publishes the list, which column holds which fact,
what the regulator's status words mean, which date formats it writes and how identifiers are built. A
malformed mapping is refused at load time with a :class:`MappingError` naming the file, the key and the problem.

:func:`import_file` reads and checks every row before writing anything. By default a file is imported all or
nothing: one bad row and nothing is written; the ``ImportFile`` row records the rejection and a report of every
rejected row (row number as in the spreadsheet, column, value, problem). With ``allow_partial`` the good rows
are imported and the rest reported. Importing the same file again is a no-op; a changed list adds status
changes to the licences' history with the file and row as their source. Licences missing from a later list are
kept and reported, never deleted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from fairrecruit.core.forms import nul_cells
from fairrecruit.core.models import AuditEvent, User
from fairrecruit.core.services import audit_record
from fairrecruit.registry.models import (
    Actor,
    ActorKind,
    Alias,
    ImportFile,
    Licence,
    LicenceStatus,
    LicenceStatusChange,
)
from fairrecruit.registry.names import (
    search_key,
    search_text,
    standardise_licence,
    standardise_name,
    transliterate,
)
from fairrecruit.registry.services import actor_create, actor_refresh_search, licence_status_record

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# Fields a mapping can fill, with the words used for them in reports.
FIELDS: dict[str, str] = {
    "name": "agency name",
    "licence_number": "licence number",
    "aliases": "other names",
    "address": "address",
    "city": "city",
    "phone": "phone",
    "mobile": "mobile phone",
    "email": "email",
    "website": "website",
    "status": "licence status",
    "status_date": "status date",
    "valid_from": "valid from",
    "valid_until": "valid until",
}
REQUIRED_FIELDS = ("name", "licence_number")
DATE_FIELDS = ("status_date", "valid_from", "valid_until")
MAPPING_KEYS = frozenset(
    "title regulator country kind identifier columns optional statuses default_status date_formats "
    "encoding delimiter sheet".split()
)
_DATE_DIRECTIVES = {"d": "DD", "m": "MM", "Y": "YYYY", "y": "YY", "B": "Month", "b": "Mon"}
_REGULATOR_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]+(-[A-Z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NOT_IDENT = re.compile(r"[^A-Z0-9]+")
_LIST_SPLIT = re.compile(r"\s*[;|\n]\s*")
_PHONE_SPLIT = re.compile(r"\s*(?:[;,\n]|\s/\s)\s*")
_HAS_DIGIT = re.compile(r"\d")

UTF8_MESSAGE = "file is not UTF-8: save it as UTF-8 (CSV UTF-8 in Excel)"
HEADER_SEARCH_ROWS = 20  # the header may sit under title rows; look this far down for it
CHUNK = 1000  # rows written per step; progress is reported after each
MAX_YEARS_AHEAD = 20  # dates further ahead are refused (they are usually Bikram Sambat dates)


# ---------------------------------------------------------------------------------------------------------
# Mappings


class MappingError(ValueError):
    """A mapping file is malformed. ``str()`` names the file, the key and what is wrong."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{Path(path).name}: {key}: {problem}")


@dataclass(frozen=True)
class Mapping:
    name: str
    title: str
    regulator_code: str
    regulator_name: str
    regulator_country: str
    country: str
    kind: str
    identifier: str
    columns: dict[str, tuple[str, ...]]  # field -> accepted headers, as written in the mapping
    optional: frozenset[str]
    statuses: dict[str, str]  # normalised source word -> LicenceStatus value
    status_words: tuple[str, ...]  # the source words as written, for messages
    default_status: str | None
    date_formats: tuple[str, ...]
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    path: str

    def headers(self, fld: str) -> tuple[str, ...]:
        return tuple(norm(h) for h in self.columns.get(fld, ()))

    def identifier_for(self, licence_number: str) -> str:
        part = _NOT_IDENT.sub("-", transliterate(licence_number).upper()).strip("-")
        return self.identifier.replace("{licence_number}", part)

    def date_help(self) -> str:
        sample = dt.date(2025, 12, 31)
        return " or ".join(f"{sample.strftime(f)} ({human_date_format(f)})" for f in self.date_formats)


def human_date_format(fmt: str) -> str:
    """'%d/%m/%Y' -> 'DD/MM/YYYY'."""
    return re.sub(r"%(.)", lambda mo: _DATE_DIRECTIVES.get(mo.group(1), mo.group(0)), fmt)


def norm(text: Any) -> str:
    """Header or status word for comparison: 'License No.' and 'LICENSE  NO' compare equal."""
    return search_key(str(text)) if text is not None else ""


def header_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise MappingError(path, key, "must be a column header or a list of accepted headers")
    for it in items:
        if not isinstance(it, str) or not norm(it):
            raise MappingError(path, key, f"{it!r} is not a column header")
    return tuple(items)


def check_date_formats(path: Path, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(f, str) for f in value):
        raise MappingError(path, "date_formats", "must be a list of formats such as '%d/%m/%Y'")
    for f in value:
        bad = [d for d in re.findall(r"%(.)", f) if d not in _DATE_DIRECTIVES]
        if bad or not {"d", "m", "b", "B"} & set(re.findall(r"%(.)", f)):
            raise MappingError(
                path, "date_formats", f"{f!r}: use only %d, %m, %b, %B, %Y and %y (day, month, year)"
            )
        sample = dt.date(2031, 11, 23)
        try:
            ok = dt.datetime.strptime(sample.strftime(f), f).date() == sample
        except ValueError:
            ok = False
        if not ok:
            raise MappingError(path, "date_formats", f"{f!r}: dates written this way cannot be read back")
    ambiguous = dt.date(2031, 4, 9)
    for f1 in value:
        for f2 in value:
            try:
                other = dt.datetime.strptime(ambiguous.strftime(f1), f2).date()
            except ValueError:
                continue
            if other != ambiguous:
                raise MappingError(
                    path,
                    "date_formats",
                    f"{f1!r} and {f2!r} read {ambiguous.strftime(f1)} as different dates: keep one",
                )
    return tuple(value)


def _mapping_path(name: str) -> Path:
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return MAPPINGS_DIR / f"{name}.yaml"


def load_mapping(name: str) -> Mapping:
    """The mapping ``mappings/<name>.yaml`` (or a path to a YAML file), checked. Raises MappingError."""
    path = _mapping_path(name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(m.name for m in list_mappings())
        raise MappingError(path, "mapping", f"no mapping named {name!r}; known: {known}") from None
    except yaml.YAMLError as exc:
        raise MappingError(path, "yaml", f"not valid YAML: {exc}") from exc
    return _parse_mapping(path, raw)


def _parse_mapping(path: Path, raw: Any) -> Mapping:
    if not isinstance(raw, dict):
        raise MappingError(path, "mapping", "must be a YAML mapping of keys to values")
    unknown = sorted(str(k) for k in raw if k not in MAPPING_KEYS)
    if unknown:
        raise MappingError(path, unknown[0], f"unknown key; known keys: {', '.join(sorted(MAPPING_KEYS))}")

    reg = raw.get("regulator")
    if not isinstance(reg, dict):
        raise MappingError(path, "regulator", "must have code, name and country")
    code, reg_name, reg_country = reg.get("code"), reg.get("name"), reg.get("country")
    if not isinstance(code, str) or not _REGULATOR_CODE.match(code):
        raise MappingError(path, "regulator.code", f"{code!r} is not a code like NP-DOFE (country-REGISTER)")
    if not isinstance(reg_name, str) or not reg_name.strip():
        raise MappingError(path, "regulator.name", "missing")
    if not isinstance(reg_country, str) or not _COUNTRY.match(reg_country):
        raise MappingError(path, "regulator.country", f"{reg_country!r} is not a two-letter country code")
    country = raw.get("country", reg_country)
    if not isinstance(country, str) or not _COUNTRY.match(country):
        raise MappingError(path, "country", f"{country!r} is not a two-letter country code")
    kind = raw.get("kind", ActorKind.LICENSED_AGENCY.value)
    if kind not in ActorKind.values or kind == ActorKind.REGULATOR:
        raise MappingError(path, "kind", f"{kind!r} is not an actor kind for a licence holder")

    ident = raw.get("identifier")
    if not isinstance(ident, str) or "{licence_number}" not in ident:
        raise MappingError(
            path, "identifier", "must be a pattern with {licence_number}, e.g. NP-DOFE-{licence_number}"
        )
    extra = [p for p in _PLACEHOLDER.findall(ident) if p != "licence_number"]
    if extra:
        raise MappingError(path, "identifier", f"unknown placeholder {{{extra[0]}}}: only {{licence_number}}")

    cols = raw.get("columns")
    if not isinstance(cols, dict) or not cols:
        raise MappingError(path, "columns", "must map fields to column headers")
    columns: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for fld, headers in cols.items():
        if fld not in FIELDS:
            raise MappingError(path, f"columns.{fld}", f"unknown field; fields: {', '.join(FIELDS)}")
        columns[fld] = header_list(path, f"columns.{fld}", headers)
        for h in columns[fld]:
            if norm(h) in owner and owner[norm(h)] != fld:
                raise MappingError(
                    path, f"columns.{fld}", f"header {h!r} is also given for {owner[norm(h)]}"
                )
            owner[norm(h)] = fld
    for fld in REQUIRED_FIELDS:
        if fld not in columns:
            raise MappingError(path, f"columns.{fld}", "missing: every list must have this column")

    optional = raw.get("optional", [])
    if not isinstance(optional, list):
        raise MappingError(path, "optional", "must be a list of fields")
    for fld in optional:
        if fld not in columns:
            raise MappingError(path, "optional", f"{fld!r} is not a field under columns")
        if fld in REQUIRED_FIELDS:
            raise MappingError(path, "optional", f"{fld!r} cannot be optional")

    default_status = raw.get("default_status")
    if default_status is not None and default_status not in LicenceStatus.values:
        raise MappingError(
            path, "default_status", f"{default_status!r}: use one of {', '.join(LicenceStatus.values)}"
        )
    st = raw.get("statuses", {})
    if not isinstance(st, dict):
        raise MappingError(path, "statuses", "must map the regulator's status words to licence statuses")
    statuses: dict[str, str] = {}
    for word, target in st.items():
        if not isinstance(word, str):
            raise MappingError(path, f"statuses.{word}", "status words must be text: put them in quotes")
        if target not in LicenceStatus.values:
            raise MappingError(
                path, f"statuses.{word}", f"{target!r}: use one of {', '.join(LicenceStatus.values)}"
            )
        if statuses.get(norm(word), target) != target:
            raise MappingError(path, f"statuses.{word}", "given twice with different statuses")
        statuses[norm(word)] = target
    if "status" in columns and not statuses:
        raise MappingError(path, "statuses", "missing: say what each status word in the list means")
    if "status" not in columns and default_status is None:
        raise MappingError(path, "default_status", "missing: needed when the list has no status column")

    date_formats: tuple[str, ...] = ()
    if "date_formats" in raw or any(f in columns for f in DATE_FIELDS):
        date_formats = check_date_formats(path, raw.get("date_formats"))

    encoding = raw.get("encoding")
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise MappingError(path, "encoding", f"{encoding!r} is not a known encoding") from None
    delimiter = raw.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MappingError(path, "delimiter", "must be one character, e.g. ';'")
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingError(path, "sheet", "must be the name of a worksheet")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MappingError(path, "title", "missing")

    return Mapping(
        name=path.stem,
        title=title.strip(),
        regulator_code=code,
        regulator_name=reg_name.strip(),
        regulator_country=reg_country,
        country=country,
        kind=kind,
        identifier=ident,
        columns=columns,
        optional=frozenset(optional),
        statuses=statuses,
        status_words=tuple(str(w) for w in st),
        default_status=default_status,
        date_formats=date_formats,
        encoding=str(encoding) if encoding else None,
        delimiter=delimiter,
        sheet=sheet,
        path=str(path),
    )


def list_mappings() -> list[Mapping]:
    """Every shipped mapping (each checked: a malformed one raises MappingError)."""
    return [
        _parse_mapping(p, yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted(MAPPINGS_DIR.glob("*.yaml"))
    ]


# ---------------------------------------------------------------------------------------------------------
# Results and reports


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file, when ``row`` is None or the header row) was rejected."""

    row: int | None
    column: str | None
    value: str | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "problem": self.problem}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        if self.value is not None:
            where.append(f'value "{self.value}"')
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


COUNT_KEYS = (
    "rows",
    "imported",
    "rejected",
    "actors_created",
    "licences_created",
    "status_changes",
    "unchanged",
    "aliases_created",
    "valid_from_updated",
    "not_in_file",
    "regulator_created",
)


@dataclass
class ImportResult:
    status: str
    filename: str
    mapping: str
    regulator_code: str
    sha256: str
    as_of: dt.date
    dry_run: bool = False
    rows_total: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    problems: list[Problem] = field(default_factory=list)
    not_in_file: list[dict[str, str]] = field(default_factory=list)
    same_as: int | None = None
    import_file: ImportFile | None = None

    @property
    def rejected(self) -> bool:
        return self.status == ImportFile.Status.REJECTED

    def report(self) -> dict[str, Any]:
        """What is stored in ``ImportFile.report`` (JSON)."""
        return {
            "mapping": self.mapping,
            "regulator": self.regulator_code,
            "filename": self.filename,
            "sha256": self.sha256,
            "as_of": self.as_of.isoformat(),
            "status": str(self.status),
            "counts": dict(self.counts),
            "problems": [p.as_dict() for p in self.problems],
            "not_in_file": self.not_in_file,
            "same_as": self.same_as,
        }

    def render(self, max_problems: int | None = None) -> str:
        """The report as text, for the command line."""
        c = self.counts
        head = {
            ImportFile.Status.IMPORTED: "imported",
            ImportFile.Status.PARTIAL: f"partly imported: {self.rows_imported} good rows, {self.rows_rejected} rejected",
            ImportFile.Status.REJECTED: "rejected, nothing imported",
            ImportFile.Status.UNCHANGED: f"unchanged: the same file was imported before (import {self.same_as})",
        }[ImportFile.Status(self.status)]
        dry = " [dry run: nothing written]" if self.dry_run else ""
        lines = [f"{self.filename} with mapping {self.mapping} ({self.regulator_code}): {head}{dry}"]
        if self.status != ImportFile.Status.UNCHANGED and self.rows_total:
            lines.append(
                f"  {self.rows_total} rows: {self.rows_total - self.rows_rejected} good, {self.rows_rejected} with problems"
            )
        if self.status in (ImportFile.Status.IMPORTED, ImportFile.Status.PARTIAL):
            lines.append(
                f"  licences: {c['licences_created']} new, {c['status_changes']} status changed, "
                f"{c['unchanged']} unchanged; organisations: {c['actors_created']} new; "
                f"names added: {c['aliases_created']}; start dates updated: {c['valid_from_updated']}"
            )
        shown = self.problems if max_problems is None else self.problems[:max_problems]
        for p in shown:
            lines.append(f"  {p}")
        if len(shown) < len(self.problems):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more problems (see the stored report)")
        if self.not_in_file:
            nums = ", ".join(x["licence_number"] for x in self.not_in_file[:20])
            more = f" and {len(self.not_in_file) - 20} more" if len(self.not_in_file) > 20 else ""
            lines.append(
                f"  {self.regulator_code} licences not in this file (kept, not deleted): "
                f"{len(self.not_in_file)}: {nums}{more}"
            )
        return "\n".join(lines)


class _Rejected(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].problem)
        self.problems = list(problems)


# ---------------------------------------------------------------------------------------------------------
# Reading CSV and XLSX

Table = list[tuple[int, list[Any]]]  # (row number as in the spreadsheet, cell values)


def read_table(data: bytes, m: Mapping) -> Table:
    """Rows of a CSV or XLSX file with their spreadsheet row numbers. Raises _Rejected."""
    if data.startswith(b"PK\x03\x04"):
        return _without_nul(_read_xlsx(data, m))
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _Rejected(
            Problem(None, None, None, "file is an old Excel .xls file: save it as .xlsx or CSV UTF-8")
        )
    if data.startswith(b"%PDF-"):
        raise _Rejected(
            Problem(None, None, None, "file is a PDF: export the list to .xlsx or CSV UTF-8 first")
        )
    return _without_nul(_read_csv(_decode(data, m), m))


class FileError(ValueError):
    """A file that cannot be read as a table: ``problems`` say why (with the row where known)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0]))
        self.problems = problems


@dataclass(frozen=True)
class _Plain:
    """How to read a file that has no shipped mapping: UTF-8 (or a byte-order mark's encoding), the delimiter
    guessed, the first sheet."""

    name: str = "plain"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_spreadsheet(data: bytes) -> Table:
    """Rows of any CSV or XLSX file (other importers' files, e.g. a regulator's list of sanctions), read as the
    licence lists are: the same checks and messages. Raises FileError."""
    try:
        return read_table(data, _Plain())  # type: ignore[arg-type]
    except _Rejected as exc:
        raise FileError(exc.problems) from None


def _without_nul(table: Table) -> Table:
    """The table, unless a cell holds a NUL character (``core.forms.nul_cells``): every such cell is reported with
    its row and column number."""
    cells = nul_cells((row, ((f"column {j}", cell) for j, cell in enumerate(rec, 1))) for row, rec in table)
    if cells:
        raise _Rejected(*(
            Problem(row, column, shown,
                    "holds a NUL character (0x00), which cannot be stored: the file is damaged or not a text "
                    "export; remove the character or export the list again")
            for row, column, shown in cells
        ))
    return table


def _decode(data: bytes, m: Mapping) -> str:
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif m.encoding:
        enc = m.encoding
    elif len(data) >= 4 and not any(data[1:64:2]) and all(data[0:64:2]):
        enc = "utf-16-le"  # ASCII text in UTF-16 without a byte order mark
    elif len(data) >= 4 and not any(data[0:64:2]) and all(data[1:64:2]):
        enc = "utf-16-be"
    else:
        enc = "utf-8"
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        line = data[start : end if end >= 0 else len(data)].decode(enc, errors="replace").strip()[:120]
        if enc == "utf-8":
            message = UTF8_MESSAGE
        else:
            message = f"file is not {enc} as the mapping {m.name} says (byte 0x{data[exc.start]:02X} cannot be read)"
        raise _Rejected(Problem(line_no, None, line, message)) from None


def _read_csv(text: str, m: Mapping) -> Table:
    delimiter = m.delimiter
    if delimiter is None:
        sample = text[:20000].splitlines()[:HEADER_SEARCH_ROWS]
        counts = {d: sum(line.count(d) for line in sample) for d in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return [
            (i, rec)
            for i, rec in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
        ]
    except csv.Error as exc:
        raise _Rejected(Problem(None, None, None, f"not a readable CSV file: {exc}")) from None


def _read_xlsx(data: bytes, m: Mapping) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _Rejected(Problem(None, None, None, f"not a readable XLSX file: {exc}")) from None
    try:
        if m.sheet is not None:
            if m.sheet not in wb.sheetnames:
                names = ", ".join(f'"{n}"' for n in wb.sheetnames)
                raise _Rejected(
                    Problem(None, None, None, f'no sheet "{m.sheet}" in the workbook; sheets: {names}')
                )
            ws = wb[m.sheet]
        else:
            ws = wb.worksheets[0]
        ws.reset_dimensions()  # some exporters write wrong dimensions; read every row there is
        return [(i, list(values)) for i, values in enumerate(ws.iter_rows(values_only=True), 1)]
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------------------------
# Checking rows


@dataclass(frozen=True)
class Column:
    field: str
    index: int
    header: str  # as written in the file


@dataclass
class Row:
    row: int
    name: str
    number: str
    number_std: str
    status: str
    status_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    address: str = ""
    city: str = ""
    phones: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    return " ".join(str(v).split())


def find_columns(table: Table, m: Mapping) -> tuple[int, list[Column]]:
    """Index of the header row in ``table`` and where each mapped field is. Raises _Rejected."""
    # The header is the first row with the name and licence number columns; failing that, the row naming the
    # most mapped columns (so the report can say which are missing); failing that, the first non-empty row.
    by_field = {fld: set(m.headers(fld)) for fld in m.columns}
    header_at, best = None, 0
    for i, (_, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        normed = {norm(c) for c in cells}
        hits = {fld for fld, hs in by_field.items() if normed & hs}
        if set(REQUIRED_FIELDS) <= hits:
            header_at = i
            break
        if len(hits) > best:
            header_at, best = i, len(hits)
    if header_at is None:
        header_at = next((i for i, (_, cells) in enumerate(table) if any(_text(c) for c in cells)), None)
        if header_at is None:
            raise _Rejected(Problem(None, None, None, "file is empty"))
    row_no, cells = table[header_at]
    found = [_text(c) for c in cells]
    where: dict[str, int] = {}
    for idx, h in enumerate(found):
        where.setdefault(norm(h), idx)
    columns: list[Column] = []
    missing: list[str] = []
    for fld, accepted in m.columns.items():
        at = next((where[norm(h)] for h in accepted if norm(h) in where), None)
        if at is not None:
            columns.append(Column(fld, at, found[at]))
        elif fld not in m.optional:
            alternatives = " or ".join(f'"{h}"' for h in accepted)
            missing.append(f"{FIELDS[fld]} ({alternatives})")
    if missing:
        shown = ", ".join(f'"{h}"' for h in found if h) or "none"
        raise _Rejected(
            Problem(row_no, None, None, f"missing columns: {'; '.join(missing)}. Columns found: {shown}")
        )
    return header_at, columns


def date_in_formats(text: str, formats: Iterable[str]) -> dt.date | None:
    """``text`` read with the first of ``formats`` (strptime) that fits it, or None."""
    for f in formats:
        try:
            return dt.datetime.strptime(text, f).date()
        except ValueError:
            continue
    return None


def _parse_date(v: Any, m: Mapping, today: dt.date) -> dt.date | None:
    """A date from a cell: XLSX dates as they are, text in one of the mapping's formats. Raises ValueError
    with the message for the report."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    d: dt.date | None = None
    if isinstance(v, dt.datetime):
        d = v.date()
    elif isinstance(v, dt.date):
        d = v
    elif isinstance(v, int | float) and not isinstance(v, bool) and 20000 <= v <= 80000:
        d = dt.date(1899, 12, 30) + dt.timedelta(days=int(v))  # an Excel date serial not formatted as a date
    else:
        d = date_in_formats(_text(v), m.date_formats)
    if d is None:
        raise ValueError(f'"{_text(v)}" is not a date like {m.date_help()}')
    if d.year > today.year + MAX_YEARS_AHEAD:
        hint = " (Bikram Sambat dates are not supported: convert them to AD)" if m.country == "NP" else ""
        raise ValueError(f'year {d.year} in "{_text(v)}" is more than {MAX_YEARS_AHEAD} years ahead{hint}')
    return d


def check_rows(
    table: Table, columns: list[Column], m: Mapping, today: dt.date
) -> tuple[list[Row], list[Problem], int]:
    """Every data row checked: (good rows, problems, number of non-blank rows)."""
    good: list[Row] = []
    problems: list[Problem] = []
    bad_rows: set[int] = set()
    by_field = {c.field: c for c in columns}
    numbers: dict[str, list[tuple[int, str]]] = {}  # standardised number -> (row, number as written)
    total = 0

    for row_no, cells in table:
        if not any(_text(c) for c in cells):
            continue
        total += 1
        here: list[Problem] = []

        def cell(fld: str, cells: list[Any] = cells) -> Any:
            c = by_field.get(fld)
            return cells[c.index] if c is not None and c.index < len(cells) else None

        def bad(fld: str, value: Any, message: str, row_no: int = row_no, here: list[Problem] = here) -> None:
            here.append(Problem(row_no, by_field[fld].header, _text(value), message))

        name = _text(cell("name"))
        if not name:
            bad("name", name, "agency name is empty")
        elif len(name) > 300:
            bad("name", name[:60] + "...", "agency name is longer than 300 characters")
        number = _text(cell("licence_number"))
        number_std = standardise_licence(number)
        if not number:
            bad("licence_number", number, "licence number is empty")
        elif not _HAS_DIGIT.search(number):
            bad("licence_number", number, "licence number has no digits")
        elif len(number) > 80 or len(m.identifier_for(number)) > 80:
            bad("licence_number", number, "licence number is longer than 80 characters")
        else:
            numbers.setdefault(number_std, []).append((row_no, number))

        status = m.default_status or ""
        if "status" in by_field:
            word = _text(cell("status"))
            if word:
                if norm(word) in m.statuses:
                    status = m.statuses[norm(word)]
                else:
                    known = ", ".join(m.status_words)
                    bad("status", word, f'unknown status "{word}"; known: {known}')
            elif not status:
                bad("status", word, "licence status is empty")

        dates: dict[str, dt.date | None] = {}
        for fld in DATE_FIELDS:
            if fld in by_field:
                raw = cell(fld)
                try:
                    dates[fld] = _parse_date(raw, m, today)
                except ValueError as exc:
                    bad(fld, raw, str(exc))
        vf, vu = dates.get("valid_from"), dates.get("valid_until")
        if vf and vu and vf > vu:
            bad(
                "valid_until",
                cell("valid_until"),
                f"valid until {vu.isoformat()} is before valid from {vf.isoformat()}",
            )
        city = _text(cell("city"))
        if len(city) > 120:
            bad("city", city[:60] + "...", "city is longer than 120 characters")

        if here:
            problems.extend(here)
            bad_rows.add(row_no)
            continue
        phones = [p for fld in ("phone", "mobile") for p in _PHONE_SPLIT.split(_text(cell(fld))) if p]
        emails = [f"mailto:{e}" for e in _PHONE_SPLIT.split(_text(cell("email"))) if e]
        websites = [w for w in _LIST_SPLIT.split(_text(cell("website"))) if w]
        aliases = [a for a in _LIST_SPLIT.split(str(cell("aliases") or "").strip()) if a.strip()]
        good.append(
            Row(
                row=row_no,
                name=name,
                number=number,
                number_std=number_std,
                status=status,
                status_date=dates.get("status_date"),
                valid_from=vf,
                valid_until=vu,
                address=str(cell("address") or "").strip(),
                city=city,
                phones=list(dict.fromkeys(phones)),
                websites=list(dict.fromkeys(websites + emails)),
                aliases=[" ".join(a.split()) for a in aliases],
            )
        )

    lic_col = by_field["licence_number"].header
    dup_problems = []
    for same in numbers.values():
        if len(same) > 1:
            for r, value in same:
                others = [str(o) for o, _ in same if o != r]
                where = f"row {others[0]}" if len(others) == 1 else f"rows {', '.join(others)}"
                dup_problems.append(
                    Problem(r, lic_col, value, f"duplicated licence number {value}: also on {where}")
                )
                bad_rows.add(r)
    if dup_problems:
        problems.extend(dup_problems)
        good = [g for g in good if g.row not in bad_rows]
    problems.sort(key=lambda p: p.row or 0)
    return good, problems, total


# ---------------------------------------------------------------------------------------------------------
# Writing


class _Audit:
    """Audit events for records written in bulk. The first goes through ``core.services.audit_record`` (who,
    channel, origin); the others copy who and where from it and are inserted together."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.template: AuditEvent | None = None
        self.pending: list[AuditEvent] = []

    def add(self, action: str, target_type: str, target_id: int | None, new: Any, old: Any = None) -> None:
        if self.template is None:
            self.template = audit_record(
                actor=self.user, action=action, target=(target_type, str(target_id)), old=old, new=new
            )
            return
        t = self.template
        self.pending.append(
            AuditEvent(
                actor_id=t.actor_id,
                actor_label=t.actor_label,
                organisation=None,
                action=action,
                target_type=target_type,
                target_id=str(target_id),
                old=old,
                new=new,
                channel=t.channel,
                ip=t.ip,
                user_agent=t.user_agent,
                request_id=t.request_id,
            )
        )

    def flush(self) -> None:
        AuditEvent.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []


def _d(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Writer:
    def __init__(
        self,
        m: Mapping,
        src: ImportFile,
        regulator: Actor,
        user: User | None,
        as_of: dt.date,
        counts: dict[str, int],
    ) -> None:
        self.m, self.src, self.regulator, self.user, self.as_of, self.counts = (
            m,
            src,
            regulator,
            user,
            as_of,
            counts,
        )
        self.audit = _Audit(user)
        self.existing: dict[str, Licence] = {
            lic.number_std: lic
            for lic in Licence.objects.filter(regulator=regulator)
            .select_related("actor")
            .only(
                "id",
                "number",
                "number_std",
                "status",
                "valid_from",
                "valid_until",
                "actor__id",
                "actor__name",
                "actor__identifier",
            )
        }

    def note(self, row: int) -> str:
        return f"{self.src.filename}, row {row}"

    def write(self, rows: list[Row], progress: Callable[[int, int], None] | None, total: int) -> None:
        done = 0
        for chunk in _chunks(rows, CHUNK):
            self._write_existing([r for r in chunk if r.number_std in self.existing])
            self._write_new([r for r in chunk if r.number_std not in self.existing])
            self.audit.flush()
            done += len(chunk)
            if progress is not None:
                progress(done, total)

    def _write_existing(self, rows: list[Row]) -> None:
        reason = f"changed in {self.src.filename}"
        candidates: list[tuple[Actor, str, int]] = []
        for r in rows:
            lic = self.existing[r.number_std]
            if r.status != lic.status or r.valid_until != lic.valid_until:
                licence_status_record(
                    actor_user=self.user,
                    licence=lic,
                    status=r.status,
                    valid_until=r.valid_until,
                    effective_date=r.status_date or self.as_of,
                    reason=reason,
                    source_file=self.src,
                    source_row=r.row,
                    source_note=self.note(r.row),
                )
                self.counts["status_changes"] += 1
            else:
                self.counts["unchanged"] += 1
            if r.valid_from and r.valid_from != lic.valid_from:
                old = {"valid_from": _d(lic.valid_from)}
                lic.valid_from = r.valid_from
                Licence.objects.filter(pk=lic.pk).update(valid_from=r.valid_from)
                self.audit.add(
                    "licence.update",
                    "registry.licence",
                    lic.pk,
                    old=old,
                    new={"valid_from": _d(r.valid_from), "source": self.note(r.row)},
                )
                self.counts["valid_from_updated"] += 1
            candidates += [(lic.actor, n, r.row) for n in (r.name, *r.aliases)]
        self._add_aliases(candidates)

    def _add_aliases(self, candidates: list[tuple[Actor, str, int]]) -> None:
        """Names in the file that an existing actor does not have yet (renamed agency, new spelling, another
        script) become aliases with their source; the actor's own name is left as it is."""
        candidates = [c for c in candidates if search_key(c[1]) != search_key(c[0].name)]
        if not candidates:
            return
        known: dict[int, set[str]] = {}
        for ids in _chunks(sorted({c[0].pk for c in candidates}), 500):
            for actor_id, name in Alias.objects.filter(actor_id__in=ids).values_list("actor_id", "name"):
                known.setdefault(actor_id, set()).add(search_key(name))
        new_aliases = []
        for actor, name, row in candidates:
            seen = known.setdefault(actor.pk, set())
            if search_key(name) in seen:
                continue
            seen.add(search_key(name))
            new_aliases.append(
                Alias(
                    actor_id=actor.pk,
                    name=name[:300],
                    name_std=standardise_name(name),
                    source_file=self.src,
                    source_row=row,
                    source_note=self.note(row),
                )
            )
        Alias.objects.bulk_create(new_aliases, batch_size=500)
        for al in new_aliases:
            self.audit.add(
                "alias.create",
                "registry.alias",
                al.pk,
                new={"actor": al.actor_id, "name": al.name, "source": al.source_note},
            )
        self.counts["aliases_created"] += len(new_aliases)
        for actor in Actor.objects.filter(pk__in={a.actor_id for a in new_aliases}):
            actor_refresh_search(actor)

    def _write_new(self, rows: list[Row]) -> None:
        if not rows:
            return
        m, src = self.m, self.src
        ident = {r.row: m.identifier_for(r.number) for r in rows}
        # An actor may already carry the identifier without this licence (entered by hand): the licence joins it.
        reuse = {a.identifier: a for a in Actor.objects.filter(identifier__in=list(ident.values()))}
        actors: dict[int, Actor] = {}
        to_create: list[Actor] = []
        aliases: list[Alias] = []
        for r in rows:
            if ident[r.row] in reuse:
                actors[r.row] = reuse[ident[r.row]]
                continue
            names, als = {search_key(r.name)}, []
            for al in r.aliases:
                if search_key(al) not in names:
                    names.add(search_key(al))
                    als.append(al[:300])
            a = Actor(
                identifier=ident[r.row],
                kind=m.kind,
                name=r.name,
                name_std=standardise_name(r.name),
                search_text=search_text([r.name, *als], r.phones, [r.number_std], r.websites),
                country=m.country,
                city=r.city,
                address=r.address,
                phones=r.phones,
                websites=r.websites,
                social_handles=[],
                source_file=src,
                source_row=r.row,
                source_note=self.note(r.row),
            )
            actors[r.row] = a
            to_create.append(a)
            aliases += [
                Alias(
                    actor=a,
                    name=al,
                    name_std=standardise_name(al),
                    source_file=src,
                    source_row=r.row,
                    source_note=self.note(r.row),
                )
                for al in als
            ]
        Actor.objects.bulk_create(to_create, batch_size=500)
        for new in to_create:
            self.audit.add(
                "actor.create",
                "registry.actor",
                new.pk,
                new={
                    "identifier": new.identifier,
                    "name": new.name,
                    "kind": new.kind,
                    "country": new.country,
                },
            )
        self.counts["actors_created"] += len(to_create)
        Alias.objects.bulk_create(aliases, batch_size=500)
        self.counts["aliases_created"] += len(aliases)

        licences = [
            Licence(
                actor=actors[r.row],
                regulator=self.regulator,
                number=r.number,
                number_std=r.number_std,
                status=r.status,
                valid_from=r.valid_from,
                valid_until=r.valid_until,
                source_file=src,
                source_row=r.row,
            )
            for r in rows
        ]
        Licence.objects.bulk_create(licences, batch_size=500)
        self.counts["licences_created"] += len(licences)
        history = [
            LicenceStatusChange(
                licence=lic,
                status=r.status,
                valid_until=r.valid_until,
                effective_date=r.status_date or self.as_of,
                reason=f"first seen in {src.filename}",
                source_file=src,
                source_row=r.row,
                source_note=self.note(r.row),
            )
            for r, lic in zip(rows, licences, strict=True)
        ]
        LicenceStatusChange.objects.bulk_create(history, batch_size=500)
        for lic, h in zip(licences, history, strict=True):
            self.audit.add(
                "licence.status",
                "registry.licence",
                lic.pk,
                old=None,
                new={
                    "status": h.status,
                    "valid_until": _d(h.valid_until),
                    "effective_date": h.effective_date.isoformat(),
                    "reason": h.reason,
                    "number": lic.number,
                    "regulator": self.regulator.identifier,
                },
            )
        reused = [
            (actors[r.row], n, r.row) for r in rows if ident[r.row] in reuse for n in (r.name, *r.aliases)
        ]
        self._add_aliases(reused)
        for actor in {a.pk: a for a, _, _ in reused}.values():
            actor_refresh_search(actor)  # the licence number is part of its search text

    def not_in_file(self, numbers_in_file: set[str]) -> list[dict[str, str]]:
        return [
            {"licence_number": lic.number, "identifier": lic.actor.identifier, "status": lic.status}
            for std, lic in sorted(self.existing.items(), key=lambda kv: kv[1].number)
            if std not in numbers_in_file
        ]


def _regulator(m: Mapping, user: User | None, src: ImportFile, counts: dict[str, int]) -> Actor:
    """The regulator's own actor (identifier = its code), created the first time one of its lists comes in."""
    reg = Actor.objects.filter(identifier=m.regulator_code, kind=ActorKind.REGULATOR).first()
    if reg is None:
        counts["regulator_created"] = 1
        reg = actor_create(
            actor_user=user,
            name=m.regulator_name,
            kind=ActorKind.REGULATOR,
            identifier=m.regulator_code,
            country=m.regulator_country,
            source_file=src,
            source_note=f"regulator of the mapping {m.name}",
        )
    return reg


# ---------------------------------------------------------------------------------------------------------
# The import


def import_file(
    path: str | Path,
    mapping_name: str,
    *,
    actor_user: User | None = None,
    allow_partial: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    as_of: dt.date | None = None,
) -> ImportResult:
    """Import a regulator's licence list. ``as_of`` is the date of the list, used as the date statuses took
    effect unless the list has a status date column (default: today).

    Raises MappingError for a bad mapping and OSError when the file cannot be read; every problem with the
    file's contents is reported in the result (status ``rejected``) and stored with the ImportFile."""
    m = load_mapping(mapping_name)
    p = Path(path)
    data = p.read_bytes()
    today = timezone.localdate()
    result = ImportResult(
        status=ImportFile.Status.IMPORTED,
        filename=p.name[-300:],
        mapping=m.name,
        regulator_code=m.regulator_code,
        sha256=hashlib.sha256(data).hexdigest(),
        as_of=as_of or today,
        dry_run=dry_run,
    )

    previous = (
        ImportFile.objects.filter(
            sha256=result.sha256,
            mapping=m.name,
            status__in=[ImportFile.Status.IMPORTED, ImportFile.Status.PARTIAL],
        )
        .order_by("-imported_at", "-id")
        .first()
    )
    if previous is not None:
        result.status, result.same_as, result.rows_total = (
            ImportFile.Status.UNCHANGED,
            previous.pk,
            previous.rows_total,
        )
        return _record(result, actor_user)

    try:
        table = read_table(data, m)
        header_at, columns = find_columns(table, m)
    except _Rejected as exc:
        result.status, result.problems = ImportFile.Status.REJECTED, exc.problems
        return _record(result, actor_user)
    good, problems, total = check_rows(table[header_at + 1 :], columns, m, today)
    result.rows_total, result.problems = total, problems
    result.rows_rejected = len({p.row for p in problems})
    if total == 0:
        problems.append(Problem(table[header_at][0], None, None, "no rows under the header"))
    clash = Actor.objects.filter(identifier=m.regulator_code).exclude(kind=ActorKind.REGULATOR).first()
    if clash is not None:
        problems.append(
            Problem(
                None,
                None,
                None,
                f"{m.regulator_code} is in the registry as an actor of kind {clash.kind}, not as a regulator",
            )
        )
        allow_partial = False
    result.counts.update(rows=total, rejected=result.rows_rejected)
    if problems and (not allow_partial or not good):
        result.status = ImportFile.Status.REJECTED
        return _record(result, actor_user)

    result.status = ImportFile.Status.PARTIAL if problems else ImportFile.Status.IMPORTED
    result.rows_imported = len(good)
    result.counts["imported"] = len(good)
    with transaction.atomic():
        src = ImportFile.objects.create(
            filename=result.filename,
            sha256=result.sha256,
            mapping=m.name,
            regulator_code=m.regulator_code,
            status=result.status,
            rows_total=total,
            imported_by=_user(actor_user),
        )
        regulator = _regulator(m, actor_user, src, result.counts)
        writer = _Writer(m, src, regulator, actor_user, result.as_of, result.counts)
        if progress is not None:
            progress(0, len(good))
        writer.write(good, progress, len(good))
        lic_index = next(c.index for c in columns if c.field == "licence_number")
        in_file = {
            standardise_licence(_text(cells[lic_index]))
            for _, cells in table[header_at + 1 :]
            if lic_index < len(cells)
        }
        result.not_in_file = writer.not_in_file(in_file)
        result.counts["not_in_file"] = len(result.not_in_file)
        _finish(src, result, actor_user)
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        result.import_file = None
    return result


def _user(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _finish(src: ImportFile, result: ImportResult, user: User | None) -> None:
    src.rows_imported, src.rows_rejected, src.report = (
        result.rows_imported,
        result.rows_rejected,
        result.report(),
    )
    src.save(update_fields=["rows_imported", "rows_rejected", "report"])
    audit_record(
        actor=user,
        action="registry.import",
        target=src,
        new={
            "status": str(result.status),
            "filename": result.filename,
            "mapping": result.mapping,
            "regulator": result.regulator_code,
            "sha256": result.sha256,
            **result.counts,
        },
    )
    result.import_file = src


def _record(result: ImportResult, user: User | None) -> ImportResult:
    """Store a rejected or unchanged import (nothing else is written), unless this is a dry run."""
    if result.dry_run:
        return result
    with transaction.atomic():
        src = ImportFile.objects.create(
            filename=result.filename,
            sha256=result.sha256,
            mapping=result.mapping,
            regulator_code=result.regulator_code,
            status=result.status,
            rows_total=result.rows_total,
            imported_by=_user(user),
        )
        _finish(src, result, user)
    return result


__all__ = [
    "FIELDS",
    "ImportResult",
    "Mapping",
    "MappingError",
    "Problem",
    "human_date_format",
    "import_file",
    "list_mappings",
    "load_mapping",
]
