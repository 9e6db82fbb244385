"""The exact quantiles do not depend on where the histogram buckets of ``sdg.py`` fall: ratios on bucket edges,
ties straddling an edge, very small and very large ratios, against the plain-Python reference to 1e-9."""

from __future__ import annotations

import random

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
