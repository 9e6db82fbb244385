"""Issue #8: the exchange rate and date of every conversion are shown wherever the indicator is (CLI tables, a
``<stem>.conversions.csv`` beside a written table, the Parquet metadata, the survey page, the API's surveys), and
the intervals say their level (the CLI heading, a ``confidence`` column); bootstrap intervals and the zero-cost
share are printed when computed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.test import Client

from fairrecruit.core import fx
from fairrecruit.core.models import Role
from fairrecruit.evidence import generate
from fairrecruit.evidence.models import Survey
from fairrecruit.evidence.tests.conftest import make_user
from fairrecruit.jobs.services import run_pending


@pytest.fixture
def survey_file(tmp_path: Path) -> Path:
    return generate.write_csv(tmp_path / "survey.csv", generate.survey_rows(300, seed=3))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _check_rate(row: dict[str, Any]) -> None:
    """A conversions row says the rate fairrecruit.core.fx gives for that currency and day, and its day and source."""
    rate = fx.usd_rate(row["currency"], fx.dt.date.fromisoformat(row["for_date"]))
    assert rate is not None
    assert float(row["per_usd"]) == round(rate.per_usd, 6)
    assert row["rate_date"] == rate.day.isoformat() and row["source"] == rate.source


def _rates_in(out: str) -> list[list[str]]:
    lines = out.splitlines()
    start = lines.index("Exchange rates used:")
    assert lines[start + 1].split()[:4] == ["currency", "for", "date", "per"]
    return [line.split(None, 4) for line in lines[start + 2 :] if len(line.split(None, 4)) == 5 and len(line) > 3
            and line[:3].isupper() and line[3] == " "]


def test_sdg_cli_prints_the_rates_and_writes_them_beside_the_table(survey_file: Path, tmp_path: Path) -> None:
    dst = tmp_path / "out.csv"
    out = run("sdg-10-7-1", str(survey_file), "-o", str(dst))
    printed = _rates_in(out)
    written = list(csv.DictReader((tmp_path / "out.conversions.csv").open()))
    assert len(printed) == len(written) >= 2 and f"to {tmp_path / 'out.conversions.csv'}" in out
    for p, w in zip(printed, written, strict=True):
        _check_rate(w)
        assert p[:2] == [w["currency"], w["for_date"]] and float(p[2].replace(",", "")) == float(w["per_usd"])
        assert p[3] == w["rate_date"] and p[4] == w["source"] and w["latest_available"] in ("true", "false")
    assert {w["currency"] for w in written} >= {r["earnings_currency"] for r in csv.DictReader(survey_file.open())}

    pq_dst = tmp_path / "out.parquet"
    run("sdg-10-7-1", str(survey_file), "-o", str(pq_dst))
    meta = json.loads(pq.read_schema(pq_dst).metadata[b"fairrecruit:conversions"])
    assert [(m["currency"], m["for_date"], m["per_usd"]) for m in meta] == [
        (w["currency"], w["for_date"], float(w["per_usd"])) for w in written
    ]
    assert list(csv.DictReader((tmp_path / "out.conversions.csv").open())) == written


@pytest.mark.django_db
def test_import_cli_prints_the_rates_it_stored(survey_file: Path) -> None:
    out = run("import", str(survey_file), "--title", "CLI survey", "--synthetic")
    s = Survey.objects.get()
    printed = _rates_in(out)
    assert "Currency conversion: each worker's costs and earnings at the reference rate of 1 July" in out
    assert [(p[0], p[1], p[3]) for p in printed] == [
        (c["currency"], c["for_date"], c["rate_date"]) for c in sorted(s.conversions, key=lambda c: (c["currency"], c["for_date"]))
    ] and printed


@pytest.mark.parametrize("level, heading", [("0.9", "90% CI"), ("0.99", "99% CI"), ("0.95", "95% CI")])
def test_the_interval_heading_and_outputs_say_the_level(
    survey_file: Path, tmp_path: Path, level: str, heading: str
) -> None:
    dst = tmp_path / "out.csv"
    out = run("sdg-10-7-1", str(survey_file), "--confidence", level, "-o", str(dst))
    header = out.splitlines()[0]
    assert heading in header and ("95% CI" in header) == (level == "0.95")
    assert {r["confidence"] for r in csv.DictReader(dst.open())} == {level}
    pq_dst = tmp_path / "out.parquet"
    run("sdg-10-7-1", str(survey_file), "--confidence", level, "-o", str(pq_dst))
    assert set(pq.read_table(pq_dst).column("confidence").to_pylist()) == {float(level)}


def test_bootstrap_intervals_and_zero_cost_share_are_printed_without_output(survey_file: Path, tmp_path: Path) -> None:
    args = ("sdg-10-7-1", str(survey_file), "--bootstrap", "40", "--seed", "7", "--confidence", "0.9")
    out = run(*args)
    dst = tmp_path / "same.csv"
    run(*args, "-o", str(dst))
    rows = list(csv.DictReader(dst.open()))
    lines = out.splitlines()
    assert "boot 90% mean" in lines[0] and "boot 90% median" in lines[0] and "boot 90% q80" in lines[0]
    assert "paid 0" in lines[0]
    for r in rows:
        line = next(x for x in lines[1:] if x.startswith(r["zero_costs"].ljust(10)))
        for stat in ("mean", "median", "q80"):
            lo, hi = float(r[f"boot_{stat}_low"]), float(r[f"boot_{stat}_high"])
            assert f"{lo:.2f}–{hi:.2f}" in line, (stat, line)
        assert f" {100 * float(r['zero_cost_share']):.0f}% " in line
    no_boot = run("sdg-10-7-1", str(survey_file)).splitlines()[0]
    assert "boot" not in no_boot and "paid 0" in no_boot


@pytest.mark.django_db
def test_survey_page_and_api_show_the_rates(stored_survey: Survey) -> None:
    conv = sorted(stored_survey.conversions, key=lambda c: (c["currency"], c["for_date"]))
    assert conv
    c = Client()
    c.force_login(make_user("res", Role.RESEARCHER))
    page = c.get(f"/evidence/surveys/{stored_survey.pk}/").content.decode()
    assert 'id="conversions"' in page
    for x in conv:
        assert f"{x['currency']}: {x['per_usd']} per US dollar on {x['rate_date']}" in page
        if x["for_date"] != x["rate_date"]:
            assert f"used for {x['for_date']}" in page

    p = Client().get("/api/v1/corridors/NP-QA").json()
    [s] = [s for s in p["surveys"] if s["title"] == stored_survey.title]
    np_qa = [x for x in conv if x["currency"] in ("NPR", "QAR")]
    assert np_qa
    for x in s["conversions"]:
        _check_rate(x)
    assert {(x["currency"], x["for_date"]) for x in s["conversions"]} == {(x["currency"], x["for_date"]) for x in conv}
    assert {r["confidence"] for r in p["survey_statistics"]} == {0.95}


@pytest.mark.django_db
def test_a_job_table_download_records_level_and_rates(stored_survey: Survey) -> None:
    c = Client()
    c.force_login(make_user("res", Role.RESEARCHER))
    r = c.post(f"/evidence/surveys/{stored_survey.pk}/sdg/", {"by": ["sex"], "zero_costs": "both",
                                                              "confidence": "0.99", "bootstrap": "0"})
    assert r.status_code == 303
    [job] = run_pending()
    table = c.get(f"/evidence/surveys/{stored_survey.pk}/sdg/{job.pk}.csv").content.decode()
    assert {row["confidence"] for row in csv.DictReader(io.StringIO(table))} == {"0.99"}
    parquet = pq.read_table(io.BytesIO(c.get(f"/evidence/surveys/{stored_survey.pk}/sdg/{job.pk}.parquet").content))
    assert set(parquet.column("confidence").to_pylist()) == {0.99}
    meta = json.loads(parquet.schema.metadata[b"fairrecruit:conversions"])
    assert len(meta) == len(stored_survey.conversions) and all(m["rate_date"] for m in meta)
