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


# --- the audit of the import (field counts, row numbers, cost columns, ISCO-08, plausibility) -------------------


def test_a_row_with_too_few_or_too_many_fields_is_named_not_the_columns(tmp_path: Path) -> None:
    """One short and one long row used to make the CSV sniffer give up and report every column as missing."""
    p = tmp_path / "s.csv"
    lines = [",".join(HEADER), ",".join(row()), ",".join(row(worker_id="W2")[:-1])]
    lines += [",".join([*row(worker_id="W3"), "extra"]), ",".join(row(worker_id="W4"))]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    assert "missing column" not in str(e.value) and "2 of 4 row(s) rejected; nothing imported" in str(e.value)
    assert e.value.lines() == [
        "row 3: expected 14 fields (one per column), found 13: check for a missing value or delimiter ','; "
        "a value containing ',' must be in double quotes",
        "row 4: expected 14 fields (one per column), found 15: check for a missing value or delimiter ','; "
        "a value containing ',' must be in double quotes",
    ]
    s = survey.load(p, partial=True)
    assert [r["worker_id"] for r in s.records()] == ["W1", "W4"] and [r["row"] for r in s.records()] == [2, 5]
    assert s.rows_total == 4 and s.report()["rows_rejected"] == 2


def test_the_delimiter_is_read_from_the_header_even_with_a_bad_row(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    body = [
        ";".join(row()),
        ";".join(row(worker_id="W2", earnings="1200,50")),
        ";".join(row(worker_id="W3")[:5]),
    ]
    p.write_text(";".join(HEADER) + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    got = {(r.row, r.field): r.message for r in e.value.rejections}
    assert got[(3, "earnings")] == "not a number: 1200,50"
    assert got[(4, "")].startswith(
        "expected 14 fields (one per column), found 5: check for a missing value or delimiter ';'"
    )


def test_rows_are_numbered_as_a_spreadsheet_or_editor_shows_them_with_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    text = (
        ",".join(HEADER) + "\n" + ",".join(row()) + "\n\n\n" + ",".join(row(worker_id="W2", age="7")) + "\n"
    )
    text += ",".join(row(worker_id="W3", sex='"F"')) + "\n\n"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    assert [(r.row, r.field) for r in e.value.rejections] == [(5, "age")]  # line 5: two blank lines before it
    s = survey.load(p, partial=True)
    assert [(r["worker_id"], r["row"]) for r in s.records()] == [("W1", 2), ("W3", 6)] and s.rows_total == 3


def test_quoted_values_with_delimiters_and_line_breaks_keep_the_numbering(tmp_path: Path) -> None:
    header = [*HEADER, "note"]
    p = tmp_path / "s.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow([*row(), "paid, then\nborrowed"])
        w.writerow([*row(worker_id="W2", year="1900"), "ok"])
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    assert [(r.row, r.field) for r in e.value.rejections] == [
        (3, "year")
    ]  # spreadsheet row 3 (editor line 4)


def test_a_semicolon_file_with_a_byte_order_mark_and_windows_line_ends(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes(("\ufeff" + ";".join(HEADER) + "\r\n" + ";".join(row()) + "\r\n").encode())
    s = survey.load(p)
    assert [(r["worker_id"], r["row"]) for r in s.records()] == [("W1", 2)]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes((",".join(HEADER) + "\n" + ",".join(row(worker_id="Jos\xe9"))).encode("latin-1"))
    with pytest.raises(
        survey.SurveyError, match=r"s.csv: line 2 is not UTF-8 text: save the file as CSV UTF-8"
    ):
        survey.load(p)


@pytest.mark.parametrize(
    ("column", "hint"),
    [
        ("cost_total_usd", "looks like a total"),
        ("Cost Total (NPR)", "looks like a total"),
        ("cost_ticket_usd", "in another currency"),
        ("cost_ticket_npr", "in another currency"),
        ("cost_ticket_currency", "a currency column"),
    ],
)
def test_cost_columns_that_are_totals_conversions_or_currencies_are_refused(
    tmp_path: Path, column: str, hint: str
) -> None:
    """``cost_<item>`` columns are summed: a total or a converted amount beside them would count costs twice."""
    header = [*HEADER[:10], "cost_agency_fee", "cost_ticket", column, *HEADER[11:]]
    values = [*GOOD[:10], "100000", "50000", "1250" if "currency" not in column else "NPR", *GOOD[11:]]
    p = write_csv(tmp_path / "s.csv", [values], header=header)
    with pytest.raises(survey.SurveyError) as e:
        survey.load(p)
    msg = str(e.value)
    assert f"column '{column}'" in msg and hint in msg and "cost_<item> columns are summed" in msg


def test_fx_date_column_named_like_a_cost_is_not_summed(tmp_path: Path) -> None:
    header = [*HEADER[:10], "cost_agency_fee", "cost_paid_on", *HEADER[11:]]
    p = write_csv(tmp_path / "s.csv", [[*GOOD[:10], "150000", "2019-03-15", *GOOD[11:]]], header=header)
    s = survey.load(p, fx_date_column="cost_paid_on")
    rec = s.records()[0]
    assert rec["cost"] == 150000 and rec["fx_date"] == dt.date(2019, 3, 15)
    assert s.item_columns == ["cost_agency_fee"]


def test_isco08_codes_are_kept_as_text_and_must_exist(tmp_path: Path) -> None:
    rows = [
        row(isco08="0110"),  # commissioned armed forces officers: major group 0
        row(worker_id="W2", isco08="71"),  # a sub-major group is a valid, coarser code
        row(worker_id="W3", isco08="110"),  # 0110 that lost its leading zero in a spreadsheet
        row(worker_id="W4", isco08="7199"),  # not in ISCO-08
        row(worker_id="W5", isco08="10"),
    ]
    p = write_csv(tmp_path / "s.csv", rows)
    s = survey.load(p, partial=True)
    assert [(r["isco08"], r["isco_major"]) for r in s.records()] == [("0110", "0"), ("71", "7")]
    got = {(r.row, r.field): r.message for r in s.rejections}
    assert set(got) == {(4, "isco08"), (5, "isco08"), (6, "isco08")}
    assert got[(4, "isco08")] == (
        "not an ISCO-08 code: 110; armed forces codes start with 0 (0110): store the column as text so that "
        "the leading 0 is kept"
    )
    assert (
        got[(5, "isco08")]
        == "not an ISCO-08 code: 7199; use a major, sub-major, minor or unit group (1 to 4 digits)"
    )


def test_isco08_numbers_from_xlsx_and_parquet_are_checked_too(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([int(v) if h == "isco08" else v for h, v in zip(HEADER, row(isco08="0110"), strict=True)])
    ws.append([int(v) if h == "isco08" else v for h, v in zip(HEADER, row(worker_id="W2"), strict=True)])
    wb.save(tmp_path / "s.xlsx")
    table = pa.table({h: [v] for h, v in zip(HEADER, row(isco08="0110"), strict=True)})
    table = table.set_column(HEADER.index("isco08"), "isco08", pa.array([110], pa.int32()))
    pq.write_table(table, tmp_path / "s.parquet")
    for name, first in (("s.xlsx", 2), ("s.parquet", 1)):
        with pytest.raises(survey.SurveyError) as e:
            survey.load(tmp_path / name)
        assert [(r.row, r.field) for r in e.value.rejections] == [(first, "isco08")]
        assert "armed forces codes start with 0 (0110)" in e.value.rejections[0].message


def test_every_isco08_group_is_known() -> None:
    assert len(survey.ISCO08) == 10 + 43 + 130 + 436  # major, sub-major, minor and unit groups
    assert {"0", "01", "011", "0110", "9629", "2166", "3435", "8350"} <= survey.ISCO08
    assert not {"110", "1000", "9999", "00", ""} & survey.ISCO08


def test_implausible_ratios_earnings_and_weights_are_warned_not_rejected(tmp_path: Path) -> None:
    rows = [
        row(),
        row(worker_id="W2", earnings="0.01", earnings_currency="USD", cost_total="5000", cost_currency="USD"),
        row(worker_id="W3", weight="1e9"),
        row(worker_id="W4", earnings="0.5", earnings_currency="USD", cost_total="0", cost_currency=""),
    ]
    s = survey.load(write_csv(tmp_path / "s.csv", rows))
    assert s.rows_imported == 4 and not s.rejections
    got = {(w.row, w.field): w.message for w in s.warnings}
    assert set(got) == {(3, "earnings"), (3, "ratio"), (4, "weight"), (5, "earnings")}
    assert got[(3, "ratio")] == (
        "the costs are 500000 months of earnings (more than 60): check that the earnings are for one month and "
        "the amounts and currencies of costs and earnings"
    )
    assert got[(3, "earnings")] == (
        "first month's earnings of 0.01 USD (below 10 US dollars): check the amount and the currency"
    )
    assert got[(4, "weight")] == (
        "survey weight 1e9: one worker standing for more than 1000000 workers; check the weight"
    )
    report = s.report()
    assert report["warnings"][0] == {"row": 3, "field": "earnings", "message": got[(3, "earnings")]}
    assert report["rows_warned"] == 3
    assert "4 warning(s) in 3 row(s): the rows were kept; check them." in report["notes"]
