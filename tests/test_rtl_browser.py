"""Numbers on a right-to-left page, in a real Chromium: a phone number keeps its digit groups in order. In an
Arabic paragraph the browser's bidirectional algorithm lays out "+977 1 4412345" as "4412345 1 977+" (each group
left to right, the groups right to left) unless the number is isolated as left-to-right text; a worker copying it
would dial the wrong number."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import PHONE, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The x of the first and the last character of the phone number as drawn, from a DOM Range over its text.
POSITIONS = """(phone) => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(phone);
    if (at < 0) continue;
    const box = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                         return r.getBoundingClientRect().x; };
    return {first: box(at), last: box(at + phone.length - 1)};
  }
  return null;
}"""


def test_a_phone_number_reads_in_order_on_an_arabic_page(live_server: Any) -> None:
    from fairrecruit.registry.services import actor_create

    actor_create(actor_user=None, name="Himal Sathi Manpower Pvt. Ltd.", kind="licensed_agency",
                 identifier="NP-DOFE-4242", country="NP", phones=["+977 1 4412345"])
    with chromium() as browser:
        for lang in ("ar", "en"):
            context = browser.new_context(base_url=live_server.url, **PHONE)
            context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
            page = context.new_page()
            page.goto("/verify/NP-DOFE-4242/")
            assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
            drawn = page.evaluate(POSITIONS, "+977 1 4412345")
            assert drawn is not None, f"{lang}: the phone number is not on the page"
            assert drawn["first"] < drawn["last"], f"{lang}: '+' drawn right of the last digit: {drawn}"
            context.close()


def test_a_sanctions_amount_and_licence_number_read_in_order_on_an_arabic_page(live_server: Any) -> None:
    """The register of sanctions in Arabic: the fine's amount (as the Arabic locale formats it, "500000 NPR") and the
    licence "4242/069/70" keep their order."""
    from fairrecruit.enforcement.services import sanction_impose
    from fairrecruit.enforcement.tests.helpers import build, sanction_input

    r = build()
    sanction_impose(user=None, organisation=None, data=sanction_input(r))
    sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="revocation", amount=None, currency=""))
    with chromium() as browser:
        context = browser.new_context(base_url=live_server.url, **PHONE)
        context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
        page = context.new_page()
        page.goto("/sanctions/")
        assert page.get_attribute("html", "dir") == "rtl"
        amount = page.locator(".sanction bdi", has_text="NPR").first.inner_text()
        assert amount.endswith(" NPR") and "".join(c for c in amount if c.isdigit()) == "500000", amount
        for text in (amount, "4242/069/70"):
            drawn = page.evaluate(POSITIONS, text)
            assert drawn is not None, f"{text!r} is not on the page"
            assert drawn["first"] < drawn["last"], f"{text!r} drawn right to left: {drawn}"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        context.close()
