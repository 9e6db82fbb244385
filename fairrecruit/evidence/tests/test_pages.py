"""Corridor profiles over HTTP: SVG charts without JavaScript, fee rules with citations, CSV and PDF downloads."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from fairrecruit.evidence.models import Survey
from tests.pdfs import render, text_and_fonts

pytestmark = pytest.mark.django_db


def test_corridor_list_links_every_corridor(client: Client, stored_survey: Survey) -> None:
    r = client.get("/corridors/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'href="/corridors/NP-QA/"' in html and "<svg" in html
    assert "<script" not in html


def test_corridor_page_shows_charts_rules_and_recruiters(client: Client, stored_survey: Survey) -> None:
    r = client.get("/corridors/NP-QA/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "<script" not in html
    assert html.count('<svg class="chart"') >= 3  # months of earnings, costs, women and men
    assert "<title>Months of earnings paid for the job, women and men</title>" in html
    assert "synthetic" in html.lower()
    assert "median months of earnings" in html and "4th quintile" in html
    # fee rules in force with their citations (reused from the standards app)
    assert 'id="rule-ilo-zero-fee"' in html and 'id="rule-law-np"' in html
    assert "https://english.nepalnews.com/?p=187243" in html
    assert "wording recalled, not checked against the official text" in html
    assert "No certified recruiter of Nepal in the register yet." in html
    assert "Complaints and remedies" in html and "No complaints about this corridor yet." in html
    assert client.get("/corridors/np-qa/").status_code == 301
    assert client.get("/corridors/XX-QA/").status_code == 404
    assert client.get("/corridors/NP-NP/").status_code == 404


def test_corridor_without_data_says_so(client: Client) -> None:
    html = client.get("/corridors/KE-LB/").content.decode()
    assert "No survey data for this corridor yet." in html


def test_small_groups_are_not_shown(client: Client, stored_survey: Survey) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/corridors/NP-QA/profile.csv").content.decode())))
    small = [r for r in rows if r["suppressed"] == "true"]
    assert all(r["mean"] == "" and r["n"] == "" for r in small)
    assert all(int(r["n"]) >= 5 for r in rows if r["suppressed"] == "false")


def test_csv_download(client: Client, stored_survey: Survey) -> None:
    r = client.get("/corridors/NP-QA/profile.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert 'filename="fairrecruit-NP-QA-sdg-10-7-1.csv"' in r["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    overall = [x for x in rows if x["by"] == "all" and x["source"] == "survey"]
    assert {x["zero_costs"] for x in overall} == {"include", "exclude"}
    assert float(overall[0]["median"]) > 0 and overall[0]["synthetic"] == "true"
    assert {x["by"] for x in rows} >= {"all", "sex", "documented", "occupation", "age_group", "education"}


def test_pdf_report(client: Client, stored_survey: Survey, tmp_path: Path) -> None:
    r = client.get("/corridors/NP-QA/profile.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Nepal – Qatar: recruitment costs" in text
    assert "synthetic" in text and "Fee rules in force today" in text
    assert "english.nepalnews.com" in text
    assert "By occupation (ISCO-08 major group)" in text and "Professionals (2)" in text
    assert "No certified recruiter of Nepal in the register yet." in text
    assert "No complaints about this corridor yet." in text
    if shutil.which("pdftoppm"):  # Debian's poppler-utils: the page renders to an image
        (tmp_path / "r.pdf").write_bytes(r.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "r.pdf"),
                str(tmp_path / "page"),
            ],
            check=True,
            timeout=60,
        )
        png = next(tmp_path.glob("page*.png"))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def _nepal_agency() -> None:
    from fairrecruit.registry.models import Licence
    from fairrecruit.registry.services import actor_create, licence_number_std

    regulator = actor_create(actor_user=None, name="Department of Foreign Employment", kind="regulator",
                             identifier="NP-DOFE", country="NP")
    agency = actor_create(actor_user=None, name="Himal Sathi Manpower", kind="licensed_agency",
                          identifier="NP-DOFE-4242", country="NP")
    Licence.objects.create(actor=agency, regulator=regulator, number="4242/069/70",
                           number_std=licence_number_std("4242/069/70"), status="suspended")


def _page(client: Client, path: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    r = client.get(path)
    assert r.status_code == 200
    return r.content.decode()


def test_corridor_page_in_the_readers_language(client: Client, stored_survey: Survey, settings: Any) -> None:
    """Country names, group labels, chart titles, recruiters' kinds and licence statuses follow the reader's
    language, and one cached profile serves every language (it holds codes, not words): Nepali first, then
    English from the same cache entry, then Nepali again."""
    settings.FAIRRECRUIT_CORRIDOR_CACHE_SECONDS = 300
    _nepal_agency()
    ne = _page(client, "/corridors/NP-QA/", "ne")
    assert '<html lang="ne"' in ne
    assert "<h1>नेपाल → कतार</h1>" in ne
    assert "इजाजतपत्रप्राप्त म्यानपावर कम्पनी: 1" in ne  # ActorKind.LICENSED_AGENCY in Nepali
    assert "Licensed recruitment agency" not in ne and "Suspended" not in ne
    assert "Months of earnings paid for the job" not in ne and "Women" not in ne
    assert 'id="rule-law-np"' in ne
    en = _page(client, "/corridors/NP-QA/", "en")
    assert "<h1>Nepal → Qatar</h1>" in en
    assert "Licensed recruitment agency: 1" in en and "Suspended: 1" in en
    assert "<title>Months of earnings paid for the job, women and men</title>" in en
    assert "Women" in en and "Craft and related trades workers (7)" in en
    assert "नेपाल →" not in en and "कतार" not in en
    assert "<h1>नेपाल → कतार</h1>" in _page(client, "/corridors/NP-QA/", "ne")
    listing = _page(client, "/corridors/", "ar")
    assert 'dir="rtl"' in listing and "نيبال" in listing and "Recruitment costs by corridor" not in listing


def _pdf(client: Client, lang: str) -> tuple[str, set[str]]:
    """The corridor report as the reader of ``lang`` downloads it: its text and the fonts embedded in it (that
    the fonts have every letter of the catalogues is checked in core/tests/test_pdf_fonts.py)."""
    client.cookies["django_language"] = lang
    r = client.get("/corridors/NP-QA/profile.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    return text_and_fonts(r.content)


def test_pdf_report_is_in_the_readers_language(
    client: Client, stored_survey: Survey
) -> None:
    _nepal_agency()
    russian, fonts = _pdf(client, "ru")
    assert "Непал – Катар: расходы на трудоустройство" in russian and "Nepal – Qatar" not in russian
    assert "Лицензированное кадровое агентство: 1" in russian and "Licensed recruitment agency" not in russian
    assert "Специалисты высшей" in russian and "Professionals (2)" not in russian
    assert "Women and men" not in russian and "Rules in force" not in russian
    assert fonts == {"NotoSans", "NotoSansBold"}
    nepali, fonts = _pdf(client, "ne")
    assert "नेपाल" in nepali and "कतार" in nepali and "Nepal – Qatar" not in nepali
    assert "Licensed recruitment agency" not in nepali and "Fee rules in force" not in nepali
    assert "english.nepalnews.com" in nepali  # sources stay as published
    assert {"NotoSansDevanagari", "NotoSansDevanagariBold"} <= fonts
    arabic, fonts = _pdf(client, "ar")
    assert "نيبال" in arabic and "قطر" in arabic and "Nepal – Qatar" not in arabic
    assert {"NotoSansArabic", "NotoSansArabicBold"} <= fonts


def test_pdf_report_draws_a_name_in_another_script_than_the_readers(
    client: Client, stored_survey: Survey
) -> None:
    """A survey titled in Bengali, listed in a report in Nepali: the Bengali letters come from the Bengali font."""
    stored_survey.title = "অভিবাসী কর্মীদের জরিপ"
    stored_survey.save(update_fields=["title"])
    _text, fonts = _pdf(client, "ne")
    assert "NotoSansBengali" in fonts and "NotoSansDevanagari" in fonts
    english, fonts = _pdf(client, "en")
    assert "Nepal – Qatar" in english and "NotoSansBengali" in fonts


def test_pdf_report_renders_without_errors_in_every_language(
    client: Client, stored_survey: Survey, tmp_path: Path
) -> None:
    """poppler draws every page of the report in each site language without a syntax error (fpdf2 once left the
    lines after one that started in a fallback font with no font: "No font in show"), and each page has ink."""
    from django.conf import settings

    _nepal_agency()
    stored_survey.title = "অভিবাসী কর্মীদের জরিপ"  # a name in another script than most reports'
    stored_survey.save(update_fields=["title"])
    assert shutil.which("pdftoppm"), "install poppler-utils: sh scripts/system-deps.sh"
    for lang, _name in settings.LANGUAGES:
        client.cookies["django_language"] = lang
        pages, errors = render(client.get("/corridors/NP-QA/profile.pdf").content, tmp_path / lang)
        assert "Error" not in errors, (lang, errors[:500])
        assert len(pages) >= 2, lang
        # at 20 dpi a page with its footer only is under 800 bytes; a last page with a heading and a line, 1,400
        assert all(p.stat().st_size > 1000 for p in pages), lang


def test_corridor_list_is_sorted_by_country_names_in_the_readers_language(
    client: Client, stored_survey: Survey
) -> None:
    """English puts Nepal before the Philippines; Spanish puts Filipinas before Nepal."""
    english = _page(client, "/corridors/", "en")
    assert english.index('href="/corridors/NP-QA/"') < english.index('href="/corridors/PH-SA/"')
    assert english.index('href="/corridors/NP-MY/"') < english.index('href="/corridors/NP-QA/"')  # Malaysia, Qatar
    spanish = _page(client, "/corridors/", "es")
    assert spanish.index('href="/corridors/PH-SA/"') < spanish.index('href="/corridors/NP-QA/"')


def test_corridor_page_counts_sanctions_by_the_origin_regulators(client: Client, stored_survey: Survey) -> None:
    from fairrecruit.enforcement.services import sanction_impose, sanction_lift
    from fairrecruit.enforcement.tests.helpers import build, sanction_input

    r = build()
    sanction_impose(user=None, organisation=None, data=sanction_input(r))
    sanction_impose(user=None, organisation=None, data=sanction_input(r, summary="a second fine"))
    ban, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed"]))
    sanction_lift(user=None, organisation=None, sanction=ban, lifted_on=r["today"], reason="appeal upheld")
    html = client.get("/corridors/NP-QA/").content.decode()
    section = html[html.index('id="recruiters"'):html.index("</section>", html.index('id="recruiters"'))]
    assert "<li>Fine: 2</li>" in section and "Banned" not in section  # the lifted ban is not counted
    assert 'href="/sanctions/?country=NP"' in section
    ne = client.get("/corridors/NP-QA/", HTTP_ACCEPT_LANGUAGE="ne").content.decode()
    assert "<li>जरिवाना: 2</li>" in ne


def test_the_open_data_page_links_the_public_registers(client: Client) -> None:
    html = client.get("/open-data/").content.decode()
    box = html[html.index('id="public-records"'):]
    assert 'href="/sanctions/"' in box and 'href="/api/v1/sanctions?format=csv"' in box
    assert 'href="/api/v1/register.csv"' in box
    assert client.get("/api/v1/sanctions?format=csv").status_code == 200


def test_pdf_report_states_a_limit_of_its_own_within_the_cap(client: Client, stored_survey: Survey) -> None:
    """Bangladesh → Malaysia since 6 July 2022: the report's fee rules say the agency's Tk 37,000 within the Tk 78,990
    total, as the corridor page does."""
    page = client.get("/corridors/BD-MY/").content.decode()
    assert "Of this, you may be charged at most 37,000 BDT for" in page
    r = client.get("/corridors/BD-MY/profile.pdf")
    assert r.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    assert "at most 78,990 BDT" in text and "Of this, you may be charged at most 37,000 BDT for" in text
