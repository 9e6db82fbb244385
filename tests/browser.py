"""Shared by the real-browser tests: Debian's Chromium driven by Playwright on a phone-sized screen over a slow
network. Run `sh scripts/system-deps.sh` first; without Chromium the tests fail (they never skip)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SLOW_3G = {  # about 400 kbit/s each way with 400 ms round trips
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
PAGE_BUDGET = 20 * 1024  # bytes on the wire (gzip) for a page with its CSS: under half a second at 400 kbit/s


@contextmanager
def phone(live_server: Any, throttle: bool = True) -> Iterator[Page]:
    """A fresh browser on a phone-sized screen over a slow network, with no cookies (no account).

    Playwright runs inside the test body (not in a fixture) so that a missing or broken Chromium makes the
    test FAIL, and so that its event loop is gone before pytest-django flushes the database."""
    with chromium() as browser:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if throttle:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        yield page


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright; a missing or broken browser fails the test (never skips it)."""
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch problem is a failure, with the reason
            pytest.fail(f"cannot launch {CHROMIUM} (run `sh scripts/system-deps.sh`): {exc}")
        try:
            yield browser
        finally:
            browser.close()
