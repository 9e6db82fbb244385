"""The pages that queue jobs, end to end through the test client: upload -> 303 to the job page (refreshing
itself while queued) -> the worker runs it -> the job page shows the report and links to the stored result."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from fairrecruit.core.models import Role
from fairrecruit.evidence import generate
from fairrecruit.evidence.models import Survey
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import run_pending
from fairrecruit.registry.models import ImportFile, Licence
from tests.clients import member_client

pytestmark = pytest.mark.django_db

FIX = Path(__file__).resolve().parents[2] / "registry" / "tests" / "fixtures" / "imports"


def test_a_licence_list_upload_is_a_job_whose_page_ends_with_the_report() -> None:
    c, user = member_client(Role.STAFF)
    data = (FIX / "np_dofe_bad_rows.csv").read_bytes()
    r = c.post("/registry/imports/", {"file": SimpleUploadedFile("np_dofe_bad_rows.csv", data, "text/csv"),
                                      "mapping": "np-dofe", "as_of": "2025-07-16", "allow_partial": "on"})
    assert r.status_code == 303
    job = Job.objects.get()
    assert r["Location"] == f"/jobs/{job.pk}/" and job.created_by == user and job.kind == "registry.import"
    assert job.params == {"mapping": "np-dofe", "allow_partial": True, "dry_run": False, "as_of": "2025-07-16"}
    waiting = c.get(r["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "Licence list import: np_dofe_bad_rows.csv" in waiting
    assert not ImportFile.objects.exists()  # nothing happens in the request itself
    out = io.StringIO()
    call_command("jobs", "work", "--once", stdout=out)
    assert "registry.import: done" in out.getvalue()
    page = c.get(r["Location"]).content.decode()
    f = ImportFile.objects.get()
    assert 'http-equiv="refresh"' not in page and "Imported without the rejected rows" in page
    assert {3, 4, 5, 7, 8} <= {int(m) for m in re.findall(r"<tr><td>(\d+)</td>", page)}
    assert f'href="/registry/imports/{f.pk}/"' in page and Licence.objects.exists()
    assert c.get(f"/registry/imports/{f.pk}/").status_code == 200
    assert f"/jobs/{job.pk}/" in c.get("/jobs/").content.decode()


def test_a_survey_upload_is_a_job_whose_page_links_to_the_survey(tmp_path: Path) -> None:
    c, _user = member_client(Role.RESEARCHER)
    data = generate.write_csv(tmp_path / "s.csv", generate.survey_rows(30, seed=11)).read_bytes()
    r = c.post("/evidence/surveys/", {"file": SimpleUploadedFile("survey.csv", data), "title": "Pilot survey",
                                      "earnings_rule": "first_full_month"})
    assert r.status_code == 303 and r["Location"].startswith("/jobs/")
    assert 'http-equiv="refresh"' in c.get(r["Location"]).content.decode()
    [job] = run_pending()
    assert job.status == "done" and (job.done, job.total) == (30, 30), job.error
    page = c.get(r["Location"]).content.decode()
    s = Survey.objects.get()
    assert "30 rows imported" in page and "30 of 30 rows imported" in page
    assert f'href="/evidence/surveys/{s.pk}/"' in page and 'http-equiv="refresh"' not in page
    assert c.get(f"/evidence/surveys/{s.pk}/").status_code == 200


def test_a_bad_upload_is_answered_on_the_form_and_queues_nothing(tmp_path: Path) -> None:
    c, _user = member_client(Role.STAFF)
    r = c.post("/evidence/surveys/", {"file": SimpleUploadedFile("survey.txt", b"x"), "title": "T",
                                      "earnings_rule": "first_full_month"})
    assert r.status_code == 400 and "is not a .csv, .parquet, .xlsx file" in r.content.decode()
    r = c.post("/registry/imports/", {"file": SimpleUploadedFile("l.pdf", b"%PDF"), "mapping": "np-dofe"})
    assert r.status_code == 400
    assert not Job.objects.exists()
