"""Disclosure control of the corridor profile, as an intruder reads it over HTTP: no group below the minimum cell
size can be worked out as the total minus the published groups (CSV, API), the PDF draws no chart of a hidden
group, and the Arabic PDF's bar charts run right to left like its paragraphs."""

from __future__ import annotations

import csv
import io
import itertools
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fairrecruit.evidence import services
from fairrecruit.evidence.models import Survey, SurveyRecord
from fairrecruit.evidence.selectors import MIN_CELL
from tests.pdfs import text_and_fonts

pytestmark = pytest.mark.django_db

HEADER = ["worker_id", "year", "origin", "destination", "sex", "age", "education", "isco08", "documented",
          "weight", "cost_total", "cost_currency", "earnings", "earnings_currency"]


def _import(tmp_path: Path, sexes: dict[str, int]) -> Survey:
    """A Nepal -> Kuwait survey with ``sexes`` workers of each sex (every other quasi-identifier the same, so
    that sex is the only dimension with several groups), unequal weights, everyone paid something."""
    rows: list[list[str]] = []
    for sex, count in sexes.items():
        for i in range(count):
            k = len(rows)
            rows.append([f"{sex}{i}", "2021", "NP", "KW", sex, "30", "primary", "9313", "true",
                         f"{90 + 13.7 * k:.1f}", str(100000 + 9871 * k), "NPR", str(100 + 3 * (k % 7)), "KWD"])
    if sexes.get("F") == 1:  # the auditor's woman: a high fee, a low wage, a weight of her own
        her = next(r for r in rows if r[4] == "F")
        her[9:14] = ["333.3", "450000", "NPR", "95", "KWD"]
    return import_rows(tmp_path, rows)


def import_rows(tmp_path: Path, rows: list[list[str]]) -> Survey:
    """The Nepal -> Kuwait survey of ``rows`` (the columns of :data:`HEADER`), imported."""
    path = tmp_path / "np-kw.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    s = services.survey_import(actor=None, path=path, title="Nepal - Kuwait survey (synthetic)", synthetic=True)
    assert s.status == "imported", s.report
    return s


def _csv(client: Client) -> list[dict[str, str]]:
    r = client.get("/corridors/NP-KW/profile.csv")
    assert r.status_code == 200
    return [x for x in csv.DictReader(io.StringIO(r.content.decode())) if x["source"] == "survey"]


def _published(r: dict[str, Any]) -> bool:
    return r["n"] not in ("", None)


def _weighted(r: dict[str, Any], column: str) -> float:
    """A published row's weighted total of ``column``: population x mean."""
    return float(r[column]) * float(r["population"])


