"""Import a regulator's published list of sanctions (a blacklist, a list of suspended or fined agencies) from CSV
or XLSX: one sanction per row, every row checked by the same rules as the form, all or nothing.

Columns (header row, any order, names as below, case and spaces ignored):

``identifier``       the recruiter's registry identifier (``NP-DOFE-1234``), or, for someone on no register,
``name``             with ``phone`` and/or ``city``: found or made as a reported actor (``FR-R-<n>``), as a
                     worker's complaint would name them; record linkage may later join it to a known one
``kind``             warning, fine, compensation, suspension, revocation, ban
``breaches``         breach codes separated by ``|`` (overcharging, unlicensed, contract_substitution,
                     document_retention, misleading_advertising, records, other)
``legal_basis``      the law and section
``decided_on``       YYYY-MM-DD
``effective_from``   YYYY-MM-DD (empty: the day of the decision)
``effective_until``  YYYY-MM-DD, suspensions only
``amount``, ``currency``  fines and orders to repay
``licence``          licence number, when the recruiter holds several from the regulator
``summary``, ``source_note``  as published (source_note defaults to the file and row)

Importing the same list again stores nothing new: each row's content is its idempotency key."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from fairrecruit.core.idempotency import IdempotencyMismatch
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import audit_record
from fairrecruit.enforcement.mappings import SanctionMapping
from fairrecruit.enforcement.models import SanctionKind
from fairrecruit.enforcement.services import SanctionInput, check_sanction, licences_from, sanction_impose
from fairrecruit.registry.imports import FileError, Problem, read_spreadsheet
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.registry.names import standardise_licence
from fairrecruit.registry.selectors import actor_by_identifier
from fairrecruit.registry.services import reported_actor

COLUMNS = ("identifier", "name", "phone", "city", "kind", "breaches", "legal_basis", "decided_on", "effective_from",
           "effective_until", "amount", "currency", "licence", "summary", "source_note")
REQUIRED = ("kind", "breaches", "legal_basis", "decided_on")
MAX_ROWS = 20_000


@dataclass
class SanctionImport:
    filename: str
    regulator: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def status(self) -> str:
        return "rejected" if self.problems else ("dry_run" if self.dry_run else "imported")

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.filename, "regulator": self.regulator, "status": self.status, "rows": self.rows,
                "created": self.created, "unchanged": self.unchanged,
                "problems": [p.as_dict() for p in self.problems]}


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    data: SanctionInput
    name: str = ""  # a recruiter on no register, made a reported actor when written


class _DryRun(Exception):
    pass


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _date(cells: dict[str, str], name: str, problems: list[Problem], row: int) -> dt.date | None:
    text = cells.get(name, "")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(row, name, text, "use the form YYYY-MM-DD, e.g. 2026-03-01"))
        return None


def _header(
    table: list[tuple[int, list[Any]]], mapping: SanctionMapping | None = None
) -> tuple[int, list[str], list[Problem]]:
    for number, values in table:
        if mapping is not None and any(_cell(v) for v in values):
            names = mapping.header_names([_cell(v) for v in values])
            problems = [
                Problem(number, col, None, f"no column of the list is one of the layout's headers for {col}")
                for col in ("kind", "decided_on")
                if col not in names
            ]
            if not {"identifier", "licence", "name"} & set(names):
                problems.append(Problem(number, "identifier", None, "no column of the list names the recruiter "
                                        "(the layout's headers for identifier, licence or name)"))
            return number, names, problems
        names = [_cell(v).casefold().replace(" ", "_") for v in values]
        if any(names):
            problems = [Problem(number, n, None, "unknown column; the columns are " + ", ".join(COLUMNS))
                        for n in names if n and n not in COLUMNS]
            problems += [Problem(number, n, None, "this column is required") for n in REQUIRED if n not in names]
            if "identifier" not in names and "name" not in names:
                problems.append(Problem(number, "identifier", None, "give an identifier column (or name, for "
                                        "recruiters on no register)"))
            return number, names, problems
    return 0, [], [Problem(None, None, None, "the file is empty: the first row must name the columns")]


def _parse(number: int, cells: dict[str, str], regulator: Actor, filename: str,
           problems: list[Problem]) -> _Row | None:
    before = len(problems)
    subject: Actor | None = None
    name = ""
    if cells.get("identifier"):
        subject, _merged = actor_by_identifier(cells["identifier"])
        if subject is None:
            problems.append(Problem(number, "identifier", cells["identifier"], "no organisation with this "
                                    "identifier in the registry; leave it empty and give the name instead"))
    elif cells.get("name"):
        name = cells["name"]
        # Checked as an unsaved reported actor; found or made when the file is written.
        subject = Actor(kind=ActorKind.REPORTED, name=name, country=regulator.country, city=cells.get("city", ""))
    else:
        problems.append(Problem(number, "identifier", None, "give the recruiter's identifier or name"))
    kind = cells.get("kind", "").casefold()
    if kind and kind not in SanctionKind.values:
        problems.append(Problem(number, "kind", cells["kind"], "use one of " + ", ".join(SanctionKind.values)))
    if name and kind in (SanctionKind.SUSPENSION, SanctionKind.REVOCATION):
        problems.append(Problem(number, "kind", kind, "a licence is suspended or revoked by its holder's registry "
                                "identifier: give the identifier"))
    amount = None
    if cells.get("amount"):
        try:
            amount = Decimal(cells["amount"].replace(",", ""))
        except InvalidOperation:
            problems.append(Problem(number, "amount", cells["amount"], "give a number, e.g. 500000"))
    decided = _date(cells, "decided_on", problems, number)
    start = _date(cells, "effective_from", problems, number) or decided
    until = _date(cells, "effective_until", problems, number)
    licence = None
    if cells.get("licence") and subject is not None and subject.pk is not None:
        wanted = standardise_licence(cells["licence"])
        licence = next((lic for lic in licences_from(subject, regulator) if lic.number_std == wanted), None)
        if licence is None:
            problems.append(Problem(number, "licence", cells["licence"], f"not a licence {regulator.name} issued "
                                    "to this recruiter"))
    if len(problems) > before:
        return None
    data = SanctionInput(
        regulator=regulator, subject=subject, kind=kind,
        breaches=[b.strip() for b in cells.get("breaches", "").replace(";", "|").split("|") if b.strip()],
        legal_basis=cells.get("legal_basis", ""), decided_on=decided, effective_from=start, effective_until=until,
        amount=amount, currency=cells.get("currency", "").upper(), licence=licence,
        summary=cells.get("summary", ""), source_note=cells.get("source_note") or f"{filename}, row {number}")
    errors, _licence = check_sanction(data)
    for e in errors:
        problems.append(Problem(number, e["field"], cells.get(e["field"]) or None, e["message"]))
    return _Row(number, cells, data, name) if not errors else None


def import_sanctions(
    data: bytes, *, filename: str, regulator: Actor, user: User | None, organisation: Organisation | None = None,
    dry_run: bool = False, mapping: SanctionMapping | None = None,
) -> SanctionImport:
    """Check every row, then store every sanction in one transaction (or none, when any row is bad). A dry run
    checks and counts, and stores nothing. With ``mapping`` (``mappings.load_sanction_mapping``) the file is in the
    regulator's own layout, translated row by row into FairRecruit's columns before the same checks."""
    result = SanctionImport(filename=filename, regulator=regulator.identifier, dry_run=dry_run)
    if regulator.kind != ActorKind.REGULATOR:
        result.problems.append(Problem(None, None, regulator.identifier, "is not a regulator of the registry"))
        return result
    try:
        table = read_spreadsheet(data)
    except FileError as exc:
        result.problems = exc.problems
        return result
    if mapping is not None and mapping.regulator != regulator.identifier:
        result.problems.append(Problem(None, "mapping", mapping.name, f"is the layout of {mapping.regulator}'s "
                                       f"lists, not {regulator.identifier}'s"))
        return result
    header_row, names, result.problems = _header(table, mapping)
    if result.problems:
        return result
    rows: list[_Row] = []
    for number, values in table:
        if number <= header_row or not any(_cell(v) for v in values):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.problems.append(Problem(number, None, None, f"at most {MAX_ROWS:,} rows in one file: split it"))
            return result
        cells = {n: _cell(v) for n, v in zip(names, values, strict=False) if n}
        if mapping is not None:
            cells = mapping.translate(number, cells, result.problems)
        row = _parse(number, cells, regulator, filename, result.problems)
        if row is not None:
            rows.append(row)
    if result.problems:
        return result
    try:
        with transaction.atomic():
            for row in rows:
                data_in = row.data
                if row.name:
                    subject = reported_actor(name=row.name, phone=row.cells.get("phone", ""),
                                             place=row.cells.get("city", ""), source_note=f"sanctions list {filename}")
                    data_in = replace(data_in, subject=subject)
                key = hashlib.sha256("\x1f".join(
                    [regulator.identifier, *(row.cells.get(c, "") for c in COLUMNS if c != "source_note")]
                ).encode()).hexdigest()
                try:
                    _s, created = sanction_impose(user=user, organisation=organisation, data=data_in,
                                                  token=f"import-{key}")
                except IdempotencyMismatch:  # the same row, with another file name or row number as its source
                    created = False
                result.created += created
                result.unchanged += not created
            audit_record(actor=user, action="sanctions.import", target=("enforcement.import", filename[:100]),
                         organisation=organisation, new=result.as_dict() | {"problems": []})
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
