"""Public verification pages over HTTP: search with licence status per case, not-found guidance, profiles with
history and sources, "Check a job offer", and bad input answered field by field."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fairrecruit.core import fx
from fairrecruit.core.models import AuditEvent
from fairrecruit.core.money import money
from fairrecruit.registry.models import ActorKind, RelationshipKind
from fairrecruit.registry.services import actor_create, relationship_create
from fairrecruit.registry.tests.test_search import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg() -> dict[str, Any]:
    return build_registry()


def page(client: Client, url: str, params: dict[str, str] | None = None, status: int = 200) -> str:
    r = client.get(url, params or {})
    assert r.status_code == status, (r.status_code, r.content.decode()[:3000])
    return html.unescape(r.content.decode())


def statuses(text: str) -> list[tuple[str, str]]:
    """(data-status, message) of every status line on a page."""
    return [
        (code, re.sub(r"\s+", " ", msg).strip())
        for code, msg in re.findall(r'data-status="([a-z_]+)">(.*?)</p>', text, flags=re.S)
    ]


def first_status(client: Client, q: str) -> tuple[str, str]:
    text = page(client, "/verify/", {"q": q})
    return statuses(text)[0]


# ---------------------------------------------------------------------------------------------- search page
def test_search_box_needs_no_account_and_no_javascript(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/")
    assert 'name="q"' in text and "<script" not in text
    assert 'id="results"' not in text and 'id="not-found"' not in text


def test_active_licence_is_shown_green_with_its_end_date(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/", {"q": "Himalyan Oversees"})
    assert 'href="/verify/NP-DOFE-1001/"' in text
    until = reg["himalayan_lic"].valid_until.isoformat()
    code, msg = statuses(text)[0]
    assert (code, msg) == ("active", f"✔ Licensed (active) until {until}")
    assert f'class="status ok" data-status="active">✔ Licensed (active) until {until}' in text
    assert "<script" not in text and len(text.encode()) < 30_000


@pytest.mark.parametrize(
    "q, code, words",
    [
        ("NP-DOFE-1002", "suspended", "Licence SUSPENDED since"),
        ("NP-DOFE-1004", "banned", "BANNED since"),
        ("NP-DOFE-1005", "revoked", "Licence REVOKED since"),
        ("NP-DOFE-1006", "cancelled", "Licence CANCELLED since"),
        ("NP-DOFE-1007", "expired", "Licence EXPIRED since"),
    ],
)
def test_each_bad_status_is_a_warning_with_its_date(
    client: Client, reg: dict[str, Any], q: str, code: str, words: str
) -> None:
    got_code, msg = first_status(client, q)
    assert got_code == code
    assert msg.startswith(f"⚠ {words}")
    since = (reg["today"] - dt.timedelta(days=40 if code == "suspended" else 100)).isoformat()
    assert since in msg
    assert "Licensed (active)" not in msg


def test_listed_active_but_past_its_end_date_counts_as_expired(client: Client, reg: dict[str, Any]) -> None:
    code, msg = first_status(client, "Everest Job Placement")
    until = reg["everest_lic"].valid_until.isoformat()
    assert code == "expired"
    assert msg == (
        f"⚠ Licence expired on {until} (the regulator's list still says active). They may not recruit "
        "until it is renewed: ask to see the renewed licence."
    )


def test_sub_agent_warning_names_the_agency_it_works_for(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/", {"q": "Ram Bahadur Thapa"})
    found = statuses(text)
    assert found[0][0] == "sub_agent"
    assert (
        "Not licensed — sub-agents and brokers may not recruit on their own. Only deal with a licensed agency; "
        "check which agency they work for." in found[0][1]
    )
    assert "Says it works for:" in text
    assert found[1][0] == "active"  # the agency's own status, next to its name
    assert 'href="/verify/NP-DOFE-1001/">Himalayan Overseas Pvt. Ltd.</a>' in text


def test_sub_agent_found_by_phone_number(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/", {"q": "+977-9841234567"})
    assert "राम बहादुर थापा" in text and 'Found by phone number <bdi dir="ltr">9841234567</bdi>' in text


def test_a_social_media_agent_is_found_by_the_link_a_worker_pastes(client: Client, reg: dict[str, Any]) -> None:
    """Brokers recruit on Facebook, TikTok and WhatsApp: the link to their account finds them, with their status."""
    broker = actor_create(actor_user=None, name="Aakash Manpower Agent", kind=ActorKind.INDIVIDUAL_BROKER,
                          social_handles=["facebook.com/aakash374"])
    relationship_create(actor_user=None, source=broker, target=reg["himalayan"], kind=RelationshipKind.WORKS_FOR)
    for q in ("facebook.com/aakash374", "https://www.facebook.com/aakash374/", "@aakash374"):
        text = page(client, "/verify/", {"q": q})
        assert 'id="not-found"' not in text and f'href="/verify/{broker.identifier}/"' in text, q
        assert statuses(text)[0][0] == "sub_agent"
        assert "Found by website or social-media account facebook.com/aakash374" in re.sub(r"<[^>]+>", "", text)


def test_reported_actor_and_branch(client: Client, reg: dict[str, Any]) -> None:
    code, msg = first_status(client, "Dubai Jobs Fast Visa Agent")
    assert code == "reported" and "not licensed" in msg
    code, msg = first_status(client, "NP-DOFE-1001-B1")
    assert code == "active" and msg.startswith(
        "✔ Branch of Himalayan Overseas Pvt. Ltd.: Licensed (active) until"
    )


def test_not_found_says_what_to_do_next(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/", {"q": "Xqzvw Plorkt"})
    assert 'id="not-found"' in text and 'id="results"' not in text
    assert "We found no agency, recruiter or employer matching “Xqzvw Plorkt”" in text
    assert "does not mean they are safe" in text
    assert "Ask the recruiter for the agency's licence number" in text
    assert "regulator's own list" in text
    assert "Report them to the regulator" in text


def test_alias_and_merged_record_are_explained(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/", {"q": "अल नूर म्यानपावर"})
    assert "Also known as: अल नूर म्यानपावर" in text
    text = page(client, "/verify/", {"q": "NP-OLD-77"})
    assert 'href="/verify/NP-DOFE-1001/"' in text
    assert (
        "Found as Himalayan Overseas Private Limited (NP-OLD-77), a record of the same organisation." in text
    )


@pytest.mark.parametrize(
    "q, message",
    [
        (
            "",
            "Name, licence number, phone number or identifier: type a name, a licence number, a phone number or "
            "an identifier",
        ),
        (
            "  ",
            "Name, licence number, phone number or identifier: type a name, a licence number, a phone number or "
            "an identifier",
        ),
        ("-", "Name, licence number, phone number or identifier: type at least 2 letters or digits"),
        ("x" * 201, "Name, licence number, phone number or identifier: type at most 200 characters"),
    ],
)
def test_bad_search_input_names_the_field(client: Client, reg: dict[str, Any], q: str, message: str) -> None:
    text = page(client, "/verify/", {"q": q}, status=400)
    assert message in text
    assert 'id="not-found"' not in text and 'id="results"' not in text


def test_searching_stores_nothing(client: Client, reg: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    page(client, "/verify/", {"q": "Himalayan"})
    page(client, "/verify/job-offer/", {"job_order_number": "JO-2025-001"})
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------------------------------------- profile
def test_profile_shows_licence_history_with_sources(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/NP-DOFE-1002/")
    today = reg["today"]
    assert "<h1>Al-Noor Manpower Services</h1>" in text
    assert "अल नूर म्यानपावर" in text
    history = re.search(r'<ol class="history">(.*?)</ol>', text, flags=re.S).group(1)  # type: ignore[union-attr]
    items = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", history, flags=re.S)
    ]
    issued = (today - dt.timedelta(days=4 * 365)).isoformat()
    suspended = (today - dt.timedelta(days=40)).isoformat()
    assert len(items) == 2
    assert items[0].startswith(f"{issued} : Active")
    assert "licence issued" in items[0] and "Source: dofe-licences-2025-06.csv, row 10" in items[0]
    assert items[1].startswith(f"{suspended} : Suspended")
    assert "charged workers above the fee cap" in items[1]
    assert "Source: dofe-licences-2025-06.csv, row 11" in items[1]
    # The later issues' sections are on the profile: certification, reviews (with a link to write one), complaints.
    assert '<div id="certification">' in text and "<h2>Certification</h2>" in text
    assert '<div id="reviews">' in text and "/reviews/new/?actor=" in text
    assert '<section id="complaints">' in text and "/grievances/statistics/" in text


def test_profile_history_source_can_be_a_note(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/PH-DMW-0042/")
    assert "Source: regulator's notice" in text


def test_profile_shows_related_organisations_and_job_orders(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/NP-DOFE-1001/")
    related = text[text.index('id="related"') : text.index('id="job-orders"')]
    assert "Sub-agents and brokers working for it" in related and "राम बहादुर थापा" in related
    assert "Source: worker report" in related
    assert "Branches" in related and "Himalayan Overseas Pokhara Branch" in related
    assert "Employers recruiting through it" in related and "Qatar Building Company W.L.L." in related
    jobs = text[text.index('id="job-orders"') : text.index('id="certification"')]
    assert "JO-2025-001" in jobs and "Construction labourer — Qatar" in jobs and "1,200 QAR" in jobs
    assert '<span class="ok">valid</span>' in jobs
    assert "NP-OLD-77" in text  # the merged record is listed
    assert "Himalayan Overseas Private Limited" in text  # and its name


def test_sub_agent_profile_lists_the_agency_it_works_for(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/FR-R-1/")
    related = text[text.index('id="related"') : text.index('id="job-orders"')]
    assert "Agencies it works for" in related and "Himalayan Overseas Pvt. Ltd." in related
    assert 'data-status="sub_agent"' in text


def test_merged_identifier_redirects_to_the_survivor(client: Client, reg: dict[str, Any]) -> None:
    r = client.get("/verify/NP-OLD-77/")
    assert r.status_code == 302 and r["Location"] == "/verify/NP-DOFE-1001/?from=NP-OLD-77"
    text = page(client, "/verify/NP-DOFE-1001/", {"from": "NP-OLD-77"})
    assert "You asked for NP-OLD-77: it is a record of this organisation and was merged into it." in text


def test_unknown_identifier_is_404_with_guidance(client: Client, reg: dict[str, Any]) -> None:
    text = page(client, "/verify/NP-DOFE-9999/", status=404)
    assert "No organisation has the identifier “NP-DOFE-9999”." in text
    assert "Ask the recruiter for the agency's licence number" in text


# ---------------------------------------------------------------------------------------------- job offers
def offer(client: Client, status: int = 200, **params: str) -> str:
    return page(client, "/verify/job-offer/", params, status=status)


def result_box(text: str) -> str:
    m = re.search(r'<section class="box" id="result">(.*?)</section>', text, flags=re.S)
    assert m, text[:2000]
    return re.sub(r"\s+", " ", m.group(1))


def test_job_offer_form_is_shown_empty(client: Client, reg: dict[str, Any]) -> None:
    text = offer(client)
    assert 'name="job_order_number"' in text and 'id="result"' not in text and 'id="errors"' not in text


def test_job_offer_matching_approved_order_and_wage(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, job_order_number="jo 2025 001", wage_amount="1200", wage_currency="qar"))
    assert "✔ An approved job order matches this offer" in box
    assert "The wage matches the approved wage (1,200 QAR)." in box
    assert "Construction labourer — Qatar" in box  # the destination by its name, not "QA"
    assert "Himalayan Overseas Pvt. Ltd." in box and 'data-status="active"' in box
    assert 'class="warnings"' not in box


def test_job_offer_by_employer_with_lower_wage(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(
        offer(
            client,
            employer="Qatar Bulding Company",
            destination="QA",
            occupation="construction labourer",
            wage_amount="900",
            wage_currency="QAR",
        )
    )
    assert "An approved job order was found, but check the warnings" in box
    assert "JO-2025-001" in box
    assert (
        "The wage you were offered (900 QAR) is LOWER than the approved wage (1,200 QAR). You should be "
        "paid at least 1,200 QAR."
    ) in box


def test_job_offer_with_much_higher_wage_is_a_lure_warning(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="2500", wage_currency="QAR"))
    assert "much higher than the approved wage (1,200 QAR)" in box and "common lure" in box
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="1300", wage_currency="QAR"))
    assert "✔ An approved job order matches this offer" in box and "is higher than the approved wage" in box


def test_an_offer_in_another_currency_is_compared_in_us_dollars_at_the_days_rate(
    client: Client, reg: dict[str, Any]
) -> None:
    """JO-2025-001 approves 1,200 QAR a month. An offer in US dollars is converted at the reference rates of the day
    (shown with their date), never passed as ok for being in another currency; without a rate it is a warning."""
    day = timezone.localdate()
    qar = fx.usd_rate("QAR", day)
    assert qar is not None
    approved_usd = round(1200 / qar.per_usd, 2)
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="50", wage_currency="USD"))
    assert "An approved job order was found, but check the warnings" in box
    assert "The wage you were offered (50 USD) is LOWER than the approved wage (1,200 QAR)." in box
    assert (f"In US dollars at the exchange rates of {day.isoformat()}, the wage you were offered is about 50 USD "
            f"and the approved wage about {money(Decimal(str(approved_usd)), 'USD')}.") in box
    assert f"QAR: {qar.per_usd:.4f} per US dollar on {qar.day.isoformat()}" in box

    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount=str(round(approved_usd)),
                           wage_currency="usd"))  # the same wage, in dollars
    assert "✔ An approved job order matches this offer" in box and "The wage matches the approved wage" in box
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount=str(round(approved_usd * 2)),
                           wage_currency="USD"))
    assert "is much higher than the approved wage (1,200 QAR)" in box and "common lure" in box

    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="500000", wage_currency="KPW"))
    assert "An approved job order was found, but check the warnings" in box
    assert "✔ An approved job order matches" not in box and "The wage matches" not in box
    assert (f"We could not compare the wage you were offered (500,000 KPW) with the approved wage (1,200 QAR): we "
            f"have no exchange rate for KPW on {day.isoformat()}. Ask for the wage in QAR, as written in the job "
            "order.") in box
    assert "KPW: " not in box and "In US dollars" not in box


def test_job_offer_expired_order_and_suspended_agency(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, job_order_number="JO-2023-077"))
    until = reg["jo_expired"].valid_until.isoformat()
    assert f"This job order expired on {until}" in box
    assert "The recruitment agency on this job order, Al-Noor Manpower Services, has no active licence" in box
    assert "Licence SUSPENDED" in box
    assert "Do not pay or hand over your passport" in box


def test_job_offer_unknown_employer(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, employer="Doha Sunshine Trading", destination="QA", occupation="driver"))
    assert "⚠ No approved job order found for this offer" in box
    assert "We could not find the employer “Doha Sunshine Trading” in the registry" in box
    assert "Ask the recruiter for the job order (demand letter) number" in box


def test_job_offer_known_employer_without_matching_order(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, employer="Qatar Building Company", destination="QA", occupation="nurse"))
    assert "No approved job order found" in box
    assert (
        "Qatar Building Company W.L.L. (QA) is in the registry, but we found no approved job order for “nurse”."
        in box
    )
    box = result_box(offer(client, employer="Qatar Building Company", destination="AE"))
    assert "No approved job order found" in box


def test_job_offer_number_not_found_and_wrong_destination(client: Client, reg: dict[str, Any]) -> None:
    box = result_box(offer(client, job_order_number="JO-1999-404"))
    assert "No approved job order has the number JO-1999-404." in box
    box = result_box(offer(client, job_order_number="JO-2025-001", destination="SA"))
    assert "This job order is for a job in QA, not SA." in box


@pytest.mark.parametrize(
    "params, message",
    [
        ({"check": "1"}, "Employer's name: give the employer's name, or a job order number"),
        ({"occupation": "cleaner"}, "Employer's name: give the employer's name, or a job order number"),
        ({"employer": "Qatar Building Company"}, "Country of the job: choose the country of the job"),
        ({"employer": "X", "destination": "ZZ"}, "Country of the job: unknown country code 'ZZ'"),
        (
            {"job_order_number": "JO-2025-001", "wage_amount": "abc", "wage_currency": "QAR"},
            "Monthly wage offered: enter a number, like 1200 or 1200.50",
        ),
        (
            {"job_order_number": "JO-2025-001", "wage_amount": "-5", "wage_currency": "QAR"},
            "Monthly wage offered: must be more than 0",
        ),
        (
            {"job_order_number": "JO-2025-001", "wage_amount": "1200"},
            "Currency of the wage: give the currency of the wage, like QAR or USD",
        ),
        (
            {"job_order_number": "JO-2025-001", "wage_amount": "1200", "wage_currency": "XYZ"},
            "Currency of the wage: unknown currency 'XYZ': use the 3-letter code, like QAR or USD",
        ),
        (
            {"job_order_number": "JO-2025-001", "wage_currency": "QAR"},
            "Monthly wage offered: give the amount, or leave the currency empty",
        ),
    ],
)
def test_bad_job_offer_input_names_the_field(
    client: Client, reg: dict[str, Any], params: dict[str, str], message: str
) -> None:
    text = offer(client, status=400, **params)
    assert message in text
    assert 'id="result"' not in text


def test_a_wage_below_the_legal_minimum_is_warned_of_with_or_without_a_job_order(
    client: Client, reg: dict[str, Any],
) -> None:
    """Qatar's minimum wage (rule files: QAR 1,000 a month from 20 March 2021): an offer below it is a warning
    whether or not a job order is found, and so is a job order approved below it."""
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="900", wage_currency="QAR"))
    assert ("The wage you were offered (900 QAR) is below the legal minimum wage in Qatar, 1,000 QAR a month: an "
            "employer may not pay less.") in box
    assert "The approved wage of this job order" not in box  # 1,200 is above it
    box = result_box(offer(client, employer="Doha Sunshine Trading", destination="QA", occupation="driver",
                           wage_amount="150", wage_currency="USD"))  # about QAR 546: converted at the day's rate
    assert "⚠ No approved job order found" in box and "(150 USD) is below the legal minimum wage in Qatar" in box
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="1000", wage_currency="QAR"))
    assert "below the legal minimum" not in box  # at the minimum: only the lower-than-approved warning
    reg["jo"].wage_amount = Decimal("800")
    reg["jo"].save()
    box = result_box(offer(client, job_order_number="JO-2025-001"))
    assert "The approved wage of this job order (800 QAR) is below the legal minimum wage in Qatar" in box
    assert "An approved job order was found, but check the warnings" in box

    # in the worker's language: the country by its name, the amounts as that language writes them
    client.cookies["django_language"] = "vi"
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="900", wage_currency="QAR"))
    assert "1.000 QAR" in box and "1,000" not in box  # the minimum, as Vietnamese writes it
    client.cookies["django_language"] = "ne"
    box = result_box(offer(client, job_order_number="JO-2025-001", wage_amount="900", wage_currency="QAR"))
    assert "कतार" in box and " QA," not in box


def test_a_filipino_household_worker_is_warned_of_an_offer_below_the_philippines_minimum(
    client: Client, reg: dict[str, Any],
) -> None:
    box = result_box(offer(client, employer="Riyadh Family Household", destination="SA", origin="PH",
                           domestic_work="yes", wage_amount="1000", wage_currency="SAR"))  # about US$267
    assert ("The wage (1,000 SAR) is below the minimum wage your country sets for its workers abroad in this "
            "work, 400 USD a month: Minimum wage of household service workers abroad.") in box
    box = result_box(offer(client, employer="Riyadh Family Household", destination="SA", origin="PH",
                           domestic_work="no", wage_amount="1000", wage_currency="SAR"))
    assert "your country sets" not in box  # not domestic work: the rule does not cover it
