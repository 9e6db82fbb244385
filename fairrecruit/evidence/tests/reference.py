"""An independent reference computation of SDG 10.7.1, in plain Python, written separately from the DuckDB
code (``sdg.py``) from the definitions in its docstring: sort, cumulate, pick. Used by the tests only."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any


def weighted_quantile(pairs: Iterable[tuple[float, float]], p: float) -> float | None:
    """Stata's rule: the first distinct value whose cumulative weight reaches p·W; the mean of it and the next
    distinct value when the cumulative weight equals p·W exactly."""
    by_value: dict[float, float] = {}
    for x, w in pairs:
        by_value[x] = by_value.get(x, 0.0) + w
    xs = sorted(by_value)
    if not xs:
        return None
    total = 0.0
    for x in xs:
        total += by_value[x]
    target = p * total
    cum = 0.0
    for i, x in enumerate(xs):
        cum += by_value[x]
        if cum >= target:
            if cum == target and i + 1 < len(xs):
                return (x + xs[i + 1]) / 2
            return x
    return xs[-1]


def summary(rows: Sequence[dict[str, Any]], z: float) -> dict[str, Any]:
    """rows: dicts with ratio, weight, cost_usd, earnings_usd."""
    w = [r["weight"] for r in rows]
    x = [r["ratio"] for r in rows]
    total = math.fsum(w)
    mean = math.fsum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    n = len(rows)
    se = None
    if n > 1:
        v = n / (n - 1) * math.fsum((wi * (xi - mean)) ** 2 for wi, xi in zip(w, x, strict=True)) / total**2
        se = math.sqrt(v)
    cost = math.fsum(r["weight"] * r["cost_usd"] for r in rows)
    earn = math.fsum(r["weight"] * r["earnings_usd"] for r in rows)
    return {
        "n": n,
        "population": total,
        "mean": mean,
        "mean_se": se,
        "mean_ci_low": None if se is None else mean - z * se,
        "mean_ci_high": None if se is None else mean + z * se,
        "median": weighted_quantile(zip(x, w, strict=True), 0.5),
        "q80": weighted_quantile(zip(x, w, strict=True), 0.8),
        "ratio_of_means": cost / earn,
        "mean_cost_usd": cost / total,
        "mean_earnings_usd": earn / total,
    }


def level(r: dict[str, Any], d: str) -> str:
    """The level of dimension ``d`` of a normalised row, as a label."""
    if d == "occupation":
        v = r["isco_major"]
    elif d == "documented":
        v = None if r["documented"] is None else ("documented" if r["documented"] else "undocumented")
    elif d == "corridor":
        v = f"{r['origin']}-{r['destination']}"
    else:
        v = r[d]
    return "(unknown)" if v is None else str(v)


def indicator(
    rows: Sequence[dict[str, Any]], by: Sequence[tuple[str, ...]], variants: Sequence[str], z: float
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """{(variant, by, group): summary} with the same labels as sdg.indicator ('all', 'sex', 'sex*destination';
    group 'all' or the levels joined with ', '; missing levels as '(unknown)')."""
    out = {}
    for variant in variants:
        keep = [r for r in rows if variant == "include" or r["ratio"] > 0]
        for dims in [(), *by]:
            groups: dict[str, list[dict[str, Any]]] = {}
            for r in keep:
                label = ", ".join(level(r, d) for d in dims) if dims else "all"
                groups.setdefault(label, []).append(r)
            for label, rs in groups.items():
                out[(variant, "*".join(dims) if dims else "all", label)] = summary(rs, z)
    return out
