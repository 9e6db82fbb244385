"""The exact quantiles do not depend on where the histogram buckets of ``sdg.py`` fall: ratios on bucket edges,
ties straddling an edge, very small and very large ratios, against the plain-Python reference to 1e-9."""

from __future__ import annotations

import random
from typing import Any

import duckdb

from fairrecruit.evidence import sdg
from fairrecruit.evidence.tests.test_sdg import compare, generated


def _set_ratios(rows: list[dict[str, object]], ratios: list[float], seed: int) -> None:
    rng = random.Random(seed)
    for r in rows:
        ratio = rng.choice(ratios)
        earnings = float(r["earnings_usd"])  # type: ignore[arg-type]
        r.update(ratio=ratio, cost=ratio * earnings, cost_usd=ratio * earnings)


def test_ratios_on_bucket_edges_and_either_side() -> None:
    # edges of the 1/128 buckets, and where the bucket width changes (8 and 64 months)
    edge = [m / 128 for m in (1, 2, 350, 351, 512, 513)] + list(sdg._EDGES) + [8.25, 96.0]
    near = [x + d for x in edge for d in (-1e-12, 1e-12)]
    rows = generated(600, 21, integer_weights=True, zero_share=0.1)
    _set_ratios(rows, edge + near + [0.0], 21)
    assert compare(rows, sdg.parse_by("sex,destination,sex*destination")) > 10


def test_equal_split_between_two_buckets_averages_across_the_edge() -> None:
    # two ratios in neighbouring buckets with equal weight: the median is their mean (the next bucket is read)
    rows = generated(2, 22, zero_share=0)
    lo, hi = 350 / 128, 351 / 128  # the top edges of buckets 350 and 351
    for r, ratio in zip(rows, [lo, hi], strict=True):
        r.update(weight=1.0, ratio=ratio, sex="F")
    assert compare(rows, ()) == 2


def test_tiny_and_huge_ratios() -> None:
    values = [5e-324, 1e-300, 1e-9, 0.5, 3.0, 8.0, 40.0, 64.0, 1e6, 2.0**60, 2.0**60 + 2**9, 1e100]
    rows = generated(300, 23, zero_share=0.2)
    _set_ratios(rows, values, 23)
    for r in rows:  # cost and earnings stay ordinary: only the ratio is extreme
        r.update(cost=float(r["earnings_usd"]), cost_usd=float(r["earnings_usd"]))  # type: ignore[arg-type]
    assert compare(rows, sdg.parse_by("sex,destination")) > 5


def test_quantiles_in_the_coarse_buckets_above_8_and_64_months() -> None:
    rows = generated(500, 24, zero_share=0.05)
    rng = random.Random(24)
    for r in rows:  # most ratios above 8 months, many above 64: the quantiles fall in the wider buckets
        r.update(ratio=rng.choice([rng.uniform(0, 8), rng.uniform(8, 64), rng.uniform(64, 5000)]))
    assert compare(rows, sdg.parse_by("sex,destination")) > 5


def test_bucket_order_is_the_order_of_the_ratios() -> None:
    xs = sorted(
        {
            0.0,
            5e-324,
            1 / 128,
            1 / 128 + 1e-15,
            8.0,
            8.000000000000002,
            64.0,
            64.00000000000001,
            1e9,
            2.0**60,
            1e300,
            float("inf"),
        }
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?::DOUBLE[]) AS r", [xs])
    keys = [k for (k,) in con.execute(f"SELECT {sdg._BUCKET} FROM t ORDER BY r").fetchall()]
    assert len(keys) == len(xs)
    assert keys == sorted(keys) and keys[0] == sdg._ZB and keys.count(sdg._ZB) == 1


def test_each_ratio_range_holds_exactly_the_rows_of_its_buckets() -> None:
    # the second pass reads ranges of ratios instead of bucket numbers, so that the scan can skip row groups
    edge = [m / 128 for m in (1, 2, 350, 351, 1023, 1024)] + [8.25, 63.75, 64.0, 96.0, 128.0, 1e6]
    xs = sorted({0.0, 5e-324} | {x + d for x in edge for d in (-1e-9, 0.0, 1e-9)} | {x * 1.0000001 for x in edge})
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?::DOUBLE[]) AS r", [xs])
    buckets = [b for (b,) in con.execute(f"SELECT DISTINCT {sdg._BUCKET} FROM t ORDER BY 1").fetchall()]
    assert len(buckets) >= 18
    for b in buckets:
        rng = sdg._bucket_range(b)
        assert rng is not None, b
        in_bucket = con.execute(f"SELECT r FROM t WHERE {sdg._BUCKET} = ? ORDER BY r", [b]).fetchall()
        in_range = con.execute("SELECT r FROM t WHERE r > ? AND r <= ? ORDER BY r", list(rng)).fetchall()
        assert in_bucket == in_range, b
    # neighbouring buckets merge into one range; a gap starts another
    runs = sdg._ratio_runs([1.0, 2.0, 3.0, 10.0, 1024.0, 1057.0])
    assert runs == [(0.0, 3 / 128), (9 / 128, 10 / 128), (1023 / 128, 8.25)]
    # bucket numbers of huge ratios are rounded: no exact range, the bucket filter is used instead
    assert sdg._bucket_range(1280 + 2.0**60) is None and sdg._ratio_runs([1.0, 1280 + 2.0**60]) is None


def test_quantiles_are_the_same_read_by_ranges_or_by_bucket_numbers(monkeypatch: Any) -> None:
    rows = generated(800, 25, integer_weights=True, zero_share=0.1)
    by = sdg.parse_by("sex,destination")
    runs: list[int] = []
    ratio_runs = sdg._ratio_runs

    def counted(buckets: Any) -> Any:
        found = ratio_runs(buckets)
        runs.append(-1 if found is None else len(found))
        return found

    monkeypatch.setattr(sdg, "_ratio_runs", counted)
    assert compare(rows, by) > 10
    assert runs and 1 < runs[-1] <= sdg._MAX_RUNS  # read as ranges of ratios
    monkeypatch.setattr(sdg, "_MAX_RUNS", 0)
    assert compare(rows, by) > 10  # one scan filtered by bucket numbers