def _differencing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The auditor's attack on a table of statistics (CSV rows or the API's): for every disaggregation and zero-cost
    variant, the overall minus the published groups. What is left is the hidden groups pooled together: their
    number of workers and, from the weighted totals (population x mean), their mean ratio and mean cost."""
    out = []
    for variant in ("include", "exclude"):
        total = next(r for r in rows if r["by"] == "all" and r["zero_costs"] == variant)
        assert _published(total), "the overall figure of a corridor of 21 workers is published"
        for by in sorted({r["by"] for r in rows} - {"all"}):
            groups = [r for r in rows if r["by"] == by and r["zero_costs"] == variant]
            shown = [r for r in groups if _published(r)]
            hidden_n = float(total["n"]) - sum(float(r["n"]) for r in shown)
            if hidden_n == 0:
                continue
            hidden_pop = float(total["population"]) - sum(float(r["population"]) for r in shown)
            mean, cost = (
                (_weighted(total, column) - sum(_weighted(r, column) for r in shown)) / hidden_pop
                for column in ("mean", "mean_cost_usd")
            )
            out.append({"by": by, "zero_costs": variant, "n": hidden_n, "mean": mean, "cost_usd": cost,
                        "hidden": len(groups) - len(shown)})
    return out


def _woman() -> SurveyRecord:
    return SurveyRecord.objects.get(survey__title__startswith="Nepal - Kuwait", sex="F")


def test_a_woman_alone_in_her_group_cannot_be_worked_out_by_subtraction(client: Client, tmp_path: Path) -> None:
    """The auditor's survey: 20 men and 1 woman. Her row is hidden, and so is the men's, so that the overall minus
    the published groups pools at least MIN_CELL workers (CSV and API alike); the by-sex distributions of the API
    give no bin of hers either (the overall minus the men's)."""
    _import(tmp_path, {"M": 20, "F": 1})
    her = _woman()
    for source, rows in (
        ("csv", _csv(client)),
        ("api", client.get("/api/v1/corridors/NP-KW").json()["survey_statistics"]),
    ):
        residuals = _differencing(rows)
        assert residuals, source  # the sex table has hidden groups
        for r in residuals:
            assert r["n"] >= MIN_CELL and r["hidden"] >= 2, (source, r)
            assert r["mean"] != pytest.approx(her.ratio, rel=1e-3), (source, r)
            assert r["cost_usd"] != pytest.approx(her.cost_usd, rel=1e-3), (source, r)
        overall = [r for r in rows if r["by"] == "all"]
        assert overall and all(float(r["n"]) == 21 for r in overall), source  # the total stays
    dist = client.get("/api/v1/corridors/NP-KW").json()["distributions"]
    for key in ("ratio_by_sex", "cost_by_sex"):
        assert {d["level"] for d in dist[key]} == set(), (key, dist[key])
    assert sum(d["n"] for d in dist["cost"]) == 21  # the corridor's own distribution stays
    page = client.get("/corridors/NP-KW/").content.decode()
    assert "women and men</title>" not in page and "Median months of earnings paid, by sex" not in page


def test_a_corridor_with_large_groups_shows_everything(client: Client, tmp_path: Path) -> None:
    _import(tmp_path, {"M": 20, "F": 20})
    rows = _csv(client)
    assert rows and all(r["suppressed"] == "false" and r["mean"] != "" for r in rows)
    assert {(r["by"], r["group"]) for r in rows} >= {("all", "all"), ("sex", "F"), ("sex", "M")}
    api = client.get("/api/v1/corridors/NP-KW").json()
    assert all(not r["suppressed"] for r in api["survey_statistics"])
    for key in ("ratio_by_sex", "cost_by_sex"):
        n = {lvl: sum(d["n"] for d in api["distributions"][key] if d["level"] == lvl) for lvl in ("F", "M")}
        assert n == {"F": 20, "M": 20}, key
    page = client.get("/corridors/NP-KW/").content.decode()
    assert "<title>Months of earnings paid for the job, women and men</title>" in page
    assert "<title>Median months of earnings paid, by sex</title>" in page
    text, _fonts = text_and_fonts(client.get("/corridors/NP-KW/profile.pdf").content)
    assert "Women and men (Women, Men)" in text and "· Women" in text and "· Men" in text


def test_the_pdf_draws_no_bar_of_a_group_the_page_hides(client: Client, tmp_path: Path) -> None:
    """1 woman, 5 of another sex, 20 men: the woman's group is below the minimum, the next-smallest group is
    hidden with her, the men are shown. The PDF's "women and men" chart has the men's bars only, as the page."""
    _import(tmp_path, {"M": 20, "X": 5, "F": 1})
    text, _fonts = text_and_fonts(client.get("/corridors/NP-KW/profile.pdf").content)
    assert "Women and men (Men)" in text
    assert "· Men" in text and "· Women" not in text and "· Other" not in text
    page = client.get("/corridors/NP-KW/").content.decode()
    chart = page[page.index("women and men</title>"):]
    chart = chart[: chart.index("</svg>")]
    assert "Men" in chart and "Women" not in chart


def _words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float]]:
    """(word, xMin, xMax, yMin) of every word of the first two pages, as poppler's pdftotext -bbox finds them."""
    (tmp_path / "r.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "2", str(tmp_path / "r.pdf"), "-"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    words = []
    page = 0
    for line in out.splitlines():
        if line.strip().startswith("<page"):
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if m:
            words.append((m.group(4), float(m.group(1)), float(m.group(3)), page * 10000 + float(m.group(2))))
    return words


def _label_and_share(words: list[tuple[str, float, float, float]], label: str) -> tuple[float, float]:
    """The middle x of a bar's label and of the percentage on the same line."""
    w = next(w for w in words if w[0] == label)
    share = next(s for s in words if re.fullmatch(r"\d+%", s[0]) and abs(s[3] - w[3]) < 2)
    return (w[1] + w[2]) / 2, (share[1] + share[2]) / 2


def test_the_arabic_pdf_charts_run_right_to_left(client: Client, tmp_path: Path) -> None:
    """A bar's label (a cost bin, "$500–$2,000", written the same in every language) is left of its percentage in
    English and right of it in Arabic, where the bars grow leftwards from the labels."""
    _import(tmp_path, {"M": 20, "F": 20})
    positions = {}
    for lang in ("en", "ar"):
        client.cookies["django_language"] = lang
        words = _words(client.get("/corridors/NP-KW/profile.pdf").content, tmp_path)
        positions[lang] = _label_and_share(words, "$500–$2,000")  # a merged bin (selectors._safe_bins)
    (en_label, en_share), (ar_label, ar_share) = positions["en"], positions["ar"]
    assert en_label < en_share
    assert ar_label > ar_share
    assert ar_label > 105 * 72 / 25.4  # the Arabic labels sit in the right half of the A4 page (210 mm)


def _import_with_zeros(tmp_path: Path, paid_nothing: dict[str, int]) -> Survey:
    """20 men and 20 women to Kuwait, of whom ``paid_nothing[sex]`` paid no recruitment cost."""
    rows: list[list[str]] = []
    for sex in ("M", "F"):
        for i in range(20):
            k = len(rows)
            cost = "0" if i < paid_nothing.get(sex, 0) else str(100000 + 9871 * k)
            rows.append([f"{sex}{i}", "2021", "NP", "KW", sex, "30", "primary", "9313", "true",
                         f"{90 + 13.7 * k:.1f}", cost, "NPR", str(100 + 3 * (k % 7)), "KWD"])
    return import_rows(tmp_path, rows)


def _zero_counts(rows: list[dict[str, Any]]) -> dict[tuple[str, str], set[int]]:
    """Every way a reader of the CSV or API rows can count the workers of a group who paid nothing: the count
    itself, the share times the workers, the "included" row's workers minus the "left out" row's, and the
    overall's count minus the published groups' (by each of these) of a disaggregation."""
    def num(v: Any) -> float | None:
        return None if v in ("", None) else float(v)

    rows_of = {(r["by"], r["group"], r["zero_costs"]): r for r in rows}
    found: dict[tuple[str, str], set[int]] = {}
    for (by, group, variant), r in rows_of.items():
        got = found.setdefault((by, group), set())
        n, zeros, share = num(r["n"]), num(r["n_zero_cost"]), num(r["zero_cost_share"])
        if zeros is not None:
            got.add(round(zeros))
        if share is not None and n is not None and variant == "include":
            got.add(round(share * n))
        other = rows_of.get((by, group, "exclude"))
        if variant == "include" and n is not None and other is not None and num(other["n"]) is not None:
            got.add(round(n - float(other["n"])))
    overall = found.get(("all", "all"), set())
    for by in {r["by"] for r in rows} - {"all"}:
        groups = {g for b, g, _v in rows_of if b == by}
        known = {g: found[(by, g)] for g in groups if found[(by, g)]}
        hidden = groups - set(known)
        if hidden and len(known) + len(hidden) == len(groups):
            for total in overall:
                for combo in itertools.product(*(sorted(v) for v in known.values())):
                    found.setdefault((by, "+".join(sorted(hidden))), set()).add(total - sum(combo))
    return found


@pytest.mark.parametrize("paid_nothing", [{"M": 2}, {"M": 2, "F": 10}, {"M": 1, "F": 1}])
def test_a_handful_of_workers_who_paid_nothing_cannot_be_counted(
    client: Client, tmp_path: Path, paid_nothing: dict[str, int]
) -> None:
    """Where 1 to 4 workers of a group paid nothing, no reading of the CSV or the API counts them: not the count,
    not the share, not the "included" minus the "left out" row, not the overall minus the other groups. The
    statistics of the "included" rows stay, and a count of 5 or more is shown."""
    _import_with_zeros(tmp_path, paid_nothing)
    for source, rows in (
        ("csv", _csv(client)),
        ("api", client.get("/api/v1/corridors/NP-KW").json()["survey_statistics"]),
    ):
        for key, counts in _zero_counts(rows).items():
            assert not any(0 < c < MIN_CELL for c in counts), (source, key, counts)
        included = [r for r in rows if r["zero_costs"] == "include"]
        assert included and all(r["mean"] not in ("", None) for r in included), source  # 40 workers, 20 per sex
        total = sum(paid_nothing.values())
        overall = next(r for r in included if r["by"] == "all")
        assert (overall["n_zero_cost"] not in ("", None)) == (total >= MIN_CELL), (source, overall)
        if total >= MIN_CELL:
            assert float(overall["n_zero_cost"]) == total, source
    page = client.get("/corridors/NP-KW/").content.decode()
    headline = page[page.index('class="headline"'):]
    headline = headline[: headline.index("</div>\n</div>")]
    shown = re.search(r"<strong>\d+%</strong> paid nothing", headline) is not None  # a weighted share
    assert shown == (sum(paid_nothing.values()) >= MIN_CELL)
    assert ("<strong>&lt; 5</strong> paid nothing" in headline) == (sum(paid_nothing.values()) < MIN_CELL)


def test_the_counts_of_workers_who_paid_nothing_show_when_every_group_has_five_or_none(
    client: Client, tmp_path: Path
) -> None:
    _import_with_zeros(tmp_path, {"M": 6, "F": 0})
    rows = _csv(client)
    zeros = {(r["by"], r["group"]): r["n_zero_cost"] for r in rows if r["zero_costs"] == "include"}
    assert zeros[("all", "all")] == "6" and zeros[("sex", "M")] == "6" and zeros[("sex", "F")] == "0"
    assert all(r["suppressed"] == "false" for r in rows)
    left_out = {(r["by"], r["group"]): r["n"] for r in rows if r["zero_costs"] == "exclude"}
    assert left_out[("sex", "M")] == "14" and left_out[("sex", "F")] == "20"
