"""Corridor figures are kept in the (shared, database) cache: a second view reads no survey row, and importing,
hiding or showing a survey makes the next view compute them afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from fairrecruit.evidence import generate, selectors, services
from fairrecruit.evidence.models import Survey, SurveyRecord

pytestmark = pytest.mark.django_db


def _survey_reads(queries: CaptureQueriesContext) -> int:
    return sum("evidence_surveyrecord" in q["sql"] for q in queries.captured_queries)


def _pilot(settings: Any, tmp_path: Path, on_commit: Any) -> tuple[Survey, str, str]:
    """A 300-row survey titled "Pilot", imported with a cache time of 300 s; its corridor."""
    settings.FAIRRECRUIT_CORRIDOR_CACHE_SECONDS = 300
    path = generate.write_csv(tmp_path / "s.csv", generate.survey_rows(300, seed=5))
    with on_commit(execute=True):
        s = services.survey_import(actor=None, path=path, title="Pilot")
    origin, destination = SurveyRecord.objects.values_list("origin", "destination").first()  # type: ignore[misc]
    return s, origin, destination


def test_corridor_figures_come_from_the_cache_until_survey_data_changes(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    s, origin, destination = _pilot(settings, tmp_path, django_capture_on_commit_callbacks)
    code = f"{origin}-{destination}"

    with CaptureQueriesContext(connection) as first:
        computed = selectors.corridor_profile(origin, destination)
    assert computed["n"] > 0 and _survey_reads(first) > 0
    listed = selectors.corridors()
    with CaptureQueriesContext(connection) as second:
        cached = selectors.corridor_profile(origin, destination)
        listed_again = selectors.corridors()
    assert cached["n"] == computed["n"] and cached["stats"] == computed["stats"]
    assert listed == listed_again and any(c["code"] == code for c in listed)
    assert _survey_reads(second) == 0  # both from the cache

    assert "Pilot" in Client().get(f"/corridors/{code}/").content.decode()  # the source, named on the page
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_set_published(actor=None, survey_obj=s, published=False)
    assert selectors.corridor_profile(origin, destination)["n"] == 0  # computed afresh: the survey is hidden
    page = Client().get(f"/corridors/{code}/")
    assert page.status_code == 200 and "Pilot" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_set_published(actor=None, survey_obj=s, published=True)
    assert selectors.corridor_profile(origin, destination)["n"] == computed["n"]


def test_with_no_cache_time_every_view_computes(settings: Any, tmp_path: Path) -> None:
    settings.FAIRRECRUIT_CORRIDOR_CACHE_SECONDS = 0
    services.survey_import(actor=None, path=generate.write_csv(tmp_path / "s.csv", generate.survey_rows(50, seed=5)),
                           title="Pilot")
    origin, destination = SurveyRecord.objects.values_list("origin", "destination").first()  # type: ignore[misc]
    selectors.corridor_profile(origin, destination)
    with CaptureQueriesContext(connection) as again:
        selectors.corridor_profile(origin, destination)
    assert _survey_reads(again) > 0


def _report_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_report_is_kept_per_language_until_survey_data_changes(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    s, origin, destination = _pilot(settings, tmp_path, django_capture_on_commit_callbacks)
    client = Client()
    url = f"/corridors/{origin}-{destination}/profile.pdf"

    first = client.get(url).content
    with CaptureQueriesContext(connection) as again:
        second = client.get(url).content
    assert second == first and _survey_reads(again) == 0  # the same report, from the cache
    assert "Pilot" in _report_text(first) and "No survey data" not in _report_text(first)
    client.cookies["django_language"] = "es"
    spanish = client.get(url).content
    with translation.override("es"):
        heading = gettext("Fee rules in force today")
    assert heading != "Fee rules in force today"
    assert heading in _report_text(spanish) and heading not in _report_text(first)  # each language its own report
    assert "Pilot" in _report_text(spanish)

    with django_capture_on_commit_callbacks(execute=True):
        services.survey_set_published(actor=None, survey_obj=s, published=False)
    client.cookies["django_language"] = "en"
    hidden = _report_text(client.get(url).content)
    assert "No survey data for this corridor yet." in hidden and "Pilot" not in hidden
