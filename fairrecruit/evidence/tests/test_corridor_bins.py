"""Disclosure control of a corridor profile's distributions: inside a published group no bin of the charts (page,
PDF) or of the API holds 1 to MIN_CELL - 1 workers. The auditor's corridor has one worker who paid far more than
everyone else: alone in the top bins, their bar would say that one worker paid over $8,000 (and, from the share
and weight, who they stand for)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.test import Client

from fairrecruit.evidence import sdg, selectors
from fairrecruit.evidence.selectors import COST_EDGES, MIN_CELL, RATIO_EDGES
from fairrecruit.evidence.tests.test_corridor_disclosure import import_rows
from tests.pdfs import text_and_fonts

URL = "/api/v1/corridors/NP-KW"


def _import(tmp_path: Path) -> None:
    """25 workers, US dollars, $500 a month: 6 women paid $400, 6 women and 6 men $800, 6 men $1,400, and one man
    $12,000 (24 months of earnings): every bin holds 6 or 12 workers but the top one, which holds him alone."""
    costs = [("F", 400)] * 6 + [("F", 800)] * 6 + [("M", 800)] * 6 + [("M", 1400)] * 6 + [("M", 12000)]
    rows = [
        [f"w{k}", "2021", "NP", "KW", sex, "30", "primary", "9313", "true", "100", str(cost), "USD", "500", "USD"]
        for k, (sex, cost) in enumerate(costs)
    ]
    import_rows(tmp_path, rows)


def _chart(page: str, title: str) -> str:
    chart = page[page.index(f"<title>{title}</title>") :]
    return chart[: chart.index("</svg>")]


@pytest.mark.django_db
def test_the_worker_who_paid_most_is_not_a_bar_of_their_own(client: Client, tmp_path: Path) -> None:
    _import(tmp_path)
    # Unprotected, the survey's top bins hold the one worker (what the page, PDF and API showed before).
    con = duckdb.connect()
    try:
        table, _n = selectors.survey_table(con, origin="NP", destination="KW")
        raw = {c: sdg.distribution(con, table, c, e) for c, e in (("ratio", RATIO_EDGES), ("cost_usd", COST_EDGES))}
    finally:
        con.close()
    assert {(d["bin"], d["n"]) for d in raw["cost_usd"]} >= {(len(COST_EDGES) + 1, 1)}
    assert {(d["bin"], d["n"]) for d in raw["ratio"]} >= {(len(RATIO_EDGES) + 1, 1)}

    api = client.get(URL).json()
    groups = {r["group"]: r["n"] for r in api["survey_statistics"] if r["zero_costs"] == "include" and r["by"] in ("all", "sex")}
    assert groups == {"all": 25, "F": 12, "M": 13}
    dist = api["distributions"]
    for key, rows in dist.items():
        assert rows, key
        assert all(d["n"] >= MIN_CELL for d in rows), (key, rows)  # rows are the bins holding workers
        for level in {d["level"] for d in rows}:  # the bins still add up to the group
            assert sum(d["n"] for d in rows if d["level"] == level) == groups[level], (key, level)
            assert sum(d["share"] for d in rows if d["level"] == level) == pytest.approx(1.0)
    # He is in a bin with the 6 men who paid $1,400 (2.8 months): the top bins are merged down to theirs.
    assert [(d["bin"], d["last_bin"], d["n"], d["label"]) for d in dist["cost"]] == [
        (2, 2, 6, "$250–$500"), (3, 3, 12, "$500–$1,000"), (4, 7, 7, "over $1,000")]
    assert [(d["level"], d["label"], d["n"]) for d in dist["ratio_by_sex"]] == [
        ("F", "0.5–1", 6), ("F", "1–2", 6), ("M", "1–2", 6), ("M", "over 2", 7)]

    page = client.get("/corridors/NP-KW/").content.decode()
    cost = _chart(page, "Share of workers by recruitment costs paid (US dollars)")
    assert "over $1,000" in cost and "over $8,000" not in cost and "$4,000–$8,000" not in cost
    ratio = _chart(page, "Months of earnings paid for the job, women and men")
    assert "over 2" in ratio and "over 12" not in ratio and "6–12" not in ratio
    assert "merged with the next range that has workers" in page

    rows = list(csv.DictReader(io.StringIO(client.get("/corridors/NP-KW/profile.csv").content.decode())))
    assert rows and all(r["n"] == "" or int(r["n"]) >= MIN_CELL for r in rows)  # statistics only, no bins

    text, _fonts = text_and_fonts(client.get("/corridors/NP-KW/profile.pdf").content)
    text = " ".join(text.split())
    assert "over $1,000" in text and "over 2 · Men" in text
    assert "over $8,000" not in text and "over 12" not in text and "6–12" not in text
    assert "merged with the next range that has workers" in text


def _rows(counts: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Distribution rows of ``counts`` (workers per bin of each level), one unit of weight a worker."""
    out = []
    for level, c in counts.items():
        for b, n in enumerate(c):
            if n:
                out.append({"level": level, "bin": b, "n": n, "weight": float(n), "share": n / sum(c)})
    return out


