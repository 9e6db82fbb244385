"""Every worker-facing page, in a real Chromium on a phone, is sent gzip-compressed and weighs under 20 KB on the
wire (HTML and CSS, no images) and loads no script; and its main content is readable with JavaScript disabled.

The pages are visited in English, in Burmese (the script that takes the most bytes per letter in UTF-8) and in
Arabic (right to left). Real server (pytest-django's live_server), Debian's chromium driven by Playwright, no
mocks. Database rows are made before the browser starts (Django refuses ORM calls while Playwright's event
loop runs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser import PAGE_BUDGET, PHONE, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (path, a text the page must show in English: proves the right page answered, not an error page)
WORKER_PAGES: list[tuple[str, str]] = [
    ("/", "pay for your job"),
    ("/check/", "Check my fees"),
    ("/charges/", "charge"),
    ("/standards/", "ILO"),
    ("/standards/law/NP/", "Nepal"),
    ("/verify/", "Check an agency"),
    ("/verify/?q=Himal+Sathi", "Himal Sathi"),
    ("/verify/NP-DOFE-4242/", "Himal Sathi"),
    ("/verify/job-offer/", "job offer"),
    ("/contract/", "contract"),
    ("/fee-survey/weigh-survey/", "pay for your job"),
    ("/reviews/new/", "review"),
    ("/reviews/my/", "code"),
    ("/reviews/actor/NP-DOFE-4242/", "Himal Sathi"),
    ("/complain/", "complain"),
    ("/complain/follow/", "PIN"),
    ("/grievances/statistics/", "omplaints"),
    ("/corridors/", "corridor"),
    ("/corridors/NP-QA/", "Qatar"),
    ("/certification/register/", "ertif"),
    ("/certification/verify/", "ertificate"),
    ("/knowledge/", "nowledge"),
    ("/open-data/", "pen data"),
    ("/sanctions/", "Himal Sathi"),
]
LANGUAGES = ["en", "my", "ar"]


def _registry() -> None:
    from fairrecruit.registry.models import Licence
    from fairrecruit.registry.services import actor_create, licence_number_std, licence_status_record

    regulator = actor_create(actor_user=None, name="Department of Foreign Employment", kind="regulator",
                             identifier="NP-DOFE", country="NP")
    agency = actor_create(actor_user=None, name="Himal Sathi Manpower Pvt. Ltd.", kind="licensed_agency",
                          identifier="NP-DOFE-4242", country="NP", city="Kathmandu", phones=["+977 1 4412345"],
                          aliases=["हिमाल साथी म्यानपावर"])
    licence = Licence.objects.create(actor=agency, regulator=regulator, number="4242/069/70",
                                     number_std=licence_number_std("4242/069/70"), status="active")
    licence_status_record(actor_user=None, licence=licence, status="suspended", effective_date=dt.date(2024, 5, 1),
                          reason="complaints of over-charging", source_note="DoFE notice")
    from decimal import Decimal

    from fairrecruit.enforcement.services import SanctionInput, sanction_impose

    sanction_impose(user=None, organisation=None, data=SanctionInput(
        regulator=regulator, subject=agency, kind="fine", breaches=["overcharging", "document_retention"],
        legal_basis="Foreign Employment Act 2007", decided_on=dt.date(2024, 5, 1), effective_from=dt.date(2024, 5, 1),
        amount=Decimal("500000"), currency="NPR", summary="Fined for charging workers more than the cap."))
    from fairrecruit.core.models import OrganisationKind
    from fairrecruit.core.services import organisation_create
    from fairrecruit.supplychain.models import FeeSurvey

    brand = organisation_create(actor=None, name="Gulf Logistics W.L.L.", kind=OrganisationKind.EMPLOYER, country="QA")
    FeeSurvey.objects.create(organisation=brand, title="Fee survey 2026", code="weigh-survey")


def _weigh(page: Any, path: str) -> tuple[int, set[str], int, int, str]:
    responses: list[Any] = []

    def seen(response: Any) -> None:
        responses.append(response)

    page.on("response", seen)
    page.goto(path, wait_until="load")
    page.remove_listener("response", seen)
    kinds = {r.request.resource_type for r in responses}
    total = 0
    status = 0
    encoding = ""
    for r in responses:
        sizes = r.request.sizes()
        total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        if r.request.resource_type == "document":
            status = r.status
            encoding = r.all_headers().get("content-encoding", "")
    return total, kinds, page.locator("script").count(), status, encoding


def test_every_worker_page_is_light_and_loads_no_script(live_server: Any) -> None:
    _registry()
    problems: list[str] = []
    report: list[str] = []
    with chromium() as browser:
        for lang in LANGUAGES:
            context = browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
            context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
            page = context.new_page()
            for path, text in WORKER_PAGES:
                total, kinds, scripts, status, encoding = _weigh(page, path)
                report.append(f"{lang} {path} {total} bytes ({encoding or 'not compressed'})")
                if encoding != "gzip":
                    problems.append(f"{lang} {path}: sent without compression ({encoding!r}) to a browser that asks for it")
                if status != 200:
                    problems.append(f"{lang} {path}: answered {status}")
                if not 0 < total < PAGE_BUDGET:
                    problems.append(f"{lang} {path}: {total} bytes (budget {PAGE_BUDGET})")
                if "script" in kinds or scripts:
                    problems.append(f"{lang} {path}: loads script")
                if not kinds <= {"document", "stylesheet"}:
                    problems.append(f"{lang} {path}: loads {sorted(kinds - {'document', 'stylesheet'})}")
                if page.get_attribute("html", "lang") != lang:
                    problems.append(f"{lang} {path}: html lang is {page.get_attribute('html', 'lang')}")
                if lang == "en" and text.lower() not in page.locator("main").inner_text().lower():
                    problems.append(f"{lang} {path}: {text!r} not on the page")
                if page.evaluate("document.documentElement.scrollWidth") > PHONE["viewport"]["width"]:
                    problems.append(f"{lang} {path}: wider than the phone's screen")
            context.close()
    print("\n".join(report))
    assert not problems, "\n".join(problems)


def test_search_and_profile_work_with_javascript_disabled(live_server: Any) -> None:
    """The verification flow with JavaScript off: search, see the warning, open the profile."""
    _registry()
    with chromium() as browser:
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
        page = context.new_page()
        page.goto("/verify/")
        page.fill("input[name=q]", "Himal Sati")  # a typo
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        result = page.locator("main").inner_text()
        assert "Himal Sathi" in result and "suspended" in result.lower()
        with page.expect_navigation():
            page.get_by_role("link", name="Himal Sathi Manpower Pvt. Ltd.").first.click()
        assert page.url.endswith("/verify/NP-DOFE-4242/")
        assert "complaints of over-charging" in page.locator("main").inner_text()

