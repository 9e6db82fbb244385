"""Changes to an organisation's list of recruiters: add (one or a whole file), take off. Each checks everything
first and raises ``SupplyChainError`` with every ``{field, message}``; each write is one transaction with its audit
event. Adding a recruiter already on the list stores nothing new (a retried form or API call is stored once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import audit_record
from fairrecruit.registry.imports import FileError, Problem, read_spreadsheet
from fairrecruit.registry.models import Actor
from fairrecruit.registry.selectors import actor_by_identifier, today
from fairrecruit.supplychain.models import Digest, Relation, Supplier

NOTE_MAX = 500
IMPORT_COLUMNS = ("identifier", "relation", "since", "note")
MAX_ROWS = 5000


class SupplyChainError(ValueError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass
class Checked:
    actor: Actor
    relation: str
    since: dt.date | None
    note: str


def check(identifier: str, relation: str, since: Any = None, note: str = "") -> Checked:
    """The input of one supplier, checked; raises SupplyChainError naming every field to fix."""
    errors: list[dict[str, str]] = []
    identifier = " ".join(str(identifier or "").split())
    actor = None
    if not identifier:
        errors.append({"field": "identifier", "message": "is required: the recruiter's FairRecruit identifier, "
                                                          "e.g. NP-DOFE-1234 (find it at /verify/)"})
    else:
        actor, _merged = actor_by_identifier(identifier)
        if actor is None:
            errors.append({"field": "identifier",
                           "message": f"no registry record has the identifier {identifier!r}: find the recruiter "
                                      "at /verify/ and copy its identifier"})
    relation = str(relation or "").strip()
    if relation not in Relation.values:
        errors.append({"field": "relation", "message": f"must be one of {', '.join(Relation.values)}"})
    day: dt.date | None = None
    if since not in (None, ""):
        if isinstance(since, dt.date):
            day = since
        else:
            try:
                day = dt.date.fromisoformat(str(since).strip())
            except ValueError:
                errors.append({"field": "since", "message": f"must be a date written YYYY-MM-DD, not {since!r}"})
        if day is not None and day > today():
            errors.append({"field": "since", "message": "must not be in the future"})
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        errors.append({"field": "note", "message": f"at most {NOTE_MAX} characters"})
    if errors:
        raise SupplyChainError(errors)
    assert actor is not None
    return Checked(actor, relation, day, note)


def _current(organisation: Organisation, actor: Actor) -> Supplier | None:
    return Supplier.objects.filter(organisation=organisation, actor=actor, removed_at__isnull=True).first()


def _store(user: User | None, organisation: Organisation, c: Checked) -> tuple[Supplier, bool]:
    existing = _current(organisation, c.actor)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            s = Supplier.objects.create(organisation=organisation, actor=c.actor, relation=c.relation,
                                        since=c.since, note=c.note, added_by=user)
            audit_record(actor=user, action="supplier.add", target=s, organisation=organisation,
                         new={"actor": c.actor.identifier, "relation": c.relation,
                              "since": c.since.isoformat() if c.since else None, "note": c.note})
    except IntegrityError:  # the same recruiter added at the same moment by another request
        found = _current(organisation, c.actor)
        if found is None:
            raise
        return found, False
    return s, True


def supplier_add(*, user: User | None, organisation: Organisation, identifier: str, relation: str,
                 since: Any = None, note: str = "") -> tuple[Supplier, bool]:
    """(the supplier, whether it was added now): a recruiter already on the list is returned as it is."""
    return _store(user, organisation, check(identifier, relation, since, note))


@transaction.atomic
def supplier_remove(*, user: User | None, supplier: Supplier) -> Supplier:
    """Take a recruiter off the list; the row stays, with the day and the user."""
    s = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if s.removed_at is None:
        s.removed_at, s.removed_by = timezone.now(), user
        s.save(update_fields=["removed_at", "removed_by"])
        audit_record(actor=user, action="supplier.remove", target=s, organisation=s.organisation,
                     old={"actor": s.actor.identifier, "relation": s.relation})
    return s


@dataclass
class SupplierImport:
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "added": self.added, "unchanged": self.unchanged,
                "problems": [p.as_dict() for p in self.problems]}


def suppliers_import(data: bytes, *, user: User | None, organisation: Organisation) -> SupplierImport:
    """A CSV or XLSX list with the columns identifier, relation, since (optional), note (optional): every row is
    checked first; one bad row imports nothing, and every problem is listed with its row. Recruiters already on
    the list (or twice in the file) are counted as unchanged."""
    result = SupplierImport()
    try:
        table = read_spreadsheet(data)
    except FileError as exc:
        result.problems = exc.problems
        return result
    if not table:
        result.problems.append(Problem(None, None, None, "the file is empty"))
        return result
    header_row, header = table[0]
    names = [str(h or "").strip().lower() for h in header]
    unknown = [n for n in names if n and n not in IMPORT_COLUMNS]
    missing = [c for c in ("identifier", "relation") if c not in names]
    for n in unknown:
        result.problems.append(Problem(header_row, n, n, f"unknown column: use {', '.join(IMPORT_COLUMNS)}"))
    for col in missing:
        result.problems.append(Problem(header_row, col, None, "missing column"))
    if result.problems:
        return result
    checked: list[Checked] = []
    for number, values in table[1:]:
        cells = {n: ("" if v is None else str(v).strip()) for n, v in zip(names, values, strict=False) if n}
        if not any(cells.values()):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.problems.append(Problem(number, None, None, f"at most {MAX_ROWS:,} rows in one file: split it"))
            return result
        since = cells.get("since", "")[:10] if cells.get("since", "")[10:].strip(" 0:") == "" else cells["since"]
        try:
            checked.append(check(cells.get("identifier", ""), cells.get("relation", ""), since,
                                 cells.get("note", "")))
        except SupplyChainError as exc:
            result.problems += [Problem(number, e["field"], cells.get(e["field"], ""), e["message"])
                                for e in exc.errors]
    if result.problems:
        return result
    with transaction.atomic():
        seen: set[int] = set()
        for c in checked:
            if c.actor.pk in seen:
                result.unchanged += 1
                continue
            seen.add(c.actor.pk)
            _s, added = _store(user, organisation, c)
            result.added += added
            result.unchanged += not added
    return result


# ------------------------------------------------------------------------------------------------------ digest
FIRST_DIGEST_DAYS = 7  # an organisation's first digest covers the week before


def _recipients(organisation: Organisation) -> list[str]:
    from fairrecruit.core.models import Membership, Role

    return sorted({m.user.email for m in Membership.objects.filter(
        organisation=organisation, role=Role.EMPLOYER, user__is_active=True).select_related("user")
        if m.user.email})


def digest_message(organisation: Organisation, rows: list[Any]) -> tuple[str, str]:
    n = sum(len(r.changes) for r in rows)
    subject = f"FairRecruit: {n} change{'s' if n != 1 else ''} among your recruiters"
    lines = [f"Recruiters in the supply chain of {organisation.name}: what FairRecruit recorded since the last "
             "message.", ""]
    for r in rows:
        a = r.supplier.actor
        lines.append(f"{a.name} ({a.identifier})")
        lines += [f"  {c.day.isoformat()}: {c.what}" for c in r.changes]
        if r.flags:
            lines.append(f"  to look at: {', '.join(r.flag_texts)}")
        lines.append("")
    lines.append("The whole list, with licence status, sanctions, certificates and reviews: /supply-chain/")
    return subject, "\n".join(lines)


def digest_send(organisation: Organisation, *, dry_run: bool = False) -> Digest:
    """E-mail the organisation's employer users the changes FairRecruit recorded about its recruiters since the
    last digest (the first covers the week before). The e-mail leaves when the transaction commits; a dry run
    stores and sends nothing. Two digests at once for one organisation: the second waits for the first's lock and
    covers only what came after it."""
    from django.core.mail import send_mail

    from fairrecruit.supplychain import selectors

    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        until = timezone.now()
        last = Digest.objects.filter(organisation=organisation).order_by("-until").first()
        since = last.until if last else until - dt.timedelta(days=FIRST_DIGEST_DAYS)
        suppliers = list(Supplier.objects.filter(organisation=organisation, removed_at__isnull=True)
                         .select_related("actor"))
        changes = selectors.changes_for(selectors.owners(suppliers), since, until, by="recorded")
        rows = [r for r in selectors.supply_chain(organisation) if r.supplier.actor_id in changes]
        for r in rows:
            r.changes = sorted(changes[r.supplier.actor_id], key=lambda c: c.day, reverse=True)
        to = _recipients(organisation) if rows else []
        digest = Digest(organisation=organisation, since=since, until=until,
                        changes=sum(len(r.changes) for r in rows), recipients=len(to))
        if dry_run:
            return digest
        digest.save()
        audit_record(actor=None, action="supplychain.digest", target=digest, organisation=organisation,
                     new={"since": since.isoformat(), "until": until.isoformat(), "changes": digest.changes,
                          "recipients": len(to)})
        if to:
            subject, body = digest_message(organisation, rows)
            transaction.on_commit(lambda: send_mail(subject, body, None, to, fail_silently=False))
    return digest
