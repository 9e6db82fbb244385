"""A worker's review in a real Chromium on a phone: written in Nepali about a sub-agent who is not in the
registry, pending until a moderator approves it, then on the actor's reviews page with the aggregate.

Real server (pytest-django's live_server), Debian's chromium driven by Playwright, no mocks. Run
`sh scripts/system-deps.sh` first; without Chromium these tests fail (they never skip). Database work happens
outside the browser sessions (Django refuses ORM calls while Playwright's event loop runs)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser import PAGE_BUDGET, phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


SUB_AGENT = "हरि एजेन्ट"
STORY = "एजेन्टले मेरो पासपोर्ट राख्यो र धेरै पैसा लियो। मेरो फोन ९८४१२३४५६७ हो।"


def submit(page: Page, button: str) -> int:
    with page.expect_navigation() as nav:
        page.get_by_role("button", name=button, exact=True).click()
    response = nav.value
    assert response is not None
    return response.status


def _moderator() -> None:
    from fairrecruit.core.models import Role, User
    from fairrecruit.core.services import membership_grant, organisation_create

    user = User.objects.create_user("moderator", password="moderator-pw-1")
    org = organisation_create(actor=None, name="FairRecruit", kind="platform")
    membership_grant(actor=None, user=user, organisation=org, role=Role.STAFF)


def _four_more_published_reviews() -> str:
    """Other workers' reviews of the same sub-agent, already approved: with the worker's, five in all."""
    import secrets

    from fairrecruit.core.models import User
    from fairrecruit.registry.models import Actor
    from fairrecruit.reviews.services import ReviewInput, review_moderate, review_submit

    actor = Actor.objects.get(kind="reported", name=SUB_AGENT)
    moderator = User.objects.get(username="moderator")
    for i in range(4):
        data = ReviewInput(
            rating=1 + i % 3,
            actor_identifier=actor.identifier,
            paid_fees="yes",
            documents_taken="yes",
            origin="NP",
            destination="QA",
            recruitment_year=2023,
            wage_received_amount=1100.0,
            wage_received_currency="QAR",
            text=f"अर्को कामदार {i}",
            language="ne",
            payments=[
                {
                    "amount": 100000.0 + 10000 * i,
                    "currency": "NPR",
                    "purpose": "सेवा शुल्क",
                    "paid_to": "sub_agent",
                }
            ],
        )
        r = review_submit(data=data, token=secrets.token_urlsafe(24)).review
        review_moderate(moderator=moderator, review=r, action="approve")
    return actor.identifier


def test_worker_review_in_nepali_is_approved_and_shown_in_aggregate(live_server: Any) -> None:
    _moderator()
    with phone(live_server) as page:
        responses: list[Any] = []
        page.on("response", lambda r: responses.append(r))
        page.goto("/reviews/new/", wait_until="load")
        assert page.locator("script").count() == 0
        total = sum(
            r.request.sizes()["responseBodySize"] + r.request.sizes()["responseHeadersSize"]
            for r in responses
        )
        assert 0 < total < PAGE_BUDGET, total

        page.fill("#id_reported_name", SUB_AGENT)
        page.select_option("#id_reported_role", "sub_agent")
        page.fill("#id_reported_phone", "9841000003")
        page.fill("#id_reported_place", "झापा")
        page.check("#id_rating_1")  # 2 of 5
        page.check("#id_paid_fees_0")
        page.fill("#id_p-0-amount", "150000")
        page.fill("#id_p-0-currency", "NPR")
        page.fill("#id_p-0-purpose", "सब-एजेन्टलाई शुल्क")
        page.select_option("#id_p-0-paid_to", "sub_agent")
        page.fill("#id_wage_received_amount", "1200")
        page.fill("#id_wage_received_currency", "QAR")
        page.select_option("#id_origin", "NP")
        page.select_option("#id_destination", "QA")
        page.select_option("#id_recruitment_year", "2023")
        page.check("#id_documents_taken_0")
        page.fill("#id_text", STORY)
        page.select_option("#id_language", "ne")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert submit(page, "Send review") == 200

        assert page.get_attribute("#status", "data-status") == "pending"
        code = page.inner_text("#edit-code").strip()
        assert len(code) == 14

        # Coming back later with the code: still waiting for a moderator.
        page.goto("/reviews/my/")
        page.fill("#id_code", code)
        assert submit(page, "Open") == 200
        assert page.get_attribute("#status", "data-status") == "pending"

    identifier = _four_more_published_reviews()

    with phone(live_server, throttle=False) as page:
        page.goto(f"/reviews/actor/{identifier}/")
        assert page.locator("#no-aggregate").is_visible()  # four published: below the threshold
        assert page.locator("article").count() == 4
        assert "पासपोर्ट राख्यो" not in page.inner_text("main")  # pending: not shown

        page.goto("/reviews/moderate/")
        assert "/reviews/login/" in page.url
        page.fill("#id_username", "moderator")
        page.fill("#id_password", "moderator-pw-1")
        assert submit(page, "Log in") == 200
        assert page.url.endswith("/reviews/moderate/")
        with page.expect_navigation():
            page.get_by_role("link", name=SUB_AGENT).click()
        assert "[phone]" in page.inner_text("main")  # the automatic check removed the phone number
        assert submit(page, "Approve") == 200
        assert "Nothing waiting." in page.inner_text("main")

        page.goto(f"/reviews/actor/{identifier}/")
        assert page.locator("#aggregate").is_visible()
        aggregate = page.inner_text("#aggregate")
        assert "5 reviews" in aggregate and "Paid fees or costs to get the job" in aggregate
        assert "USD" in aggregate
        main = page.inner_text("main")
        assert "एजेन्टले मेरो पासपोर्ट राख्यो" in main and "९८४१२३४५६७" not in main
        assert page.locator("article").count() == 5
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
