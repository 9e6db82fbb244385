"""Survey import through the web page: staff and researchers only; the report names rejected rows and fields;
all or nothing; a retried upload is stored once; a check-only run stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.evidence import generate
from fairrecruit.evidence.models import Survey, SurveyRecord
from fairrecruit.evidence.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _csv(tmp_path: Path, n: int = 30, *, break_row: int | None = None) -> bytes:
    path = generate.write_csv(tmp_path / "s.csv", generate.survey_rows(n, seed=11))
    lines = path.read_text().splitlines()
    if break_row is not None:
        header = lines[0].split(",")
        cells = lines[break_row].split(",")
        cells[header.index("earnings")] = "-5"
        lines[break_row] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


def _post(client: Client, data: bytes, name: str = "survey.csv", **extra: object) -> Any:
    form = {"file": SimpleUploadedFile(name, data), "title": "Pilot survey", "producer": "Stats office",
            "earnings_rule": "first_full_month", **extra}
    return client.post("/evidence/surveys/", form)


def test_researcher_imports_a_survey_and_a_retry_is_stored_once(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("res", Role.RESEARCHER))
    data = _csv(tmp_path)
    r = _post(client, data)
    s = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/evidence/surveys/{s.pk}/"
    assert s.status == "imported" and s.rows_imported == 30 and SurveyRecord.objects.filter(survey=s).count() == 30
    assert AuditEvent.objects.filter(action="survey.import", target_id=str(s.pk)).count() == 1
    again = _post(client, data)
    assert again.status_code == 302 and Survey.objects.count() == 1 and SurveyRecord.objects.count() == 30
    page = client.get(again["Location"], follow=True).content.decode()
    assert "imported before" in page and "30 of 30 rows imported" in page


def test_a_bad_row_imports_nothing_and_the_report_names_it(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    r = _post(client, _csv(tmp_path, break_row=7))
    s = Survey.objects.get()
    assert s.status == "rejected" and SurveyRecord.objects.count() == 0
    page = client.get(r["Location"]).content.decode()
    rejections = page[page.index('id="rejections"'):]
    assert ">8<" in rejections and "earnings" in rejections  # line 8 of the file (line 1 is the header)
    assert "0 of 30 rows imported" in page


def test_good_rows_only_when_asked(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    _post(client, _csv(tmp_path, break_row=7), partial="on")
    s = Survey.objects.get()
    assert s.status == "partial" and s.rows_imported == 29 and s.rows_rejected == 1
    assert SurveyRecord.objects.filter(survey=s).count() == 29


def test_check_only_stores_nothing(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    r = _post(client, _csv(tmp_path, break_row=3), dry_run="on")
    assert r.status_code == 400 and Survey.objects.count() == 0 and SurveyRecord.objects.count() == 0
    html = r.content.decode()
    assert "nothing was stored" in html and ">4<" in html[html.index('id="rejections"'):]


def test_wrong_file_kind_and_missing_title_are_named(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    r = _post(client, b"not a survey", name="survey.txt")
    assert r.status_code == 400 and "is not a .csv, .parquet, .xlsx file" in r.content.decode()
    r = client.post("/evidence/surveys/", {"file": SimpleUploadedFile("s.csv", _csv(tmp_path)),
                                           "earnings_rule": "first_full_month"})
    assert r.status_code == 400 and 'id="id_title"' in r.content.decode()
    assert "This field is required." in r.content.decode()
    assert Survey.objects.count() == 0


def test_only_staff_and_researchers(client: Client, tmp_path: Path) -> None:
    assert client.get("/evidence/surveys/").status_code == 302  # to the login page
    client.force_login(make_user("w", Role.WORKER))
    assert client.get("/evidence/surveys/").status_code == 403
    assert _post(client, _csv(tmp_path)).status_code == 403
    assert Survey.objects.count() == 0


def test_hide_and_show_on_corridor_profiles(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    _post(client, _csv(tmp_path))
    s = Survey.objects.get()
    client.post(f"/evidence/surveys/{s.pk}/", {"published": "0"})
    s.refresh_from_db()
    assert s.published is False
    assert AuditEvent.objects.filter(action="survey.unpublish", target_id=str(s.pk)).exists()
