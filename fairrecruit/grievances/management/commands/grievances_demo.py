"""Synthetic complaints for the demo: cases on several corridors and categories, at every stage (received, sent
on, investigated, closed with an outcome), one worker in danger (escalated at intake), one case with a
remediation plan paid in full, routing rules for the demo bodies, two recent complaints about a certified
recruiter (sent to its certification body, when `certification_demo` ran first), and enough cases per agency and corridor for
the public statistics to show numbers. No real persons: workers are anonymous or have made-up names, agencies
come from the synthetic demo registry.

Needs the demo organisations and users (`fairrecruit demo` creates them) and the demo registry
(`fairrecruit registry_demo`) first; run it before `evidence_demo`, whose release draws on complaints.
Idempotent: each complaint has a fixed submission token (submissions are stored once per token) and the
handling steps only run for a complaint stored by this run, so running it again adds nothing. One
transaction: all or nothing; `--dry-run` rolls it back."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fairrecruit.core.models import Organisation
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import RoutingRule
from fairrecruit.grievances.services import (
    ComplaintInput,
    case_close,
    case_parties_update,
    case_status_change,
    complaint_submit,
    referral_respond,
    remediation_payment_record,
    remediation_plan_create,
)
from fairrecruit.registry.models import Actor

SEED = 6060
# origin, destination, fee currency, wage currency, monthly wage, typical fee
CORRIDORS = [
    ("NP", "QA", "NPR", "QAR", 1200.0, 150000.0),
    ("BD", "SA", "BDT", "SAR", 1000.0, 450000.0),
    ("PH", "AE", "PHP", "AED", 2000.0, 40000.0),
]
PER_CORRIDOR = 8
CATEGORY_SETS = [
    ["fees"],
    ["fees", "documents_retained"],
    ["deception", "fees"],
    ["contract_substitution"],
    ["wages"],
    ["fees", "wages"],
    ["restricted_movement"],
    ["harassment_violence"],
]
TEXTS = [
    "The agent asked for a service charge and a ticket fee and gave no receipt.",
    "My passport was kept by the agent until I paid more.",
    "The job and the salary were not what the agent promised.",
    "I signed a new contract at the airport with a lower salary.",
    "The salary has been late for three months.",
]
MADE_UP_NAMES = ["Demo Worker A", "Demo Worker B", "Demo Worker C"]
# What happens to the n-th complaint of a corridor: the stage it reaches (index into a fixed plan).
FATES = [
    "closed_remedied",
    "closed_resolved",
    "closed_resolved",
    "investigating",
    "referred",
    "closed_resolved",
    "received",
    "closed_remedied",
]


class Command(BaseCommand):
    help = "load synthetic grievance cases for the demo (after registry_demo, before evidence_demo)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be loaded; keep nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        User = get_user_model()
        staff = User.objects.filter(username="staff").first()
        regulator = User.objects.filter(username="regulator").first()
        ministry = Organisation.objects.filter(name="Demo Labour Ministry").first()
        union = Organisation.objects.filter(name="Demo Migrant Workers Union").first()
        brand = Organisation.objects.filter(name="Demo Apparel Brand").first()
        if None in (staff, regulator, ministry, union, brand):
            raise CommandError("the demo organisations and users are missing: run `fairrecruit demo` first")
        agencies = {
            origin: list(
                Actor.objects.filter(
                    country=origin, kind="licensed_agency", merged_into__isnull=True
                ).order_by("identifier")[:2]
            )
            for origin, *_rest in CORRIDORS
        }
        if not all(agencies.values()):
            raise CommandError("the demo registry is missing: run `fairrecruit registry_demo` first")
        assert staff is not None and regulator is not None and ministry and union and brand
        with transaction.atomic():
            rules = self._rules(ministry, union)
            created = self._cases(staff, regulator, brand, agencies)
            if opts["dry_run"]:
                transaction.set_rollback(True)
        verb = "would load" if opts["dry_run"] else "loaded"
        self.stdout.write(f"{verb} {created} demo complaint(s), {rules} routing rule(s)")

    def _rules(self, ministry: Organisation, union: Organisation) -> int:
        made = 0
        for fields in (
            {"origin": "NP", "target_kind": "origin_regulator", "organisation": ministry},
            {
                "origin": "NP",
                "category": "documents_retained",
                "target_kind": "union_cso",
                "organisation": union,
            },
            {"category": "fees", "target_kind": "certification_body"},
        ):
            _rule, new = RoutingRule.objects.get_or_create(
                **fields, defaults={"note": "demo rule (grievances_demo)"}
            )
            made += new
        return made

    def _cases(
        self, staff: Any, regulator: Any, brand: Organisation, agencies: dict[str, list[Actor]]
    ) -> int:
        rng = random.Random(SEED)
        today = dt.date.today()
        created = 0
        n = 0
        for origin, dest, fee_ccy, wage_ccy, wage, fee in CORRIDORS:
            for i in range(PER_CORRIDOR):
                n += 1
                cats = CATEGORY_SETS[(i + 3 * (n // PER_CORRIDOR)) % len(CATEGORY_SETS)]
                received = dt.datetime.combine(
                    today - dt.timedelta(days=70 + 9 * i + 3 * n), dt.time(9, 30), dt.UTC
                )
                clock = FixedClock(received)
                named = i % 3 == 0
                paid = "fees" in cats
                share = i != 6 or origin == "BD"
                data = ComplaintInput(
                    categories=cats,
                    description=rng.choice(TEXTS),
                    in_danger=(origin, i) == ("BD", 6),
                    respondent_identifier=agencies[origin][0 if i < 6 else -1].identifier,
                    brand_name="Demo Apparel Brand" if i == 0 else "",
                    origin=origin,
                    destination=dest,
                    recruitment_year=received.year - 1,
                    contract_months=24,
                    wage_promised_amount=wage,
                    wage_promised_currency=wage_ccy,
                    wage_received_amount=round(wage * (0.8 if "wages" in cats else 1.0), 2),
                    wage_received_currency=wage_ccy,
                    payments=[
                        {
                            "amount": round(fee * rng.uniform(0.6, 1.3)),
                            "currency": fee_ccy,
                            "purpose": "service charge",
                            "paid_to": "licensed_agency",
                        }
                    ]
                    if paid
                    else [],
                    anonymous=not named,
                    worker_name=MADE_UP_NAMES[i % 3] if named else "",
                    consent_share=share,
                    consent_identity=named and share,
                    language="en",
                )
                done = complaint_submit(
                    data=data, token=f"demo-grievance-{origin}{dest}-{i:03d}", channel="web", clock=clock
                )
                if not done.created:
                    continue
                created += 1
                self._handle(done.case, FATES[i], staff, regulator, brand, clock, today)
        return created + self._certified_cases()

    def _certified_cases(self) -> int:
        """Two recent fee complaints naming the first certified demo recruiter (when `certification_demo` ran),
        so that the demo shows a case sent to the certification body: the cases above are older than the demo
        certificates, which are issued on the day the demo is loaded. Left at intake, as received today."""
        try:
            from fairrecruit.certification.models import Certificate, CertificateStatus
        except ImportError:  # pragma: no cover - certification app absent
            return 0
        cert = (
            Certificate.objects.filter(status=CertificateStatus.ACTIVE, actor__country__in=[c[0] for c in CORRIDORS])
            .select_related("actor")
            .order_by("pk")
            .first()
        )
        if cert is None:
            return 0
        origin, dest, fee_ccy, wage_ccy, wage, fee = next(c for c in CORRIDORS if c[0] == cert.actor.country)
        created = 0
        for i in range(2):
            data = ComplaintInput(
                categories=["fees"],
                description=TEXTS[0],
                respondent_identifier=cert.actor.identifier,
                origin=origin,
                destination=dest,
                recruitment_year=dt.date.today().year,
                contract_months=24,
                wage_promised_amount=wage,
                wage_promised_currency=wage_ccy,
                wage_received_amount=wage,
                wage_received_currency=wage_ccy,
                payments=[
                    {"amount": fee, "currency": fee_ccy, "purpose": "service charge", "paid_to": "licensed_agency"}
                ],
                anonymous=True,
                consent_share=True,
                language="en",
            )
            done = complaint_submit(data=data, token=f"demo-grievance-certified-{i:03d}", channel="web")
            created += done.created
        return created

    def _handle(
        self,
        case: Any,
        fate: str,
        staff: Any,
        regulator: Any,
        brand: Organisation,
        clock: FixedClock,
        today: dt.date,
    ) -> None:
        if fate == "received":
            return
        clock.advance(days=2)
        if case.status == "received":
            case_status_change(
                actor=staff, case=case, status="triaged", note="Read and assessed.", clock=clock
            )
        ref = case.referrals.filter(status="sent").select_related("organisation").first()
        if ref is not None and ref.organisation.name == "Demo Labour Ministry" and fate != "referred":
            clock.advance(days=3)
            referral_respond(
                actor=regulator, referral=ref, accept=True, note="We will investigate.", clock=clock
            )
        if fate == "referred":
            return
        case.refresh_from_db()
        if case.status in ("triaged", "referred"):
            case_status_change(actor=staff, case=case, status="investigating", clock=clock)
        if fate == "investigating":
            return
        if fate == "closed_remedied" and case.assessments.exists():
            if case.brand_name:
                case_parties_update(
                    actor=staff, case=case, respondent_organisation=None, brand=brand, retaliation_risk=False
                )
            owed = case.assessments.first().result["owed"]  # type: ignore[union-attr]
            std, row = next(((k, v) for k, v in owed.items() if v.get("amount")), (None, None))
            if row is not None:
                clock.advance(days=5)
                plan = remediation_plan_create(
                    actor=staff,
                    case=case,
                    payer_kind="recruiter",
                    payer_name="the recruitment agency",
                    amount=row["amount"],
                    currency=row["currency"],
                    due_date=clock.now().date() + dt.timedelta(days=30),
                    standard=std or "",
                    clock=clock,
                )
                half = round(float(plan.amount) / 2, 2)
                for k, part in enumerate((half, float(plan.amount) - half)):
                    clock.advance(days=10)
                    remediation_payment_record(
                        actor=staff,
                        plan=plan,
                        amount=part,
                        paid_on=min(clock.now().date(), today),
                        reference=f"demo bank transfer {k + 1}",
                        clock=clock,
                    )
                case.refresh_from_db()
                clock.advance(days=2)
                case_close(actor=staff, case=case, outcome="remedied", note="Paid back in full.", clock=clock)
                return
        clock.advance(days=20)
        case_close(actor=staff, case=case, outcome="resolved", note="Resolved with the agency.", clock=clock)
