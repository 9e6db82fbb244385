"""`fairrecruit supplychain_demo`: the demo brand's list of recruiters, drawn from the demo registry (run after
registry_demo, enforcement_demo, reviews_demo and certification_demo): recruiters with demo sanctions, one with a
suspended licence, the certified and the suspended certificate holders, and the most reviewed agency. Running it
again adds nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from fairrecruit.certification.models import Certificate
from fairrecruit.core.models import Membership
from fairrecruit.enforcement.models import Sanction
from fairrecruit.registry.models import Actor, ActorKind, Licence
from fairrecruit.supplychain.services import supplier_add


class Command(BaseCommand):
    help = "List demo recruiters in the demo brand's supply chain (after the other demo commands). Idempotent."

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username="brand").first()
        membership = Membership.objects.filter(user=user).select_related("organisation").first()
        if user is None or membership is None:
            self.stdout.write("supplychain: no demo brand (run `fairrecruit demo`); nothing added")
            return
        picked: list[Actor] = []
        picked += [s.subject for s in Sanction.objects.select_related("subject").order_by("id")[:2]]
        suspended = Licence.objects.filter(status="suspended", actor__merged_into__isnull=True).select_related(
            "actor").order_by("id").first()
        if suspended is not None:
            picked.append(suspended.actor)
        picked += [c.actor for c in Certificate.objects.select_related("actor").order_by("status", "id")[:2]]
        reviewed = (Actor.objects.filter(merged_into__isnull=True)
                    .annotate(n=Count("reviews", filter=Q(reviews__status="published"))).order_by("-n", "id").first())
        if reviewed is not None:
            picked.append(reviewed)
        added = 0
        for a in dict.fromkeys(picked):
            relation = "sub_agent" if a.kind == ActorKind.SUB_AGENT else "recruitment_agency"
            _s, new = supplier_add(user=user, organisation=membership.organisation, identifier=a.identifier,
                                   relation=relation, note="demo supply chain")
            added += new
        self.stdout.write(f"supplychain: {added} demo recruiters listed for {membership.organisation.name}")
