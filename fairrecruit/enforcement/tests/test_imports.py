"""Importing a regulator's list of sanctions (CSV and XLSX) through the function, the command and the page: all
or nothing, every bad row named, the same list twice stores nothing new, brokers on no register become reported
actors."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.enforcement.imports import import_sanctions
from fairrecruit.enforcement.models import Sanction
from fairrecruit.enforcement.tests.helpers import build
from fairrecruit.registry.models import Actor, Licence

pytestmark = pytest.mark.django_db

HEADER = "identifier,name,phone,city,kind,breaches,legal_basis,decided_on,effective_until,amount,currency,licence"


@pytest.fixture
def r() -> dict[str, Any]:
    return build()


def good_csv(r: dict[str, Any]) -> bytes:
    d = (r["today"] - dt.timedelta(days=30)).isoformat()
    until = (r["today"] + dt.timedelta(days=60)).isoformat()
    return "\n".join([
        HEADER,
        f"NP-DOFE-4242,,,,fine,overcharging|records,Foreign Employment Act s. 11,{d},,\"500,000\",NPR,",
        f"NP-DOFE-77,,,,suspension,misleading_advertising,Foreign Employment Act s. 24,{d},{until},,,78/070/71",
        f",Shyam Kumar (agent),+977 9841 000111,Butwal,ban,unlicensed,Foreign Employment Act s. 10,{d},,,,",
    ]).encode()


def test_a_good_list_is_stored_once_and_a_broker_becomes_a_reported_actor(r: dict[str, Any]) -> None:
    result = import_sanctions(good_csv(r), filename="dofe-blacklist.csv", regulator=r["dofe"], user=r["np_reg"])
    assert (result.status, result.rows, result.created, result.unchanged) == ("imported", 3, 3, 0), result.problems
    kinds = {s.kind: s for s in Sanction.objects.select_related("subject")}
    assert kinds["fine"].amount == 500000 and kinds["fine"].source_note == "dofe-blacklist.csv, row 2"
    assert Licence.objects.get(number="78/070/71").status == "suspended"
    assert Licence.objects.get(number="77/070/71").status == "active"
    broker = kinds["ban"].subject
    assert broker.kind == "reported" and broker.identifier.startswith("FR-R-") and broker.city == "Butwal"
    assert AuditEvent.objects.filter(action="sanctions.import").count() == 1
    again = import_sanctions(good_csv(r), filename="dofe-blacklist-copy.csv", regulator=r["dofe"], user=None)
    assert (again.created, again.unchanged) == (0, 3) and Sanction.objects.count() == 3
    assert Actor.objects.filter(kind="reported", name="Shyam Kumar (agent)").count() == 1


def test_one_bad_row_imports_nothing_and_every_problem_is_named(r: dict[str, Any]) -> None:
    d = r["today"].isoformat()
    data = "\n".join([
        HEADER,
        f"NP-DOFE-4242,,,,fine,overcharging,Act,{d},,500000,NPR,",
        f"NP-DOFE-9999,,,,ban,unlicensed,Act,{d},,,,",
        f",Hari (agent),,,revocation,unlicensed,Act,{d},,,,",
        "NP-DOFE-4242,,,,jail,bribery,,01/02/2026,,,,",
        f"NP-DOFE-4242,,,,fine,overcharging,Act,{d},,,,",
    ]).encode()
    result = import_sanctions(data, filename="bad.csv", regulator=r["dofe"], user=None)
    got = {(p.row, p.column) for p in result.problems}
    assert {(3, "identifier"), (4, "kind"), (5, "kind"), (5, "decided_on"), (6, "amount"), (6, "currency")} <= got
    assert any(p.row == 3 and "no organisation with this identifier" in p.problem for p in result.problems)
    assert any(p.row == 5 and p.value == "01/02/2026" and "YYYY-MM-DD" in p.problem for p in result.problems)
    assert result.status == "rejected" and Sanction.objects.count() == 0 and not Actor.objects.filter(name="Hari (agent)")


@pytest.mark.parametrize(("data", "words"), [
    (b"identifier,kind\nNP-DOFE-4242,fine\n", "this column is required"),
    (b"identifier,kind,breaches,legal_basis,decided_on,colour\n", "unknown column"),
    ("identifier,kind,breaches,legal_basis,decided_on\nNP-DOFE-4242,ban,unlicensed,Lo\u00ef,2026-01-01\n"
     .encode("latin-1"), "not UTF-8"),
    (b"", "empty"),
])
def test_an_unreadable_file_is_refused_with_what_to_fix(r: dict[str, Any], data: bytes, words: str) -> None:
    result = import_sanctions(data, filename="x.csv", regulator=r["dofe"], user=None)
    assert result.status == "rejected" and any(words in p.problem for p in result.problems), result.problems


def test_xlsx_and_a_dry_run(r: dict[str, Any], tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Identifier", "Kind", "Breaches", "Legal basis", "Decided on"])
    ws.append(["NP-DOFE-4242", "warning", "records", "Foreign Employment Act", r["today"] - dt.timedelta(days=2)])
    path = tmp_path / "warnings.xlsx"
    wb.save(path)
    out = io.StringIO()
    call_command("import_sanctions", str(path), "--regulator", "NP-DOFE", "--dry-run", stdout=out)
    assert "1 new sanction(s) would be stored (dry run: nothing was)" in out.getvalue()
    assert Sanction.objects.count() == 0
    call_command("import_sanctions", str(path), "--regulator", "NP-DOFE", stdout=out)
    assert Sanction.objects.get().effective_from == r["today"] - dt.timedelta(days=2)
    with pytest.raises(CommandError, match="--regulator: no regulator 'NP-XX'"):
        call_command("import_sanctions", str(path), "--regulator", "NP-XX")
    bad = tmp_path / "bad.csv"
    bad.write_text("identifier,kind,breaches,legal_basis,decided_on\nNP-DOFE-4242,fine,records,Act,2026-01-01\n")
    with pytest.raises(CommandError, match=r"row 2, column \"amount\": give the amount"):
        call_command("import_sanctions", str(bad), "--regulator", "NP-DOFE")


def test_the_page_imports_for_the_regulators_own_country_only(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["brand"])
    assert client.get("/enforcement/import/").status_code == 403
    client.force_login(r["ph_reg"])
    resp = client.post("/enforcement/import/", {"regulator": r["dofe"].pk,
                                                "file": io.BytesIO(good_csv(r))})
    assert resp.status_code == 400 and "choose one of the regulators you act for" in resp.content.decode()
    client.force_login(r["np_reg"])
    upload = io.BytesIO(good_csv(r))
    upload.name = "dofe.csv"
    resp = client.post("/enforcement/import/", {"regulator": r["dofe"].pk, "file": upload})
    assert resp.status_code == 200 and "3 new sanction(s) stored" in resp.content.decode()
    bad = io.BytesIO(b"identifier,kind\n")
    bad.name = "bad.csv"
    resp = client.post("/enforcement/import/", {"regulator": r["dofe"].pk, "file": bad})
    assert resp.status_code == 400 and "nothing was imported" in resp.content.decode()
    assert Sanction.objects.count() == 3
