"""Survey import: the validation report names each rejected row and field; all or nothing; CSV, XLSX, Parquet;
itemised costs; currency conversion with the rate, date and source recorded."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fairrecruit.core import fx
from fairrecruit.evidence import survey

HEADER = [
    "worker_id",
    "year",
    "origin",
    "destination",
    "sex",
    "age",
    "education",
    "isco08",
    "documented",
    "weight",
    "cost_total",
    "cost_currency",
    "earnings",
    "earnings_currency",
]
GOOD = [
    "W1",
    "2019",
    "NP",
    "QA",
    "M",
    "30",
    "primary",
    "7112",
    "true",
    "120.5",
    "150000",
    "NPR",
    "1200",
    "QAR",
]


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(**changes: Any) -> list[Any]:
    r = dict(zip(HEADER, GOOD, strict=True))
    r.update(changes)
    return [r[h] for h in HEADER]


def test_good_file_is_normalised_and_converted_with_the_rate_recorded(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "s.csv", [row(), row(worker_id="W2", cost_total="0", cost_currency="", sex="female")]
    )
    s = survey.load(p, today=dt.date(2025, 1, 1))
    recs = s.records()
    assert [r["row"] for r in recs] == [2, 3]
    a, b = recs
    npr, qar = fx.usd_rate("NPR", dt.date(2019, 7, 1)), fx.usd_rate("QAR", dt.date(2019, 7, 1))
    assert npr and qar
    assert a["ratio"] == pytest.approx(150000 / npr.per_usd / (1200 / qar.per_usd), rel=1e-12)
    assert a["cost_usd"] == pytest.approx(150000 / npr.per_usd) and a["fx_date"] == dt.date(2019, 7, 1)
    assert a["age_group"] == "25-34" and a["isco_major"] == "7" and a["documented"] is True
    assert b["ratio"] == 0 and b["sex"] == "F" and b["cost_currency"] == "QAR"
    conv = {c["currency"]: c for c in s.conversions}
    assert (
        conv["NPR"]["for_date"] == "2019-07-01"
        and conv["NPR"]["source"]
        and conv["NPR"]["rate_date"] <= "2019-07-01"
    )
    assert "1 July" in s.fx_rule and s.weighted
    # stored sorted by ratio (the second pass of sdg.py reads ranges of ratios); records() keep the file's order
    stored = [r for (r,) in s.con.execute(f"SELECT ratio FROM {s.table}").fetchall()]
    assert stored == sorted(stored) and stored[0] == 0


def test_validation_report_names_each_rejected_row_and_field(tmp_path: Path) -> None:
    rows = [
        row(),
        row(worker_id="W2", earnings=""),
        row(worker_id="W3", cost_total="-5"),
        row(worker_id="W4", age="7"),
        row(worker_id="W5", year="2099"),
        row(worker_id="W6", cost_currency="XYZ"),
        row(worker_id="W7", destination="ZZ"),
        row(worker_id="W8", earnings="abc"),
        row(worker_id="W1"),
        row(worker_id="W10", weight="0", sex="q", documented="maybe", isco08="71A2", education="phd"),
    ]
    p = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p, today=dt.date(2025, 1, 1))
    got = {(r.row, r.field): r.message for r in e.value.rejections}
    assert "nothing imported" in str(e.value) and "9 of 10 row(s) rejected" in str(e.value)
    assert got[(3, "earnings")].startswith("missing")
    assert got[(4, "cost_total")] == "must not be negative (-5)"
    assert got[(5, "age")].startswith("impossible age 7")
    assert got[(6, "year")].startswith("impossible year 2099")
    assert got[(7, "cost_currency")] == "unknown currency XYZ"
    assert got[(8, "destination")].startswith("unknown country code ZZ")
    assert got[(9, "earnings")] == "not a number: abc"
    assert got[(10, "worker_id")] == "duplicate worker id W1 (first on row 2)"
    assert {f for (r, f) in got if r == 11} == {"weight", "sex", "documented", "isco08", "education"}
    assert 2 not in {r for r, _ in got}
    assert e.value.lines()[0].startswith("row 3: earnings: missing")


def test_partial_import_leaves_out_only_rejected_rows(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "s.csv", [row(), row(worker_id="W2", earnings="0"), row(worker_id="W3")])
    s = survey.load(p, partial=True)
    assert s.rows_total == 3 and s.rows_imported == 2
    assert [(r.row, r.field) for r in s.rejections] == [(3, "earnings")]
    assert s.rejections[0].message == "must be more than 0 (0)"


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "s.csv", [["W1", "2019"]], header=["worker_id", "year"])
    with pytest.raises(survey.SurveyError, match="missing column.*earnings.*cost_total"):
        survey.load(p)


def test_itemised_costs_are_summed_and_checked_against_the_total(tmp_path: Path) -> None:
    header = [
        *HEADER[:10],
        "cost_agency_fee",
        "cost_ticket",
        "cost_total",
        "cost_currency",
        "earnings",
        "earnings_currency",
    ]
    base = GOOD[:10]
    p = write_csv(
        tmp_path / "items.csv",
        [
            [*base, "100000", "50000", "", "NPR", "1200", "QAR"],
            ["W2", *base[1:], "100000", "", "", "NPR", "1200", "QAR"],
            ["W3", *base[1:], "100000", "50000", "90000", "NPR", "1200", "QAR"],
            ["W4", *base[1:], "1e5x", "", "", "NPR", "1200", "QAR"],
        ],
        header=header,
    )
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    got = {(r.row, r.field): r.message for r in e.value.rejections}
    assert set(got) == {(4, "cost_total"), (5, "cost_items")}
    assert got[(4, "cost_total")].startswith("differs from the sum of the itemised costs")
    assert got[(5, "cost_items")] == "cost_agency_fee: not a number: 1e5x"
    s = survey.load(p, partial=True)
    assert [r["cost"] for r in s.records()] == [150000, 100000]
    assert "cost_agency_fee" in " ".join(s.notes)


def test_xlsx_and_parquet_give_the_same_records_as_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = [row(), row(worker_id="W2", weight="3", cost_total="0")]
    c = survey.load(write_csv(tmp_path / "s.csv", rows)).records()
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(
            [
                float(v) if v.replace(".", "").isdigit() and h not in ("worker_id", "isco08") else v
                for h, v in zip(HEADER, r, strict=True)
            ]
        )
    wb.save(tmp_path / "s.xlsx")
    x = survey.load(tmp_path / "s.xlsx").records()
    table = pa.table({h: [r[i] for r in rows] for i, h in enumerate(HEADER)})
    table = table.set_column(HEADER.index("earnings"), "earnings", pa.array([1200.0, 1200.0]))
    pq.write_table(table, tmp_path / "s.parquet")
    q = survey.load(tmp_path / "s.parquet").records()
    assert [r["row"] for r in q] == [1, 2]  # Parquet rows are record numbers
    for other in (x, q):
        assert [(r["worker_id"], r["ratio"], r["weight"]) for r in other] == [
            (r["worker_id"], r["ratio"], r["weight"]) for r in c
        ]


def test_exchange_rate_date_from_a_column(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "s.csv", [[*row(), "2019-03-15"]], header=[*HEADER, "departure_date"])
    s = survey.load(p, fx_date_column="departure_date")
    assert s.records()[0]["fx_date"] == dt.date(2019, 3, 15)
    assert "departure_date" in s.fx_rule
    bad = write_csv(tmp_path / "b.csv", [[*row(), "15/03/2019"]], header=[*HEADER, "departure_date"])
    with pytest.raises(survey.SurveyError) as e:
        survey.load(bad, fx_date_column="departure_date")
    assert e.value.rejections[0].field == "fx_date"


def test_no_weight_column_means_unweighted_and_says_so(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "weight"]
    p = write_csv(
        tmp_path / "s.csv", [[v for h, v in zip(HEADER, GOOD, strict=True) if h != "weight"]], header
    )
    s = survey.load(p)
    assert s.records()[0]["weight"] == 1.0 and not s.weighted
    assert any("unweighted" in n for n in s.notes)


def test_unknown_kind_of_file(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("x")
    with pytest.raises(survey.SurveyError, match="use .csv, .xlsx or .parquet"):
        survey.load(tmp_path / "s.txt")
