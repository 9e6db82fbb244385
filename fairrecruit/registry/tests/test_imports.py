"""Imports of regulator licence lists: mappings, good files, re-imports, changed lists, bad files, the command."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from fairrecruit.core.models import AuditEvent, User
from fairrecruit.registry import imports
from fairrecruit.registry.imports import (
    UTF8_MESSAGE,
    ImportResult,
    MappingError,
    Problem,
    import_file,
    list_mappings,
    load_mapping,
)
from fairrecruit.registry.management.commands.import_register import Command
from fairrecruit.registry.models import Actor, Alias, ImportFile, Licence, LicenceStatusChange

FIX = Path(__file__).parent / "fixtures" / "imports"
GOOD = FIX / "np_dofe_2025.csv"
CHANGED = FIX / "np_dofe_2025_changed.csv"
JULY = dt.date(2025, 7, 16)
AUGUST = dt.date(2025, 8, 1)
NP_DATES = "2025-12-31 (YYYY-MM-DD) or 31/12/2025 (DD/MM/YYYY) or 31-12-2025 (DD-MM-YYYY)"


def nothing_written() -> None:
    assert Actor.objects.count() == 0
    assert Licence.objects.count() == 0
    assert LicenceStatusChange.objects.count() == 0
    assert Alias.objects.count() == 0
    assert not AuditEvent.objects.exclude(action="registry.import").exists()


def variant(tmp_path: Path, name: str, old: str, new: str, src: Path = GOOD) -> Path:
    """The good file with one change, to make a bad one."""
    text = src.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / name
    p.write_text(text.replace(old, new), encoding="utf-8")
    return p


def lic(number: str) -> Licence:
    return Licence.objects.select_related("actor", "regulator").get(number=number)


# --- mappings -------------------------------------------------------------------------------------------


def test_shipped_mappings_load() -> None:
    by_name = {m.name: m for m in list_mappings()}
    assert set(by_name) >= {"np-dofe", "ph-dmw", "bd-bmet"}
    np = by_name["np-dofe"]
    assert (np.regulator_code, np.country, np.kind) == ("NP-DOFE", "NP", "licensed_agency")
    assert np.identifier_for("1015/067/68") == "NP-DOFE-1015-067-68"
    assert np.statuses["renewed"] == "active" and np.statuses["blacklisted"] == "banned"
    ph = by_name["ph-dmw"]
    assert ph.statuses["forever banned"] == "banned" and ph.statuses["preventive suspension"] == "suspended"
    assert (
        ph.date_help()
        == "12/31/2025 (MM/DD/YYYY) or 2025-12-31 (YYYY-MM-DD) or December 31, 2025 (Month DD, YYYY)"
    )
    assert by_name["bd-bmet"].identifier_for("1234") == "BD-BMET-RL-1234"


def _mapping_dict() -> dict[str, Any]:
    return yaml.safe_load((imports.MAPPINGS_DIR / "np-dofe.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(colums=d.pop("columns")), "custom.yaml: colums: unknown key"),
        (
            lambda d: d["regulator"].update(code="dofe"),
            "custom.yaml: regulator.code: 'dofe' is not a code like NP-DOFE",
        ),
        (lambda d: d["columns"].pop("licence_number"), "custom.yaml: columns.licence_number: missing"),
        (lambda d: d["columns"].update(fax="Fax"), "custom.yaml: columns.fax: unknown field"),
        (
            lambda d: d["statuses"].update(Renewed="renewed"),
            "custom.yaml: statuses.Renewed: 'renewed': use one of active",
        ),
        (
            lambda d: d["statuses"].update({False: "expired"}),
            "custom.yaml: statuses.False: status words must be text",
        ),
        (
            lambda d: d.update(date_formats=["%d/%m/%Y", "%m/%d/%Y"]),
            "custom.yaml: date_formats: '%d/%m/%Y' and '%m/%d/%Y' read 09/04/2031 as different dates",
        ),
        (
            lambda d: d.update(date_formats=["%d/%m/%Y %H:%M"]),
            "custom.yaml: date_formats: '%d/%m/%Y %H:%M': use only",
        ),
        (
            lambda d: d.update(identifier="NP-DOFE-{number}"),
            "custom.yaml: identifier: must be a pattern with {licence_number}",
        ),
        (lambda d: d.update(optional=["name"]), "custom.yaml: optional: 'name' cannot be optional"),
        (
            lambda d: d.update(encoding="klingon-8"),
            "custom.yaml: encoding: 'klingon-8' is not a known encoding",
        ),
        (
            lambda d: d["columns"].update(address="Agency Name"),
            "custom.yaml: columns.address: header 'Agency Name' is also given for name",
        ),
    ],
)
def test_bad_mapping_is_refused_naming_the_key(tmp_path: Path, change: Any, message: str) -> None:
    d = _mapping_dict()
    change(d)
    p = tmp_path / "custom.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(MappingError) as exc:
        load_mapping(str(p))
    assert str(exc.value).startswith(message), str(exc.value)


def test_unknown_mapping_name_lists_the_known_ones() -> None:
    with pytest.raises(
        MappingError,
        match=r"np-dofee.yaml: mapping: no mapping named 'np-dofee'; known: bd-bmet, np-dofe, ph-dmw",
    ):
        load_mapping("np-dofee")


# --- good files -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_csv_imports_actors_licences_history_with_provenance() -> None:
    user = User.objects.create_user("importer")
    r = import_file(GOOD, "np-dofe", actor_user=user, as_of=JULY)

    assert r.status == ImportFile.Status.IMPORTED and r.problems == []
    assert (r.rows_total, r.rows_imported, r.rows_rejected) == (6, 6, 0)
    assert r.counts == {
        "rows": 6,
        "imported": 6,
        "rejected": 0,
        "actors_created": 6,
        "licences_created": 6,
        "status_changes": 0,
        "unchanged": 0,
        "aliases_created": 0,
        "valid_from_updated": 0,
        "not_in_file": 0,
        "regulator_created": 1,
    }
    f = r.import_file
    assert f is not None and f == ImportFile.objects.get()
    assert (f.status, f.mapping, f.regulator_code, f.filename) == (
        "imported",
        "np-dofe",
        "NP-DOFE",
        "np_dofe_2025.csv",
    )
    assert (f.rows_total, f.rows_imported, f.rows_rejected, f.imported_by) == (6, 6, 0, user)
    assert f.report["counts"]["licences_created"] == 6 and f.report["problems"] == []

    regulator = Actor.objects.get(identifier="NP-DOFE")
    assert (regulator.kind, regulator.country, regulator.source_file) == ("regulator", "NP", f)
    assert set(Actor.objects.filter(kind="licensed_agency").values_list("identifier", flat=True)) == {
        "NP-DOFE-1015-067-68",
        "NP-DOFE-423-060-61",
        "NP-DOFE-1203-072-73",
        "NP-DOFE-877-065-66",
        "NP-DOFE-1340-074-75",
        "NP-DOFE-990-066-67",
    }
    rara = lic("1015/067/68")
    # Row numbers as in the spreadsheet: two title rows, the header on row 3, the first agency on row 4.
    assert (rara.source_file, rara.source_row, rara.actor.source_file, rara.actor.source_row) == (f, 4, f, 4)
    assert rara.actor.source_note == "np_dofe_2025.csv, row 4"
    assert rara.regulator == regulator and rara.number_std == "101506768"
    assert (rara.status, rara.valid_until, rara.valid_from) == ("active", dt.date(2026, 7, 15), None)
    assert rara.actor.name == "Rara Lakeview Overseas Pvt. Ltd." and rara.actor.name_std == "rara lakeview"
    assert rara.actor.phones == ["01-4781234", "9851012345"]
    assert rara.actor.address == "Baneshwor, Kathmandu" and rara.actor.country == "NP"
    assert rara.actor.search_text == "rara lakeview overseas pvt ltd | 014781234 | 9851012345 | 101506768"
    assert [
        (lic(n).status, lic(n).valid_until)
        for n in ("423/060/61", "1203/072/73", "877/065/66", "1340/074/75", "990/066/67")
    ] == [
        ("active", dt.date(2026, 7, 16)),  # "Renewed", written 16/07/2026
        ("suspended", dt.date(2025, 12, 31)),
        ("cancelled", None),
        ("banned", dt.date(2024, 4, 12)),  # "Blacklisted", written 12-04-2024
        ("expired", dt.date(2024, 7, 15)),  # "Not Renewed"
    ]
    h = LicenceStatusChange.objects.get(licence=lic("1340/074/75"))
    assert (h.status, h.effective_date, h.source_file, h.source_row) == ("banned", JULY, f, 8)
    assert h.reason == "first seen in np_dofe_2025.csv"
    assert LicenceStatusChange.objects.count() == 6

    events = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert events.count("actor.create") == 7  # the regulator and six agencies
    assert events.count("licence.status") == 6
    assert events.count("registry.import") == 1 and events[-1] == "registry.import"
    ev = AuditEvent.objects.get(action="registry.import")
    assert ev.actor == user and ev.target_id == str(f.pk)
    assert (
        ev.new is not None
        and ev.new["status"] == "imported"
        and ev.new["licences_created"] == 6
        and ev.new["sha256"] == f.sha256
    )
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"importer"}


def _bmet_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Bureau of Manpower, Employment and Training - recruiting agencies (synthetic test data)"])
    ws.append(
        [
            "SL",
            "RL No.",
            "Name of Agency",
            "Name (Bangla)",
            "Address",
            "Phone",
            "Mobile",
            "E-mail",
            "Status",
            "Validity",
        ]
    )
    ws.append(
        [
            1,
            1234,
            "Padma Sample Overseas Ltd.",
            "পদ্মা স্যাম্পল ওভারসিজ",
            "Motijheel, Dhaka",
            "02-9551234",
            "01711000111",
            "info@padma.example",
            "Valid",
            dt.datetime(2027, 3, 31),
        ]
    )
    ws.append(
        [
            2,
            567,
            "Jamuna Example Manpower",
            None,
            "Banani, Dhaka",
            None,
            "01811000222",
            None,
            "Suspended",
            "30/06/2026",
        ]
    )
    ws.append([])
    ws.append(
        [
            3,
            "0891",
            "Meghna Test Recruiting Agency",
            "মেঘনা",
            "Agrabad, Chattogram",
            None,
            None,
            None,
            "Blacklisted",
            None,
        ]
    )
    wb.save(path)
    return path


@pytest.mark.django_db
def test_good_xlsx_imports_with_numbers_dates_and_aliases_in_another_script(tmp_path: Path) -> None:
    r = import_file(_bmet_xlsx(tmp_path / "bmet.xlsx"), "bd-bmet", as_of=JULY)
    assert r.status == "imported", r.problems
    assert (r.rows_total, r.counts["licences_created"], r.counts["aliases_created"]) == (3, 3, 2)
    padma = lic("1234")  # a number cell, read as text
    assert padma.actor.identifier == "BD-BMET-RL-1234" and padma.regulator.identifier == "BD-BMET"
    assert (padma.status, padma.valid_until, padma.source_row) == ("active", dt.date(2027, 3, 31), 3)
    assert padma.actor.phones == ["02-9551234", "01711000111"]
    assert padma.actor.websites == ["mailto:info@padma.example"]
    alias = Alias.objects.get(actor=padma.actor)
    assert (alias.name, alias.source_file, alias.source_row) == ("পদ্মা স্যাম্পল ওভারসিজ", r.import_file, 3)
    assert alias.name_std == "pdma syampl obharsij" and "| pdma syampl obharsij |" in padma.actor.search_text
    assert (lic("567").status, lic("567").valid_until) == ("suspended", dt.date(2026, 6, 30))
    meghna = lic("0891")
    assert (meghna.status, meghna.source_row, meghna.actor.identifier) == ("banned", 6, "BD-BMET-RL-0891")


@pytest.mark.django_db
def test_ph_dmw_statuses_and_american_dates() -> None:
    r = import_file(FIX / "ph_dmw_2025.csv", "ph-dmw", as_of=JULY)
    assert r.status == "imported", r.problems
    got = {
        x.actor.identifier: (x.status, x.valid_until)
        for x in Licence.objects.select_related("actor").filter(regulator__identifier="PH-DMW")
    }
    assert got == {
        "PH-DMW-DMW-081-LB-03232023-R": ("active", dt.date(2027, 3, 22)),
        "PH-DMW-POEA-122-LB-071519-R": ("suspended", dt.date(2026, 3, 5)),
        "PH-DMW-POEA-045-LB-110216-R": ("banned", dt.date(2024, 11, 2)),
        "PH-DMW-POEA-300-LB-020118-R": ("expired", dt.date(2024, 1, 31)),
    }
    a = Actor.objects.get(identifier="PH-DMW-DMW-081-LB-03232023-R")
    assert a.websites == ["mailto:hr@bayanihan-sample.example"] and a.phones == ["(02) 8523-1111"]
    assert Actor.objects.get(identifier="PH-DMW").country == "PH"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_utf8_with_bom_and_utf16_are_read(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "list.csv"
    p.write_bytes(GOOD.read_text(encoding="utf-8").replace("Baneshwor", "Bāneśwor").encode(encoding))
    r = import_file(p, "np-dofe")
    assert r.status == "imported", r.problems
    assert lic("1015/067/68").actor.address == "Bāneśwor, Kathmandu"


@pytest.mark.django_db
def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    p = tmp_path / "semi.csv"
    p.write_text(
        "Agency Name;License No.;Address;Status;Valid Till\nKhaptad Sample Overseas;77/070/71;Dhangadhi;Active;2026-01-01\n",
        encoding="utf-8",
    )
    r = import_file(p, "np-dofe")
    assert r.status == "imported", r.problems
    assert lic("77/070/71").actor.name == "Khaptad Sample Overseas"


# --- re-imports and changed lists -----------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_is_a_no_op() -> None:
    first = import_file(GOOD, "np-dofe", as_of=JULY)
    before = (
        Actor.objects.count(),
        Licence.objects.count(),
        LicenceStatusChange.objects.count(),
        Alias.objects.count(),
    )
    again = import_file(GOOD, "np-dofe", as_of=AUGUST)
    assert again.status == ImportFile.Status.UNCHANGED
    assert first.import_file is not None and again.same_as == first.import_file.pk
    assert again.counts["licences_created"] == 0 and again.counts["status_changes"] == 0
    assert (
        Actor.objects.count(),
        Licence.objects.count(),
        LicenceStatusChange.objects.count(),
        Alias.objects.count(),
    ) == before
    assert again.import_file is not None and again.import_file.status == "unchanged"
    assert again.import_file.report["same_as"] == first.import_file.pk
    assert list(
        AuditEvent.objects.filter(action="registry.import")
        .values_list("new__status", flat=True)
        .order_by("id")
    ) == [
        "imported",
        "unchanged",
    ]
    assert "unchanged: the same file was imported before" in again.render()


@pytest.mark.django_db
def test_same_bytes_under_another_mapping_or_after_a_rejection_is_checked_again(tmp_path: Path) -> None:
    bad = variant(tmp_path, "bad.csv", "Renewed", "Pending")
    assert import_file(bad, "np-dofe").status == "rejected"
    assert import_file(bad, "np-dofe").status == "rejected"  # a rejected file is not "the same as before"
    assert ImportFile.objects.filter(status="rejected").count() == 2


@pytest.mark.django_db
def test_changed_list_records_changes_with_the_file_as_source_and_keeps_history() -> None:
    first = import_file(GOOD, "np-dofe", as_of=JULY)
    r = import_file(CHANGED, "np-dofe", as_of=AUGUST)
    assert r.status == "imported", r.problems
    c = r.counts
    assert (
        c["licences_created"],
        c["actors_created"],
        c["status_changes"],
        c["unchanged"],
        c["aliases_created"],
    ) == (1, 1, 1, 4, 1)
    assert c["regulator_created"] == 0 and Actor.objects.filter(kind="regulator").count() == 1
    src = r.import_file
    assert src is not None

    phewa = lic("1203/072/73")
    assert (phewa.status, phewa.valid_until) == ("active", dt.date(2026, 12, 31))
    history = list(phewa.history.order_by("id"))
    assert [
        (h.status, h.valid_until, h.effective_date, h.source_file_id, h.source_row, h.reason) for h in history
    ] == [
        (
            "suspended",
            dt.date(2025, 12, 31),
            JULY,
            first.import_file.pk if first.import_file else None,
            6,
            "first seen in np_dofe_2025.csv",
        ),
        ("active", dt.date(2026, 12, 31), AUGUST, src.pk, 6, "changed in np_dofe_2025_changed.csv"),
    ]
    ev = AuditEvent.objects.filter(action="licence.status", target_id=str(phewa.pk)).order_by("id").last()
    assert ev is not None and ev.old == {"status": "suspended", "valid_until": "2025-12-31"}
    assert (
        ev.new is not None
        and ev.new["status"] == "active"
        and ev.new["reason"] == "changed in np_dofe_2025_changed.csv"
    )

    # "1015 / 067 / 68" is the same licence as "1015/067/68": nothing changed, nothing added.
    assert Licence.objects.filter(number_std="101506768").count() == 1
    assert lic("1015/067/68").history.count() == 1
    # The renamed agency keeps its name; the new one becomes an alias with its source.
    tilicho = lic("423/060/61").actor
    assert tilicho.name == "Tilicho Bridge Manpower Services Pvt. Ltd."
    al = Alias.objects.get(actor=tilicho)
    assert (al.name, al.source_file, al.source_row) == ("Tilicho Bridge Global Manpower Pvt. Ltd.", src, 5)
    assert "tilicho bridge global manpower pvt ltd" in Actor.objects.get(pk=tilicho.pk).search_text
    # A new licence, and one no longer listed: kept, reported, not deleted.
    new = lic("1422/076/77")
    assert (new.actor.identifier, new.source_file, new.source_row) == ("NP-DOFE-1422-076-77", src, 9)
    assert r.not_in_file == [
        {"licence_number": "990/066/67", "identifier": "NP-DOFE-990-066-67", "status": "expired"}
    ]
    assert c["not_in_file"] == 1 and src.report["not_in_file"] == r.not_in_file
    assert lic("990/066/67").status == "expired" and lic("990/066/67").history.count() == 1
    assert "NP-DOFE licences not in this file (kept, not deleted): 1: 990/066/67" in r.render()

    # The older list imported again by mistake is recognised (same bytes) and changes nothing.
    assert import_file(GOOD, "np-dofe").status == "unchanged"
    assert lic("1203/072/73").status == "active" and lic("1203/072/73").history.count() == 2


@pytest.mark.django_db
def test_status_date_and_valid_from_columns(tmp_path: Path) -> None:
    p = tmp_path / "b1.csv"
    p.write_text(
        "RL No.,Name of Agency,Status,Issue Date,Validity\n1234,Padma Sample Overseas,Valid,01/04/2024,31/03/2027\n",
        encoding="utf-8",
    )
    import_file(p, "bd-bmet", as_of=JULY)
    p2 = tmp_path / "b2.csv"
    p2.write_text(
        "RL No.,Name of Agency,Status,Issue Date,Validity\n1234,Padma Sample Overseas,Suspended,01/05/2024,31/03/2027\n",
        encoding="utf-8",
    )
    r = import_file(p2, "bd-bmet", as_of=AUGUST)
    assert (r.counts["status_changes"], r.counts["valid_from_updated"]) == (1, 1)
    licence = lic("1234")
    assert (licence.status, licence.valid_from) == ("suspended", dt.date(2024, 5, 1))
    ev = AuditEvent.objects.get(action="licence.update")
    assert ev.old == {"valid_from": "2024-04-01"} and ev.new == {
        "valid_from": "2024-05-01",
        "source": "b2.csv, row 2",
    }


# --- bad files: a clear report, nothing written ---------------------------------------------------------


def assert_rejected(r: ImportResult, problems: list[Problem]) -> None:
    assert r.status == ImportFile.Status.REJECTED
    assert r.problems == problems
    nothing_written()
    f = ImportFile.objects.get()
    assert (f.status, f.rows_imported) == ("rejected", 0)
    assert f.report["problems"] == [p.as_dict() for p in problems]
    ev = AuditEvent.objects.get(action="registry.import")
    assert ev.new is not None and ev.new["status"] == "rejected"


@pytest.mark.django_db
def test_wrong_encoding_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "cp1252.csv"
    p.write_bytes(GOOD.read_text(encoding="utf-8").replace("Baneshwor", "Café Baneshwor").encode("cp1252"))
    r = import_file(p, "np-dofe")
    assert len(r.problems) == 1
    prob = r.problems[0]
    assert prob.problem == UTF8_MESSAGE == "file is not UTF-8: save it as UTF-8 (CSV UTF-8 in Excel)"
    assert prob.row == 4 and prob.value is not None and "Caf\ufffd Baneshwor" in prob.value
    assert_rejected(r, [prob])
    assert "nothing imported" in r.render()


@pytest.mark.django_db
def test_an_encoding_declared_by_the_mapping_is_used(tmp_path: Path) -> None:
    d = _mapping_dict()
    d["encoding"] = "cp1252"
    mp = tmp_path / "np-dofe-cp1252.yaml"
    mp.write_text(yaml.safe_dump(d), encoding="utf-8")
    p = tmp_path / "cp1252.csv"
    p.write_bytes(GOOD.read_text(encoding="utf-8").replace("Baneshwor", "Café Baneshwor").encode("cp1252"))
    r = import_file(p, str(mp))
    assert r.status == "imported", r.problems
    assert r.mapping == "np-dofe-cp1252" and lic("1015/067/68").actor.address == "Café Baneshwor, Kathmandu"


@pytest.mark.django_db
def test_missing_columns_reject_the_file_listing_missing_and_found(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace("License No.", "Regd. No.").replace(",Valid Till", "")
    p = tmp_path / "missing.csv"
    p.write_text(text, encoding="utf-8")
    r = import_file(p, "np-dofe")
    assert_rejected(
        r,
        [
            Problem(
                3,
                None,
                None,
                (
                    'missing columns: licence number ("License No." or "Licence No." or "Lic. No." or "License Number"); '
                    'valid until ("Valid Till" or "Valid Until" or "Validity"). '
                    'Columns found: "S.N.", "Agency Name", "Regd. No.", "Address", "Contact", "Status"'
                ),
            )
        ],
    )


@pytest.mark.django_db
def test_duplicated_licence_numbers_reject_the_file(tmp_path: Path) -> None:
    p = variant(tmp_path, "dup.csv", "1340/074/75", "1015-067-68")  # the same number written another way
    r = import_file(p, "np-dofe")
    assert_rejected(
        r,
        [
            Problem(4, "License No.", "1015/067/68", "duplicated licence number 1015/067/68: also on row 8"),
            Problem(8, "License No.", "1015-067-68", "duplicated licence number 1015-067-68: also on row 4"),
        ],
    )
    assert (r.rows_total, r.rows_rejected) == (6, 2)


@pytest.mark.django_db
def test_dates_in_the_wrong_format_reject_the_file(tmp_path: Path) -> None:
    p = variant(tmp_path, "dates.csv", "16/07/2026", "07/16/2026")
    r = import_file(p, "np-dofe")
    assert_rejected(
        r, [Problem(5, "Valid Till", "07/16/2026", f'"07/16/2026" is not a date like {NP_DATES}')]
    )


@pytest.mark.django_db
def test_bikram_sambat_dates_are_refused_with_a_hint(tmp_path: Path) -> None:
    p = variant(tmp_path, "bs.csv", "2026-07-15", "2083-03-31")
    r = import_file(p, "np-dofe")
    assert_rejected(
        r,
        [
            Problem(
                4,
                "Valid Till",
                "2083-03-31",
                (
                    'year 2083 in "2083-03-31" is more than 20 years ahead '
                    "(Bikram Sambat dates are not supported: convert them to AD)"
                ),
            )
        ],
    )


@pytest.mark.django_db
def test_unknown_status_rejects_the_file(tmp_path: Path) -> None:
    p = variant(tmp_path, "status.csv", ",Renewed,", ",Under review,")
    r = import_file(p, "np-dofe")
    assert_rejected(
        r,
        [
            Problem(
                5,
                "Status",
                "Under review",
                (
                    'unknown status "Under review"; known: Active, Renewed, Not Renewed, Expired, Suspended, Cancelled, '
                    "Canceled, License Cancelled, Closed, Revoked, Blacklisted"
                ),
            )
        ],
    )


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_row_column_value_and_problem() -> None:
    r = import_file(FIX / "np_dofe_bad_rows.csv", "np-dofe")
    assert [str(p) for p in r.problems] == [
        'row 3, column "Status", value "Pending": unknown status "Pending"; known: Active, Renewed, Not Renewed, '
        "Expired, Suspended, Cancelled, Canceled, License Cancelled, Closed, Revoked, Blacklisted",
        f'row 4, column "Valid Till", value "31.12.2025": "31.12.2025" is not a date like {NP_DATES}',
        'row 5, column "License No.", value "": licence number is empty',
        'row 6, column "License No.", value "1340/074/75": duplicated licence number 1340/074/75: also on row 7',
        'row 7, column "License No.", value "1340/074/75": duplicated licence number 1340/074/75: also on row 6',
        'row 8, column "Valid Till", value "2081-03-15": year 2081 in "2081-03-15" is more than 20 years ahead '
        "(Bikram Sambat dates are not supported: convert them to AD)",
    ]
    assert (r.status, r.rows_total, r.rows_rejected, r.rows_imported) == ("rejected", 7, 6, 0)
    nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "file is an old Excel .xls file: save it as .xlsx or CSV UTF-8",
        ),
        (b"%PDF-1.7\n...", "file is a PDF: export the list to .xlsx or CSV UTF-8 first"),
        (b"", "file is empty"),
        (b"Agency Name,License No.,Status,Valid Till\n", "no rows under the header"),
    ],
)
def test_files_that_are_not_a_list_are_rejected(tmp_path: Path, data: bytes, message: str) -> None:
    p = tmp_path / "list.csv"
    p.write_bytes(data)
    r = import_file(p, "np-dofe")
    assert r.status == "rejected" and [x.problem for x in r.problems] == [message]
    nothing_written()


@pytest.mark.django_db
def test_xlsx_with_a_missing_sheet_or_bad_cells_is_rejected(tmp_path: Path) -> None:
    d = yaml.safe_load((imports.MAPPINGS_DIR / "bd-bmet.yaml").read_text(encoding="utf-8"))
    d["sheet"] = "Agencies"
    mp = tmp_path / "bd-sheet.yaml"
    mp.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    r = import_file(_bmet_xlsx(tmp_path / "b.xlsx"), str(mp))
    assert [x.problem for x in r.problems] == ['no sheet "Agencies" in the workbook; sheets: "Sheet"']

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["RL No.", "Name of Agency", "Status", "Validity"])
    ws.append([11, "Karnaphuli Sample Ltd.", "Valid", "2026/13/01"])
    ws.append([12, None, "Valid", dt.date(2026, 1, 1)])
    wb.save(tmp_path / "c.xlsx")
    r = import_file(tmp_path / "c.xlsx", "bd-bmet")
    assert [str(x) for x in r.problems] == [
        'row 2, column "Validity", value "2026/13/01": "2026/13/01" is not a date like 31/12/2025 (DD/MM/YYYY) or '
        "31-12-2025 (DD-MM-YYYY) or 31.12.2025 (DD.MM.YYYY) or 2025-12-31 (YYYY-MM-DD) or 31-Dec-2025 (DD-Mon-YYYY)",
        'row 3, column "Name of Agency", value "": agency name is empty',
    ]
    nothing_written()


@pytest.mark.django_db
def test_an_actor_holding_the_regulator_code_is_not_taken_for_the_regulator() -> None:
    Actor.objects.create(
        identifier="NP-DOFE", kind="employer", name="Not a regulator", name_std="not a regulator"
    )
    r = import_file(GOOD, "np-dofe", allow_partial=True)
    assert r.status == "rejected"
    assert [str(p) for p in r.problems] == [
        "NP-DOFE is in the registry as an actor of kind employer, not as a regulator"
    ]
    assert Actor.objects.count() == 1 and not Licence.objects.exists()


# --- partial imports, dry runs, progress ----------------------------------------------------------------


@pytest.mark.django_db
def test_allow_partial_imports_only_the_good_rows() -> None:
    r = import_file(FIX / "np_dofe_bad_rows.csv", "np-dofe", allow_partial=True)
    assert r.status == ImportFile.Status.PARTIAL
    assert (r.rows_total, r.rows_imported, r.rows_rejected) == (7, 1, 6)
    assert list(Licence.objects.values_list("number", flat=True)) == ["1015/067/68"]
    f = ImportFile.objects.get()
    assert (f.status, f.rows_imported, f.rows_rejected) == ("partial", 1, 6)
    assert [p["row"] for p in f.report["problems"]] == [3, 4, 5, 6, 7, 8]
    assert "partly imported: 1 good rows, 6 rejected" in r.render()


@pytest.mark.django_db
def test_allow_partial_with_no_good_rows_is_a_rejection(tmp_path: Path) -> None:
    p = tmp_path / "all-bad.csv"
    p.write_text("Agency Name,License No.,Status,Valid Till\nX,1,Pending,\n", encoding="utf-8")
    r = import_file(p, "np-dofe", allow_partial=True)
    assert r.status == "rejected"
    nothing_written()


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_says_what_would_happen() -> None:
    r = import_file(GOOD, "np-dofe", dry_run=True)
    assert (r.status, r.counts["licences_created"], r.counts["regulator_created"], r.import_file) == (
        "imported",
        6,
        1,
        None,
    )
    nothing_written()
    assert not ImportFile.objects.exists() and not AuditEvent.objects.exists()
    assert "[dry run: nothing written]" in r.render()
    bad = import_file(FIX / "np_dofe_bad_rows.csv", "np-dofe", dry_run=True)
    assert bad.status == "rejected" and len(bad.problems) == 6
    assert not ImportFile.objects.exists() and not AuditEvent.objects.exists()
    # After a real import, a dry run of the changed list shows the changes and still writes nothing.
    import_file(GOOD, "np-dofe")
    counts = (
        Licence.objects.count(),
        LicenceStatusChange.objects.count(),
        ImportFile.objects.count(),
        AuditEvent.objects.count(),
    )
    dry = import_file(CHANGED, "np-dofe", dry_run=True)
    assert (dry.counts["status_changes"], dry.counts["licences_created"], len(dry.not_in_file)) == (1, 1, 1)
    assert (
        Licence.objects.count(),
        LicenceStatusChange.objects.count(),
        ImportFile.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_progress_is_reported_in_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "CHUNK", 4)
    calls: list[tuple[int, int]] = []
    import_file(GOOD, "np-dofe", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 6), (4, 6), (6, 6)]


def _rows_csv(path: Path, n: int, status: str = "Active") -> Path:
    lines = ["Agency Name,License No.,Address,Contact,Status,Valid Till"]
    lines += [
        f"Sample Agency {i} Pvt. Ltd.,{i}/080/81,Ward {i % 32},01-{4000000 + i},{status},2026-07-15"
        for i in range(1, n + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_large_lists_are_written_in_bulk(tmp_path: Path, django_assert_max_num_queries: Any) -> None:
    # About 150 queries on SQLite (999 parameters per INSERT); a query per row would be thousands.
    with django_assert_max_num_queries(400):
        r = import_file(_rows_csv(tmp_path / "big.csv", 2000), "np-dofe")
    assert (
        r.counts["licences_created"] == 2000 and Actor.objects.filter(kind="licensed_agency").count() == 2000
    )
    assert LicenceStatusChange.objects.count() == 2000
    assert AuditEvent.objects.filter(action="actor.create").count() == 2001
    assert AuditEvent.objects.filter(action="licence.status").count() == 2000
    assert Licence.objects.get(number="1234/080/81").actor.source_row == 1235
    changed = import_file(_rows_csv(tmp_path / "big2.csv", 2000, status="Suspended"), "np-dofe")
    assert changed.counts["status_changes"] == 2000
    assert (
        LicenceStatusChange.objects.filter(status="suspended", source_file=changed.import_file).count()
        == 2000
    )


# --- the command ----------------------------------------------------------------------------------------


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_register", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_imports_and_prints_the_report() -> None:
    out, err = run_command(str(GOOD), "--mapping", "np-dofe", "--as-of", "2025-07-16")
    assert out.splitlines()[0] == "np_dofe_2025.csv with mapping np-dofe (NP-DOFE): imported"
    assert "licences: 6 new, 0 status changed, 0 unchanged; organisations: 6 new; names added: 0" in out
    assert "100% (6/6 rows)" in err
    assert LicenceStatusChange.objects.filter(effective_date=JULY).count() == 6
    out, _ = run_command(str(GOOD), "--mapping", "np-dofe")
    assert "unchanged: the same file was imported before" in out


@pytest.mark.django_db
def test_command_rejects_with_the_report_and_an_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"np_dofe_bad_rows.csv rejected \(6 problems\); nothing imported"):
        call_command(
            "import_register",
            str(FIX / "np_dofe_bad_rows.csv"),
            "--mapping",
            "np-dofe",
            stdout=out,
            stderr=err,
        )
    assert 'row 5, column "License No.", value "": licence number is empty' in out.getvalue()
    nothing_written()


@pytest.mark.django_db
def test_command_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # run_from_argv closes connections at the end; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    Command().run_from_argv(
        ["fairrecruit", "import_register", str(GOOD), "--mapping", "np-dofe", "--dry-run"]
    )
    assert "[dry run: nothing written]" in capsys.readouterr().out
    for argv in (
        [str(FIX / "np_dofe_bad_rows.csv"), "--mapping", "np-dofe"],
        [str(GOOD), "--mapping", "no-such-mapping"],
        [str(FIX / "no-such-file.csv"), "--mapping", "np-dofe"],
        [str(GOOD), "--mapping", "np-dofe", "--as-of", "16/07/2025"],
    ):
        with pytest.raises(SystemExit) as exc:
            Command().run_from_argv(["fairrecruit", "import_register", *argv])
        assert exc.value.code == 1, argv
    err = capsys.readouterr().err
    assert "CommandError: no-such-mapping.yaml: mapping: no mapping named 'no-such-mapping'" in err
    assert "CommandError: cannot read" in err and "No such file or directory" in err
    assert "CommandError: --as-of: '16/07/2025' is not a date like 2025-12-31" in err
    assert not Licence.objects.exists()


@pytest.mark.django_db
def test_command_lists_mappings_and_prints_json() -> None:
    out, _ = run_command("--list-mappings")
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["bd-bmet", "BD-BMET"],
        ["np-dofe", "NP-DOFE"],
        ["ph-dmw", "PH-DMW"],
    ]
    out, _ = run_command(str(GOOD), "--mapping", "np-dofe", "--json", "--dry-run")
    import json

    report = json.loads(out)
    assert (
        report["status"] == "imported"
        and report["counts"]["licences_created"] == 6
        and report["problems"] == []
    )


@pytest.mark.django_db
def test_a_cell_with_a_nul_character_is_reported_by_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    """PostgreSQL cannot store a NUL (the import ended in a database error); SQLite would have stored it."""
    bad = variant(tmp_path, "nul.csv", "Rara Lakeview", "Rara\x00Lakeview")
    r = import_file(bad, "np-dofe")
    assert r.status == "rejected"
    assert [(p.row, p.column, p.value) for p in r.problems] == [(4, "column 2", "Rara\\0Lakeview Overseas Pvt. Ltd.")]
    assert "holds a NUL character" in r.problems[0].problem
    nothing_written()
