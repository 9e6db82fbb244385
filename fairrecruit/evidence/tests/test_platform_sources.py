"""The platform's own data in the evidence: fee assessments from published reviews and from complaints join the
stored assessments; releases carry review and complaint tables with small cells suppressed; corridor pages show
certification status and complaint statistics."""

from __future__ import annotations

import csv
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.models import Role
from fairrecruit.evidence import selectors, services
from fairrecruit.evidence.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _published_reviews(n: int, *, origin: str = "NP", destination: str = "QA", documents: int = 0) -> None:
    from fairrecruit.reviews.services import ReviewInput, review_moderate, review_submit

    moderator = make_user(f"mod{secrets.token_hex(3)}", Role.STAFF, org="Platform")
    for i in range(n):
        data = ReviewInput(
            rating=1 + i % 5,
            reported_name=f"Sub-agent {origin}{i // 2}",
            reported_role="sub_agent",
            paid_fees="yes",
            documents_taken="yes" if i < documents else "no",
            origin=origin,
            destination=destination,
            recruitment_year=2023,
            wage_received_amount=1000.0,
            wage_received_currency="QAR",
            payments=[{"amount": 100000.0 + 1000 * i, "currency": "NPR", "purpose": "service charge",
                       "paid_to": "sub_agent"}],
        )
        review = review_submit(data=data, token=secrets.token_urlsafe(24)).review
        review_moderate(moderator=moderator, review=review, action="approve")


def _complaints(n: int, *, origin: str = "NP", destination: str = "MY") -> None:
    from fairrecruit.grievances.services import ComplaintInput, complaint_submit

    for i in range(n):
        data = ComplaintInput(
            categories=["fees"],
            description="The agency took a fee and a bond.",
            respondent_name=f"Agency {i}",
            origin=origin,
            destination=destination,
            recruitment_date="2023-02-01",
            wage_received_amount=1500.0,
            wage_received_currency="MYR",
            payments=[{"amount": 150000.0, "currency": "NPR", "purpose": "service charge",
                       "paid_to": "licensed_agency", "date": "2023-01-20"}],
            anonymous=True,
        )
        complaint_submit(data=data, token=secrets.token_urlsafe(24), channel="web")


def test_reviews_and_complaints_with_payments_are_platform_records() -> None:
    _published_reviews(2)
    _complaints(1)
    recs = selectors.platform_records()
    by_source = {s: [r for r in recs if r["source"] == s] for s in selectors.PLATFORM_SOURCES}
    assert len(by_source["reviews"]) == 2 and len(by_source["complaints"]) == 1
    c = by_source["complaints"][0]
    assert (c["origin"], c["destination"], c["year"]) == ("NP", "MY", 2023)
    assert c["paid_usd"] > 0 and c["cost_usd"] > 0 and c["months"] == pytest.approx(c["cost"] / c["earnings"])
    assert selectors.platform_records(origin="NP", destination="QA", sources=("complaints",)) == []
    assert len(selectors.platform_records(sources=("reviews",))) == 2


def test_a_review_waiting_for_moderation_is_not_a_record() -> None:
    from fairrecruit.reviews.services import ReviewInput, review_submit

    review_submit(
        data=ReviewInput(rating=2, reported_name="Someone", reported_role="individual_broker", paid_fees="yes",
                         origin="NP", destination="QA", recruitment_year=2023, wage_received_amount=1000.0,
                         wage_received_currency="QAR",
                         payments=[{"amount": 90000.0, "currency": "NPR", "purpose": "fee", "paid_to": "sub_agent"}]),
        token=secrets.token_urlsafe(24),
    )
    assert selectors.platform_records(sources=("reviews",)) == []


def test_release_has_review_and_complaint_tables_with_small_cells_suppressed(releases_root: Path) -> None:
    _published_reviews(6, documents=3)
    _published_reviews(2, origin="BD", destination="QA")
    _complaints(5)
    _complaints(1, origin="BD", destination="SA")
    staff = make_user("st", Role.STAFF)
    r = services.release_create(actor=staff, title="With reviews", k=5, rounding=100)
    folder = releases_root / r.slug
    pkg = json.loads((folder / "datapackage.json").read_text())
    names = {res["name"] for res in pkg["resources"]}
    assert {"assessments", "reviews-summary", "complaints-summary"} <= names
    sources = {s["title"]: s.get("records") for s in pkg["fairrecruit:provenance"]["sources"]}
    assert any("reviews" in t and n == 8 for t, n in sources.items())
    assert any("complaints" in t and n == 6 for t, n in sources.items())

    reviews = {(row["corridor"], row["year"]): row
               for row in csv.DictReader(io.StringIO((folder / "reviews_summary.csv").read_text()))}
    np_qa = reviews[("NP-QA", "2023")]
    assert np_qa["reviews"] == "6" and np_qa["suppressed"] == "false"
    assert float(np_qa["share_documents_taken"]) == 0.5 and float(np_qa["share_paid_fees"]) == 1.0
    bd = reviews[("BD-QA", "2023")]
    assert bd["suppressed"] == "true" and bd["reviews"] == "" and bd["mean_rating"] == ""

    complaints = list(csv.DictReader(io.StringIO((folder / "complaints_summary.csv").read_text())))
    big = [c for c in complaints if c["corridor"] == "NP-MY"]
    small = [c for c in complaints if c["corridor"] == "BD-SA"]
    assert big and big[0]["received"] == "5" and big[0]["category"] == "fees"
    assert small and small[0]["received"] == "" and small[0]["suppressed"] == "true"
    # no totals that would let a reader subtract their way to a suppressed cell
    assert not any(c["corridor"] in ("all", "total", "") for c in complaints)
    assert "complaints_summary.csv" in (folder / "README.md").read_text()


def test_corridor_page_shows_complaints_and_certification(client: Client) -> None:
    _complaints(5)
    html = client.get("/corridors/NP-MY/").content.decode()
    section = html[html.index('id="complaints"'):]
    assert "Not available yet" not in section
    assert "Received" in section and ">5<" in section
    cert = html[html.index('id="certification"'):html.index('id="complaints"')]
    assert "No certified recruiter" in cert
    pdf = client.get("/corridors/NP-MY/profile.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_corridor_complaints_below_the_threshold_are_not_shown(client: Client) -> None:
    _complaints(2)
    html = client.get("/corridors/NP-MY/").content.decode()
    section = html[html.index('id="complaints"'):]
    assert "fewer than 5" in section and ">2<" not in section


def test_corridor_page_lists_certified_recruiters_of_the_origin(client: Client) -> None:
    from fairrecruit.certification.models import Certificate

    cert = _certificate()
    html = client.get(f"/corridors/{cert.actor.country}-QA/").content.decode()
    section = html[html.index('id="certification"'):html.index('id="complaints"')]
    assert cert.holder_name in section and cert.number in section
    Certificate.objects.filter(pk=cert.pk).update(status="suspended")
    html = client.get(f"/corridors/{cert.actor.country}-QA/").content.decode()
    section = html[html.index('id="certification"'):html.index('id="complaints"')]
    assert "uspended" in section


def _certificate() -> Any:
    """A certificate issued through the certification services (self-assessment to decision)."""
    from fairrecruit.certification.tests.factories import World

    return World().certified()


def test_corridor_list_counts_reviews_and_complaints(client: Client) -> None:
    _published_reviews(2)
    _complaints(3)
    rows = {c["code"]: c for c in selectors.corridors()}
    assert rows["NP-QA"]["platform_n"] == 2 and rows["NP-MY"]["platform_n"] == 3
    assert 'href="/corridors/NP-MY/"' in client.get("/corridors/").content.decode()
