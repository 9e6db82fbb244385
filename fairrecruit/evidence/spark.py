"""The same SDG 10.7.1 statistics on Apache Spark (PySpark), the scale path for surveys or registers too large
for one machine. Same definitions as :mod:`sdg` (per-worker ratio; weighted mean, Stata-rule weighted median
and 4th quintile; zero costs included or excluded; linearisation CI; ratio of means as a comparison), written
with Spark window functions: exact quantiles from the running weight over the sorted distinct ratios.

``indicator(df, options)`` takes a Spark DataFrame with the columns of the normalised survey table and returns
rows shaped like :func:`sdg.indicator` (without bootstrap columns). PySpark is optional: importing this module
without it raises ImportError. Not Django.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fairrecruit.evidence import sdg

# Spark SQL versions of sdg.DIMENSIONS (Spark casts to STRING, not VARCHAR).
DIMENSIONS: dict[str, str] = {
    **sdg.DIMENSIONS,
    "documented": "CASE WHEN documented THEN 'documented' WHEN NOT documented THEN 'undocumented' END",
    "year": "CAST(year AS STRING)",
}
_SEP = "\x1f"


def indicator(df: DataFrame, options: sdg.Options | None = None) -> list[dict[str, Any]]:
    opts = options or sdg.Options()
    sets: list[tuple[str, ...]] = [(), *opts.by]
    dims = sorted({d for s in sets for d in s}, key=list(sdg.DIMENSIONS).index)
    base = df.select(
        *[
            F.coalesce(F.expr(f"CAST({DIMENSIONS[d]} AS STRING)"), F.lit(sdg.UNKNOWN)).alias(f"d_{d}")
            for d in dims
        ],
        F.col("ratio").cast("double").alias("r"),
        F.col("weight").cast("double").alias("w"),
        F.col("cost_usd").cast("double").alias("c"),
        F.col("earnings_usd").cast("double").alias("e"),
    )
    parts = []
    for set_id, s in enumerate(sets):
        grp = F.concat_ws(_SEP, *[F.col(f"d_{d}") for d in s]) if s else F.lit("")
        for v in opts.zero_costs:
            part = base if v == "include" else base.where(F.col("r") > 0)
            parts.append(
                part.select(
                    F.lit(set_id).alias("set_id"),
                    F.lit(v).alias("variant"),
                    grp.alias("grp"),
                    "r",
                    "w",
                    "c",
                    "e",
                )
            )
    long = parts[0]
    for other in parts[1:]:
        long = long.unionByName(other)
    long = long.cache()
    keys = ["set_id", "variant", "grp"]
    moments = {
        tuple(row[k] for k in keys): row.asDict()
        for row in long.groupBy(*keys)
        .agg(
            F.count("*").alias("n"),
            F.sum("w").alias("w"),
            F.sum(F.col("w") * F.col("r")).alias("swr"),
            F.sum(F.col("w") * F.col("w")).alias("sww"),
            F.sum(F.col("w") * F.col("w") * F.col("r")).alias("swwr"),
            F.sum(F.col("w") * F.col("w") * F.col("r") * F.col("r")).alias("swwrr"),
            F.sum(F.col("w") * F.col("c")).alias("swc"),
            F.sum(F.col("w") * F.col("e")).alias("swe"),
            F.sum(F.when(F.col("r") == 0, F.col("w")).otherwise(F.lit(0.0))).alias("w_zero"),
            F.sum(F.when(F.col("r") == 0, 1).otherwise(0)).alias("n_zero"),
        )
        .collect()
    }
    # zero-cost counts and shares are over everyone in the group, whatever the variant
    zeros = {
        (k[0], k[2]): {"w_all": m["w"], "w_zero": m["w_zero"], "n_zero": m["n_zero"]}
        for k, m in moments.items()
        if k[1] == "include"
    }
    if "include" not in opts.zero_costs:
        zeros = {
            (row["set_id"], row["grp"]): row.asDict()
            for row in _all_rows(base, sets)
            .groupBy("set_id", "grp")
            .agg(
                F.sum("w").alias("w_all"),
                F.sum(F.when(F.col("r") == 0, F.col("w")).otherwise(F.lit(0.0))).alias("w_zero"),
                F.sum(F.when(F.col("r") == 0, 1).otherwise(0)).alias("n_zero"),
            )
            .collect()
        }
    distinct = long.groupBy(*keys, "r").agg(F.sum("w").alias("w"))
    ordered = Window.partitionBy(*keys).orderBy("r")
    running = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    c = distinct.select(
        *keys,
        "r",
        F.sum("w").over(running).alias("cum"),
        F.sum("w").over(Window.partitionBy(*keys)).alias("tot"),
        F.lead("r").over(ordered).alias("nxt"),
    )
    quant: dict[tuple[Any, ...], float] = {}
    picks = []
    for name, p in sdg.PROBS.items():
        first = Window.partitionBy(*keys).orderBy("r")
        picks.append(
            c.where(F.col("cum") >= F.lit(p) * F.col("tot"))
            .withColumn("k", F.row_number().over(first))
            .where(F.col("k") == 1)
            .select(
                *keys,
                F.lit(name).alias("stat"),
                F.when(
                    (F.col("cum") == F.lit(p) * F.col("tot")) & F.col("nxt").isNotNull(),
                    (F.col("r") + F.col("nxt")) / 2,
                )
                .otherwise(F.col("r"))
                .alias("q"),
            )
        )
    for pick in picks[0].unionByName(picks[1]).collect():
        quant[(pick["set_id"], pick["variant"], pick["grp"], pick["stat"])] = pick["q"]
    long.unpersist()
    z = NormalDist().inv_cdf(0.5 + opts.confidence / 2)
    out: list[dict[str, Any]] = []
    for (set_id, variant, grp), m in sorted(
        moments.items(), key=lambda kv: (opts.zero_costs.index(kv[0][1]), kv[0][0], kv[0][2])
    ):
        s = sets[set_id]
        n, w = int(m["n"]), float(m["w"])
        mean = m["swr"] / w
        se = None
        if n > 1:
            ss = m["swwrr"] - 2 * mean * m["swwr"] + mean * mean * m["sww"]
            se = math.sqrt(max(ss, 0.0) * n / (n - 1)) / w
        zrow = zeros[(set_id, grp)]
        levels = grp.split(_SEP) if s else []
        row: dict[str, Any] = {
            "zero_costs": variant,
            "by": sdg.by_label(s),
            "group": ", ".join(levels) if s else sdg.ALL,
            "n": n,
            "n_zero_cost": int(zrow["n_zero"]),
            "population": w,
            "zero_cost_share": zrow["w_zero"] / zrow["w_all"],
            "mean": mean,
            "mean_se": se,
            "mean_ci_low": None if se is None else mean - z * se,
            "mean_ci_high": None if se is None else mean + z * se,
            "median": quant.get((set_id, variant, grp, "median")),
            "q80": quant.get((set_id, variant, grp, "q80")),
            "ratio_of_means": m["swc"] / m["swe"] if m["swe"] else None,
            "mean_cost_usd": m["swc"] / w,
            "mean_earnings_usd": m["swe"] / w,
        }
        for d in dims:
            row[d] = levels[s.index(d)] if d in s else None
        out.append(row)
    return out


def _all_rows(base: DataFrame, sets: list[tuple[str, ...]]) -> DataFrame:
    parts = []
    for set_id, s in enumerate(sets):
        grp = F.concat_ws(_SEP, *[F.col(f"d_{d}") for d in s]) if s else F.lit("")
        parts.append(base.select(F.lit(set_id).alias("set_id"), grp.alias("grp"), "r", "w"))
    union = parts[0]
    for other in parts[1:]:
        union = union.unionByName(other)
    return union
