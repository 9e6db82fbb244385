"""SDG 10.7.1 of a stored survey from its page, as a background job: the same numbers as the indicator computed
straight from the survey file (as `fairrecruit stats sdg-10-7-1 FILE` does), a table on the job page, CSV and
Parquet downloads for the job's creator only; bad options answered on the form, naming the field."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from django.test import Client

from fairrecruit.core.models import Role
from fairrecruit.evidence import generate, sdg, survey
from fairrecruit.evidence.models import Survey
from fairrecruit.evidence.services import survey_import
from fairrecruit.evidence.tests.conftest import make_user
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Survey, Path]:
    path = generate.write_csv(tmp_path / "s.csv", generate.survey_rows(400, seed=23))
    s = survey_import(actor=None, path=path, title="Pilot survey", synthetic=True)
    assert s.status == Survey.Status.IMPORTED
    s.published = False  # hidden from corridor profiles: its own statistics may still be computed
    s.save(update_fields=["published"])
    return s, path


def _key(r: dict[str, Any]) -> tuple[str, str, str]:
    return (r["zero_costs"], r["by"], r["group"])


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def test_a_researcher_computes_the_indicator_of_a_survey_as_a_job(stored: tuple[Survey, Path]) -> None:
    s, path = stored
    c = Client()
    c.force_login(make_user("res", Role.RESEARCHER))
    page = c.get(f"/evidence/surveys/{s.pk}/").content.decode()
    assert f'action="/evidence/surveys/{s.pk}/sdg/"' in page
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"by": ["sex", "destination"], "zero_costs": "both",
                                                  "confidence": "0.9", "bootstrap": "0"})
    assert r.status_code == 303 and r["Location"].startswith("/jobs/")
    [job] = run_pending()
    assert job.status == Job.Status.DONE, job.error
    assert job.params == {"survey": s.pk, "by": "sex,destination", "zero_costs": "both", "confidence": 0.9,
                          "bootstrap": 0}

    # The reference: the indicator computed straight from the file, as the command line does.
    con = duckdb.connect()
    survey.load(path, con=con)
    expected = sdg.indicator(con, "survey", sdg.Options(by=(("sex",), ("destination",)), confidence=0.9))
    con.close()
    got = {_key(row): row for row in job.result["rows"]}
    assert set(got) == {_key(row) for row in expected} and len(expected) > 6
    for row in expected:
        for col in ("n", "population", "mean", "mean_ci_low", "mean_ci_high", "median", "q80", "ratio_of_means"):
            assert _same(got[_key(row)][col], row[col]), (_key(row), col)

    page = c.get(r["Location"]).content.decode()
    assert 'id="sdg-table"' in page and "Pilot survey" in page and "90%" in page
    assert f'href="/evidence/surveys/{s.pk}/"' in page
    overall = next(row for row in expected if row["by"] == "all" and row["zero_costs"] == "include")
    assert f"{overall['median']:.3f}" in page

    table = c.get(f"/evidence/surveys/{s.pk}/sdg/{job.pk}.csv")
    assert table.status_code == 200 and table["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert len(rows) == len(expected)
    first = next(x for x in rows if x["by"] == "all" and x["zero_costs"] == "include")
    assert math.isclose(float(first["median"]), overall["median"], rel_tol=1e-12)
    parquet = c.get(f"/evidence/surveys/{s.pk}/sdg/{job.pk}.parquet")
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == len(expected)
    assert c.get(f"/evidence/surveys/{s.pk}/sdg/{job.pk}.xlsx").status_code == 404

    # Someone else's job: no table (and no job page).
    other = Client()
    other.force_login(make_user("res2", Role.RESEARCHER))
    assert other.get(f"/evidence/surveys/{s.pk}/sdg/{job.pk}.csv").status_code == 404
    assert other.get(r["Location"]).status_code == 404


def test_a_cross_classification_with_bootstrap_intervals(stored: tuple[Survey, Path]) -> None:
    s, _ = stored
    c = Client()
    c.force_login(make_user("staff", Role.STAFF))
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"by": ["sex", "destination"], "cross": "on",
                                                  "zero_costs": "include", "confidence": "0.95", "bootstrap": "200"})
    assert r.status_code == 303
    [job] = run_pending()
    rows = job.result["rows"]
    assert {row["by"] for row in rows} == {"all", "sex*destination"}
    assert {row["zero_costs"] for row in rows} == {"include"}
    overall = next(row for row in rows if row["by"] == "all")
    assert overall["boot_median_low"] <= overall["median"] <= overall["boot_median_high"]
    assert "Bootstrap: mean" in c.get(r["Location"]).content.decode()


def test_bad_options_are_answered_on_the_form_and_nothing_is_queued(stored: tuple[Survey, Path]) -> None:
    s, _ = stored
    c = Client()
    c.force_login(make_user("res", Role.RESEARCHER))
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"by": ["planet"], "zero_costs": "both", "confidence": "0.95",
                                                  "bootstrap": "0"})
    assert r.status_code == 400 and "planet is not one of the available choices" in r.content.decode()
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"zero_costs": "both", "confidence": "0.5", "bootstrap": "0"})
    assert r.status_code == 400 and "0.5 is not one of the available choices" in r.content.decode()
    s.status = Survey.Status.REJECTED
    s.save(update_fields=["status"])
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"zero_costs": "both", "confidence": "0.95", "bootstrap": "0"})
    assert r.status_code == 400 and "has no imported rows to compute from" in r.content.decode()
    assert not Job.objects.exists()


def test_only_staff_and_researchers_may_compute() -> None:
    s = Survey.objects.create(title="t", filename="s.csv", sha256="0" * 64, status=Survey.Status.IMPORTED,
                              rows_total=1, rows_imported=1)
    c = Client()
    c.force_login(make_user("worker-org", Role.UNION_CSO))
    r = c.post(f"/evidence/surveys/{s.pk}/sdg/", {"zero_costs": "both", "confidence": "0.95", "bootstrap": "0"})
    assert r.status_code == 403 and not Job.objects.exists()
