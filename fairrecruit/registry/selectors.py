"""Reads for the public verification pages and API: search results with licence status, organisation profiles,
job-order checks, licence and job-order look-ups, and the public register. Everything here is public
information about organisations; nothing about workers.

Licence status is judged on a day (``today`` by default): a licence whose ``valid_until`` has passed counts as
expired even when the regulator's list still says active.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rapidfuzz import fuzz

from fairrecruit.contracts.compare import CONVERTED_WAGE_TOLERANCE
from fairrecruit.core import fx
from fairrecruit.core.models import Organisation
from fairrecruit.core.money import money
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.registry import search
from fairrecruit.registry.models import (
    Actor,
    ActorKind,
    Alias,
    ImportFile,
    JobOrder,
    Licence,
    LicenceStatus,
    LicenceStatusChange,
    Relationship,
    RelationshipKind,
)
from fairrecruit.registry.names import licence_keys, search_key, standardise_licence

# Worst first: the status shown when no licence is active.
SEVERITY = {
    LicenceStatus.BANNED: 0,
    LicenceStatus.REVOKED: 1,
    LicenceStatus.CANCELLED: 2,
    LicenceStatus.SUSPENDED: 3,
    LicenceStatus.EXPIRED: 4,
    LicenceStatus.ACTIVE: 5,
}
WAGE_LURE_RATIO = Decimal("1.5")  # an offer this much above the approved wage is a warning sign
EMPLOYER_MIN_SCORE = 80.0
OCCUPATION_MIN_SCORE = 70.0
NOT_FOUND_STEPS = [  # translated where shown
    gettext_noop("Ask the recruiter for the agency's licence number and search for it here."),
    gettext_noop(
        "Check the regulator's own list of licensed agencies (for example the Department of Foreign Employment "
        "in Nepal, the Department of Migrant Workers in the Philippines, BMET in Bangladesh, eMigrate in India)."
    ),
    gettext_noop(
        "If someone asks you for money and cannot show a licence, do not pay. Report them to the regulator, a "
        "union or a migrant resource centre."
    ),
]


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------- sources
def source_of(obj: Any) -> dict[str, Any]:
    """Where a fact came from: import file and row, or a note."""
    f = getattr(obj, "source_file", None)
    return {
        "file": f.filename if f else None,
        "row": getattr(obj, "source_row", None),
        "note": getattr(obj, "source_note", "") or "",
        "imported_at": f.imported_at if f else None,
    }


def source_text(src: dict[str, Any]) -> str:
    bits = []
    if src["file"]:
        bits.append(f"{src['file']}, row {src['row']}" if src["row"] else src["file"])
    if src["note"]:
        bits.append(src["note"])
    return "; ".join(bits) or _("no source recorded")


# ---------------------------------------------------------------------------------------------- licence status
@dataclass
class LicenceView:
    licence: Licence
    state: str  # the status on the day: as listed, or "expired" when valid_until has passed
    expired_by_date: bool
    since: dt.date | None
    history: list[LicenceStatusChange] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def valid_until(self) -> dt.date | None:
        return self.licence.valid_until


def licence_view(lic: Licence, day: dt.date) -> LicenceView:
    history = list(lic.history.all())
    for h in history:
        h.source = source_of(h)  # type: ignore[attr-defined]
    state = lic.status
    by_date = lic.status == LicenceStatus.ACTIVE and lic.valid_until is not None and lic.valid_until < day
    if by_date:
        state = LicenceStatus.EXPIRED
    since = None
    for h in reversed(history):
        if h.status == lic.status:
            since = h.effective_date
        else:
            break
    if by_date:
        since = lic.valid_until
    return LicenceView(
        licence=lic, state=state, expired_by_date=by_date, since=since, history=history, source=source_of(lic)
    )


@dataclass
class Status:
    """What a worker needs to know first about an actor. ``level``: ok (green), bad (red), unknown (amber),
    info (neutral)."""

    code: str
    level: str
    message: str
    licence: LicenceView | None = None
    via: Actor | None = None  # a branch's head office whose licence counts

    def as_dict(self) -> dict[str, Any]:
        lic = self.licence
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "licence_number": lic.licence.number if lic else None,
            "regulator": lic.licence.regulator.name if lic else None,
            "valid_until": lic.licence.valid_until if lic else None,
            "since": lic.since if lic else None,
            "via": self.via.identifier if self.via else None,
        }


def _licence_status(lv: LicenceView, day: dt.date) -> Status:
    lic = lv.licence
    since = f" {_('since')} {lv.since.isoformat()}" if lv.since else ""
    if lv.state == LicenceStatus.ACTIVE:
        if lic.valid_until:
            msg = _("Licensed (active) until %(date)s") % {"date": lic.valid_until.isoformat()}
        else:
            msg = _("Licensed (active); the list gives no end date")
        return Status("active", "ok", msg, lv)
    if lv.expired_by_date:
        msg = _(
            "Licence expired on %(date)s (the regulator's list still says active). They may not recruit until "
            "it is renewed: ask to see the renewed licence."
        ) % {"date": lic.valid_until.isoformat() if lic.valid_until else "?"}
        return Status("expired", "bad", msg, lv)
    messages = {
        LicenceStatus.SUSPENDED: _("Licence SUSPENDED%(since)s: they may not recruit now. Do not pay them."),
        LicenceStatus.BANNED: _(
            "BANNED%(since)s: they may not recruit. Do not pay them; report anyone recruiting in their name."
        ),
        LicenceStatus.REVOKED: _("Licence REVOKED%(since)s: they may not recruit. Do not pay them."),
        LicenceStatus.CANCELLED: _("Licence CANCELLED%(since)s: they may not recruit. Do not pay them."),
        LicenceStatus.EXPIRED: _("Licence EXPIRED%(since)s: they may not recruit until it is renewed."),
    }
    return Status(lv.state, "bad", messages[lv.state] % {"since": since}, lv)  # type: ignore[index]


def primary_licence(views: list[LicenceView]) -> LicenceView | None:
    """The licence that decides: an active one (the latest ending), else the worst."""
    if not views:
        return None
    active = [v for v in views if v.state == LicenceStatus.ACTIVE]
    if active:
        return max(active, key=lambda v: (v.licence.valid_until or dt.date.max, v.licence.id))
    return min(views, key=lambda v: (SEVERITY.get(v.state, 9), -(v.licence.id or 0)))  # type: ignore[call-overload]


def status_of(
    actor: Actor, views: list[LicenceView], day: dt.date, head: tuple[Actor, list[LicenceView]] | None = None
) -> Status:
    lv = primary_licence(views)
    if lv is not None:
        return _licence_status(lv, day)
    kind = actor.kind
    if kind == ActorKind.BRANCH and head is not None:
        hs = status_of(head[0], head[1], day)
        return Status(
            hs.code,
            hs.level,
            _("Branch of %(name)s: %(status)s") % {"name": head[0].name, "status": hs.message},
            hs.licence,
            via=head[0],
        )
    if kind in (ActorKind.SUB_AGENT, ActorKind.INDIVIDUAL_BROKER):
        return Status(
            "sub_agent",
            "bad",
            _(
                "Not licensed — sub-agents and brokers may not recruit on their own. Only deal with a licensed "
                "agency; check which agency they work for."
            ),
        )
    if kind == ActorKind.REPORTED:
        return Status(
            "reported",
            "bad",
            _("Reported by workers and not licensed. Do not pay them; only deal with a licensed agency."),
        )
    if kind == ActorKind.EMPLOYER:
        return Status(
            "employer",
            "info",
            _("Employer. Employers are not licensed: check that the job order is approved."),
        )
    if kind == ActorKind.REGULATOR:
        return Status("regulator", "info", _("Regulator (issues licences)."))
    return Status(
        "no_licence",
        "unknown",
        _(
            "No licence on record in FairRecruit. Ask for the licence number and check it on the regulator's list."
        ),
    )


def _licences_for(actor_ids: Iterable[int], day: dt.date) -> dict[int, list[LicenceView]]:
    out: dict[int, list[LicenceView]] = defaultdict(list)
    qs = (
        Licence.objects.filter(actor_id__in=set(actor_ids))
        .select_related("regulator", "source_file")
        .prefetch_related(
            Prefetch(
                "history",
                queryset=LicenceStatusChange.objects.select_related("source_file").order_by(
                    "effective_date", "id"
                ),
            )
        )
        .order_by("id")
    )
    for lic in qs:
        out[lic.actor_id].append(licence_view(lic, day))
    return out


def members_of(actor_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each actor id with the ids of every record merged into it (directly or through others), itself first."""
    out: dict[int, list[int]] = {i: [i] for i in actor_ids}
    root: dict[int, int] = {i: i for i in out}
    frontier = list(out)
    for _i in range(10):  # merge chains are short
        if not frontier:
            break
        nxt = []
        for child, parent in Actor.objects.filter(merged_into_id__in=frontier).values_list(
            "id", "merged_into_id"
        ):
            if child not in root:
                root[child] = root[parent]
                out[root[child]].append(child)
                nxt.append(child)
        frontier = nxt
    return out


