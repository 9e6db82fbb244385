"""Importing a licence list from the browser (/registry/imports/): the same all-or-nothing import as the command,
answered with every rejected row; regulators import only their own country's layouts; others are refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.registry.models import Actor, ImportFile, Licence

pytestmark = pytest.mark.django_db

FIX = Path(__file__).parent / "fixtures" / "imports"


def _client(role: str, country: str = "NP") -> tuple[Client, User]:
    kind = {Role.STAFF: "platform", Role.REGULATOR: "regulator", Role.RECRUITER: "agency"}[role]  # type: ignore[index]
    org = organisation_create(actor=None, name=f"{role} {country}", kind=kind, country=country)
    user = User.objects.create_user(f"{role}-{country}", password="pw")
    membership_grant(actor=None, user=user, organisation=org, role=role)
    c = Client()
    c.force_login(user)
    return c, user


def _upload(c: Client, name: str, mapping: str = "np-dofe", **extra: str) -> Any:
    data = (FIX / name).read_bytes()
    return c.post("/registry/imports/", {"file": SimpleUploadedFile(name, data, "text/csv"), "mapping": mapping,
                                         "as_of": "2025-07-16", **extra})


def test_a_good_list_is_imported_with_provenance_and_shown_in_the_history() -> None:
    c, user = _client(Role.STAFF)
    r = _upload(c, "np_dofe_2025.csv")
    assert r.status_code == 200, r.content.decode()[:2000]
    html = r.content.decode()
    assert "Imported" in html and "6 rows, 0 with problems" in html
    f = ImportFile.objects.get()
    assert (f.filename, f.status, f.rows_imported, f.imported_by) == ("np_dofe_2025.csv", "imported", 6, user)
    assert Licence.objects.filter(actor__source_file=f).count() == 6
    assert AuditEvent.objects.filter(actor=user).exists()
    page = c.get("/registry/imports/").content.decode()
    assert f'href="/registry/imports/{f.pk}/"' in page
    assert c.get(f"/registry/imports/{f.pk}/").status_code == 200
    again = _upload(c, "np_dofe_2025.csv")
    assert again.status_code == 200 and "Unchanged" in again.content.decode()
    assert Licence.objects.count() == 6


def test_a_bad_list_imports_nothing_and_names_every_bad_row() -> None:
    c, _user = _client(Role.STAFF)
    r = _upload(c, "np_dofe_bad_rows.csv")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Rejected: nothing was imported" in html
    rows = {int(m) for m in re.findall(r"<tr><td>(\d+)</td>", html)}
    assert {3, 4, 5, 7, 8} <= rows, rows  # each bad row, numbered as in the file (the header is row 1)
    assert "Pending" in html and "31.12.2025" in html
    assert not Actor.objects.exists() and not Licence.objects.exists()
    partial = _upload(c, "np_dofe_bad_rows.csv", allow_partial="on")
    assert partial.status_code == 200 and "Imported without the rejected rows" in partial.content.decode()
    assert Licence.objects.count() >= 1


def test_check_only_writes_nothing() -> None:
    c, _user = _client(Role.STAFF)
    r = _upload(c, "np_dofe_2025.csv", dry_run="on")
    assert r.status_code == 200 and "Check only: nothing was written" in r.content.decode()
    assert not Licence.objects.exists() and not ImportFile.objects.exists()


def test_bad_form_input_names_the_field() -> None:
    c, _user = _client(Role.STAFF)
    r = c.post("/registry/imports/", {"file": SimpleUploadedFile("list.pdf", b"%PDF-1.4", "application/pdf"),
                                      "mapping": "np-dofe", "as_of": "16/07/2025"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "upload a .csv or .xlsx file" in html and "write the date as YYYY-MM-DD" in html
    assert not ImportFile.objects.exists()


def test_a_regulator_imports_only_its_own_countrys_lists() -> None:
    c, _user = _client(Role.REGULATOR, "NP")
    page = c.get("/registry/imports/").content.decode()
    assert 'value="np-dofe"' in page and 'value="ph-dmw"' not in page
    r = _upload(c, "ph_dmw_2025.csv", mapping="ph-dmw")
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    assert not ImportFile.objects.exists()
    staff, _s = _client(Role.STAFF, "PH")
    assert _upload(staff, "ph_dmw_2025.csv", mapping="ph-dmw").status_code == 200
    ph_file = ImportFile.objects.get()
    assert c.get(f"/registry/imports/{ph_file.pk}/").status_code == 404
    assert "ph_dmw_2025.csv" not in c.get("/registry/imports/").content.decode()


def test_a_regulator_without_a_layout_is_told_so() -> None:
    c, _user = _client(Role.REGULATOR, "QA")
    r = c.get("/registry/imports/")
    assert r.status_code == 200 and "No list layout" in r.content.decode() and "<form method=\"post\" enc" not in r.content.decode()


def test_others_are_refused() -> None:
    c, _user = _client(Role.RECRUITER)
    assert c.get("/registry/imports/").status_code == 403
    assert _upload(c, "np_dofe_2025.csv").status_code == 403
    assert Client().get("/registry/imports/").status_code == 302
    assert not ImportFile.objects.exists()
