"""The validation report wherever it is shown (``fairrecruit stats import``, ``stats sdg-10-7-1``, the import
page): rows with a wrong number of fields are named by row, and implausible values are warnings that name the row
and field while the rows are kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from fairrecruit.core.models import Role
from fairrecruit.evidence import generate
from fairrecruit.evidence.models import Survey, SurveyRecord
from fairrecruit.evidence.tests.conftest import make_user
from fairrecruit.evidence.tests.test_survey_pages import _post, _run

pytestmark = pytest.mark.django_db


def _survey(tmp_path: Path, *, implausible: bool = False, short_row: int | None = None) -> Path:
    """A generated survey of 12 workers; ``implausible``: on file line 4 earnings of 0.01 USD against costs of 5,000
    USD, on line 6 a weight of 1e9; ``short_row``: that line loses its last field."""
    path = generate.write_csv(tmp_path / "s.csv", generate.survey_rows(12, seed=7))
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    if implausible:
        items = {k: "" for k in header if k.startswith("cost_") and k != "cost_currency"}
        rows[2].update(
            items, cost_agency_fee="5000", cost_currency="USD", earnings="0.01", earnings_currency="USD"
        )
        rows[4]["weight"] = "1e9"
    lines = [header, *([r[k] for k in header] for r in rows)]
    if short_row is not None:
        lines[short_row - 1] = lines[short_row - 1][:-1]
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(lines)
    return path


def _cli(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_import_prints_warnings_and_stores_the_rows(tmp_path: Path) -> None:
    out, err = _cli("import", str(_survey(tmp_path, implausible=True)), "--title", "Pilot")
    s = Survey.objects.get()
    assert s.status == "imported" and SurveyRecord.objects.filter(survey=s).count() == 12
    assert (
        "warning: row 4: ratio: the costs are " in err and "warning: row 6: weight: survey weight 1e9" in err
    )
    assert "warning: row 4: earnings: first month's earnings of 0.01 " in err
    assert "3 warning(s) in 2 row(s): the rows were kept; check them" in out
    assert [w["row"] for w in s.report["warnings"]] == [4, 4, 6]


def test_cli_import_names_a_row_with_a_missing_field(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="1 of 12 row\\(s\\) rejected; nothing imported"):
        _cli("import", str(_survey(tmp_path, short_row=9)), "--title", "Pilot")
    s = Survey.objects.get()
    assert s.status == "rejected" and not SurveyRecord.objects.exists()
    assert s.report["rejections"] == [
        {"row": 9, "field": "", "message": s.report["rejections"][0]["message"]}
    ]
    assert s.report["rejections"][0]["message"].startswith("expected 20 fields (one per column), found 19")


def test_cli_sdg_prints_the_warnings_with_the_table(tmp_path: Path) -> None:
    out, err = _cli("sdg-10-7-1", str(_survey(tmp_path, implausible=True)))
    assert "warning: row 6: weight: survey weight 1e9" in err
    assert "3 warning(s) in 2 row(s): the rows were kept; check them" in out


def test_import_page_shows_the_warnings_by_row_and_field(client: Client, tmp_path: Path) -> None:
    client.force_login(make_user("st", Role.STAFF))
    data = _survey(tmp_path, implausible=True).read_bytes()
    for extra in ({"dry_run": "on"}, {}):  # the check-only job's report, then the stored survey's
        page = _run(client, _post(client, data, **extra))
        table = page[page.index('id="warnings"') :]
        assert '<td class="num">4</td><td>earnings</td>' in table
        assert '<td class="num">6</td><td>weight</td>' in table and "survey weight 1e9" in table
    s = Survey.objects.get()
    assert s.status == "imported" and s.rows_imported == 12
    page = client.get(f"/evidence/surveys/{s.pk}/").content.decode()
    assert '<td class="num">6</td><td>weight</td>' in page[page.index('id="warnings"') :]
