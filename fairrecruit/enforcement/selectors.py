"""Reads for enforcement: the public sanctions (an actor's, the register of all), and the regulator's own
inspections and sanctions, scoped by the user's roles."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.enforcement import conf
from fairrecruit.enforcement.models import WITH_AMOUNT, Breach, Inspection, Sanction, SanctionKind
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.registry.selectors import members_of, today

PERMISSION = "enforcement.record"

# state of a sanction on a day -> level shown (as the registry's statuses: bad is red, info is neutral)
LEVEL = {"in_force": "bad", "upcoming": "bad", "recorded": "bad", "ended": "info", "lifted": "info"}


def sanction_state(s: Sanction, day: dt.date) -> str:
    """``lifted`` (on appeal or review), ``upcoming`` (not yet in effect), ``ended`` (a suspension whose last day
    has passed), ``in_force`` (a suspension in its period, a revocation, a ban), or ``recorded`` (a warning, a
    fine or an order to repay: they have no period)."""
    if s.lifted_on is not None and s.lifted_on <= day:
        return "lifted"
    if s.effective_from > day:
        return "upcoming"
    if s.effective_until is not None and s.effective_until < day:
        return "ended"
    if s.kind in (SanctionKind.WARNING, *WITH_AMOUNT):
        return "recorded"
    return "in_force"


@dataclass
class SanctionView:
    sanction: Sanction
    state: str
    level: str
    breaches: list[str]  # labels, in the reader's language


def breach_labels(codes: Iterable[str]) -> list[str]:
    """The breaches' labels, in the reader's language."""
    return [str(Breach(b).label) for b in codes if b in Breach.values]


def view(s: Sanction, day: dt.date) -> SanctionView:
    state = sanction_state(s, day)
    return SanctionView(s, state, LEVEL[state], breach_labels(s.breaches))


def _all() -> QuerySet[Sanction]:
    return Sanction.objects.select_related("regulator", "subject", "licence").order_by("-effective_from", "-id")


def _public(day: dt.date | None = None) -> QuerySet[Sanction]:
    """What the public may see: every sanction, except those the regulator withdrew from publication and those that
    ended more than ``FAIRRECRUIT_SANCTIONS_PUBLIC_YEARS`` ago (0: none is hidden)."""
    qs = _all().filter(withdrawn_on__isnull=True)  # the regulator withdrew it from publication
    years = int(conf.get("FAIRRECRUIT_SANCTIONS_PUBLIC_YEARS") or 0)
    if years <= 0:
        return qs
    day = day or today()
    try:
        cutoff = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        cutoff = day.replace(year=day.year - years, day=28)
    no_period = [SanctionKind.WARNING, *WITH_AMOUNT]
    return qs.exclude(
        Q(lifted_on__lt=cutoff) | Q(effective_until__lt=cutoff) | Q(kind__in=no_period, effective_from__lt=cutoff)
    )


def for_actor(actor: Actor, day: dt.date | None = None) -> list[SanctionView]:
    """The sanctions of an actor and of the records merged into it, newest first."""
    day = day or today()
    ids = members_of([actor.pk])[actor.pk]
    return [view(s, day) for s in _public(day).filter(subject_id__in=ids)]


def current_by_actor(actors: Iterable[Actor], day: dt.date | None = None) -> dict[int, list[SanctionView]]:
    """For search results: each actor's sanctions in force or still to come (suspensions, revocations, bans),
    and fines, warnings and orders of the last five years."""
    day = day or today()
    members = members_of(a.pk for a in actors)
    owner = {m: a for a, ms in members.items() for m in ms}
    out: dict[int, list[SanctionView]] = defaultdict(list)
    recent = day - dt.timedelta(days=5 * 365)
    for s in _public(day).filter(subject_id__in=owner, lifted_on__isnull=True).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=day)
    ):
        v = view(s, day)
        if v.state in ("in_force", "upcoming") or (v.state == "recorded" and s.effective_from >= recent):
            out[owner[s.subject_id]].append(v)
    return dict(out)


def register(*, country: str = "", kind: str = "", current_only: bool = False,
             day: dt.date | None = None) -> QuerySet[Sanction]:
    """The public register of sanctions (newest first), optionally of one country's regulators, one kind, and
    only those in force or to come (the states of :func:`sanction_state`, as a query). Show them with
    :func:`views`."""
    day = day or today()
    qs = _public(day)
    if country:
        qs = qs.filter(regulator__country=country)
    if kind:
        qs = qs.filter(kind=kind)
    if current_only:
        not_lifted, upcoming, in_force = _state_q(day)
        qs = qs.filter(not_lifted & (upcoming | in_force))
    return qs


def _state_q(day: dt.date) -> tuple[Q, Q, Q]:
    """:func:`sanction_state` as query conditions on ``day``: not lifted, upcoming, and (with the first two
    excluded) in force."""
    not_lifted = Q(lifted_on__isnull=True) | Q(lifted_on__gt=day)
    upcoming = Q(effective_from__gt=day)
    in_force = Q(kind__in=[k for k in SanctionKind.values if k not in (SanctionKind.WARNING, *WITH_AMOUNT)]) & (
        Q(effective_until__isnull=True) | Q(effective_until__gte=day))
    return not_lifted, upcoming, in_force


def views(sanctions: Iterable[Sanction], day: dt.date | None = None) -> list[SanctionView]:
    day = day or today()
    return [view(s, day) for s in sanctions]


def register_countries() -> list[str]:
    return sorted(set(Sanction.objects.values_list("regulator__country", flat=True)) - {""})


# ---------------------------------------------------------------------------------------------- the regulator's side
def countries_for(user: User | None) -> set[str] | None:
    """The countries whose regulators the user acts for: None means every country (staff)."""
    scope, orgs = scope_for(user, PERMISSION)
    if scope == Scope.ALL:
        return None
    if scope == Scope.NONE:
        return set()
    return set(Organisation.objects.filter(pk__in=orgs).exclude(country="").values_list("country", flat=True))


def regulators_for(user: User | None) -> QuerySet[Actor]:
    qs = Actor.objects.filter(kind=ActorKind.REGULATOR, merged_into__isnull=True).order_by("country", "name")
    countries = countries_for(user)
    return qs if countries is None else qs.filter(country__in=countries)


def organisation_for(user: User | None, regulator: Actor) -> Organisation | None:
    """The user's organisation that acts for this regulator (recorded with the inspection or sanction)."""
    if user is None:
        return None
    return Organisation.objects.filter(memberships__user=user, memberships__role="regulator",
                                       country=regulator.country).first()


def inspections_for(user: User | None) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("regulator", "subject", "recorded_by")
    return qs.filter(regulator__in=regulators_for(user))


def sanctions_for(user: User | None) -> QuerySet[Sanction]:
    return _all().select_related("recorded_by").filter(regulator__in=regulators_for(user))


def counts(user: User | None, day: dt.date | None = None) -> dict[str, Any]:
    day = day or today()
    sanctions = sanctions_for(user)
    not_lifted, upcoming, in_force = _state_q(day)
    return {
        "inspections": inspections_for(user).count(),
        "sanctions": sanctions.count(),
        "in_force": sanctions.filter(not_lifted & in_force).exclude(upcoming).count(),
    }
