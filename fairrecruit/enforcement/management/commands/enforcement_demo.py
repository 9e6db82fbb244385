"""`fairrecruit enforcement_demo`: a few inspections and sanctions on the demo registry (it runs after
registry_demo): a fine with an order to repay workers, a suspension that has ended, a revocation, a warning, and a
banned (blacklisted) sub-agent. Invented records (no real decision): the legal basis names the kind of law only and
each says "demo record". Their dates are counted back from ``--as-of`` (default today, as registry_demo's), and the
agencies are picked among those whose licence history allows a sanction on those days. Running it again changes
nothing: once the demo records are there (on any day), none is added or changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.enforcement.selectors import organisation_for
from fairrecruit.enforcement.services import (
    SanctionInput,
    inspection_record,
    licences_from,
    sanction_impose,
    sanctions_tick,
)
from fairrecruit.registry.management.commands.registry_demo import parse_day
from fairrecruit.registry.models import Actor, ActorKind, LicenceStatus
from fairrecruit.registry.selectors import today

NOTE = "demo record, not a real decision"
# Days before the demo's day: the suspension ended three months ago, the revocation is recent, the fine follows an
# inspection six weeks ago, the ban is two years old.
SUSPENDED = (280, 270, 90)  # decided, first day, last day
REVOKED = 45
INSPECTED = 44
FINED = 22
WARNED = 14
BANNED = 800


def sanctionable(regulator: Actor, *, quiet_since: dt.date, valid_on: dt.date, wanted: int) -> list[Actor]:
    """Nepali agencies holding exactly one licence from ``regulator``, active, issued more than two years before
    ``quiet_since`` and still valid after ``valid_on``, whose history has nothing on or after ``quiet_since``: a
    sanction from that day on is accepted (``check_sanction``)."""
    picked: list[Actor] = []
    candidates = Actor.objects.filter(
        kind=ActorKind.LICENSED_AGENCY, country="NP", merged_into__isnull=True, licences__regulator=regulator,
        licences__status=LicenceStatus.ACTIVE, licences__valid_from__lt=quiet_since - dt.timedelta(days=730),
    ).order_by("identifier").distinct()
    for actor in candidates.iterator():
        held = licences_from(actor, regulator)
        if len(held) != 1 or (held[0].valid_until is not None and held[0].valid_until <= valid_on):
            continue
        latest = held[0].history.order_by("-effective_date", "-id").first()
        if latest is None or latest.effective_date < quiet_since:
            picked.append(actor)
            if len(picked) == wanted:
                break
    return picked


class Command(BaseCommand):
    help = "Add demo inspections and sanctions to the demo registry (after registry_demo). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=parse_day, default=None,
                            help="the day the demo's dates are counted back from: YYYY-MM-DD or 'today' (default)")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        if Inspection.objects.filter(findings__endswith=NOTE).exists() or Sanction.objects.filter(
                source_note=NOTE).exists():
            self.stdout.write("enforcement: the demo records are already there; nothing added")
            return
        day: dt.date = opts["as_of"] or today()

        def ago(days: int) -> dt.date:
            return day - dt.timedelta(days=days)

        regulator = Actor.objects.filter(kind=ActorKind.REGULATOR, country="NP", merged_into__isnull=True).order_by(
            "identifier").first()
        broker = Actor.objects.filter(kind=ActorKind.SUB_AGENT, country="NP", merged_into__isnull=True).order_by(
            "identifier").first()
        # The suspension comes first in time: its agency's history must leave room for it; the revocation's agency
        # then needs nothing after its (later) day. Fine and warning leave the licence as it is.
        agencies = [] if regulator is None else sanctionable(
            regulator, quiet_since=ago(SUSPENDED[1]), valid_on=day, wanted=4)
        if regulator is None or len(agencies) < 4 or broker is None:
            self.stdout.write("enforcement: no demo registry of Nepal (run registry_demo first); nothing added")
            return
        fined, suspended, revoked, warned = agencies
        user = get_user_model().objects.filter(username="regulator").first()
        org = organisation_for(user, regulator)
        inspection, _new = inspection_record(
            user=user, organisation=org, regulator=regulator, subject=fined, kind="complaint",
            inspected_on=ago(INSPECTED), outcome="breaches", breaches=["overcharging", "records"],
            findings=f"Receipts for 38 workers show service charges of NPR 150,000 to 180,000; the receipt book "
            f"for {ago(INSPECTED).year} was not kept. " + NOTE, token="demo-inspection-000001")
        law = "Foreign Employment Act (Nepal)"
        sanctions = [
            SanctionInput(regulator=regulator, subject=fined, kind="fine", breaches=["overcharging", "records"],
                          legal_basis=law, decided_on=ago(FINED), effective_from=ago(FINED),
                          amount=Decimal("500000"), currency="NPR", inspection=inspection,
                          summary="Fined for charging workers more than the service-charge cap.", source_note=NOTE),
            SanctionInput(regulator=regulator, subject=fined, kind="compensation", breaches=["overcharging"],
                          legal_basis=law, decided_on=ago(FINED), effective_from=ago(FINED),
                          amount=Decimal("1240000"), currency="NPR", inspection=inspection,
                          summary="Ordered to repay 38 workers what they were over-charged.", source_note=NOTE),
            SanctionInput(regulator=regulator, subject=suspended, kind="suspension",
                          breaches=["misleading_advertising"], legal_basis=law, decided_on=ago(SUSPENDED[0]),
                          effective_from=ago(SUSPENDED[1]), effective_until=ago(SUSPENDED[2]), source_note=NOTE),
            SanctionInput(regulator=regulator, subject=revoked, kind="revocation",
                          breaches=["contract_substitution", "document_retention"], legal_basis=law,
                          decided_on=ago(REVOKED), effective_from=ago(REVOKED),
                          summary="Licence revoked: workers' contracts were replaced on arrival and passports kept.",
                          source_note=NOTE),
            SanctionInput(regulator=regulator, subject=warned, kind="warning", breaches=["records"],
                          legal_basis=law, decided_on=ago(WARNED), effective_from=ago(WARNED), source_note=NOTE),
            SanctionInput(regulator=regulator, subject=broker, kind="ban", breaches=["unlicensed"], legal_basis=law,
                          decided_on=ago(BANNED), effective_from=ago(BANNED),
                          summary="Recruiting without a licence in the name of licensed agencies.", source_note=NOTE),
        ]
        for n, data in enumerate(sanctions, 1):
            sanction_impose(user=user, organisation=org, data=data, token=f"demo-sanction-{n:06d}")
        done = sanctions_tick()
        self.stdout.write(f"enforcement: 1 inspection and {len(sanctions)} sanctions added (dated up to {day}); "
                          f"{done['reinstated']} licence(s) reinstated after a suspension")