def member_ids(actor: Actor) -> list[int]:
    """The actor and every record merged into it (directly or through others)."""
    return members_of([actor.pk])[actor.pk]


def statuses(actors: list[Actor], day: dt.date | None = None) -> dict[int, Status]:
    """Status of each actor (with licences of records merged into it, and a branch's head office)."""
    day = day or today()
    members = members_of(a.pk for a in actors)
    all_ids = {i for ids in members.values() for i in ids}
    heads: dict[int, Actor] = {}
    branch_ids = [a.pk for a in actors if a.kind == ActorKind.BRANCH]
    if branch_ids:
        for rel in Relationship.objects.filter(
            source_id__in=branch_ids, kind=RelationshipKind.BRANCH_OF
        ).select_related("target"):
            heads.setdefault(rel.source_id, rel.target)
    lic = _licences_for(all_ids | {h.pk for h in heads.values()}, day)
    out = {}
    for a in actors:
        views = [v for i in members[a.pk] for v in lic.get(i, [])]
        head = heads.get(a.pk)
        out[a.pk] = status_of(a, views, day, (head, lic.get(head.pk, [])) if head else None)
    return out


# ---------------------------------------------------------------------------------------------- search results
@dataclass
class Result:
    actor: Actor
    status: Status
    score: float
    how: str
    matched: str
    matched_alias: str  # the alias (in its own script) that matched, when not the main name
    via: Actor | None
    works_for: list[tuple[Actor, Status]] = field(default_factory=list)
    sanctions: list[Any] = field(default_factory=list)  # set by the page: enforcement.selectors.current_by_actor


