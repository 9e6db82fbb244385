"""Phone-sized screenshots of the worker pages for docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--port 8765] [--scale 1]

Sets up the demo data (`fairrecruit demo --no-serve`) in a throw-away SQLite file, starts
`fairrecruit runserver 127.0.0.1:PORT --noreload` on it, photographs the pages with Playwright driving
Debian's chromium (`sh scripts/system-deps.sh` installs it; no browser is downloaded; the pages in Nepali and
Arabic need Debian's `fonts-noto-core`, or their letters come out as boxes), then stops the
server and deletes the file. The environment is passed on to `fairrecruit`, so DJANGO_SETTINGS_MODULE or
FAIRRECRUIT_* settings apply. Exits non-zero, naming the page, if a page does not show what it should.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
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
PHONE = {"width": 390, "height": 844}


def fairrecruit_bin() -> str:
    local = Path(sys.executable).parent / "fairrecruit"
    found = str(local) if local.exists() else shutil.which("fairrecruit")
    if not found:
        sys.exit("the `fairrecruit` command is not installed (pip install -e '.[dev]')")
    return found


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit(f"the server did not answer at {url} within {timeout:.0f} s")


def fill_journey(page: Page) -> None:
    """The Nepal -> Qatar journey of tests/test_browser.py."""
    page.select_option("#id_origin", "NP")
    page.select_option("#id_destination", "QA")
    page.fill("#id_recruitment_date", "2019-03-01")
    page.fill("#id_contract_months", "24")
    page.fill("#id_promised_wage_amount", "1000")
    page.fill("#id_promised_wage_currency", "QAR")
    page.fill("#id_earnings_amount", "1000")
    page.fill("#id_earnings_currency", "QAR")
    page.fill("#id_p-0-amount", "120000")
    page.fill("#id_p-0-currency", "NPR")
    page.fill("#id_p-0-date", "2019-03-05")
    page.fill("#id_p-0-purpose", "service charge")
    page.select_option("#id_p-0-paid_to", "licensed_agency")
    page.fill("#id_p-1-amount", "30000")
    page.fill("#id_p-1-currency", "NPR")
    page.fill("#id_p-1-date", "2019-03-05")
    page.fill("#id_p-1-purpose", "टिकट")
    page.get_by_label("Someone kept my passport or documents").check()


def wait_for(page: Page, selector: str, seconds: float = 300) -> None:
    """Wait until a job's page, refreshing itself, shows ``selector`` (or the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        try:
            if page.locator(selector).count():
                return
        except Exception:  # noqa: BLE001, S112 - the page is being refreshed
            continue


def expect(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"screenshot aborted: {what}")


def pdf_page(base: str, path: str, language: str, png: Path) -> Path:
    """The first page of a PDF the site serves, downloaded in ``language`` and rendered by pdftoppm."""
    req = urllib.request.Request(base + path, headers={"Cookie": f"django_language={language}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
    expect(data.startswith(b"%PDF"), f"{path} is not a PDF")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "r.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(Path(tmp) / "r.pdf"),
                        str(png.with_suffix(""))], check=True, timeout=120)
    print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}  {base}{path} ({language})")
    return png


