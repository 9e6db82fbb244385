"""Synthetic worker reviews for the demo: published reviews of a few agencies of the demo registry (enough for
the aggregates to show), in several languages, and two waiting in the moderation queue (one with a phone number
that the automatic checks redact). Seeded, no real persons; re-running stores nothing new (each review's
submission token is fixed, and submissions are idempotent)."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.registry.models import Actor
from fairrecruit.reviews.models import ReviewStatus
from fairrecruit.reviews.services import ReviewInput, review_moderate, review_submit

SEED = 5050
# (country, destination, currency of fees, wage currency, wage, typical fee, languages)
CORRIDORS = [
    ("NP", "QA", "NPR", "QAR", 1200.0, 150000.0, ["ne", "en"]),
    ("BD", "SA", "BDT", "SAR", 1000.0, 450000.0, ["bn", "en"]),
    ("PH", "AE", "PHP", "AED", 2000.0, 40000.0, ["fil", "en"]),
]
TEXTS = {
    "ne": ["एजेन्टले धेरै पैसा लियो र रसिद दिएन।", "काम राम्रो थियो तर तलब ढिलो आयो।", "सम्झौता अनुसार काम पाइन।"],
    "bn": ["এজেন্ট অনেক টাকা নিয়েছে, রসিদ দেয়নি।", "চুক্তি অনুযায়ী বেতন পেয়েছি।", "পাসপোর্ট রেখে দিয়েছিল।"],
    "fil": ["Maayos ang ahensya, walang singil.", "Pinagbayad ako ng training fee.", "Hindi tugma ang kontrata."],
    "en": ["They charged a visa fee and kept my passport.", "Fair agency, no fees, the job was as promised.",
           "Salary was lower than the contract said."],
}
REVIEWS_PER_AGENCY = 7


class Command(BaseCommand):
    help = "load synthetic worker reviews of demo-registry agencies (run by `fairrecruit demo`)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--moderator", default="staff", help="username of the approving moderator")

    def handle(self, *args: Any, **opts: Any) -> None:
        moderator = get_user_model().objects.filter(username=opts["moderator"]).first()
        if moderator is None:
            raise CommandError(f"--moderator: no user {opts['moderator']!r} (run `fairrecruit demo` first)")
        rng = random.Random(SEED)
        created = published = 0
        n = 0
        for country, dest, fee_ccy, wage_ccy, wage, fee, langs in CORRIDORS:
            agencies = list(
                Actor.objects.filter(country=country, kind="licensed_agency", merged_into__isnull=True)
                .order_by("identifier")[:2]
            )
            for agency in agencies:
                for _ in range(REVIEWS_PER_AGENCY):
                    n += 1
                    lang = rng.choice(langs)
                    paid = rng.random() < 0.75
                    data = ReviewInput(
                        rating=rng.choice([1, 2, 2, 3, 4, 5]),
                        actor_identifier=agency.identifier,
                        paid_fees="yes" if paid else "no",
                        payments=[{"amount": round(fee * rng.uniform(0.4, 1.6), -2), "currency": fee_ccy,
                                   "purpose": "service charge", "paid_to": "licensed_agency"}] if paid else [],
                        contract_matched=rng.choice(["yes", "no", "yes"]),
                        documents_taken=rng.choice(["no", "no", "yes"]),
                        info_before_departure=rng.choice(["yes", "no"]),
                        wage_as_promised=rng.choice(["yes", "no", "yes"]),
                        free_to_change=rng.choice(["yes", "no"]),
                        treatment=rng.randint(1, 5),
                        origin=country,
                        destination=dest,
                        recruitment_year=rng.choice([2022, 2023, 2024]),
                        wage_received_amount=wage,
                        wage_received_currency=wage_ccy,
                        text=rng.choice(TEXTS[lang]),
                        language=lang,
                    )
                    sub = review_submit(data=data, token=f"demo-review-{n:06d}")
                    created += sub.created
                    if sub.review.status == ReviewStatus.PENDING:
                        review_moderate(moderator=moderator, review=sub.review, action="approve")
                        published += 1
        # Two for the moderation queue: a sub-agent not in the registry, and a text with a phone number.
        pending = [
            ReviewInput(rating=1, reported_name="Ram Bahadur (sub-agent)", reported_role="sub_agent",
                        reported_place="Jhapa", paid_fees="yes",
                        payments=[{"amount": 200000.0, "currency": "NPR", "purpose": "visa", "paid_to": "sub_agent"}],
                        origin="NP", destination="QA", recruitment_year=2024, wage_received_amount=1000.0,
                        wage_received_currency="QAR", documents_taken="yes",
                        text="उसले मेरो राहदानी राख्यो। फोन ९८४१२३४५६७", language="ne"),
            ReviewInput(rating=2, reported_name="Quick Visa Services", reported_role="other", paid_fees="yes",
                        origin="BD", destination="SA", recruitment_year=2024, wage_received_amount=900.0,
                        wage_received_currency="SAR", payments=[{"amount": 350000.0, "currency": "BDT",
                                                                 "purpose": "visa", "paid_to": "other"}],
                        text="Call him on +880 1712 345678, he takes money and disappears.", language="en"),
        ]
        for i, data in enumerate(pending, start=1):
            created += review_submit(data=data, token=f"demo-review-pending-{i:03d}").created
        self.stdout.write(f"demo reviews: {created} new ({published} approved now), {len(pending)} in the queue")
