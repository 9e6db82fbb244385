"""SDG indicator 10.7.1 — recruitment cost borne by employee as a proportion of monthly income earned in the
country of destination — computed in DuckDB exactly as the UN metadata defines it (2022-05-18, section 4.c):

* a ratio for every worker first, ``r_k = C_k / E_k`` (costs paid by worker k over the first-month earnings of
  the same worker k, both in one currency), in *months of earnings*;
* then a summary ``f`` of the ratios: the **weighted mean**, the **weighted median** and the **4th quintile**
  (the 80th percentile), with the survey weights.

The cost-of-average ÷ earnings-of-average figure (``ratio_of_means``) is returned only as a labelled comparison:
it is not the indicator (see ``shared/reference/costs.md`` §2.2, the BBS 17.6 check).

Zero costs
    The metadata does not say whether workers who paid nothing are kept. ``zero_costs`` is an explicit
    setting: ``include`` keeps them (ratio 0), ``exclude`` drops them (as the ILO Lao PDR pilot did); every
    result row says which variant it is, and both can be computed in one call.

Weighted quantile (the definition used here, Stata's ``_pctile``/``summarize`` rule for weights)
    Sort the distinct ratios ``x_1 < x_2 < ... < x_m`` of a group, with ``W_i`` the summed weight of the
    workers whose ratio is at most ``x_i`` and ``W = W_m``. For the probability ``p`` (0.5 for the median, 0.8
    for the 4th quintile) let ``i`` be the first index with ``W_i >= p·W``. The quantile is
    ``(x_i + x_{i+1}) / 2`` when ``W_i = p·W`` exactly (and ``i < m``), else ``x_i``. With equal weights this is
    the usual median (the mean of the two middle values for an even count). ``p·W`` and the running sums are
    ordinary floating-point numbers: the equality case happens in practice with whole-number weights.

Confidence intervals
    * ``mean_ci_low``/``mean_ci_high`` (always): Taylor-linearisation interval for the weighted mean seen as a
      ratio estimator ``Σ w r / Σ w``: ``v = n/(n-1) · Σ (w_k (r_k − R))² / (Σ w)²``, ``R ± z·√v`` with ``z`` the
      normal quantile. It treats the sample as drawn with replacement in one stage: surveys with strata or
      clusters (not part of the import format) have wider true intervals.
    * with ``bootstrap=B > 0``: percentile intervals for the mean, median and 4th quintile from ``B`` Poisson
      bootstrap replicates (each worker's weight multiplied by a Poisson(1) count drawn from DuckDB's
      ``hash(seed, row, replicate)``; the same seed and data give the same interval).

How it scales
    Quantiles are exact without sorting every row. One pass over the rows builds, for each cell (combination of
    the dimensions asked), a histogram of the ratios over linear buckets (1/128 of a month wide up to 8 months,
    coarser above; bucket 0 holds ratio 0 alone) carrying the weight, the count and the moment sums; the cells
    are labelled, and rolled up into every group and zero-cost variant, on that small table. The bucket that
    holds each quantile is found by cumulating the weights over the buckets, and a second pass keeps only the
    rows of those buckets, summing their weights per distinct ratio, to pick the exact value by the rule above
    (when the running weight reaches p·W exactly at a bucket's end, the next bucket is read too). The second pass
    filters on ranges of ratios (one per run of neighbouring buckets), which the scan uses to skip row groups:
    imports store the table sorted by ratio, so it reads only the few row groups that hold the quantiles.

Input: any DuckDB relation with the columns of the normalised survey table (see :mod:`survey`): ``row``,
``ratio``, ``weight``, ``cost_usd``, ``earnings_usd`` and the dimension columns. Plain Python: no Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import duckdb

METADATA_URL = "https://worldbank.github.io/sdg-metadata/metadata/en/10-7-1"
METADATA_VERSION = "2022-05-18"
UNKNOWN = "(unknown)"
ALL = "all"
VARIANTS = ("include", "exclude")
PROBS: dict[str, float] = {"median": 0.5, "q80": 0.8}
DEFAULT_SEED = 10701

# Disaggregations (metadata section 5: sex, age group, education, major destination; documented status, ISCO-08
# occupation, ISIC industry). Name -> SQL over the normalised survey table, giving text.
DIMENSIONS: dict[str, str] = {
    "sex": "sex",
    "age_group": "age_group",
    "education": "education",
    "destination": "destination",
    "origin": "origin",
    "corridor": "origin || '-' || destination",
    "occupation": "isco_major",
    "industry": "industry",
    "documented": "CASE WHEN documented THEN 'documented' WHEN NOT documented THEN 'undocumented' END",
    "year": "CAST(year AS VARCHAR)",
}
DIMENSION_LABELS = {
    "sex": "Sex",
    "age_group": "Age group",
    "education": "Education",
    "destination": "Destination",
    "origin": "Origin",
    "corridor": "Corridor",
    "occupation": "Occupation (ISCO-08 major group)",
    "industry": "Industry (ISIC Rev.4)",
    "documented": "Migration process",
    "year": "Year",
}
RESULT_COLUMNS = (
    "zero_costs",
    "by",
    "group",
    "n",
    "n_zero_cost",
    "population",
    "zero_cost_share",
    "mean",
    "mean_se",
    "mean_ci_low",
    "mean_ci_high",
    "confidence",
    "median",
    "q80",
    "ratio_of_means",
    "mean_cost_usd",
    "mean_earnings_usd",
    "boot_mean_low",
    "boot_mean_high",
    "boot_median_low",
    "boot_median_high",
    "boot_q80_low",
    "boot_q80_high",
)

_ZB = 0  # the bucket of ratio 0 alone (ratios are never negative)
_SEP = "\x1f"
# Histogram buckets of the ratio r (months of earnings), as a DOUBLE so that no ratio overflows it:
# 1/128 month wide up to 8 months (bucket k holds (k - 1)/128 < r <= k/128), then 1/4 month up to 64, then 32
# months. Multiplying by a power of two is exact and ceil is monotone, and the three ranges of bucket numbers
# follow each other, so the bucket order is the order of the ratios. Linear pieces cost less per row than ln, and
# the number of buckets is what the first pass pays for most (its hash table): a few hundred to a thousand per
# cell, the coarse tail keeping it there when some ratios are very large.
_BUCKET = (
    "CASE WHEN r <= 8 THEN ceil(r * 128) WHEN r <= 64 THEN 1024 + ceil(r * 4) ELSE 1280 + ceil(r / 32) END"
)
_EDGES = (8.0, 64.0)  # where the bucket width changes (for the tests)


class SdgError(ValueError):
    """Bad options (unknown disaggregation, zero-cost setting, confidence level)."""


@dataclass(frozen=True)
class Options:
    by: tuple[tuple[str, ...], ...] = ()
    zero_costs: tuple[str, ...] = VARIANTS
    confidence: float = 0.95
    bootstrap: int = 0
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        for group in self.by:
            for d in group:
                if d not in DIMENSIONS:
                    raise SdgError(f"unknown disaggregation {d!r}: use {', '.join(DIMENSIONS)}")
        for v in self.zero_costs:
            if v not in VARIANTS:
                raise SdgError(f"zero_costs must be include, exclude or both, not {v!r}")
        if not 0 < self.confidence < 1:
            raise SdgError("confidence must be between 0 and 1, e.g. 0.95")
        if self.bootstrap < 0:
            raise SdgError("bootstrap must be 0 (none) or a number of replicates")


def parse_by(spec: str | Iterable[str] | None) -> tuple[tuple[str, ...], ...]:
    """``"sex,destination"`` -> one-way tables by sex and by destination; ``"sex*destination"`` -> the
    cross-classification. Names are those of :data:`DIMENSIONS`."""
    if not spec:
        return ()
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[tuple[str, ...]] = []
    for part in parts:
        names = tuple(n.strip() for n in part.split("*") if n.strip())
        if not names:
            continue
        for n in names:
            if n not in DIMENSIONS:
                raise SdgError(f"unknown disaggregation {n!r}: use {', '.join(DIMENSIONS)}")
        if names not in out:
            out.append(names)
    return tuple(out)


def parse_zero_costs(value: str) -> tuple[str, ...]:
    if value == "both":
        return VARIANTS
    if value in VARIANTS:
        return (value,)
    raise SdgError(f"--zero-costs must be include, exclude or both, not {value!r}")


def by_label(dims: Sequence[str]) -> str:
    return "*".join(dims) if dims else ALL


# --- the computation ---------------------------------------------------------------------------------------


def indicator(
    con: duckdb.DuckDBPyConnection, source: str, options: Options | None = None
) -> list[dict[str, Any]]:
    """SDG 10.7.1 for the relation ``source`` (a table or view name, or a parenthesised query): one row per
    zero-cost variant, disaggregation and group, overall first. Keys: :data:`RESULT_COLUMNS` plus one key per
    dimension used (its value in that row, or ``None``)."""
    opts = options or Options()
    sets: list[tuple[str, ...]] = [(), *opts.by]
    dims = sorted({d for s in sets for d in s}, key=list(DIMENSIONS).index)
    stats = _Stats(con, source, dims, sets, opts.zero_costs)
    rows = stats.run()
    boot: dict[tuple[int, str, str], dict[str, tuple[float | None, float | None]]] = {}
    if opts.bootstrap:
        boot = _bootstrap(con, source, dims, sets, opts)
    z = NormalDist().inv_cdf(0.5 + opts.confidence / 2)
    out = []
    for (set_id, variant, grp), r in sorted(rows.items(), key=_order(opts.zero_costs)):
        s = sets[set_id]
        levels = grp.split(_SEP) if s else []
        row: dict[str, Any] = {
            "zero_costs": variant,
            "by": by_label(s),
            "group": ", ".join(levels) if s else ALL,
        }
        row.update(_summary(r, z))
        row["confidence"] = opts.confidence
        b = boot.get((set_id, variant, grp), {})
        for stat in ("mean", "median", "q80"):
            lo, hi = b.get(stat, (None, None))
            row[f"boot_{stat}_low"], row[f"boot_{stat}_high"] = lo, hi
        for d in dims:
            row[d] = levels[s.index(d)] if d in s else None
        out.append(row)
    return out


def _order(variants: Sequence[str]) -> Any:
    def key(item: tuple[tuple[int, str, str], Any]) -> tuple[int, int, str]:
        (set_id, variant, grp), _ = item
        return (variants.index(variant), set_id, grp)

    return key


def _summary(r: dict[str, Any], z: float) -> dict[str, Any]:
    n, w = int(r["n"]), float(r["w"])
    mean = r["swr"] / w
    se = None
    if n > 1:
        ss = r["swwrr"] - 2 * mean * r["swwr"] + mean * mean * r["sww"]
        se = math.sqrt(max(ss, 0.0) * n / (n - 1)) / w
    return {
        "n": n,
        "n_zero_cost": int(r["n_zero_all"]),
        "population": w,
        "zero_cost_share": r["w_zero_all"] / r["w_all"] if r["w_all"] else None,
        "mean": mean,
        "mean_se": se,
        "mean_ci_low": None if se is None else mean - z * se,
        "mean_ci_high": None if se is None else mean + z * se,
        "median": r["median"],
        "q80": r["q80"],
        "ratio_of_means": r["swc"] / r["swe"] if r["swe"] else None,
        "mean_cost_usd": r["swc"] / w,
        "mean_earnings_usd": r["swe"] / w,
    }


class _Stats:
    """Moments and exact weighted quantiles per (set, variant, group[, extra keys]). Temporary tables are
    prefixed with a per-instance tag so that runs on one connection do not collide."""

    _counter = itertools.count()

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: str,
        dims: Sequence[str],
        sets: Sequence[tuple[str, ...]],
        variants: Sequence[str],
        extra: Sequence[str] = (),
        rows_sql: str | None = None,
    ) -> None:
        self.con, self.source, self.dims, self.sets, self.variants = (
            con,
            source,
            list(dims),
            list(sets),
            variants,
        )
        self.extra = list(extra)
        self.tag = f"_sdg{next(self._counter)}"
        values = [
            "CAST(ratio AS DOUBLE) AS r",
            "CAST(weight AS DOUBLE) AS w",
            "cost_usd AS c",
            "earnings_usd AS e",
        ]
        labelled = [f"{_label(f'({DIMENSIONS[d]})')} AS d_{d}" for d in self.dims]
        raw = [f"{DIMENSIONS[d]} AS d_{d}" for d in self.dims]
        # The rows with their group labels (second pass, bootstrap), and for the first pass the same rows with the
        # raw dimension values: the labels ('(unknown)' for a missing value) are put on the small histogram.
        self.rows_sql = rows_sql or f"SELECT {', '.join(labelled + list(self.extra) + values)} FROM {source}"
        self.scan_sql = rows_sql or f"SELECT {', '.join(raw + list(self.extra) + values)} FROM {source}"
        self.keys = [f"d_{d}" for d in self.dims] + [e.split(" AS ")[-1].strip() for e in self.extra]

    def sql(self, q: str) -> duckdb.DuckDBPyConnection:
        return self.con.execute(q)

    def grp(self, s: tuple[str, ...], prefix: str = "") -> str:
        if not s:
            return "''"
        return f"concat_ws('{_SEP}', {', '.join(prefix + 'd_' + d for d in s)})"

    def run(self) -> dict[tuple[Any, ...], dict[str, Any]]:
        t = self.tag
        keys = ", ".join(self.keys)
        sel_keys = (keys + ", ") if keys else ""
        # Pass 1: the finest histogram (one row per cell and bucket), labelled afterwards; a cell of missing
        # values and a cell labelled '(unknown)' may then share a label, the roll-ups below add them up.
        labels = "".join(f"{_label(k) if k.startswith('d_') else k} AS {k}, " for k in self.keys)
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {t}_h AS
            SELECT {labels}b, w, n, swr, sww, swwr, swwrr, swc, swe FROM (
                SELECT {sel_keys}{_BUCKET} AS b, sum(w) AS w, count(*) AS n,
                       sum(w * r) AS swr, sum(w * w) AS sww, sum(w * w * r) AS swwr, sum(w * w * r * r) AS swwrr,
                       sum(w * c) AS swc, sum(w * e) AS swe
                FROM ({self.scan_sql}) GROUP BY ALL)""")
        # Histograms per set and variant (rolled up from the small finest table).
        extra_keys = [k for k in self.keys if not k.startswith("d_")]
        ek = "".join(f"{k}, " for k in extra_keys)
        parts = []
        for set_id, s in enumerate(self.sets):
            for v in self.variants:
                where = f"WHERE b <> {_ZB}" if v == "exclude" else ""
                parts.append(f"""SELECT {set_id} AS set_id, '{v}' AS variant, {self.grp(s)} AS grp, {ek}b,
                    sum(w) AS w, sum(n) AS n, sum(swr) AS swr, sum(sww) AS sww,
                    sum(swwr) AS swwr, sum(swwrr) AS swwrr, sum(swc) AS swc, sum(swe) AS swe
                    FROM {t}_h {where} GROUP BY ALL""")
        self.sql(f"CREATE OR REPLACE TEMP TABLE {t}_s AS {' UNION ALL '.join(parts)}")
        part = f"set_id, variant, grp{''.join(', ' + k for k in extra_keys)}"
        self.part = part
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {t}_c AS
            SELECT *, coalesce(sum(w) OVER (PARTITION BY {part} ORDER BY b
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prev,
                   sum(w) OVER (PARTITION BY {part} ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                       AS cum,
                   sum(w) OVER (PARTITION BY {part}) AS tot,
                   lead(b) OVER (PARTITION BY {part} ORDER BY b) AS next_b
            FROM {t}_s""")
        # The bucket holding each quantile.
        tparts = []
        for name, p in PROBS.items():
            tparts.append(f"""SELECT c.*, '{name}' AS stat, {_double(p)} AS p FROM {t}_c c
                JOIN (SELECT {part}, min(b) AS b FROM {t}_c WHERE cum >= {_double(p)} * tot GROUP BY ALL) f
                USING ({part}, b)""")
        self.sql(f"CREATE OR REPLACE TEMP TABLE {t}_t AS {' UNION ALL '.join(tparts)}")
        values = self._resolve()
        # Moments per group.
        allkeys = f"grp{''.join(', ' + k for k in extra_keys)}"
        mom = self.sql(f"""SELECT m.*, a.n_zero_all, a.w_zero_all, a.w_all FROM (
                SELECT {part}, sum(w) AS w, sum(n) AS n, sum(swr) AS swr, sum(sww) AS sww, sum(swwr) AS swwr,
                       sum(swwrr) AS swwrr, sum(swc) AS swc, sum(swe) AS swe
                FROM {t}_s GROUP BY ALL) m
            JOIN (SELECT set_id, {allkeys}, sum(w) AS w_all, coalesce(sum(n) FILTER (WHERE b = {_ZB}), 0) AS n_zero_all,
                         coalesce(sum(w) FILTER (WHERE b = {_ZB}), 0) AS w_zero_all
                  FROM ({self._all_variant_sql()}) GROUP BY ALL) a USING (set_id, {allkeys})""")
        names = [d[0] for d in mom.description]
        out: dict[tuple[Any, ...], dict[str, Any]] = {}
        for rec in mom.fetchall():
            r = dict(zip(names, rec, strict=True))
            key = (r["set_id"], r["variant"], r["grp"], *(r[k] for k in extra_keys))
            r["median"] = values.get((*key, "median"))
            r["q80"] = values.get((*key, "q80"))
            out[key] = r
        for suffix in ("h", "s", "c", "t", "x"):
            self.sql(f"DROP TABLE IF EXISTS {t}_{suffix}")
        return out

    def _all_variant_sql(self) -> str:
        """The per-set histogram including zero costs, whatever variants were asked (for zero-cost counts)."""
        t = self.tag
        extra_keys = [k for k in self.keys if not k.startswith("d_")]
        ek = "".join(f"{k}, " for k in extra_keys)
        parts = [
            f"SELECT {set_id} AS set_id, {self.grp(s)} AS grp, {ek}b, w, n FROM {t}_h"
            for set_id, s in enumerate(self.sets)
        ]
        return " UNION ALL ".join(parts)

    def _resolve(self) -> dict[tuple[Any, ...], float]:
        """The exact quantile inside its bucket. Bucket 0-ratio holds one value (0); other buckets are read again
        (only their rows); when the running weight equals p·W exactly at a bucket's end, the next bucket is read
        too, for the next distinct value."""
        t, part = self.tag, self.part
        extra_keys = [k for k in self.keys if not k.startswith("d_")]
        values: dict[tuple[Any, ...], float] = {}
        for rec in self.sql(
            f"SELECT {part}, stat FROM {t}_t WHERE b = {_ZB} AND NOT (cum = p * tot)"
        ).fetchall():
            values[tuple(rec)] = 0.0
        need = [
            b
            for (b,) in self.sql(f"""SELECT DISTINCT b FROM {t}_t WHERE b <> {_ZB} OR cum = p * tot UNION
            SELECT DISTINCT next_b FROM {t}_t WHERE cum = p * tot AND next_b IS NOT NULL""").fetchall()
            if b is not None
        ]
        if not need:
            return values
        keys = ", ".join(self.keys)
        # The rows of those buckets only, as (cell, bucket, distinct ratio, summed weight). Each run of neighbouring
        # buckets is read as one range of ratios: a range filter reaches the scan, which skips the row groups
        # whose ratios lie outside it (all but a few when the table is stored sorted by ratio, as imports are).
        runs = _ratio_runs(need)
        if runs is None or len(runs) > _MAX_RUNS:
            filters = [f"{_BUCKET} IN ({', '.join(map(_double, need))})"]
        else:
            filters = [f"r > {_double(lo)} AND r <= {_double(hi)}" for lo, hi in runs]
        picked = " UNION ALL ".join(
            f"SELECT *, {_BUCKET} AS b FROM ({self.rows_sql}) WHERE {f}" for f in filters
        )
        self.sql(f"""CREATE OR REPLACE TEMP TABLE {t}_x AS
            SELECT {keys + ", " if keys else ""}b, r, sum(w) AS w FROM ({picked}) GROUP BY ALL""")
        ek = "".join(f"{k}, " for k in extra_keys)
        xparts = [
            f"SELECT {set_id} AS set_id, {self.grp(s)} AS grp, {ek}b, r, w FROM {t}_x"
            for set_id, s in enumerate(self.sets)
        ]
        join_keys = f"set_id, grp{''.join(', ' + k for k in extra_keys)}, b"
        rows = self.sql(f"""
            WITH x AS ({" UNION ALL ".join(xparts)}),
            tg AS (SELECT {part}, stat, p, b, prev, tot, next_b, cum = p * tot AS at_end FROM {t}_t
                   WHERE NOT (b = {_ZB} AND NOT (cum = p * tot))),
            tb AS (SELECT {part}, stat, b FROM tg
                   UNION ALL SELECT {part}, stat, next_b AS b FROM tg WHERE at_end AND next_b IS NOT NULL),
            j AS (SELECT tb.set_id, tb.variant, tb.grp{"".join(", tb." + k for k in extra_keys)}, tb.stat, x.r,
                         sum(x.w) AS w
                  FROM tb JOIN x USING ({join_keys})
                  GROUP BY ALL),
            k AS (SELECT j.*, tg.p, tg.tot,
                         tg.prev + sum(j.w) OVER (PARTITION BY {part}, stat ORDER BY r
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
                         lead(j.r) OVER (PARTITION BY {part}, stat ORDER BY r) AS nxt
                  FROM j JOIN tg USING ({part}, stat))
            SELECT {part}, stat, arg_min(CASE WHEN cum = p * tot AND nxt IS NOT NULL THEN (r + nxt) / 2 ELSE r END, r)
            FROM k WHERE cum >= p * tot GROUP BY ALL""").fetchall()
        for rec in rows:
            values[tuple(rec[:-1])] = rec[-1]
        return values


_MAX_RUNS = 32  # more runs of buckets than this: one scan with a bucket filter instead of one range per run


def _bucket_of(r: float) -> float:
    """:data:`_BUCKET` in Python (the same double arithmetic)."""
    if r <= 8:
        return float(math.ceil(r * 128))
    if r <= 64:
        return 1024 + float(math.ceil(r * 4))
    return 1280 + float(math.ceil(r / 32))


def _bucket_range(b: float) -> tuple[float, float] | None:
    """The ratios ``lo < r <= hi`` of bucket ``b``, or None when they cannot be told exactly (huge ratios, whose
    bucket numbers are rounded)."""
    if b == _ZB:
        return (-1.0, 0.0)
    if b <= 1024:
        lo, hi = (b - 1) / 128, b / 128
    elif b <= 1280:
        lo, hi = (b - 1025) / 4, (b - 1024) / 4
    else:
        lo, hi = (b - 1281) * 32, (b - 1280) * 32
    if _bucket_of(hi) != b or _bucket_of(math.nextafter(lo, math.inf)) != b or _bucket_of(lo) >= b:
        return None
    return (lo, hi)


def _ratio_runs(buckets: Iterable[float]) -> list[tuple[float, float]] | None:
    """Neighbouring buckets merged into ranges of ratios ``(lo, hi]``, in order; None if a bucket has no exact
    range."""
    runs: list[tuple[float, float]] = []
    for b in sorted(set(buckets)):
        rng = _bucket_range(b)
        if rng is None:
            return None
        if runs and runs[-1][1] == rng[0]:
            runs[-1] = (runs[-1][0], rng[1])
        else:
            runs.append(rng)
    return runs


def _label(expr: str) -> str:
    return f"coalesce(CAST({expr} AS VARCHAR), '{UNKNOWN}')"


def _double(x: float) -> str:
    """A DOUBLE literal that is exactly ``x`` (a bare numeric literal would be read as DECIMAL first)."""
    return f"CAST('{float(x)!r}' AS DOUBLE)"


def _bootstrap(
    con: duckdb.DuckDBPyConnection,
    source: str,
    dims: Sequence[str],
    sets: Sequence[tuple[str, ...]],
    opts: Options,
) -> dict[tuple[int, str, str], dict[str, tuple[float | None, float | None]]]:
    """Percentile intervals from Poisson bootstrap replicates (weights × Poisson(1) counts from a hash)."""
    u = f"(CAST(hash({int(opts.seed)}, row, rep) >> 11 AS DOUBLE) / 9007199254740992.0)"
    # Inverse CDF of Poisson(1): cumulative probabilities of 0..7.
    cdf = [sum(math.exp(-1) / math.factorial(j) for j in range(k + 1)) for k in range(8)]
    m = "CASE " + " ".join(f"WHEN u < {c!r} THEN {k}" for k, c in enumerate(cdf)) + " ELSE 8 END"
    cols = [f"coalesce(CAST({DIMENSIONS[d]} AS VARCHAR), '{UNKNOWN}') AS d_{d}" for d in dims]
    rows_sql = f"""SELECT {", ".join(cols + ["rep"])}, r, w * m AS w, c, e FROM (
        SELECT *, {m} AS m FROM (
            SELECT s.*, t.rep, CAST(ratio AS DOUBLE) AS r, CAST(weight AS DOUBLE) AS w, cost_usd AS c,
                   earnings_usd AS e, {u} AS u
            FROM {source} s, range({int(opts.bootstrap)}) t(rep))) WHERE m > 0"""
    st = _Stats(con, source, dims, sets, opts.zero_costs, extra=["rep"], rows_sql=rows_sql)
    reps = st.run()
    alpha = (1 - opts.confidence) / 2
    est: dict[tuple[int, str, str], dict[str, list[float]]] = {}
    for (set_id, variant, grp, _rep), r in reps.items():
        e = est.setdefault((set_id, variant, grp), {"mean": [], "median": [], "q80": []})
        e["mean"].append(r["swr"] / r["w"])
        for s in ("median", "q80"):
            if r[s] is not None:
                e[s].append(r[s])
    return {k: {s: (_pct(v, alpha), _pct(v, 1 - alpha)) for s, v in d.items()} for k, d in est.items()}


def _pct(values: list[float], q: float) -> float | None:
    """Linear-interpolation percentile of bootstrap replicate values (numpy's default)."""
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def distribution(
    con: duckdb.DuckDBPyConnection, source: str, column: str, edges: Sequence[float], by: str | None = None
) -> list[dict[str, Any]]:
    """Weighted shares of workers in bins of ``column`` (``ratio`` or ``cost_usd``): bin 0 is exactly zero,
    then ``(edges[i-1], edges[i]]``, the last bin is above ``edges[-1]``. Optionally per level of a dimension."""
    cases = ["WHEN v = 0 THEN 0"] + [f"WHEN v <= {e!r} THEN {i + 1}" for i, e in enumerate(edges)]
    bin_sql = f"CASE {' '.join(cases)} ELSE {len(edges) + 1} END"
    level = f"coalesce(CAST({DIMENSIONS[by]} AS VARCHAR), '{UNKNOWN}')" if by else f"'{ALL}'"
    rows = con.execute(f"""SELECT level, bin, sum(w) AS w, count(*) AS n FROM (
            SELECT {level} AS level, {bin_sql} AS bin, weight AS w FROM (
                SELECT *, CAST({column} AS DOUBLE) AS v FROM {source})) GROUP BY ALL""").fetchall()
    totals: dict[str, float] = {}
    for lvl, _b, w, _n in rows:
        totals[lvl] = totals.get(lvl, 0.0) + w
    out = []
    for lvl, b, w, n in sorted(rows):
        out.append({"level": lvl, "bin": int(b), "share": w / totals[lvl], "n": int(n), "weight": w})
    return out


def bin_labels(
    edges: Sequence[float],
    *,
    nothing: str = "nothing",
    up_to: str = "up to %(n)s",
    over: str = "over %(n)s",
    prefix: str = "",
) -> list[str]:
    """Labels of the bins of :func:`distribution`: '0', 'up to e0', 'e0–e1', ..., 'over eN' (the words can be
    given in another language; ``prefix`` goes before every number, e.g. '$')."""

    def f(x: float) -> str:
        return prefix + (f"{x:,.0f}" if x >= 10 or float(x).is_integer() else f"{x:g}")

    labels = [nothing, up_to % {"n": f(edges[0])}]
    labels += [f"{f(a)}–{f(b)}" for a, b in itertools.pairwise(edges)]
    labels.append(over % {"n": f(edges[-1])})
    return labels


def write_table(
    rows: list[dict[str, Any]], path: Path, *, conversions: Sequence[dict[str, Any]] | None = None
) -> None:
    """The rows of :func:`indicator` as a CSV or Parquet file (by ``path``'s suffix), :data:`RESULT_COLUMNS` first
    (``confidence``: the level of the intervals) and then the dimension columns, typed (text, whole numbers,
    doubles). A Parquet file also holds ``conversions`` (the exchange rates used, as
    :func:`survey.conversion_rows` gives them) as JSON in its metadata key ``fairrecruit:conversions``."""
    import json

    import pyarrow as pa

    from fairrecruit.evidence.survey import conversion_rows

    cols = list(RESULT_COLUMNS) + [k for k in (rows[0] if rows else {}) if k not in RESULT_COLUMNS]
    types = {c: pa.string() for c in ("zero_costs", "by", "group", *DIMENSIONS)}
    types.update({"n": pa.int64(), "n_zero_cost": pa.int64()})
    table = pa.table({c: pa.array([r.get(c) for r in rows], types.get(c, pa.float64())) for c in cols})
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        if conversions is not None:
            table = table.replace_schema_metadata(
                {"fairrecruit:conversions": json.dumps(conversion_rows(conversions))}
            )
        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