def shoot(base: str, out: Path, scale: float, reviewed: str, receipt: str) -> list[Path]:
    shots: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:

            def phone(language: str | None = None) -> Page:
                ctx = browser.new_context(
                    base_url=base,
                    viewport=PHONE,
                    is_mobile=True,
                    has_touch=True,
                    device_scale_factor=scale,
                    locale="en-GB",
                )
                if language:
                    ctx.add_cookies([{"name": "django_language", "value": language, "url": base}])
                ctx.set_default_timeout(20_000)
                return ctx.new_page()

            def save(page: Page, name: str, full_page: bool = True) -> None:
                path = out / f"{name}.png"
                page.screenshot(path=str(path), full_page=full_page)
                shots.append(path)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {page.url}")

            page = phone()
            r = page.goto("/")
            expect(r is not None and r.ok, "home page did not load")
            save(page, "home")

            r = page.goto("/check/")
            expect(r is not None and r.ok, "/check/ did not load")
            fill_journey(page)
            with page.expect_navigation() as nav:
                page.get_by_role("button", name="Check", exact=True).click()
            status = nav.value.status if nav.value else 0
            expect(
                status == 200 and page.locator("#result").count() == 1,
                f"/check/ POST answered {status} without a result (403: CSRF rejected the form)",
            )
            save(page, "check-result")

            r = page.goto("/charges/?origin=NP&destination=QA&date=2019-01-01")
            expect(r is not None and r.ok, "/charges/ did not load")
            save(page, "charges-np-qa")

            r = page.goto("/standards/")
            expect(r is not None and r.ok, "/standards/ did not load")
            save(page, "standards")

            r = page.goto("/standards/law/BD/")
            expect(r is not None and r.ok, "/standards/law/BD/ did not load")
            save(page, "law-bd")

            for url, name in [
                ("/verify/?q=frist+shakti+manpower", "verify-search"),
                ("/reviews/new/", "review-new"),
                ("/complain/", "complain"),
                ("/corridors/NP-QA/", "corridor-np-qa"),
                ("/certification/register/", "certification-register"),
            ]:
                r = page.goto(url)
                expect(r is not None and r.ok, f"{url} did not load")
                save(page, name)

            # "Check a job offer": a demo job order valid today (the demo registry is moved to today), offered below
            # its approved wage.
            r = page.goto("/verify/job-offer/?employer=Al+Bustan+Goldline+Facility+Management&destination=QA"
                          "&occupation=Cleaner&origin=BD&wage_amount=1000&wage_currency=QAR")
            expect(r is not None and r.ok and "LOWER" in page.content() and "expired" not in page.content(),
                   "/verify/job-offer/ does not find the demo job order valid today with its approved wage")
            save(page, "job-offer")

            for url, name in [
                ("/grievances/statistics/", "grievance-statistics"),
                (f"/reviews/actor/{reviewed}/", "reviews-actor"),
            ]:
                r = page.goto(url)
                expect(r is not None and r.ok, f"{url} did not load")
                save(page, name)

            def signed_in(user: str) -> Page:
                """A phone signed in as a demo account (password demo-password)."""
                page = phone()
                page.goto("/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", "demo-password")
                with page.expect_navigation():
                    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
                return page

            # Signed-in pages of the demo accounts.
            for user, url, name, text in [
                ("staff", "/work/", "your-work", "Record linkage review"),
                ("staff", "/reviews/moderate/", "moderation-queue", "Ram Bahadur"),
                ("staff", "/grievances/cases/", "case-list", "NP"),
                ("certbody", "/certification/", "certification-home", "ertif"),
            ]:
                page = signed_in(user)
                r = page.goto(url)
                expect(r is not None and r.ok and text in page.content(), f"{url} as {user} did not load")
                save(page, name, full_page=False)

            # The regulator's list of recruiters to inspect first, from its first recruiter on.
            page = signed_in("regulator")
            r = page.goto("/enforcement/targets/")
            expect(r is not None and r.ok and page.locator(".target").count() > 0,
                   "/enforcement/targets/ as regulator shows no recruiter")
            page.evaluate("document.getElementById('targets').scrollIntoView()")
            save(page, "enforcement-targets", full_page=False)

            # A brand's recruiters, flagged ones first.
            page = signed_in("brand")
            r = page.goto("/supply-chain/")
            expect(r is not None and r.ok and page.locator(".supplier").count() > 0,
                   "/supply-chain/ as brand shows no recruiter")
            save(page, "supply-chain", full_page=False)

            # A brand's workforce fee survey, as a worker opens it (in Bengali).
            page = phone(language="bn")
            r = page.goto("/fee-survey/demo-survey/")
            expect(r is not None and r.ok, "/fee-survey/demo-survey/ in Bengali did not load")
            save(page, "fee-survey-bn", full_page=False)

            # The worker follows their repayment with the receipt code they got when answering (in Nepali).
            page = phone(language="ne")
            page.goto("/fee-survey/demo-survey/repayment/")
            page.fill("#id_receipt", receipt)
            with page.expect_navigation():
                page.locator("#id_receipt").press("Enter")
            expect(page.locator("#status").count() == 1, "the demo receipt code shows no repayment")
            save(page, "fee-survey-repayment-ne", full_page=False)

            # The survey's poster for a notice board (QR code and address), in English, Bengali and Nepali, as printed.
            page = signed_in("brand")
            page.goto("/supply-chain/surveys/")
            with page.expect_navigation():
                page.locator("table a[href^='/supply-chain/surveys/']").first.click()
            r = page.goto(page.url.split("?")[0] + "poster/?lang=en&lang=bn&lang=ne")
            expect(r is not None and r.ok and page.locator("#poster svg").count() == 1,
                   "the fee survey's poster has no QR code")
            page.emulate_media(media="print")
            save(page, "fee-survey-poster")

            # A background job: staff run record linkage from the review queue; the job's page refreshes itself
            # (no JavaScript) until the run, done by the server's jobs thread, has ended.
            page = signed_in("staff")
            page.goto("/registry/review/")
            with page.expect_navigation():
                page.get_by_role("button", name="Run record linkage").click()
            expect("/jobs/" in page.url, f"Run record linkage answered {page.url}, not a job page")
            wait_for(page, "#link-result, #job-error")
            expect(page.locator("#link-result").count() == 1, f"the linkage job did not end well: {page.url}")
            save(page, "linkage-job")

            # SDG 10.7.1 of the demo survey by sex, as a job whose page shows the table.
            page.goto("/evidence/surveys/")
            page.locator("table a[href^='/evidence/surveys/']").first.click()
            page.wait_for_selector("#sdg")
            page.locator("#sdg input[value='sex']").check()
            with page.expect_navigation():
                page.locator("#sdg button[type=submit]").click()
            wait_for(page, "#sdg-result, #job-error")
            expect(page.locator("#sdg-result").count() == 1, f"the SDG job did not end well: {page.url}")
            save(page, "sdg-job", full_page=False)

            page = phone(language="ne")
            r = page.goto("/reviews/new/")
            expect(r is not None and r.ok, "/reviews/new/ in Nepali did not load")
            save(page, "review-new-ne", full_page=False)

            page = phone(language="ar")
            r = page.goto("/check/")
            expect(r is not None and r.ok, "/check/ in Arabic did not load")
            expect(page.get_attribute("html", "dir") == "rtl", "/check/ in Arabic is not right-to-left")
            save(page, "check-ar")

            page = phone(language="ne")
            r = page.goto("/charges/?origin=NP&destination=QA&date=2019-01-01")
            expect(r is not None and r.ok, "/charges/ in Nepali did not load")
            expect("नेपालको कानून" in page.content(), "/charges/ in Nepali does not name Nepal's law in Nepali")
            save(page, "charges-ne")

            page = phone(language="ne")
            r = page.goto("/corridors/NP-QA/")
            expect(r is not None and r.ok, "/corridors/NP-QA/ in Nepali did not load")
            expect("नेपाल → कतार" in page.content(), "/corridors/NP-QA/ in Nepali does not name the corridor in Nepali")
            save(page, "corridor-ne", full_page=False)
            shots.append(pdf_page(base, "/corridors/NP-QA/profile.pdf", "ne", out / "corridor-report-ne.png"))
            shots.append(pdf_page(base, "/check/examples/np-qa-2019-labourer/statement.pdf", "ne",
                                  out / "fee-statement-ne.png"))

            page = phone(language="ne")
            r = page.goto("/sanctions/?country=NP")
            expect(r is not None and r.ok, "/sanctions/ in Nepali did not load")
            expect("लाइसेन्स खारेज" in page.content(), "/sanctions/ in Nepali does not show a revoked licence in Nepali")
            page.evaluate("document.getElementById('count').scrollIntoView()")  # the sanctions, not the filters
            save(page, "sanctions-ne", full_page=False)

            page = phone(language="ne")
            r = page.goto("/contract/")
            expect(r is not None and r.ok, "/contract/ in Nepali did not load")
            page.select_option("#id_destination", "QA")
            for field, value in [("promised_wage_amount", "1400"), ("promised_wage_currency", "QAR"),
                                 ("actual_wage_amount", "950"), ("actual_wage_currency", "QAR"),
                                 ("promised_hours_per_day", "8"), ("actual_hours_per_day", "11"),
                                 ("promised_rest_days_per_week", "1"), ("actual_rest_days_per_week", "0"),
                                 ("promised_contract_months", "24"), ("months_worked", "4")]:
                page.fill(f"#id_{field}", value)
            page.select_option("#id_promised_food", "yes")
            page.select_option("#id_actual_food", "no")
            page.select_option("#id_received", "after_arrival")
            with page.expect_navigation() as nav:
                page.locator("main button[type=submit]").click()
            expect(nav.value is not None and nav.value.status == 200, "/contract/ in Nepali did not compare")
            save(page, "contract-ne")
        finally:
            browser.close()
    return shots


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--scale", type=float, default=1, help="device pixel ratio of the PNGs (default 1)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: run `sh scripts/system-deps.sh`")
    args.out.mkdir(parents=True, exist_ok=True)
    bin_ = fairrecruit_bin()
    tmp = Path(tempfile.mkdtemp(prefix="fairrecruit-shots-"))
    env = dict(os.environ, FAIRRECRUIT_DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}")
    server = None
    try:
        subprocess.run([bin_, "demo", "--no-serve"], env=env, check=True, cwd=ROOT)
        addr = f"127.0.0.1:{args.port}"
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            [bin_, "runserver", addr, "--noreload"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        wait_until_up(f"http://{addr}/", server)
        reviewed = subprocess.run(
            [bin_, "shell", "-c", "from fairrecruit.reviews.models import Review; "
             "print(Review.objects.filter(status='published').values_list('actor__identifier', flat=True)"
             ".order_by('actor__identifier').first())"],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # the last line: Django's shell may announce its auto-imports first
        receipt = subprocess.run(
            [bin_, "shell", "-c", "from django.contrib.auth import get_user_model; "
             "from fairrecruit.supplychain.management.commands.supplychain_demo import Command; "
             "print(Command().repayment(get_user_model().objects.get(username='brand')))"],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # the demo's receipt code (running it again adds nothing)
        shoot(f"http://{addr}", args.out, args.scale, reviewed, receipt)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
