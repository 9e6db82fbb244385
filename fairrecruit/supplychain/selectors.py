"""Due diligence on an organisation's recruiters: for each, what the platform knows today (licence status,
sanctions, certificates, what workers' reviews say in aggregate) and what changed recently; and who may see which
list (permission ``supplychain.manage``: employers their own organisation's, staff any)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from fairrecruit.certification.models import Certificate, CertificateStatus
from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.enforcement.models import Sanction
from fairrecruit.enforcement.selectors import SanctionView, current_by_actor
from fairrecruit.grievances.selectors import public_row_for
from fairrecruit.registry.models import LicenceStatusChange
from fairrecruit.registry.selectors import Status, members_of, statuses, today
from fairrecruit.reviews.selectors import aggregate
from fairrecruit.supplychain.models import Supplier

PERMISSION = "supplychain.manage"
WINDOW_DAYS = 90  # "recent" changes
# A flag is one reason to look closer; rows are ordered by their number, then by name.
FLAGS = {
    "licence": "licence not active",
    "sanction": "sanction in force or to come",
    "certificate": "certificate suspended or withdrawn",
    "fees": "workers' reviews report fees paid",
    "documents": "workers' reviews report passports or documents taken",
    "contract": "workers' reviews report contracts not as promised",
}


def organisations_for(user: User | None) -> QuerySet[Organisation]:
    """The organisations whose list ``user`` may see and change."""
    scope, orgs = scope_for(user, PERMISSION)
    if scope == Scope.ALL:
        return Organisation.objects.order_by("name")
    if scope == Scope.ORGANISATION:
        return Organisation.objects.filter(pk__in=orgs).order_by("name")
    return Organisation.objects.none()


@dataclass
class Change:
    day: dt.date
    what: str


@dataclass
class Row:
    supplier: Supplier
    status: Status
    sanctions: list[SanctionView]
    certificates: list[Certificate]
    reviews: dict[str, Any]
    complaints: dict[str, Any] | None = None  # the public complaint statistics' row (small cells suppressed)
    changes: list[Change] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def flag_texts(self) -> list[str]:
        return [FLAGS[f] for f in self.flags]


def _review_flags(agg: dict[str, Any]) -> list[str]:
    """Flags from the shown aggregates only (the thresholds of the public profile apply)."""
    out = []
    shares = {q["key"]: q["share"] for q in agg.get("questions", [])}
    if (shares.get("paid_fees") or {}).get("yes"):
        out.append("fees")
    if (shares.get("documents_taken") or {}).get("yes"):
        out.append("documents")
    matched = shares.get("contract_matched")
    if matched and matched["yes"] < matched["answered"]:
        out.append("contract")
    return out


def changes_for(owner: dict[int, int], since: dt.date | dt.datetime, until: dt.date | dt.datetime,
                by: str = "effective") -> dict[int, list[Change]]:
    """Changes of licence status, sanctions and certificates of the actors in ``owner`` (record id -> the listed
    actor it counts for): those that took effect from day ``since`` to day ``until`` (``by="effective"``, for the
    page), or those FairRecruit recorded after the moment ``since`` and up to the moment ``until``
    (``by="recorded"``, for the digest: a change recorded late, with an earlier effective day, is still sent, once)."""
    recorded = by == "recorded"

    def between(recorded_field: str, day_field: str) -> dict[str, Any]:
        if recorded:
            return {f"{recorded_field}__gt": since, f"{recorded_field}__lte": until}
        return {f"{day_field}__gte": since, f"{day_field}__lte": until}

    changes: dict[int, list[Change]] = {}
    for h in LicenceStatusChange.objects.filter(licence__actor_id__in=owner,
                                                **between("recorded_at", "effective_date")).select_related(
            "licence", "licence__regulator"):
        changes.setdefault(owner[h.licence.actor_id], []).append(Change(
            h.effective_date, f"licence {h.licence.number} ({h.licence.regulator.name}): {h.status}"
            + (f" — {h.reason}" if h.reason else "")))
    for sanction in Sanction.objects.filter(subject_id__in=owner, **between("recorded_at", "decided_on")
                                            ).select_related("regulator"):
        changes.setdefault(owner[sanction.subject_id], []).append(Change(
            sanction.decided_on, f"{sanction.get_kind_display().lower()} decided by {sanction.regulator.name}"))
    for c in Certificate.objects.filter(actor_id__in=owner,
                                        **between("status_changed_at", "status_changed_at__date")):
        assert c.status_changed_at is not None
        changes.setdefault(owner[c.actor_id], []).append(Change(
            c.status_changed_at.date(), f"certificate {c.number}: {c.get_status_display().lower()}"))
    return changes


def owners(suppliers: list[Supplier]) -> dict[int, int]:
    """Every registry record that counts for a listed recruiter (itself and the records merged into it)."""
    members = members_of(s.actor_id for s in suppliers)
    return {m: a for a, ms in members.items() for m in ms}


def removed(organisation: Organisation, limit: int = 100) -> list[Supplier]:
    """The recruiters taken off the organisation's list, last taken off first: when and by whom (the record of
    when the brand stopped working with a recruiter, e.g. after a ban)."""
    return list(Supplier.objects.filter(organisation=organisation, removed_at__isnull=False)
                .select_related("actor", "removed_by").order_by("-removed_at", "-id")[:limit])


def supply_chain(organisation: Organisation, day: dt.date | None = None,
                 window_days: int = WINDOW_DAYS) -> list[Row]:
    """The organisation's current recruiters, those needing a closer look first."""
    day = day or today()
    since = day - dt.timedelta(days=window_days)
    suppliers = list(Supplier.objects.filter(organisation=organisation, removed_at__isnull=True)
                     .select_related("actor"))
    actors = [s.actor for s in suppliers]
    status = statuses(actors, day) if actors else {}
    sanctions = current_by_actor(actors, day) if actors else {}
    owner = owners(suppliers)
    certs: dict[int, list[Certificate]] = {}
    for c in Certificate.objects.filter(actor_id__in=owner).select_related("scheme").order_by("-valid_until"):
        certs.setdefault(owner[c.actor_id], []).append(c)
    changes = changes_for(owner, since, day)
    complaints = public_row_for(owner)
    rows = []
    for s in suppliers:
        a = s.actor
        agg = aggregate(a)
        row = Row(supplier=s, status=status[a.pk], sanctions=sanctions.get(a.pk, []),
                  certificates=certs.get(a.pk, []), reviews=agg, complaints=complaints.get(a.pk),
                  changes=sorted(changes.get(a.pk, []), key=lambda c: c.day, reverse=True))
        if row.status.level == "bad":
            row.flags.append("licence")
        if any(v.state in ("in_force", "upcoming") for v in row.sanctions):
            row.flags.append("sanction")
        if any(c.status in (CertificateStatus.SUSPENDED, CertificateStatus.WITHDRAWN) for c in row.certificates):
            row.flags.append("certificate")
        row.flags += _review_flags(agg)
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.flags), r.supplier.actor.name.casefold()))
    return rows


CSV_FIELDS = ["identifier", "name", "kind", "country", "relation", "since", "licence_status", "licence_message",
              "sanctions", "certificates", "reviews", "complaints_received", "complaints_resolved", "flags",
              "recent_changes"]


def csv_row(r: Row) -> dict[str, Any]:
    a = r.supplier.actor
    return {
        "identifier": a.identifier, "name": a.name, "kind": a.kind, "country": a.country,
        "relation": r.supplier.relation, "since": r.supplier.since.isoformat() if r.supplier.since else "",
        "licence_status": r.status.code, "licence_message": str(r.status.message),
        "sanctions": [f"{v.sanction.kind} {v.state} from {v.sanction.effective_from.isoformat()}"
                      for v in r.sanctions],
        "certificates": [f"{c.number} {c.status} until {c.valid_until.isoformat()}" for c in r.certificates],
        "reviews": r.reviews["count"],
        "complaints_received": (r.complaints or {}).get("received", 0),
        "complaints_resolved": (r.complaints or {}).get("resolved", 0),
        "flags": r.flags,
        "recent_changes": [f"{c.day.isoformat()} {c.what}" for c in r.changes],
    }
