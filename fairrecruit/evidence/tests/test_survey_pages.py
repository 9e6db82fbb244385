"""Survey import through the web page, run as a background job: staff and researchers only; the report names
rejected rows and fields; all or nothing; a retried upload is stored once; a check-only run stores nothing."""

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
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import run_pending

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


def _run(client: Client, r: Any) -> str:
    """The upload was queued as a job (303 to its page): run it as the worker would; the job page's HTML."""
    assert r.status_code == 303, r.content.decode()[:2000]
    assert r["Location"].startswith("/jobs/")
    run_pending()
    page = client.get(r["Location"])
    assert page.status_code == 200
    return page.content.decode()


def _survey_link(page: str) -> str:
    s = Survey.objects.order_by("-imported_at").first()
    assert s is not None and f'href="/evidence/surveys/{s.pk}/"' in page
    return f"/evidence/surveys/{s.pk}/"


def test_researcher_imports_a_survey_and_a_retry_is_stored_once(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("res", Role.RESEARCHER))
    data = _csv(tmp_path)
    page = _run(client, _post(client, data))
    s = Survey.objects.get()
    assert _survey_link(page) == f"/evidence/surveys/{s.pk}/" and "30 rows imported" in page
    assert s.status == "imported" and s.rows_imported == 30 and SurveyRecord.objects.filter(survey=s).count() == 30
    assert AuditEvent.objects.filter(action="survey.import", target_id=str(s.pk)).count() == 1
    page = _run(client, _post(client, data))
    assert Survey.objects.count() == 1 and SurveyRecord.objects.count() == 30
    assert "imported before" in page and "30 of 30 rows imported" in page
    assert "30 of 30 rows imported" in client.get(_survey_link(page)).content.decode()


def test_a_bad_row_imports_nothing_and_the_report_names_it(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    job_page = _run(client, _post(client, _csv(tmp_path, break_row=7)))
    s = Survey.objects.get()
    assert s.status == "rejected" and SurveyRecord.objects.count() == 0
    assert "nothing was imported" in job_page and ">8<" in job_page[job_page.index('id="rejections"'):]
    page = client.get(_survey_link(job_page)).content.decode()
    rejections = page[page.index('id="rejections"'):]
    assert ">8<" in rejections and "earnings" in rejections  # line 8 of the file (line 1 is the header)
    assert "0 of 30 rows imported" in page


def test_good_rows_only_when_asked(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    _run(client, _post(client, _csv(tmp_path, break_row=7), partial="on"))
    s = Survey.objects.get()
    assert s.status == "partial" and s.rows_imported == 29 and s.rows_rejected == 1
    assert SurveyRecord.objects.filter(survey=s).count() == 29


def test_check_only_stores_nothing(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    html = _run(client, _post(client, _csv(tmp_path, break_row=3), dry_run="on"))
    assert Survey.objects.count() == 0 and SurveyRecord.objects.count() == 0
    assert Job.objects.get().result["status"] == "rejected"
    assert "nothing was stored" in html and ">4<" in html[html.index('id="rejections"'):]


def test_wrong_file_kind_and_missing_title_are_named(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    r = _post(client, b"not a survey", name="survey.txt")
    assert r.status_code == 400 and "is not a .csv, .parquet, .xlsx file" in r.content.decode()
    r = client.post("/evidence/surveys/", {"file": SimpleUploadedFile("s.csv", _csv(tmp_path)),
                                           "earnings_rule": "first_full_month"})
    assert r.status_code == 400 and 'id="id_title"' in r.content.decode()
    assert "This field is required." in r.content.decode()
    assert Survey.objects.count() == 0 and not Job.objects.exists()


def test_only_staff_and_researchers(client: Client, tmp_path: Path) -> None:
    assert client.get("/evidence/surveys/").status_code == 302  # to the login page
    client.force_login(make_user("w", Role.WORKER))
    assert client.get("/evidence/surveys/").status_code == 403
    assert _post(client, _csv(tmp_path)).status_code == 403
    assert Survey.objects.count() == 0 and not Job.objects.exists()


def test_hide_and_show_on_corridor_profiles(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    _run(client, _post(client, _csv(tmp_path)))
    s = Survey.objects.get()
    client.post(f"/evidence/surveys/{s.pk}/", {"published": "0"})
    s.refresh_from_db()
    assert s.published is False
    assert AuditEvent.objects.filter(action="survey.unpublish", target_id=str(s.pk)).exists()