def verify_search(
    text: str, *, limit: int = 20, country: str = "", kind: str = "", day: dt.date | None = None
) -> list[Result]:
    """Search results with what a worker needs to see at once: licence status and, for sub-agents, the agencies
    they say they work for."""
    day = day or today()
    matches = search.search(text, limit=limit, country=country, kind=kind)
    if not matches:
        return []
    ids = {m.actor_id for m in matches} | {m.via_id for m in matches if m.via_id}
    actors = Actor.objects.in_bulk(ids)
    aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, name in Alias.objects.filter(actor_id__in=ids).values_list("actor_id", "name"):
        aliases[actor_id].append(name)
    shown = [actors[m.actor_id] for m in matches if m.actor_id in actors]
    st = statuses(shown, day)
    works: dict[int, list[Actor]] = defaultdict(list)
    sub_ids = [
        a.pk
        for a in shown
        if a.kind in (ActorKind.SUB_AGENT, ActorKind.INDIVIDUAL_BROKER, ActorKind.REPORTED)
    ]
    if sub_ids:
        for rel in Relationship.objects.filter(
            source_id__in=sub_ids, kind=RelationshipKind.WORKS_FOR
        ).select_related("target"):
            if rel.end is None or rel.end >= day:
                works[rel.source_id].append(rel.target)
    agency_st = statuses([t for ts in works.values() for t in ts], day) if works else {}
    out = []
    for m in matches:
        a = actors.get(m.actor_id)
        if a is None:
            continue
        matched_on = actors.get(m.via_id) if m.via_id else a
        alias = ""
        if m.how == "name" and matched_on is not None and m.matched != search_key(matched_on.name):
            alias = next((n for n in aliases.get(matched_on.pk, []) if search_key(n) == m.matched), m.matched)
        out.append(
            Result(
                actor=a,
                status=st[a.pk],
                score=m.score,
                how=m.how,
                matched=m.matched,
                matched_alias=alias,
                via=actors.get(m.via_id) if m.via_id else None,
                works_for=[(t, agency_st[t.pk]) for t in works.get(a.pk, [])],
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- profile
def actor_by_identifier(identifier: str) -> tuple[Actor | None, Actor | None]:
    """(actor to show, record asked for when it was merged into the actor shown)."""
    a = (
        Actor.objects.filter(identifier=identifier).first()
        or Actor.objects.filter(identifier=identifier.upper()).first()
    )
    if a is None or a.merged_into_id is None:
        return a, None
    survivor_id = search.resolve_survivors([a.pk])[a.pk]
    return Actor.objects.get(pk=survivor_id), a


@dataclass
class Related:
    actor: Actor
    status: Status
    relationship: Relationship
    current: bool
    source: dict[str, Any]


# (relationship kind, direction) -> heading; "out": this actor is the source
RELATION_GROUPS = [
    ("sub_agents", RelationshipKind.WORKS_FOR, "in", gettext_noop("Sub-agents and brokers working for it")),
    ("works_for", RelationshipKind.WORKS_FOR, "out", gettext_noop("Agencies it works for")),
    ("branch_of", RelationshipKind.BRANCH_OF, "out", gettext_noop("Branch of")),
    ("branches", RelationshipKind.BRANCH_OF, "in", gettext_noop("Branches")),
    ("partners", RelationshipKind.PARTNERS_WITH, "both", gettext_noop("Partner agencies")),
    (
        "recruits_through",
        RelationshipKind.RECRUITS_THROUGH,
        "out",
        gettext_noop("Agencies it recruits through"),
    ),
    ("employers", RelationshipKind.RECRUITS_THROUGH, "in", gettext_noop("Employers recruiting through it")),
]


def job_order_view(jo: JobOrder, day: dt.date) -> dict[str, Any]:
    state = "valid"
    if jo.valid_until < day:
        state = "expired"
    elif jo.valid_from > day:
        state = "not_yet_valid"
    return {"job_order": jo, "state": state, "source": source_of(jo)}


def actor_profile(actor: Actor, day: dt.date | None = None) -> dict[str, Any]:
    """Everything public about an actor, including the records merged into it."""
    day = day or today()
    ids = member_ids(actor)
    merged = list(Actor.objects.filter(pk__in=[i for i in ids if i != actor.pk]).order_by("identifier"))
    aliases = list(Alias.objects.filter(actor_id__in=ids).select_related("source_file").order_by("name"))
    names_seen = {actor.name}
    alias_rows = []
    for al in aliases:
        if al.name not in names_seen:
            names_seen.add(al.name)
            alias_rows.append({"name": al.name, "source": source_of(al)})
    for m in merged:
        if m.name not in names_seen:
            names_seen.add(m.name)
            alias_rows.append(
                {
                    "name": m.name,
                    "source": {
                        "file": None,
                        "row": None,
                        "imported_at": None,
                        "note": _("name of merged record %(id)s") % {"id": m.identifier},
                    },
                }
            )
    lic = _licences_for(ids, day)
    views = sorted(
        (v for i in ids for v in lic.get(i, [])), key=lambda v: (v.licence.valid_from or dt.date.min)
    )
    status = statuses([actor], day)[actor.pk]
    rels = list(
        Relationship.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .select_related("source", "target", "source_file")
        .order_by("start", "id")
    )
    others = {}
    for r in rels:
        other = r.target if r.source_id in ids else r.source
        others[other.pk] = other
    other_status = statuses(list(others.values()), day) if others else {}
    groups: dict[str, list[Related]] = {g[0]: [] for g in RELATION_GROUPS}
    for r in rels:
        outgoing = r.source_id in ids
        other = r.target if outgoing else r.source
        if other.pk in ids:
            continue
        for key, kind, direction, _heading in RELATION_GROUPS:
            if r.kind == kind and (direction == "both" or (direction == "out") == outgoing):
                groups[key].append(
                    Related(
                        actor=other,
                        status=other_status[other.pk],
                        relationship=r,
                        current=r.end is None or r.end >= day,
                        source=source_of(r),
                    )
                )
                break
    job_orders = (
        JobOrder.objects.filter(Q(employer_id__in=ids) | Q(agency_id__in=ids))
        .select_related("employer", "agency", "approved_by", "source_file")
        .order_by("-valid_until", "number")
    )
    return {
        "actor": actor,
        "status": status,
        "aliases": alias_rows,
        "merged": merged,
        "licences": views,
        "relations": [
            {"key": key, "heading": _(heading), "items": groups[key]}
            for key, _k, _d, heading in RELATION_GROUPS
            if groups[key]
        ],
        "job_orders": [job_order_view(jo, day) for jo in job_orders],
        "source": source_of(actor),
        "day": day,
    }


# ---------------------------------------------------------------------------------------------- job offers
@dataclass
class JobOfferCheck:
    """The answer to "is this job offer real?". ``verdict``: ok (an approved, valid job order matches and
    nothing is wrong), warning (one matches but something is wrong), not_found (none matches)."""

    verdict: str
    job_order: JobOrder | None = None
    job_order_state: str = ""
    employer: Actor | None = None
    wage: str = "not_given"  # same | higher | much_higher | lower | not_compared | not_given
    wage_conversion: WageConversion | None = None  # when the offer's currency is not the job order's
    agency_status: Status | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    other_matches: list[JobOrder] = field(default_factory=list)


@dataclass
class WageConversion:
    """The wage offered and the approved wage in US dollars at the reference rates of ``day``
    (``fairrecruit.core.fx``); ``None`` where the rate of a currency (listed in ``missing``) is not known."""

    day: dt.date
    offered_usd: Decimal | None
    approved_usd: Decimal | None
    rates: list[fx.Rate]
    missing: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "offered_usd": self.offered_usd,
            "approved_usd": self.approved_usd,
            "rates": [r.as_dict() for r in self.rates],
            "missing_rates": self.missing,
        }


def wages_in_usd(offered: tuple[Decimal, str], approved: tuple[Decimal, str], day: dt.date) -> WageConversion:
    """Both wages in US dollars at the rates of ``day`` (the closest earlier published day; never guessed)."""
    usd: list[Decimal | None] = []
    rates: list[fx.Rate] = []
    missing: list[str] = []
    for amount, currency in (offered, approved):
        value, rate = fx.to_usd(float(amount), currency, day)
        usd.append(None if value is None else Decimal(str(round(value, 2))))
        if rate is None:
            missing.append(currency)
        elif currency != "USD" and rate not in rates:
            rates.append(rate)
    return WageConversion(day, usd[0], usd[1], rates, missing)


def _job_order_by_number(number: str) -> list[JobOrder]:
    number = " ".join(number.split())
    qs = JobOrder.objects.select_related("employer", "agency", "approved_by")
    found = list(qs.filter(number__iexact=number))
    if found:
        return found
    std = standardise_licence(number)
    if len(std) < 3:
        return []
    # narrow down by digit groups (as typed, and the last three digits), then compare standardised numbers
    groups = {g for g in re.findall(r"\d+", number) if len(g) >= 3}
    digits = re.sub(r"\D", "", number)
    if len(digits) >= 3:
        groups.add(digits[-3:])
    if not groups:
        return []
    cond = Q()
    for g in groups:
        cond |= Q(number__icontains=g)
    return [jo for jo in qs.filter(cond)[:2000] if standardise_licence(jo.number) == std]


def _occupation_score(a: str, b: str) -> float:
    return fuzz.token_set_ratio(search_key(a), search_key(b))


def find_employers(name: str, *, limit: int = 5) -> list[tuple[Actor, float]]:
    matches = search.search_names(search.Query.parse(name), limit=limit * 4, min_score=EMPLOYER_MIN_SCORE)
    actors = Actor.objects.in_bulk([m.actor_id for m in matches])
    out = []
    for m in matches:
        a = actors.get(m.actor_id)
        if a is not None and a.kind in (ActorKind.EMPLOYER, ActorKind.DESTINATION_AGENCY):
            out.append((a, m.score))
    return out[:limit]


def _sanction_warnings(actors: list[Actor], day: dt.date) -> list[str]:
    """A warning for each suspension, revocation or ban in force (or to come) on the employer or the agency of a
    job order: a regulator's ban of an employer (a blacklisted foreign employer) is not on any licence."""
    if not apps.is_installed("fairrecruit.enforcement"):
        return []
    from fairrecruit.enforcement.selectors import current_by_actor

    out = []
    current = current_by_actor(actors, day)
    for a in actors:
        for v in current.get(a.pk, []):
            if v.state in ("in_force", "upcoming"):
                s = v.sanction
                out.append(_("%(name)s is under a sanction by %(regulator)s: %(sanction)s, from %(d)s.") % {
                    "name": a.name, "regulator": s.regulator.name, "sanction": s.get_kind_display(),
                    "d": s.effective_from.isoformat()})
    return out


def _minimum_wage_warnings(destination: str, origin: str, domestic_work: bool, day: dt.date,
                           offered: tuple[Decimal, str] | None, jo: JobOrder | None) -> list[str]:
    """Warnings when the wage offered, or the job order's approved wage, is below a legal minimum wage that covers
    the worker on ``day``: the destination's own, or the one the worker's country sets for its workers abroad (the
    rule files' minimum wages, through the contracts app's check: the same conversion at the reference rate and
    tolerance). Nothing when none is known."""
    if not destination or not apps.is_installed("fairrecruit.contracts"):
        return []
    from fairrecruit.contracts.compare import Money
    from fairrecruit.contracts.selectors import below_minimum_text, wages_below_minimum

    wages = [("offered", offered), ("approved", (jo.wage_amount, jo.wage_currency) if jo is not None else None)]
    found = wages_below_minimum(origin, destination, day, domestic_work,
                                [(which, Money(*wage)) for which, wage in wages if wage is not None])
    return [below_minimum_text(which, wage, check.minimum, destination) for which, wage, check in found]


def _compare_wages(res: JobOfferCheck, wage: tuple[Decimal, str], jo: JobOrder, day: dt.date) -> None:
    """Set ``res.wage`` and its warning or note: the wage offered against the job order's approved wage, in US
    dollars at the rates of ``day`` when the currencies differ (within ``CONVERTED_WAGE_TOLERANCE``: rates move
    and wages are quoted in round numbers). Without a rate the wages are not compared, and that is a warning."""
    offered, approved = money(*wage), money(jo.wage_amount, jo.wage_currency)
    got, want, margin = wage[0], jo.wage_amount, Decimal(0)
    if wage[1] != jo.wage_currency:
        conv = res.wage_conversion = wages_in_usd(wage, (jo.wage_amount, jo.wage_currency), day)
        if conv.offered_usd is None or conv.approved_usd is None:
            res.wage = "not_compared"
            res.warnings.append(
                _(
                    "We could not compare the wage you were offered (%(o)s) with the approved wage (%(a)s): we "
                    "have no exchange rate for %(c)s on %(d)s. Ask for the wage in %(jc)s, as written in the job "
                    "order."
                )
                % {"o": offered, "a": approved, "c": ", ".join(conv.missing), "d": day.isoformat(),
                   "jc": jo.wage_currency}
            )
            return
        got, want = conv.offered_usd, conv.approved_usd
        margin = want * CONVERTED_WAGE_TOLERANCE
        res.notes.append(
            _(
                "In US dollars at the exchange rates of %(d)s, the wage you were offered is about %(o)s and the "
                "approved wage about %(a)s. Rates change: ask for the wage in %(c)s, as written in the job order."
            )
            % {"d": day.isoformat(), "o": money(got, "USD"), "a": money(want, "USD"), "c": jo.wage_currency}
        )
    values = {"o": offered, "a": approved}
    if got < want - margin:
        res.wage = "lower"
        res.warnings.append(
            _(
                "The wage you were offered (%(o)s) is LOWER than the approved wage (%(a)s). "
                "You should be paid at least %(a)s."
            )
            % values
        )
    elif got > want * WAGE_LURE_RATIO:
        res.wage = "much_higher"
        res.warnings.append(
            _(
                "The wage you were offered (%(o)s) is much higher than the approved wage "
                "(%(a)s). Offers that sound too good are a common lure: ask for the approved "
                "contract and check it."
            )
            % values
        )
    elif got > want + margin:
        res.wage = "higher"
        res.notes.append(
            _(
                "The wage you were offered (%(o)s) is higher than the approved wage (%(a)s). "
                "Make sure your contract says so."
            )
            % values
        )
    else:
        res.wage = "same"
        res.notes.append(_("The wage matches the approved wage (%(a)s).") % {"a": approved})


def check_job_offer(
    *,
    job_order_number: str = "",
    employer: str = "",
    destination: str = "",
    occupation: str = "",
    wage_amount: Decimal | None = None,
    wage_currency: str = "",
    origin: str = "",
    domestic_work: str = "",
    day: dt.date | None = None,
) -> JobOfferCheck:
    """Does an approved, still valid job order match the offer, and does the wage match it? Inputs are already
    validated (forms.JobOfferForm)."""
    day = day or today()
    res = JobOfferCheck(verdict="not_found")
    candidates: list[tuple[JobOrder, float]] = []
    if job_order_number:
        by_number = _job_order_by_number(job_order_number)
        if by_number:
            candidates = [(jo, 100.0) for jo in by_number]
        else:
            res.warnings.append(_("No approved job order has the number %(n)s.") % {"n": job_order_number})
    if not candidates and employer:
        employers = find_employers(employer)
        if not employers:
            res.warnings.append(
                _(
                    "We could not find the employer \u201c%(name)s\u201d in the registry. A real job abroad has an "
                    "employer with an approved job order (demand letter)."
                )
                % {"name": employer}
            )
        else:
            emp_ids = {}
            for a, score in employers:
                for i in member_ids(a):
                    emp_ids[i] = (a, score)
            qs = JobOrder.objects.filter(employer_id__in=emp_ids).select_related(
                "employer", "agency", "approved_by"
            )
            if destination:
                qs = qs.filter(destination=destination)
            for jo in qs:
                occ = _occupation_score(occupation, jo.occupation) if occupation else 100.0
                if occ >= OCCUPATION_MIN_SCORE:
                    candidates.append((jo, emp_ids[jo.employer_id][1] + occ / 10))
            res.employer = employers[0][0]
            if not candidates:
                where = f" ({destination})" if destination else ""
                job = f" {_('for')} \u201c{occupation}\u201d" if occupation else ""
                res.warnings.append(
                    _("%(name)s%(where)s is in the registry, but we found no approved job order%(job)s.")
                    % {"name": employers[0][0].name, "where": where, "job": job}
                )
    offer = (wage_amount, wage_currency) if wage_amount is not None and wage_currency else None
    if not candidates:
        res.warnings += _minimum_wage_warnings(destination, origin, domestic_work == "yes", day, offer, None)
        res.next_steps = [
            _("Ask the recruiter for the job order (demand letter) number and the agency's licence number."),
            _(
                "Check the job order with the regulator of your country before you pay anything or hand over your "
                "passport."
            ),
            _(
                "If the offer came through social media or a broker with no licence, be careful: this is how many "
                "fake job offers reach workers. Report it to the regulator, a union or a migrant resource centre."
            ),
        ]
        return res

    def rank(c: tuple[JobOrder, float]) -> tuple[int, float, dt.date]:
        jo, s = c
        return (1 if jo.valid_from <= day <= jo.valid_until else 0, s, jo.valid_until)

    candidates.sort(key=rank, reverse=True)
    jo = candidates[0][0]
    res.job_order = jo
    res.other_matches = [c[0] for c in candidates[1:6]]
    res.employer = jo.employer
    res.job_order_state = job_order_view(jo, day)["state"]
    if res.job_order_state == "expired":
        res.warnings.append(
            _("This job order expired on %(d)s: recruitment under it is no longer allowed.")
            % {"d": jo.valid_until.isoformat()}
        )
    elif res.job_order_state == "not_yet_valid":
        res.warnings.append(_("This job order is only valid from %(d)s.") % {"d": jo.valid_from.isoformat()})
    if job_order_number and destination and jo.destination != destination:
        res.warnings.append(
            _("This job order is for a job in %(a)s, not %(b)s.") % {"a": jo.destination, "b": destination}
        )
    if (
        job_order_number
        and employer
        and fuzz.token_set_ratio(search_key(employer), search_key(jo.employer.name)) < EMPLOYER_MIN_SCORE
    ):
        res.warnings.append(
            _("This job order belongs to %(name)s, not the employer you typed.") % {"name": jo.employer.name}
        )
    if (
        job_order_number
        and occupation
        and _occupation_score(occupation, jo.occupation) < OCCUPATION_MIN_SCORE
    ):
        res.warnings.append(
            _("This job order is for \u201c%(occ)s\u201d, not the job you typed.") % {"occ": jo.occupation}
        )
    if offer is not None:
        _compare_wages(res, offer, jo, day)
    else:
        res.notes.append(_("The approved monthly wage is %(a)s.") % {"a": money(jo.wage_amount, jo.wage_currency)})
    if jo.agency is not None:
        ast = statuses([jo.agency], day)[jo.agency.pk]
        res.agency_status = ast
        if ast.code != "active":
            res.warnings.append(
                _("The recruitment agency on this job order, %(name)s, has no active licence: %(status)s")
                % {"name": jo.agency.name, "status": ast.message}
            )
    res.warnings += _sanction_warnings([a for a in (jo.employer, jo.agency) if a is not None], day)
    res.warnings += _minimum_wage_warnings(jo.destination, origin, domestic_work == "yes", day, offer, jo)
    res.verdict = "warning" if res.warnings else "ok"
    if res.warnings:
        res.next_steps = [
            _("Do not pay or hand over your passport until the problems above are cleared up."),
            _(
                "Ask the agency to show the approved job order and its licence, and check them with the regulator."
            ),
        ]
    return res


# ---------------------------------------------------------------------------------------------- API look-ups
def licences_by_number(number: str, regulator: str = "", day: dt.date | None = None) -> list[LicenceView]:
    """Licences whose standardised number is the one typed, with or without words such as "Lic. No." in front
    (``names.licence_keys``, as the search does)."""
    day = day or today()
    qs = (
        Licence.objects.filter(number_std__in=licence_keys(number))
        .select_related("actor", "regulator", "source_file")
        .prefetch_related(
            Prefetch(
                "history",
                queryset=LicenceStatusChange.objects.select_related("source_file").order_by(
                    "effective_date", "id"
                ),
            )
        )
    )
    if regulator:
        qs = qs.filter(Q(regulator__identifier__iexact=regulator) | Q(regulator__name__icontains=regulator))
    return [licence_view(lic, day) for lic in qs.order_by("id")[:50]]


def job_orders_find(
    *, number: str = "", employer: str = "", destination: str = "", limit: int = 50
) -> list[JobOrder]:
    qs = JobOrder.objects.select_related("employer", "agency", "approved_by", "source_file")
    if number:
        found = _job_order_by_number(number)
        qs = qs.filter(pk__in=[jo.pk for jo in found])
    if employer:
        ids = [i for a, _s in find_employers(employer) for i in member_ids(a)]
        qs = qs.filter(employer_id__in=ids)
    if destination:
        qs = qs.filter(destination=destination)
    return list(qs.order_by("-valid_until", "number")[:limit])


def organisations_browse(*, country: str = "", kind: str = "") -> QuerySet[Actor]:
    qs = Actor.objects.filter(merged_into__isnull=True)
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


# ---------------------------------------------------------------------------------------------- public register
REGISTER_FIELDS = [
    "identifier",
    "name",
    "aliases",
    "kind",
    "country",
    "city",
    "address",
    "phones",
    "websites",
    "regulator_identifier",
    "regulator",
    "licence_number",
    "status_listed",
    "status",
    "status_since",
    "valid_from",
    "valid_until",
]


def register_rows(day: dt.date | None = None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """One row per licence of every actor that holds one (merged records shown on their survivor): the public
    register. ``status`` is the status on ``day`` (expired when the validity has passed); ``status_listed`` is
    what the regulator's list says. Organisation data only: nothing about workers."""
    day = day or today()
    last = 0
    while True:
        batch = list(
            Licence.objects.filter(pk__gt=last)
            .select_related("actor", "regulator")
            .prefetch_related(
                Prefetch("history", queryset=LicenceStatusChange.objects.order_by("effective_date", "id"))
            )
            .order_by("pk")[:chunk]
        )
        if not batch:
            return
        last = batch[-1].pk
        holders = {lic.actor_id for lic in batch}
        survivors = search.resolve_survivors(holders)
        surv_actors = Actor.objects.in_bulk(set(survivors.values()))
        aliases: dict[int, list[str]] = defaultdict(list)
        for actor_id, name in (
            Alias.objects.filter(actor_id__in=set(survivors.values()))
            .values_list("actor_id", "name")
            .order_by("name")
        ):
            aliases[actor_id].append(name)
        for lic in batch:
            a = surv_actors.get(survivors.get(lic.actor_id, lic.actor_id), lic.actor)
            lv = licence_view(lic, day)
            yield {
                "identifier": a.identifier,
                "name": a.name,
                "aliases": aliases.get(a.pk, []),
                "kind": a.kind,
                "country": a.country,
                "city": a.city,
                "address": a.address,
                "phones": list(a.phones or []),
                "websites": list(a.websites or []),
                "regulator_identifier": lic.regulator.identifier,
                "regulator": lic.regulator.name,
                "licence_number": lic.number,
                "status_listed": lic.status,
                "status": lv.state,
                "status_since": lv.since.isoformat() if lv.since else None,
                "valid_from": lic.valid_from.isoformat() if lic.valid_from else None,
                "valid_until": lic.valid_until.isoformat() if lic.valid_until else None,
            }


def import_mappings_for(user: Any) -> list[Any]:
    """The shipped column mappings a user may import with: every one for staff, those of the regulators of their
    organisations' countries for a regulator. (``imports`` builds on the services: imported here, not on top.)"""
    from fairrecruit.registry.imports import list_mappings

    scope, orgs = scope_for(user, "registry.import")
    if scope == Scope.NONE:
        return []
    mappings = list_mappings()
    if scope == Scope.ALL:
        return mappings
    countries = set(Organisation.objects.filter(pk__in=orgs).exclude(country="").values_list("country", flat=True))
    return [m for m in mappings if m.regulator_country in countries]


def import_files_for(user: Any, mappings: list[Any]) -> QuerySet[ImportFile]:
    """Imported files the user may see: all for staff, those of the regulators of ``mappings`` (the user's, from
    :func:`import_mappings_for`) for a regulator."""
    qs = ImportFile.objects.select_related("imported_by").order_by("-imported_at", "-id")
    if scope_for(user, "registry.import")[0] == Scope.ALL:
        return qs
    return qs.filter(regulator_code__in=[m.regulator_code for m in mappings])
