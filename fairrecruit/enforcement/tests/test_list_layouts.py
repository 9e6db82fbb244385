"""A regulator's sanctions list imported as it is published, through a layout (``enforcement/lists/``): its
headers, its words for penalties and violations and its dates are translated into FairRecruit's columns, then
checked as any list is; a word the layout does not know is named with its row; a malformed layout names its key."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from fairrecruit.enforcement.imports import import_sanctions
from fairrecruit.enforcement.mappings import list_sanction_mappings, load_sanction_mapping
from fairrecruit.enforcement.models import Sanction
from fairrecruit.enforcement.tests.helpers import build, licence
from fairrecruit.registry.imports import MappingError
from fairrecruit.registry.models import ActorKind
from fairrecruit.registry.services import actor_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def r() -> dict[str, Any]:
    r = build()
    r["luzon"] = actor_create(actor_user=None, name="Luzon Manpower Services Inc.", kind=ActorKind.LICENSED_AGENCY,
                              identifier="PH-DMW-123-LB-0415-12", country="PH")
    licence(r["luzon"], r["dmw"], "123-LB-0415-12", r["today"].replace(year=r["today"].year - 2))
    return r


def dmw_list(status: str = "Suspended", violation: str = "Excessive collection of placement fee") -> bytes:
    """A list as the DMW publishes it: its own headers (and one FairRecruit does not use), US dates."""
    return "\n".join([
        "Name of Agency,License No.,Address,Status,Date of Order,Suspended Until,Violation",
        f"Luzon Manpower Services Inc.,123-LB-0415-12,Manila,{status},03/02/2026,12/31/2026,{violation}",
        "Visayas Star Recruitment,,Cebu City,Forever Banned,\"February 27, 2026\",,Illegal recruitment; "
        "withholding of travel documents",
    ]).encode()


def test_every_shipped_layout_is_valid() -> None:
    layouts = list_sanction_mappings()
    assert "ph-dmw" in {m.name for m in layouts}
    assert all(m.kinds and m.date_formats and m.legal_basis for m in layouts)


def test_a_list_in_the_regulators_own_layout_is_imported(r: dict[str, Any]) -> None:
    layout = load_sanction_mapping("ph-dmw")
    result = import_sanctions(dmw_list(), filename="dmw-2026-03.csv", regulator=r["dmw"], user=r["ph_reg"],
                              mapping=layout)
    assert (result.status, result.rows, result.created) == ("imported", 2, 2), result.problems
    by_kind = {s.kind: s for s in Sanction.objects.select_related("subject")}
    suspension = by_kind["suspension"]
    assert suspension.subject == r["luzon"] and suspension.breaches == ["overcharging"]
    assert str(suspension.decided_on) == "2026-03-02" and str(suspension.effective_until) == "2026-12-31"
    assert "Department of Migrant Workers" in suspension.legal_basis  # the layout's words: the list names none
    ban = by_kind["ban"]
    assert ban.subject.kind == "reported" and ban.subject.name == "Visayas Star Recruitment"
    assert set(ban.breaches) == {"unlicensed", "document_retention"} and str(ban.decided_on) == "2026-02-27"
    again = import_sanctions(dmw_list(), filename="dmw-2026-03 (1).csv", regulator=r["dmw"], user=None,
                             mapping=layout)
    assert (again.created, again.unchanged) == (0, 2)


def test_a_word_the_layout_does_not_know_is_named_with_its_row(r: dict[str, Any]) -> None:
    result = import_sanctions(dmw_list(status="Admonished"), filename="x.csv", regulator=r["dmw"], user=None,
                              mapping=load_sanction_mapping("ph-dmw"))
    assert result.status != "imported" and Sanction.objects.count() == 0
    problem = next(p for p in result.problems if p.column == "kind")
    assert problem.row == 2 and problem.value == "Admonished" and "Forever Banned" in problem.problem
    unknown = import_sanctions(dmw_list(violation="Failure to deploy"), filename="x.csv", regulator=r["dmw"],
                               user=None, mapping=load_sanction_mapping("ph-dmw"))
    assert unknown.status == "imported"
    assert Sanction.objects.get(kind="suspension").breaches == ["other"]  # no known word: "other", not a guess


def test_a_layout_is_for_its_own_regulator(r: dict[str, Any]) -> None:
    result = import_sanctions(dmw_list(), filename="x.csv", regulator=r["dofe"], user=None,
                              mapping=load_sanction_mapping("ph-dmw"))
    assert result.problems and result.problems[0].column == "mapping" and Sanction.objects.count() == 0


def test_a_malformed_layout_names_its_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nregulator: PH-DMW\nlegal_basis: y\ncolumns: {name: [Agency], kind: [Status], "
                   "decided_on: [Date]}\nkinds: {Suspended: jail}\ndate_formats: ['%m/%d/%Y']\n")
    with pytest.raises(MappingError, match=r"kinds.Suspended: 'jail' is not one of"):
        load_sanction_mapping(str(bad))
    bad.write_text("title: x\nregulator: PH-DMW\nlegal_basis: y\ncolumns: {agency: [Agency]}\n")
    with pytest.raises(MappingError, match=r"columns.agency: not a column"):
        load_sanction_mapping(str(bad))


def test_the_command_and_the_page_take_a_layout(r: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import_sanctions", "--list-mappings", stdout=out)
    assert "ph-dmw\tPH-DMW" in out.getvalue()
    path = tmp_path / "dmw.csv"
    path.write_bytes(dmw_list())
    call_command("import_sanctions", str(path), "--regulator", "PH-DMW", "--mapping", "ph-dmw", "--dry-run",
                 stdout=io.StringIO())
    assert Sanction.objects.count() == 0
    with pytest.raises(CommandError, match="no layout named 'nope'"):
        call_command("import_sanctions", str(path), "--regulator", "PH-DMW", "--mapping", "nope")

    client = Client()
    client.force_login(r["ph_reg"])
    page = client.get("/enforcement/import/").content.decode()
    assert "ph-dmw" in page and 'name="layout"' in page
    r_post = client.post("/enforcement/import/", {"regulator": r["dmw"].pk, "layout": "ph-dmw",
                                                  "file": io.BytesIO(dmw_list())})
    assert r_post.status_code == 200 and 'id="imported"' in r_post.content.decode(), r_post.content.decode()[:3000]
    assert Sanction.objects.count() == 2
