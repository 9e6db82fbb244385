"""SDG 10.7.1 in DuckDB against an independent plain-Python reference, to 1e-9, on generated data with weights,
zero costs, ties and disaggregations."""

from __future__ import annotations

import math
import random
from statistics import NormalDist
from typing import Any

import duckdb
import pytest

from fairrecruit.evidence import sdg, survey
from fairrecruit.evidence.tests import reference

Z95 = NormalDist().inv_cdf(0.975)
STATS = (
    "n",
    "population",
    "mean",
    "mean_se",
    "mean_ci_low",
    "mean_ci_high",
    "median",
    "q80",
    "ratio_of_means",
    "mean_cost_usd",
    "mean_earnings_usd",
)


def generated(
    n: int, seed: int, *, integer_weights: bool = False, zero_share: float = 0.2, ties: bool = False
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        earnings = round(rng.uniform(150, 2500), 2)
        if rng.random() < zero_share:
            cost = 0.0
        elif ties:
            cost = earnings * rng.choice([0.5, 1, 2, 3, 6])  # many workers on the same ratio
        else:
            cost = round(rng.lognormvariate(7, 1.2), 2)
        weight = float(rng.randint(1, 4)) if integer_weights else rng.uniform(0.2, 300)
        rows.append(
            {
                "row": i + 2,
                "worker_id": f"W{i}",
                "year": rng.choice([2018, 2019, 2020]),
                "origin": rng.choice(["NP", "BD"]),
                "destination": rng.choice(["QA", "SA", "MY"]),
                "sex": rng.choice(["F", "M", "M", None]),
                "age": 30,
                "age_group": rng.choice(["15-24", "25-34", None]),
                "education": rng.choice(["primary", "tertiary"]),
                "isco08": "9313",
                "isco_major": rng.choice(["9", "7"]),
                "industry": "F",
                "documented": rng.choice([True, False, None]),
                "weight": weight,
                "cost": cost,
                "cost_currency": "USD",
                "earnings": earnings,
                "earnings_currency": "USD",
                "fx_date": None,
                "cost_usd": cost,
                "earnings_usd": earnings,
                "ratio": cost / earnings,
            }
        )
    return rows


def compare(rows: list[dict[str, Any]], by: tuple[tuple[str, ...], ...]) -> int:
    con = duckdb.connect()
    survey.from_records(con, rows, "survey")
    got = sdg.indicator(con, "survey", sdg.Options(by=by))
    want = reference.indicator(rows, by, sdg.VARIANTS, Z95)
    assert len(got) == len(want)
    for g in got:
        w = want[(g["zero_costs"], g["by"], g["group"])]
        for k in STATS:
            a, b = g[k], w[k]
            if b is None:
                assert a is None, (g["zero_costs"], g["by"], g["group"], k)
            else:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (
                    g["zero_costs"],
                    g["by"],
                    g["group"],
                    k,
                    a,
                    b,
                )
    return len(got)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_reference_with_float_weights_zero_costs_and_disaggregations(seed: int) -> None:
    rows = generated(1500, seed)
    by = sdg.parse_by("sex,destination,age_group,documented,occupation,sex*destination")
    assert compare(rows, by) > 40


@pytest.mark.parametrize("seed", [4, 5])
def test_matches_reference_with_whole_weights_and_ties(seed: int) -> None:
    # whole-number weights make the cumulative weight hit p·W exactly: the averaging rule is exercised
    rows = generated(400, seed, integer_weights=True, ties=True, zero_share=0.3)
    assert compare(rows, sdg.parse_by("sex,destination")) > 10


def test_small_groups_and_single_workers() -> None:
    rows = generated(7, 9)
    rows[0].update(sex="X", ratio=0.0, cost=0.0, cost_usd=0.0)  # a group with only a zero-cost worker
    for r in rows[1:]:
        r["sex"] = "M" if r["sex"] == "X" else r["sex"]
    assert compare(rows, sdg.parse_by("sex,destination,sex*destination")) > 5


def test_median_of_equal_weights_is_the_usual_median() -> None:
    rows = generated(4, 11, zero_share=0)
    for r, ratio in zip(rows, [1.0, 2.0, 3.0, 10.0], strict=True):
        r.update(weight=1.0, ratio=ratio)
    con = duckdb.connect()
    survey.from_records(con, rows, "survey")
    overall = sdg.indicator(con, "survey", sdg.Options(zero_costs=("include",)))[0]
    assert overall["median"] == 2.5
    assert overall["q80"] == 10.0  # 0.8 × 4 = 3.2: the 4th value
    assert overall["mean"] == 4.0


def test_zero_cost_setting_is_explicit_and_changes_the_answer() -> None:
    rows = generated(300, 12, zero_share=0.5)
    con = duckdb.connect()
    survey.from_records(con, rows, "survey")
    both = {r["zero_costs"]: r for r in sdg.indicator(con, "survey", sdg.Options()) if r["by"] == "all"}
    assert set(both) == {"include", "exclude"}
    assert both["exclude"]["n"] + both["include"]["n_zero_cost"] == both["include"]["n"]
    assert both["exclude"]["mean"] > both["include"]["mean"]
    assert both["include"]["zero_cost_share"] == pytest.approx(
        sum(r["weight"] for r in rows if r["ratio"] == 0) / sum(r["weight"] for r in rows)
    )
    only = sdg.indicator(con, "survey", sdg.Options(zero_costs=("exclude",)))
    assert {r["zero_costs"] for r in only} == {"exclude"}


def test_ratio_of_means_is_a_labelled_comparison_not_the_indicator() -> None:
    rows = generated(200, 13)
    con = duckdb.connect()
    survey.from_records(con, rows, "survey")
    r = sdg.indicator(con, "survey", sdg.Options(zero_costs=("include",)))[0]
    assert r["ratio_of_means"] != pytest.approx(r["mean"], rel=1e-6)
    assert "ratio_of_means" in sdg.RESULT_COLUMNS and "comparison" in (sdg.__doc__ or "")


def test_bootstrap_is_reproducible_with_a_seed_and_brackets_the_estimate() -> None:
    rows = generated(300, 14)
    con = duckdb.connect()
    survey.from_records(con, rows, "survey")
    opts = sdg.Options(by=(("sex",),), bootstrap=60, seed=7)
    a = sdg.indicator(con, "survey", opts)
    b = sdg.indicator(con, "survey", opts)
    c = sdg.indicator(con, "survey", sdg.Options(by=(("sex",),), bootstrap=60, seed=8))
    assert [r["boot_median_low"] for r in a] == [r["boot_median_low"] for r in b]
    assert [r["boot_median_low"] for r in a] != [r["boot_median_low"] for r in c]
    overall = a[0]
    assert overall["boot_mean_low"] < overall["mean"] < overall["boot_mean_high"]
    assert overall["boot_median_low"] <= overall["median"] <= overall["boot_median_high"]
    assert overall["boot_q80_low"] <= overall["q80"] <= overall["boot_q80_high"]


def test_bad_options_say_what_to_use() -> None:
    with pytest.raises(sdg.SdgError, match="unknown disaggregation 'colour'"):
        sdg.parse_by("sex,colour")
    with pytest.raises(sdg.SdgError, match="include, exclude or both"):
        sdg.parse_zero_costs("maybe")
    assert sdg.parse_by("sex*destination,sex") == (("sex", "destination"), ("sex",))
