"""Importing a licence list from the browser (/registry/imports/): the same all-or-nothing import as the command,
run as a background job whose page answers with every rejected row; regulators import only their own country's
layouts; others are refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import run_pending
from fairrecruit.registry.models import Actor, ImportFile, Licence
from tests.clients import member_client

pytestmark = pytest.mark.django_db

FIX = Path(__file__).parent / "fixtures" / "imports"


def _upload(c: Client, name: str, mapping: str = "np-dofe", **extra: str) -> Any:
    data = (FIX / name).read_bytes()
    return c.post("/registry/imports/", {"file": SimpleUploadedFile(name, data, "text/csv"), "mapping": mapping,
                                         "as_of": "2025-07-16", **extra})


def _job_page(c: Client, r: Any) -> Any:
    """The upload was queued as a job (303 to its page): run it as the worker would, then read its page."""
    assert r.status_code == 303, r.content.decode()[:2000]
    assert r["Location"].startswith("/jobs/")
    assert Job.objects.filter(status="queued").exists()
    run_pending()
    page = c.get(r["Location"])
    assert page.status_code == 200
    return page


def test_a_good_list_is_imported_with_provenance_and_shown_in_the_history() -> None:
    c, user = member_client(Role.STAFF)
    r = _job_page(c, _upload(c, "np_dofe_2025.csv"))
    html = r.content.decode()
    assert "Imported" in html and "6 rows, 0 with problems" in html
    f = ImportFile.objects.get()
    assert f'href="/registry/imports/{f.pk}/"' in html and 'http-equiv="refresh"' not in html
    assert (f.filename, f.status, f.rows_imported, f.imported_by) == ("np_dofe_2025.csv", "imported", 6, user)
    assert Licence.objects.filter(actor__source_file=f).count() == 6
    assert AuditEvent.objects.filter(actor=user).exists()
    page = c.get("/registry/imports/").content.decode()
    assert f'href="/registry/imports/{f.pk}/"' in page
    assert c.get(f"/registry/imports/{f.pk}/").status_code == 200
    again = _job_page(c, _upload(c, "np_dofe_2025.csv"))
    assert "Unchanged" in again.content.decode()
    assert Licence.objects.count() == 6


def test_a_bad_list_imports_nothing_and_names_every_bad_row() -> None:
    c, _user = member_client(Role.STAFF)
    r = _job_page(c, _upload(c, "np_dofe_bad_rows.csv"))
    html = r.content.decode()
    assert "Rejected: nothing was imported" in html
    rows = {int(m) for m in re.findall(r"<tr><td>(\d+)</td>", html)}
    assert {3, 4, 5, 7, 8} <= rows, rows  # each bad row, numbered as in the file (the header is row 1)
    assert "Pending" in html and "31.12.2025" in html
    assert not Actor.objects.exists() and not Licence.objects.exists()
    stored = ImportFile.objects.get()  # the rejected file and its report are kept
    detail = c.get(f"/registry/imports/{stored.pk}/").content.decode()
    assert {3, 4, 5, 7, 8} <= {int(m) for m in re.findall(r"<tr><td>(\d+)</td>", detail)}
    partial = _job_page(c, _upload(c, "np_dofe_bad_rows.csv", allow_partial="on"))
    assert "Imported without the rejected rows" in partial.content.decode()
    assert Licence.objects.count() >= 1


def test_check_only_writes_nothing() -> None:
    c, _user = member_client(Role.STAFF)
    r = _job_page(c, _upload(c, "np_dofe_2025.csv", dry_run="on"))
    assert "Check only: nothing was written" in r.content.decode() and "6 rows, 0 with problems" in r.content.decode()
    assert not Licence.objects.exists() and not ImportFile.objects.exists()


def test_bad_form_input_names_the_field() -> None:
    c, _user = member_client(Role.STAFF)
    r = c.post("/registry/imports/", {"file": SimpleUploadedFile("list.pdf", b"%PDF-1.4", "application/pdf"),
                                      "mapping": "np-dofe", "as_of": "16/07/2025"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "upload a .csv or .xlsx file" in html and "write the date as YYYY-MM-DD" in html
    assert not ImportFile.objects.exists() and not Job.objects.exists()


def test_a_regulator_imports_only_its_own_countrys_lists() -> None:
    c, _user = member_client(Role.REGULATOR, "NP")
    page = c.get("/registry/imports/").content.decode()
    assert 'value="np-dofe"' in page and 'value="ph-dmw"' not in page
    r = _upload(c, "ph_dmw_2025.csv", mapping="ph-dmw")
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    assert not ImportFile.objects.exists() and not Job.objects.exists()
    staff, _s = member_client(Role.STAFF, "PH")
    _job_page(staff, _upload(staff, "ph_dmw_2025.csv", mapping="ph-dmw"))
    ph_file = ImportFile.objects.get()
    job = Job.objects.get()
    assert c.get(f"/jobs/{job.pk}/").status_code == 404  # another user's job
    assert c.get(f"/registry/imports/{ph_file.pk}/").status_code == 404
    assert "ph_dmw_2025.csv" not in c.get("/registry/imports/").content.decode()


def test_a_regulator_without_a_layout_is_told_so() -> None:
    c, _user = member_client(Role.REGULATOR, "QA")
    r = c.get("/registry/imports/")
    assert r.status_code == 200 and "No list layout" in r.content.decode() and "<form method=\"post\" enc" not in r.content.decode()


def test_others_are_refused() -> None:
    c, _user = member_client(Role.RECRUITER)
    assert c.get("/registry/imports/").status_code == 403
    assert _upload(c, "np_dofe_2025.csv").status_code == 403
    assert Client().get("/registry/imports/").status_code == 302
    assert not ImportFile.objects.exists() and not Job.objects.exists()
