"""`fairrecruit stats sdg-10-7-1 FILE`: prints a table, writes CSV or Parquet, names rejected rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fairrecruit.evidence import generate
from fairrecruit.evidence.models import Release, Survey


@pytest.fixture
def survey_file(tmp_path: Path) -> Path:
    return generate.write_csv(tmp_path / "survey.csv", generate.survey_rows(300, seed=3))


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_table_and_csv_output(survey_file: Path, tmp_path: Path) -> None:
    dst = tmp_path / "out.csv"
    out, _ = run("sdg-10-7-1", str(survey_file), "--by", "sex,destination", "--output", str(dst))
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["zero", "costs", "by", "group"]
    assert any(line.startswith("include     all") for line in lines)
    assert any(line.startswith("exclude     sex           F") for line in lines)
    assert "ratio of means: mean costs / mean earnings, a comparison only" in out
    assert "1 July" in out and f"wrote {len(list(csv.DictReader(dst.open())))} rows to {dst}" in out
    rows = list(csv.DictReader(dst.open()))
    assert {r["by"] for r in rows} == {"all", "sex", "destination"}
    assert {r["zero_costs"] for r in rows} == {"include", "exclude"}
    assert rows[0]["median"] and rows[0]["mean_ci_low"]


def test_parquet_output_and_one_zero_cost_variant(survey_file: Path, tmp_path: Path) -> None:
    dst = tmp_path / "out.parquet"
    run(
        "sdg-10-7-1",
        str(survey_file),
        "--by",
        "sex*destination",
        "--zero-costs",
        "exclude",
        "--output",
        str(dst),
        "--bootstrap",
        "20",
    )
    t = pq.read_table(dst).to_pylist()
    assert {r["zero_costs"] for r in t} == {"exclude"}
    assert {r["by"] for r in t} == {"all", "sex*destination"}
    assert t[0]["boot_median_low"] is not None


def test_rejected_rows_are_named_and_nothing_is_computed(tmp_path: Path) -> None:
    rows = generate.survey_rows(5, seed=1)
    rows[2]["earnings"] = ""
    rows[4]["age"] = 3
    bad = generate.write_csv(tmp_path / "bad.csv", rows)
    report = tmp_path / "rejected.csv"
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 5 row"):
        call_command(
            "stats", "sdg-10-7-1", str(bad), "--report", str(report), stdout=io.StringIO(), stderr=err
        )
    assert "error: row 4: earnings: missing" in err.getvalue()
    assert "error: row 6: age: impossible age 3" in err.getvalue()
    assert [r["row"] for r in csv.DictReader(report.open())] == ["4", "6"]
    out, _ = run("sdg-10-7-1", str(bad), "--partial")
    assert "2 row(s) rejected and left out" in out


def test_bad_options(survey_file: Path) -> None:
    with pytest.raises(CommandError, match="unknown disaggregation 'colour'"):
        run("sdg-10-7-1", str(survey_file), "--by", "colour")
    with pytest.raises(CommandError, match="write .csv or .parquet"):
        run("sdg-10-7-1", str(survey_file), "--output", "x.json")


@pytest.mark.django_db
def test_platform_assessments_import_and_release(survey_file: Path) -> None:
    from fairrecruit.evidence.tests.conftest import make_user
    from fairrecruit.standards.selectors import example_journeys
    from fairrecruit.standards.services import assessment_create

    user = make_user("brand")
    for j in example_journeys()[:8]:
        assessment_create(actor=user, journey=j)
    out, _ = run("sdg-10-7-1", "--platform", "--by", "corridor")
    assert "fee assessments stored on FairRecruit" in out and "corridor" in out
    out, _ = run("import", str(survey_file), "--title", "CLI survey", "--synthetic", "--dry-run")
    assert "dry run, nothing stored" in out and not Survey.objects.exists()
    out, _ = run("import", str(survey_file), "--title", "CLI survey", "--synthetic")
    assert "300 of 300 rows stored" in out and Survey.objects.get().synthetic
    out, _ = run("release", "--title", "CLI release", "--k", "3")
    assert "datapackage.json" in out and Release.objects.get().k == 3


@pytest.mark.django_db
def test_platform_figures_come_with_the_exchange_rates_behind_them(tmp_path: Path) -> None:
    """The US-dollar costs of the platform's assessments are converted at the ECB rate of each one's day: the
    command prints those rates and writes them beside the table, as it does for a survey file."""
    from fairrecruit.core import fx
    from fairrecruit.evidence.tests.conftest import make_user
    from fairrecruit.standards.selectors import example_journeys
    from fairrecruit.standards.services import assessment_create

    user = make_user("brand")
    journeys = [j for j in example_journeys() if j["first_month_earnings"]["amount"]][:6]
    for j in journeys:
        assessment_create(actor=user, journey=j)
    dst = tmp_path / "platform.csv"
    out, _ = run("sdg-10-7-1", "--platform", "--output", str(dst))
    assert "Exchange rates used:" in out
    with open(tmp_path / "platform.conversions.csv", encoding="utf-8") as f:
        rates = list(csv.DictReader(f))
    assert rates and all(r["currency"] != "USD" for r in rates)
    for r in rates:  # each is the rate the records were converted at, for their day
        rate = fx.usd_rate(r["currency"], dt.date.fromisoformat(r["for_date"]))
        assert rate is not None and float(r["per_usd"]) == pytest.approx(rate.per_usd, rel=1e-6)
        assert r["rate_date"] == rate.day.isoformat()
    # the indicator's costs are in the currency of the earnings (sdg_10_7_1.currency)
    assert {r["currency"] for r in rates} == {j["first_month_earnings"]["currency"] for j in journeys} - {"USD"}
