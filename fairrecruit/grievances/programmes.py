"""Brand remediation programmes: an employer or brand imports a fee survey of its workforce (CSV or XLSX), gets
the amount owed to each worker under the chosen standard (the standards engine), a repayment schedule, and
records payments until every worker is repaid.

File format: one row per payment (a worker who paid nothing has one row with the payment columns empty):

    worker_ref, origin, destination, recruitment_date, contract_months, promised_wage_amount,
    promised_wage_currency, earnings_amount, earnings_currency, payment_amount, payment_currency,
    payment_date, payment_purpose, payment_paid_to (optional), departure_date (optional)

``worker_ref`` is the employer's own reference (an employee number): never a name. It is stored encrypted
(``ProgrammeWorker.worker_ref``), found again by a keyed hash (``models.worker_ref_hashes``) and shown only
through logged reads (``workers_page``). All or nothing: when any row is bad, nothing is stored and every problem
comes back as (row, column, message).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.dispatch import Signal
from django.utils.translation import gettext as _

from fairrecruit.core import crypto, idempotency
from fairrecruit.core.exports import csv_cell
from fairrecruit.core.forms import nul_cells
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import can
from fairrecruit.core.services import audit_record
from fairrecruit.grievances.clock import SYSTEM_CLOCK, Clock
from fairrecruit.grievances.models import (
    Instalment,
    Programme,
    ProgrammePayment,
    ProgrammeWorker,
    worker_ref_hashes,
)
from fairrecruit.standards.engine import ZERO_FEE_ID, Assessor, validate_journey

REQUIRED = (
    "worker_ref",
    "origin",
    "destination",
    "recruitment_date",
    "contract_months",
    "promised_wage_amount",
    "promised_wage_currency",
    "earnings_amount",
    "earnings_currency",
)
PAYMENT = ("payment_amount", "payment_currency", "payment_date", "payment_purpose")
OPTIONAL = ("payment_paid_to", "departure_date")
STANDARDS = {
    "ilo-zero-fee": "Employer pays: no recruitment fees or costs for workers (ILO, Employer Pays Principle)",
    "origin": "The law of the country of origin",
    "destination": "The law of the country of destination",
}
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
PAGE = 500  # workers per page, on the programme's page and in the API


class ProgrammeError(ValueError):
    def __init__(self, message: str, rows: list[tuple[int, str, str]] | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file as dicts of text, header names lower-case."""
    if len(data) > MAX_BYTES:
        raise ProgrammeError(_("the file is larger than 20 MB"))
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _without_nul(_xlsx_rows(data))
    if name.endswith(".csv") or not name:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProgrammeError(_("the CSV file must be UTF-8")) from None
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        return _without_nul(
            [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
        )
    raise ProgrammeError(_("use a .csv or .xlsx file"))


def _without_nul(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows, unless a cell or a column name holds a NUL character (``core.forms.nul_cells``): each such cell
    is reported with its row and column."""
    cells = nul_cells((i, row.items()) for i, row in enumerate(rows, start=2))
    if cells:
        message = str(_("holds a NUL character (0x00), which cannot be stored: remove it"))
        raise ProgrammeError(
            _("%(n)d problem(s) in the file: nothing was imported") % {"n": len(cells)},
            [(row, column, message) for row, column, _shown in cells],
        )
    return rows


def _xlsx_rows(data: bytes) -> list[dict[str, str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ProgrammeError(_("cannot read the XLSX file: %(e)s") % {"e": exc}) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(it, ())]
    out = []
    for values in it:
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {}
        for h, v in zip(header, values, strict=False):
            if isinstance(v, dt.datetime):
                v = v.date()
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, float) and v.is_integer() and h in ("contract_months",):
                v = int(v)
            row[h] = "" if v is None else str(v).strip()
        out.append(row)
    wb.close()
    return out


def _num(v: str) -> float | None:
    try:
        return float(v.replace(",", "")) if v else None
    except ValueError:
        return None


def journeys_from_rows(
    rows: list[dict[str, str]],
) -> tuple[dict[str, dict[str, Any]], list[tuple[int, str, str]]]:
    """Journeys by worker reference, and every problem as (row number in the file, column, message)."""
    problems: list[tuple[int, str, str]] = []
    if not rows:
        return {}, [(1, "(file)", _("no rows"))]
    missing = [c for c in (*REQUIRED, *PAYMENT) if c not in rows[0]]
    if missing:
        return {}, [(1, c, _("column is missing")) for c in missing]
    if len(rows) > MAX_ROWS:
        return {}, [(1, "(file)", _("more than %(n)d rows") % {"n": MAX_ROWS})]
    journeys: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for i, r in enumerate(rows, start=2):
        ref = r.get("worker_ref", "")
        if not ref:
            problems.append((i, "worker_ref", _("is required")))
            continue
        if len(ref) > 100:
            problems.append((i, "worker_ref", _("is too long")))
            continue
        if ref not in journeys:
            first_row[ref] = i
            months = _num(r["contract_months"])
            j: dict[str, Any] = {
                "origin": r["origin"].upper(),
                "destination": r["destination"].upper(),
                "recruitment_date": r["recruitment_date"],
                "contract_months": int(months)
                if months is not None and months.is_integer()
                else r["contract_months"],
                "promised_wage": {
                    "amount": _num(r["promised_wage_amount"]) or r["promised_wage_amount"],
                    "currency": r["promised_wage_currency"].upper(),
                },
                "first_month_earnings": {
                    "amount": _num(r["earnings_amount"]) or r["earnings_amount"],
                    "currency": r["earnings_currency"].upper(),
                },
                "payments": [],
                "_rows": [],
            }
            if r.get("departure_date"):
                j["departure_date"] = r["departure_date"]
            journeys[ref] = j
        else:
            j = journeys[ref]
            for col, key in (
                ("origin", "origin"),
                ("destination", "destination"),
                ("recruitment_date", "recruitment_date"),
            ):
                if r[col] and r[col].upper() != str(j[key]).upper():
                    problems.append(
                        (i, col, _("differs from row %(n)d of the same worker") % {"n": first_row[ref]})
                    )
        if any(r.get(c) for c in PAYMENT):
            p: dict[str, Any] = {
                "amount": _num(r["payment_amount"]) or r["payment_amount"],
                "currency": r["payment_currency"].upper(),
                "date": r["payment_date"],
                "purpose": r["payment_purpose"] or "(not said)",
            }
            if r.get("payment_paid_to"):
                p["paid_to"] = r["payment_paid_to"]
            j["payments"].append(p)
            j["_rows"].append(i)
    for ref, j in journeys.items():
        rows_of = j.pop("_rows")
        for e in validate_journey(j):
            row = first_row[ref]
            if e.field.startswith("payments["):
                idx = int(e.field.split("[")[1].split("]")[0])
                row = rows_of[idx] if idx < len(rows_of) else row
                col = "payment_" + e.field.split(".")[-1] if "." in e.field else "payment_amount"
            else:
                col = {
                    "promised_wage.amount": "promised_wage_amount",
                    "promised_wage.currency": "promised_wage_currency",
                    "first_month_earnings.amount": "earnings_amount",
                    "first_month_earnings.currency": "earnings_currency",
                }.get(e.field, e.field)
            problems.append((row, col, e.message))
    return journeys, sorted(problems)


def _standard_id(standard: str, journey: dict[str, Any]) -> str:
    if standard == "origin":
        return f"law-{journey['origin'].lower()}"
    if standard == "destination":
        return f"law-{journey['destination'].lower()}"
    return ZERO_FEE_ID


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def schedule(
    owed: Decimal, n: int, first_due: dt.date, interval_months: int
) -> list[tuple[dt.date, Decimal]]:
    """Equal instalments rounded down to the cent; the last one takes the remainder."""
    n = max(1, n)
    part = (owed / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    out = [(_add_months(first_due, i * interval_months), part) for i in range(n - 1)]
    out.append((_add_months(first_due, (n - 1) * interval_months), owed - part * (n - 1)))
    return [(d, a) for d, a in out if a > 0]


@dataclass
class Imported:
    programme: Programme
    created: bool


# Sent inside the import's transaction once every worker is stored: ``programme`` and ``workers`` (each worker's
# reference as in the file -> the ProgrammeWorker's id). The supply-chain app links fee-survey answers with it, so
# that a worker follows the repayment with their receipt code (supplychain.surveys.link_programme_answers).
programme_imported = Signal()


def programme_import(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    data: bytes,
    filename: str,
    standard: str = "ilo-zero-fee",
    instalments: int = 1,
    first_due: dt.date,
    interval_months: int = 1,
    clock: Clock = SYSTEM_CLOCK,
) -> Imported:
    """Import a fee survey, assess every worker, and make the repayment schedule. The same file imported again
    by the same organisation returns the existing programme. Raises ProgrammeError (with the bad rows)."""
    if not can(actor, "grievance.programme.manage", organisation.pk):
        raise PermissionDenied("not allowed to run programmes for this organisation")
    if standard not in STANDARDS:
        raise ProgrammeError(_("unknown standard %(s)s") % {"s": standard})
    if not (1 <= instalments <= 60) or not (1 <= interval_months <= 12):
        raise ProgrammeError(_("instalments must be 1 to 60, every 1 to 12 months"))
    if not name.strip():
        raise ProgrammeError(_("give the programme a name"))
    sha = hashlib.sha256(data).hexdigest()
    existing = Programme.objects.filter(organisation=organisation, source_sha256=sha).first()
    if existing is not None:
        return Imported(existing, False)
    journeys, problems = journeys_from_rows(read_rows(data, filename))
    if problems:
        raise ProgrammeError(
            _("%(n)d problem(s) in the file: nothing was imported") % {"n": len(problems)}, problems
        )
    assessor = Assessor()
    results = {ref: assessor.assess(j, validate=False) for ref, j in journeys.items()}
    now = clock.now()
    with transaction.atomic():
        prog = Programme.objects.create(
            organisation=organisation,
            name=name.strip()[:200],
            standard=standard,
            instalments=instalments,
            first_due=first_due,
            interval_months=interval_months,
            source_name=filename[:300],
            source_sha256=sha,
            ruleset_version=assessor.rules.version,
            created_by=actor,
            created_at=now,
        )
        totals: dict[str, Decimal] = {}
        unknown = 0
        stored: dict[str, int] = {}
        for ref, j in journeys.items():
            res = results[ref]
            sid = _standard_id(standard, j)
            owed = res["owed"].get(sid) or {}
            amount = owed.get("amount")
            status = owed.get("status") or "no_rule"
            w = ProgrammeWorker.objects.create(
                programme=prog,
                worker_ref=ref,
                worker_ref_hash=worker_ref_hashes(prog.pk, ref)[0],
                origin=j["origin"],
                destination=j["destination"],
                journey=j,
                result=res,
                status=status,
                owed=None if amount is None else Decimal(str(round(amount, 2))),
                currency=owed.get("currency") or res["currency"],
                owed_usd=None
                if owed.get("amount_usd") is None
                else Decimal(str(round(owed["amount_usd"], 2))),
            )
            stored[ref] = w.pk
            if w.owed is None:
                unknown += 1
                continue
            totals[w.currency] = totals.get(w.currency, Decimal("0")) + w.owed
            for k, (due, part) in enumerate(
                schedule(w.owed, instalments, first_due, interval_months), start=1
            ):
                Instalment.objects.create(worker=w, number=k, due_date=due, amount=part)
            if w.owed == 0:
                w.settled_at = now
                w.save(update_fields=["settled_at"])
        audit_record(
            actor=actor,
            action="grievance.programme.import",
            target=prog,
            organisation=organisation,
            new={
                "name": prog.name,
                "file": filename,
                "sha256": sha,
                "standard": standard,
                "workers": len(journeys),
                "owed": {k: str(v) for k, v in totals.items()},
                "owed_unknown": unknown,
                "ruleset_version": prog.ruleset_version,
            },
        )
        programme_imported.send(sender=Programme, programme=prog, workers=stored)
    return Imported(prog, True)


@dataclass
class Paid:
    payment: ProgrammePayment
    created: bool  # False: a retry of a payment already recorded (nothing new stored)


PAYMENT_PURPOSE = "programme.payment"


def _amount(value: Any) -> Decimal | None:
    """A positive amount with at most two decimals, or None."""
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d <= 0 or d != d.quantize(Decimal("0.01")) or d >= Decimal("1e12"):
        return None
    return d.quantize(Decimal("0.01"))


def payment_problems(*, amount: Any, paid_on: dt.date | None, reference: str, today: dt.date) -> list[tuple[str, str]]:
    """Every problem with one payment's values, as (field, message)."""
    out = []
    if _amount(amount) is None:
        out.append(("amount", _("must be a number more than 0, with at most two decimals (e.g. 15000.50)")))
    if paid_on is None:
        out.append(("paid_on", _("give the day it was paid (YYYY-MM-DD)")))
    elif paid_on > today:
        out.append(("paid_on", _("the payment date must not be in the future")))
    if len(reference) > 200:
        out.append(("reference", _("at most 200 characters")))
    return out


def programme_payment_record(
    *,
    actor: User,
    worker: ProgrammeWorker,
    amount: Any,
    paid_on: dt.date,
    reference: str = "",
    token: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Paid:
    """Record a payment to one worker, in the worker's currency. With ``token`` (a form's token, an
    ``Idempotency-Key``), the same payment sent again stores nothing new (``created`` False); the same token
    with other values raises ``core.idempotency.IdempotencyMismatch``. Raises ProgrammeError (the first problem)."""
    prog = worker.programme
    if not can(actor, "grievance.programme.manage", prog.organisation_id):
        raise PermissionDenied("not allowed to record payments for this programme")
    reference = reference.strip()
    problems = payment_problems(amount=amount, paid_on=paid_on, reference=reference, today=clock.now().date())
    if problems:
        raise ProgrammeError(f"{problems[0][0]}: {problems[0][1]}")
    value = _amount(amount)
    assert value is not None
    fingerprint = _fingerprint(worker, value, paid_on, reference)
    if token:
        existing = idempotency.prior(ProgrammePayment.objects.all(), token=token, purpose=PAYMENT_PURPOSE,
                                     fingerprint=fingerprint)
        if existing is not None:
            return Paid(existing, False)

    def create(key: str | None) -> ProgrammePayment:
        with transaction.atomic():
            return _pay(actor=actor, worker=worker, amount=value, paid_on=paid_on, reference=reference,
                        key=key, fingerprint=fingerprint, now=clock.now())

    if not token:
        return Paid(create(None), True)
    once = idempotency.create_once(ProgrammePayment.objects.all(), token=token, purpose=PAYMENT_PURPOSE,
                                   fingerprint=fingerprint, create=create)
    return Paid(once.obj, once.created)


def _fingerprint(worker: ProgrammeWorker, amount: Decimal, paid_on: dt.date, reference: str) -> str:
    """What a retry must repeat for it to be the same payment."""
    return idempotency.fingerprint(worker.pk, str(amount), paid_on.isoformat(), reference)


def _pay(*, actor: User, worker: ProgrammeWorker, amount: Decimal, paid_on: dt.date, reference: str,
         key: str | None, fingerprint: str, now: dt.datetime, via: str = "form") -> ProgrammePayment:
    """Store one payment, bring the worker's total and settlement up to date, and audit it (in the caller's
    transaction)."""
    prog = worker.programme
    pay = ProgrammePayment.objects.create(
        worker=worker, amount=amount, paid_on=paid_on, reference=reference[:200], recorded_by=actor,
        created_at=now, idempotency_key=key, input_hash=fingerprint,
    )
    worker.paid = worker.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if worker.owed is not None and worker.paid >= worker.owed and worker.settled_at is None:
        worker.settled_at = now
    worker.save(update_fields=["paid", "settled_at"])
    audit_record(
        actor=actor,
        action="grievance.programme.payment",
        target=prog,
        organisation=prog.organisation,
        new={
            "worker": worker.pk,
            "amount": str(amount),
            "currency": worker.currency,
            "paid_on": paid_on.isoformat(),
            "paid_total": str(worker.paid),
            "settled": worker.settled_at is not None,
            "via": via,
        },
    )
    return pay


PAYMENT_COLUMNS = ("worker_ref", "amount", "paid_on")
PAYMENT_OPTIONAL = ("currency", "reference")


@dataclass
class PaymentsImported:
    recorded: int  # payments stored by this import
    again: int  # rows of this file already recorded by an earlier import of it (nothing new stored)
    workers_settled: int  # workers fully repaid after the import


def payments_import(*, actor: User, programme: Programme, data: bytes, filename: str,
                    clock: Clock = SYSTEM_CLOCK) -> PaymentsImported:
    """Record many payments from a CSV or XLSX file (``worker_ref, amount, paid_on`` and optionally
    ``currency``, ``reference``), e.g. the bank's or the payroll's export. All or nothing: every problem comes back
    as (row, column, message) and nothing is stored. Each row's key is the file's content and the row number, so
    the same file imported again stores nothing new. A ``currency``, when given, must be the worker's."""
    if not can(actor, "grievance.programme.manage", programme.organisation_id):
        raise PermissionDenied("not allowed to record payments for this programme")
    rows = read_rows(data, filename)
    if not rows:
        raise ProgrammeError(_("%(n)d problem(s) in the file: nothing was imported") % {"n": 1},
                             [(1, "(file)", _("no rows"))])
    missing = [c for c in PAYMENT_COLUMNS if c not in rows[0]]
    if missing:
        raise ProgrammeError(_("%(n)d problem(s) in the file: nothing was imported") % {"n": len(missing)},
                             [(1, c, _("column is missing")) for c in missing])
    if len(rows) > MAX_ROWS:
        raise ProgrammeError(_("more than %(n)d rows") % {"n": MAX_ROWS})
    sha = hashlib.sha256(data).hexdigest()
    today = clock.now().date()
    # Every worker of the programme by the hash of their reference (one query; the hashes are per programme).
    hashes = {ref: worker_ref_hashes(programme.pk, ref) for ref in {r.get("worker_ref", "") for r in rows} if ref}
    by_hash = {w.worker_ref_hash: w for w in programme.workers.filter(
        worker_ref_hash__in=[h for hs in hashes.values() for h in hs])}
    problems: list[tuple[int, str, str]] = []
    plan: list[tuple[int, ProgrammeWorker, Decimal, dt.date, str]] = []
    for i, r in enumerate(rows, start=2):
        ref = r.get("worker_ref", "")
        worker = next((by_hash[h] for h in hashes.get(ref, []) if h in by_hash), None)
        if not ref:
            problems.append((i, "worker_ref", _("is required")))
        elif worker is None:
            problems.append((i, "worker_ref", _("no worker with this reference in the programme")))
        try:
            paid_on: dt.date | None = dt.date.fromisoformat(r.get("paid_on", ""))
        except ValueError:
            paid_on = None
        reference = r.get("reference", "")
        problems += [(i, f, m) for f, m in payment_problems(amount=r.get("amount", ""), paid_on=paid_on,
                                                            reference=reference, today=today)]
        currency = r.get("currency", "").upper()
        if worker is not None and currency and currency != worker.currency:
            problems.append((i, "currency", _("is %(c)s: this worker is owed in %(w)s; convert, or leave it "
                                              "empty") % {"c": currency, "w": worker.currency}))
        amount = _amount(r.get("amount", ""))
        if worker is not None and amount is not None and paid_on is not None:
            plan.append((i, worker, amount, paid_on, reference))
    if problems:
        raise ProgrammeError(
            _("%(n)d problem(s) in the file: nothing was imported") % {"n": len(problems)}, sorted(problems)
        )
    # Each row's key under every configured key (the current one first): a row recorded before a key rotation is
    # still found.
    keys = {i: crypto.lookup_hashes(f"{sha}:{i}", purpose=PAYMENT_PURPOSE) for i, *_rest in plan}
    done = set(ProgrammePayment.objects.filter(worker__programme=programme,
                                               idempotency_key__in=[h for hs in keys.values() for h in hs])
               .values_list("idempotency_key", flat=True))
    now = clock.now()
    recorded = 0
    with transaction.atomic():
        for i, worker, amount, paid_on, reference in plan:
            if done.intersection(keys[i]):
                continue
            _pay(actor=actor, worker=worker, amount=amount, paid_on=paid_on, reference=reference, key=keys[i][0],
                 fingerprint=_fingerprint(worker, amount, paid_on, reference), now=now,
                 via=f"file {filename[:100]} row {i}")
            recorded += 1
        if recorded:
            audit_record(actor=actor, action="grievance.programme.payments_import", target=programme,
                         organisation=programme.organisation,
                         new={"file": filename[:300], "sha256": sha, "rows": len(rows), "recorded": recorded})
    settled = programme.workers.filter(settled_at__isnull=False, owed__isnull=False).count()
    return PaymentsImported(recorded=recorded, again=len(plan) - recorded, workers_settled=settled)


def worker_by_ref(prog: Programme, ref: str) -> ProgrammeWorker | None:
    return prog.workers.filter(worker_ref_hash__in=worker_ref_hashes(prog.pk, ref.strip())).first()


def _behind(w: ProgrammeWorker, today: dt.date) -> bool:
    """Paid less than the instalments due by ``today`` (instalments prefetched)."""
    due_by_now = sum((i.amount for i in w.instalments.all() if i.due_date <= today), Decimal("0"))
    return w.owed is not None and w.paid < due_by_now


@dataclass
class WorkerRow:
    worker: ProgrammeWorker
    ref: str
    behind: bool


def workers_page(prog: Programme, *, user: User | None, page: int = 1, only: Collection[int] | None = None,
                 today: dt.date | None = None, purpose: str) -> tuple[list[WorkerRow], bool]:
    """One page (``PAGE`` workers, in the file's order) of the programme's workers with their references read
    through ``crypto.sensitive_read_many`` (each read logged; refused without ``grievance.programme.manage``
    for the programme's organisation), and whether there is a next page. ``only``: just these workers' ids (e.g.
    those behind schedule, ``programme_progress(...)["overdue"]``)."""
    today = today or dt.date.today()
    page = max(1, min(page, 100_000))
    workers = prog.workers.prefetch_related("instalments")
    if only is not None:
        workers = workers.filter(pk__in=only)
    chunk = list(workers[(page - 1) * PAGE : page * PAGE + 1])
    shown = chunk[:PAGE]
    refs = crypto.sensitive_read_many(actor_user=user, objs=shown, field="worker_ref", purpose=purpose)
    return [WorkerRow(w, ref, _behind(w, today)) for w, ref in zip(shown, refs, strict=True)], len(chunk) > PAGE


CSV_COLUMNS = ("worker_ref", "origin", "destination", "status", "currency", "owed", "paid", "outstanding",
               "behind_schedule", "settled_on", "next_due_date", "next_due_amount")


def next_instalment(w: ProgrammeWorker) -> tuple[dt.date, Decimal] | None:
    """The first instalment the payments do not cover yet (paid in order), as (due date, amount left of it)."""
    covered = w.paid
    for i in w.instalments.all():
        if covered < i.amount:
            return i.due_date, i.amount - covered
        covered -= i.amount
    return None


def programme_csv(prog: Programme, *, user: User | None, purpose: str, today: dt.date | None = None) -> str:
    """Every worker of the programme, in the file's order, with what is owed, paid and outstanding and the next
    instalment not yet covered: a file for the payroll. Each reference is a logged read (refused without
    ``grievance.programme.manage`` for the programme's organisation). ``owed`` is empty when unknown (no rule)."""
    today = today or dt.date.today()
    workers = list(prog.workers.prefetch_related("instalments"))
    refs = crypto.sensitive_read_many(actor_user=user, objs=workers, field="worker_ref", purpose=purpose)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for w, ref in zip(workers, refs, strict=True):
        nxt = next_instalment(w)
        out.writerow([
            csv_cell(ref), w.origin, w.destination, w.status, w.currency,
            "" if w.owed is None else w.owed, w.paid,
            "" if w.owed is None else max(w.owed - w.paid, Decimal("0")),
            "yes" if _behind(w, today) else "no",
            w.settled_at.date().isoformat() if w.settled_at else "",
            nxt[0].isoformat() if nxt else "", nxt[1] if nxt else "",
        ])
    return buf.getvalue()


def programme_progress(prog: Programme, *, today: dt.date | None = None) -> dict[str, Any]:
    """Totals per currency, workers settled, and the ids of the workers behind schedule (instalments due and not
    covered by payments)."""
    today = today or dt.date.today()
    workers = list(prog.workers.prefetch_related("instalments"))
    owed: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    overdue = []
    for w in workers:
        if w.owed is None:
            continue
        owed[w.currency] = owed.get(w.currency, Decimal("0")) + w.owed
        paid[w.currency] = paid.get(w.currency, Decimal("0")) + w.paid
        if _behind(w, today):
            overdue.append(w.pk)
    known = [w for w in workers if w.owed is not None]
    return {
        "workers": len(workers),
        "owed_unknown": len(workers) - len(known),
        "settled": sum(1 for w in known if w.settled_at is not None),
        "complete": bool(known) and all(w.settled_at is not None for w in known),
        "owed": owed,
        "paid": paid,
        "overdue": overdue,
    }