def _bins(rows: list[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    return [(d["level"], d["bin"], d["last_bin"], d["n"]) for d in rows]


def test_a_small_bin_goes_to_its_smaller_neighbour_with_workers() -> None:
    """2 workers in bin 3: the nearest bins with workers are 1 (6, empty bin 2 between) and 4 (20): bins 1-3."""
    overall, by_sex = selectors._safe_bins(_rows({"all": [0, 6, 0, 2, 20, 0, 0, 0]}), [], 8)
    assert _bins(overall) == [("all", 1, 3, 8), ("all", 4, 4, 20)]
    assert by_sex == []
    assert [label for _b, label in selectors.histogram_bars("ratio", overall)] == [
        "nothing", "up to 2", "2–3", "3–6", "6–12", "over 12"]


def test_on_a_tie_a_bin_goes_towards_the_nearer_end() -> None:
    low, _ = selectors._safe_bins(_rows({"all": [0, 6, 1, 6, 0, 0, 0, 0]}), [], 8)
    high, _ = selectors._safe_bins(_rows({"all": [0, 0, 0, 0, 6, 1, 6, 0]}), [], 8)
    assert _bins(low) == [("all", 1, 2, 7), ("all", 3, 3, 6)]
    assert _bins(high) == [("all", 4, 4, 6), ("all", 5, 6, 7)]


def test_the_sexes_and_the_hidden_groups_share_the_bins_of_the_overall() -> None:
    """Women are safe in bins 1 and 2 on their own, but the men's 3 in bin 2 and the withheld workers' (overall
    minus women and men) 2 in bin 1 are not: had the women's bins been published apart, overall minus women would
    give them away. Every level gets the same merged bin."""
    overall = _rows({"all": [0, 12, 13, 0, 0, 0, 0, 0]})
    by_sex = _rows({"F": [0, 5, 5, 0, 0, 0, 0, 0], "M": [0, 5, 3, 0, 0, 0, 0, 0]})
    safe_all, safe_sex = selectors._safe_bins(overall, by_sex, 8)
    assert _bins(safe_all) == [("all", 1, 2, 25)]
    assert _bins(safe_sex) == [("F", 1, 2, 10), ("M", 1, 2, 8)]
    assert sum(d["weight"] for d in safe_sex if d["level"] == "M") == 8.0


def test_a_distribution_that_would_be_one_bar_of_everything_is_not_published() -> None:
    assert selectors._safe_bins(_rows({"all": [3, 0, 0, 0, 0, 0, 0, 3]}), [], 8) == ([], [])
    assert selectors._safe_bins(_rows({"all": [0, 0, 3, 0, 0, 0, 0, 0]}), [], 8) == ([], [])
