"""Which recruiters to inspect first: worker evidence per recruiter of the countries a regulator acts for, so that
inspections go where workers report harm (Montreal Recommendations, section 4: risk-based inspection).

For each recruiter (with the records merged into it), over the last ``window_days``:

* complaints **the user may see** (``grievances.selectors.cases_visible_to``: for a regulator, the cases referred
  or transferred to its organisation; never a worker's identity) against it, and how many of them were
  substantiated (in remediation, or closed as remedied or resolved);
* published reviews, those reporting recruitment fees paid, and those reporting documents taken (public);
* its sanctions of the last five years that were not lifted, and the day of its last inspection.

Recruiters with no complaint and no review reporting fees or documents are left out. The order is plain, shown
with the numbers, not a score: substantiated complaints, then complaints, then reviews reporting documents
taken, then reviews reporting fees, then the longest since the last inspection (never inspected first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone

from fairrecruit.core.models import User
from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.enforcement.selectors import countries_for
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.registry.selectors import members_of

RECRUITERS = (ActorKind.LICENSED_AGENCY, ActorKind.BRANCH, ActorKind.SUB_AGENT, ActorKind.INDIVIDUAL_BROKER,
              ActorKind.REPORTED)
_YES = ("yes", "partly")


@dataclass
class Target:
    actor: Actor
    complaints: int = 0
    substantiated: int = 0
    reviews: int = 0
    fee_reports: int = 0
    documents_taken: int = 0
    sanctions: int = 0
    last_inspection: dt.date | None = None

    @property
    def signals(self) -> int:
        return self.complaints + self.fee_reports + self.documents_taken

    def key(self) -> tuple[Any, ...]:
        since = self.last_inspection.toordinal() if self.last_inspection else 0
        return (-self.substantiated, -self.complaints, -self.documents_taken, -self.fee_reports, since,
                self.actor.identifier)


def inspection_targets(user: User | None, *, country: str = "", window_days: int = 365,
                       day: dt.date | None = None, limit: int = 500) -> list[Target]:
    """The recruiters of the user's countries (or ``country``, one of them) with worker evidence, in the order of
    the module's docstring; at most ``limit``."""
    day = day or timezone.localdate()
    countries = countries_for(user)
    if countries is not None and country and country not in countries:
        return []
    actors = Actor.objects.filter(kind__in=RECRUITERS, merged_into__isnull=True)
    if country:
        actors = actors.filter(country=country)
    elif countries is not None:
        actors = actors.filter(country__in=countries)
    ids = list(actors.values_list("pk", flat=True))
    if not ids:
        return []
    members = members_of(ids)
    owner = {m: root for root, ms in members.items() for m in ms}
    targets: dict[int, Target] = {}

    def target(member_id: int) -> Target:
        root = owner[member_id]
        if root not in targets:
            targets[root] = Target(actor=Actor(pk=root))  # the real actor is read below, for those kept
        return targets[root]

    since = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=window_days), dt.time.min))
    from fairrecruit.reviews.models import Review, ReviewStatus

    for row in (Review.objects.filter(actor_id__in=owner, status=ReviewStatus.PUBLISHED, published_at__gte=since)
                .values("actor_id").annotate(n=Count("id"), fees=Count("id", filter=Q(paid_fees__in=_YES)),
                                             docs=Count("id", filter=Q(documents_taken__in=_YES)))):
        t = target(row["actor_id"])
        t.reviews += row["n"]
        t.fee_reports += row["fees"]
        t.documents_taken += row["docs"]
    if apps.is_installed("fairrecruit.grievances"):
        from fairrecruit.grievances.models import RESOLVED_OUTCOMES, Status
        from fairrecruit.grievances.selectors import cases_visible_to

        substantiated = Q(status=Status.REMEDIATION) | Q(status=Status.CLOSED, outcome__in=list(RESOLVED_OUTCOMES))
        for row in (cases_visible_to(user).filter(respondent_id__in=owner, received_at__gte=since)
                    .values("respondent_id").annotate(n=Count("id", distinct=True),
                                                      s=Count("id", filter=substantiated, distinct=True))):
            t = target(row["respondent_id"])
            t.complaints += row["n"]
            t.substantiated += row["s"]
    kept = {root: t for root, t in targets.items() if t.signals}
    if not kept:
        return []
    kept_members = [m for root in kept for m in members[root]]
    for row in (Sanction.objects.filter(subject_id__in=kept_members, lifted_on__isnull=True,
                                        effective_from__gte=day - dt.timedelta(days=5 * 365))
                .values("subject_id").annotate(n=Count("id"))):
        kept[owner[row["subject_id"]]].sanctions += row["n"]
    for row in (Inspection.objects.filter(subject_id__in=kept_members).values("subject_id")
                .annotate(last=Max("inspected_on"))):
        t = kept[owner[row["subject_id"]]]
        t.last_inspection = max(d for d in (t.last_inspection, row["last"]) if d is not None)
    for a in Actor.objects.filter(pk__in=kept):
        kept[a.pk].actor = a
    return sorted(kept.values(), key=Target.key)[:limit]
