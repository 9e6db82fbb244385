"""`fairrecruit enforcement_demo`: a few inspections and sanctions on the demo registry (it runs after
registry_demo): a fine with an order to repay workers, a suspension that has ended, a revocation, a warning, and a
banned (blacklisted) sub-agent. Invented records (no real decision): the legal basis names the kind of law only and
each says "demo record". Running it again changes nothing (every record has its idempotency token)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from fairrecruit.enforcement.selectors import organisation_for
from fairrecruit.enforcement.services import SanctionInput, inspection_record, sanction_impose, sanctions_tick
from fairrecruit.registry.models import Actor, ActorKind

D = dt.date
NOTE = "demo record, not a real decision"


class Command(BaseCommand):
    help = "Add demo inspections and sanctions to the demo registry (after registry_demo). Idempotent."

    def handle(self, *args: Any, **opts: Any) -> None:
        regulator = Actor.objects.filter(kind=ActorKind.REGULATOR, country="NP", merged_into__isnull=True).order_by(
            "identifier").first()
        agencies = list(Actor.objects.filter(kind=ActorKind.LICENSED_AGENCY, country="NP", merged_into__isnull=True,
                                             licences__regulator=regulator, licences__valid_from__lt=D(2024, 1, 1),
                                             licences__status="active").order_by("identifier").distinct()[3:7])
        broker = Actor.objects.filter(kind=ActorKind.SUB_AGENT, country="NP", merged_into__isnull=True).order_by(
            "identifier").first()
        if regulator is None or len(agencies) < 4 or broker is None:
            self.stdout.write("enforcement: no demo registry of Nepal (run registry_demo first); nothing added")
            return
        user = get_user_model().objects.filter(username="regulator").first()
        org = organisation_for(user, regulator)
        made = 0
        inspection, new = inspection_record(
            user=user, organisation=org, regulator=regulator, subject=agencies[0], kind="complaint",
            inspected_on=D(2025, 10, 14), outcome="breaches", breaches=["overcharging", "records"],
            findings="Receipts for 38 workers show service charges of NPR 150,000 to 180,000; the receipt book "
            "for 2025 was not kept. " + NOTE, token="demo-inspection-000001")
        made += new
        law = "Foreign Employment Act (Nepal)"
        sanctions = [
            SanctionInput(regulator=regulator, subject=agencies[0], kind="fine", breaches=["overcharging", "records"],
                          legal_basis=law, decided_on=D(2025, 11, 5), effective_from=D(2025, 11, 5),
                          amount=Decimal("500000"), currency="NPR", inspection=inspection,
                          summary="Fined for charging workers more than the service-charge cap.", source_note=NOTE),
            SanctionInput(regulator=regulator, subject=agencies[0], kind="compensation", breaches=["overcharging"],
                          legal_basis=law, decided_on=D(2025, 11, 5), effective_from=D(2025, 11, 5),
                          amount=Decimal("1240000"), currency="NPR", inspection=inspection,
                          summary="Ordered to repay 38 workers what they were over-charged.", source_note=NOTE),
            SanctionInput(regulator=regulator, subject=agencies[1], kind="suspension",
                          breaches=["misleading_advertising"], legal_basis=law, decided_on=D(2025, 2, 20),
                          effective_from=D(2025, 3, 1), effective_until=D(2025, 8, 31), source_note=NOTE),
            SanctionInput(regulator=regulator, subject=agencies[2], kind="revocation",
                          breaches=["contract_substitution", "document_retention"], legal_basis=law,
                          decided_on=D(2026, 2, 10), effective_from=D(2026, 2, 10),
                          summary="Licence revoked: workers' contracts were replaced on arrival and passports kept.",
                          source_note=NOTE),
            SanctionInput(regulator=regulator, subject=agencies[3], kind="warning", breaches=["records"],
                          legal_basis=law, decided_on=D(2026, 6, 1), effective_from=D(2026, 6, 1), source_note=NOTE),
            SanctionInput(regulator=regulator, subject=broker, kind="ban", breaches=["unlicensed"], legal_basis=law,
                          decided_on=D(2024, 9, 15), effective_from=D(2024, 9, 15),
                          summary="Recruiting without a licence in the name of licensed agencies.", source_note=NOTE),
        ]
        for n, data in enumerate(sanctions, 1):
            _s, new = sanction_impose(user=user, organisation=org, data=data, token=f"demo-sanction-{n:06d}")
            made += new
        done = sanctions_tick()
        self.stdout.write(f"enforcement: {made} new inspection(s) and sanction(s); "
                          f"{done['reinstated']} licence(s) reinstated after a suspension")
