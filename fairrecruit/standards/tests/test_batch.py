"""The batch assessor gives the engine's numbers, for every journey and standard, in all three file kinds."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from fairrecruit.core import fx
from fairrecruit.standards.batch import BatchError, assess_file, usd_rates
from fairrecruit.standards.engine import ZERO_FEE_ID, Assessor
from fairrecruit.standards.generate import generate_journeys, write_jsonl, write_long

N_JOURNEYS = 2500  # a few thousand with the extra cases below: every corridor kind, rule boundary and currency
SEED = 20261125
KINDS = ("jsonl", "csv", "parquet")


def _extra_journeys() -> list[dict[str, Any]]:
    """Cases the generator draws rarely: origin = destination, no payments, a currency without rates, a worker paid
    nothing in the first month, a whole category and a purpose naming two items."""
    base = {"origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01", "contract_months": 24,
            "promised_wage": {"amount": 1000, "currency": "QAR"},
            "first_month_earnings": {"amount": 800, "currency": "QAR"}}
    return [
        {**base, "id": "x-same-country", "destination": "NP",
         "payments": [{"amount": 50000, "currency": "NPR", "date": "2019-03-02", "category": "service_fee"}]},
        {**base, "id": "x-same-destination-country", "origin": "QA",
         "payments": [{"amount": 3000, "currency": "QAR", "date": "2019-03-02", "purpose": "visa"},
                      {"amount": 900, "currency": "QAR", "date": "2019-03-02", "purpose": "something unheard of"}]},
        {**base, "id": "x-no-rule-corridor", "origin": "MM", "destination": "LB",
         "payments": [{"amount": 90000, "currency": "MMK", "date": "2019-03-02", "category": "service_fee"}]},
        {**base, "id": "x-no-payments", "payments": []},
        {**base, "id": "x-unpaid-first-month", "first_month_earnings": {"amount": 0, "currency": "QAR"},
         "payments": [{"amount": 120000, "currency": "NPR", "date": "2019-03-02", "category": "service_fee"}]},
        {**base, "id": "x-a-whole-category", "payments": [
            {"amount": 8000, "currency": "NPR", "date": "2019-03-02", "category": "administrative"},
            {"amount": 9000, "currency": "NPR", "date": "2019-03-02", "purpose": "visa and ticket"}]},
        {**base, "id": "x-no-rate", "payments": [
            {"amount": 100000, "currency": "KPW", "date": "2019-03-02", "category": "visa"},
            {"amount": 20000, "currency": "NPR", "date": "2019-03-03", "category": "service_fee"}]},
        {**base, "id": "x-india-2012", "origin": "IN", "destination": "AE", "recruitment_date": "2012-05-01",
         "promised_wage": {"amount": 400, "currency": "USD"},
         "payments": [{"amount": 90000, "currency": "INR", "date": "2012-05-01", "purpose": "service charge"},
                      {"amount": 5000, "currency": "INR", "date": "2012-05-01", "category": "placement_fee"}]},
        *_sub_cap_journeys(),
    ]


def _sub_cap_journeys() -> list[dict[str, Any]]:
    """Bangladesh to Malaysia on both sides of 6 July 2022, when the agency's charge got its own Tk 37,000 within
    the Tk 78,990 total: the sub-cap alone passed, both passed, payments on several days and in other currencies
    (converted at their own day's rate), and one in a currency without rates (the cap cannot be applied)."""
    base = {"origin": "BD", "destination": "MY", "contract_months": 24,
            "promised_wage": {"amount": 1500, "currency": "MYR"},
            "first_month_earnings": {"amount": 1500, "currency": "MYR"}}

    def pay(amount: float, currency: str, day: str, category: str) -> dict[str, Any]:
        return {"amount": amount, "currency": currency, "date": day, "category": category}

    out = []
    for day in ("2022-07-05", "2022-07-06", "2023-03-01"):
        out += [
            {**base, "id": f"x-sub-cap-only-{day}", "recruitment_date": day,
             "payments": [pay(50000, "BDT", day, "service_fee"), pay(20000, "BDT", day, "medical")]},
            {**base, "id": f"x-sub-cap-and-cap-{day}", "recruitment_date": day,
             "payments": [pay(37000, "BDT", day, "service_fee"), pay(50000, "BDT", day, "visa")]},
            {**base, "id": f"x-sub-cap-three-names-{day}", "recruitment_date": day,
             "payments": [pay(30000, "BDT", day, "service_fee"), pay(20000, "BDT", day, "sub_agent_commission"),
                          pay(15000, "BDT", day, "placement_fee"), pay(45000, "BDT", day, "training"),
                          pay(30000, "BDT", day, "air_ticket")]},
        ]
    out += [
        {**base, "id": "x-sub-cap-days-and-currencies", "recruitment_date": "2023-03-01",
         "payments": [pay(400, "USD", "2023-02-20", "service_fee"), pay(20000, "BDT", "2023-03-01", "service_fee"),
                      pay(900, "MYR", "2023-03-10", "placement_fee"), pay(30000, "BDT", "2023-03-02", "medical"),
                      pay(250, "USD", "2023-03-05", "lodging")]},
        {**base, "id": "x-sub-cap-no-rate", "recruitment_date": "2023-03-01",
         "payments": [pay(100000, "KPW", "2023-03-01", "service_fee"), pay(60000, "BDT", "2023-03-01", "service_fee")]},
    ]
    return out


@pytest.fixture(scope="module")
def journeys() -> list[dict[str, Any]]:
    return list(generate_journeys(N_JOURNEYS, SEED)) + _extra_journeys()


@pytest.fixture(scope="module")
def expected(journeys: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The engine's verdict, journey by journey: (status, rule, owed) per standard, and journey totals."""
    assessor = Assessor()
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    for j in journeys:
        r = assessor.assess(j)
        rules = {}
        for s in r["standards"]:  # like r["owed"], a later standard with the same id wins
            if s["id"] == ZERO_FEE_ID:
                rules[s["id"]] = s["citations"][0]["id"] if s["status"] != "no_rule" else None
            else:
                rules[s["id"]] = (s.get("rule") or {}).get("id")
        for sid, owed in r["owed"].items():
            out[(j["id"], sid)] = (owed["status"], rules[sid], owed["amount"], owed["amount_usd"], owed["currency"])
        out[(j["id"], "_journey")] = (r["paid"]["amount"], r["paid"]["amount_usd"], r["sdg_10_7_1"]["months"],
                                      len(r["unclassified"]))
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, journeys: list[dict[str, Any]]) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("batch")
    write_jsonl(journeys, d / "journeys.jsonl")
    write_long(journeys, d / "journeys.csv")
    write_long(journeys, d / "journeys.parquet")
    return {k: d / f"journeys.{k}" for k in KINDS}


@pytest.fixture(scope="module")
def results(files: dict[str, Path]) -> dict[str, tuple[dict[str, Any], Path]]:
    return {k: (assess_file(files[k]), files[k].with_name(f"journeys.results.{k}")) for k in KINDS}


def _read(kind: str, path: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    got: dict[tuple[str, str], tuple[Any, ...]] = {}
    if kind == "jsonl":
        for line in path.read_text(encoding="utf-8").splitlines():
            o = json.loads(line)
            for sid, v in o["owed"].items():
                got[(o["journey_id"], sid)] = (v["status"], v["rule"], v["amount"], v["amount_usd"], v["currency"])
            got[(o["journey_id"], "_journey")] = (o["paid"]["amount"], o["paid"]["amount_usd"],
                                                  o["sdg_10_7_1_months"], o["unclassified"])
        return got
    rel = duckdb.read_csv(str(path)) if kind == "csv" else duckdb.read_parquet(str(path))
    assert tuple(rel.columns) == ("journey_id", "standard", "status", "rule_id", "owed", "currency", "owed_usd",
                                  "paid", "paid_usd", "sdg_months", "unclassified")
    for jid, std, status, rule, owed, cur, owed_usd, paid, paid_usd, sdg, unc in rel.fetchall():
        got[(jid, std)] = (status, rule, owed, owed_usd, cur)
        got[(jid, "_journey")] = (paid, paid_usd, sdg, unc)
    return got


def _close(a: Any, b: Any, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol + 1e-9


def test_generated_journeys_are_varied(journeys: list[dict[str, Any]], expected: dict[Any, Any]) -> None:
    statuses = Counter((k[1].startswith("law-"), v[0]) for k, v in expected.items() if k[1] != "_journey")
    assert all(statuses[(law, s)] > 0 for law in (True, False) for s in ("assessed", "no_rule"))
    assert statuses[(True, "incomplete")] > 0 and statuses[(False, "incomplete")] > 0
    rules = {v[1] for k, v in expected.items() if k[1].startswith("law-") and v[1]}
    assert len(rules) >= 15
    assert sum(1 for k, v in expected.items() if k[1].startswith("law-") and (v[2] or 0) > 0) > 50
    assert len({p["currency"] for j in journeys for p in j["payments"]}) >= 8
    assert sum(1 for j in journeys if j.get("domestic_work")) > 20
    assert sum(1 for j in journeys if j.get("sex") == "F") > 50
    assert sum(1 for v in expected.values() if len(v) == 4 and v[3] > 0) > 20  # unclassified purposes
    # Every corridor kind, rule boundary and currency of the generator is present.
    from fairrecruit.standards import generate

    assert {j["origin"] for j in journeys} >= set(generate._ORIGINS)
    assert {j["destination"] for j in journeys} >= set(generate._DESTINATIONS)
    days = {j["recruitment_date"] for j in journeys}
    boundaries = {d.isoformat() for d in generate._boundaries()}
    assert len(days & boundaries) > len(boundaries) // 2
    assert {p["currency"] for j in journeys for p in j["payments"]} >= {*generate._ORIGIN_CURRENCY.values(), "KPW"}
    assert any(j["origin"] == j["destination"] for j in journeys)
    no_rule_law = [k for k, v in expected.items() if k[1].startswith("law-") and v[0] == "no_rule"]
    assert no_rule_law and all(expected[k][2] is None for k in no_rule_law)  # null, never 0


@pytest.mark.parametrize("kind", KINDS)
def test_batch_matches_engine(kind: str, expected: dict[Any, Any], results: dict[str, Any],
                              journeys: list[dict[str, Any]]) -> None:
    summary, out = results[kind]
    assert summary["journeys"] == len(journeys)
    assert summary["payments"] == sum(len(j["payments"]) for j in journeys)
    assert summary["rejected_rows"] == 0 and Path(summary["output"]) == out
    got = _read(kind, out)
    assert set(got) == set(expected)
    problems = []
    for key, want in expected.items():
        have = got[key]
        if key[1] == "_journey":
            ok = (_close(want[0], have[0], 0.01) and _close(want[1], have[1], 0.01)
                  and _close(want[2], have[2], 0.001) and want[3] == have[3])
        else:
            ok = (want[0] == have[0] and want[1] == have[1] and _close(want[2], have[2], 0.01)
                  and _close(want[3], have[3], 0.01) and want[4] == have[4])
            if want[0] == "no_rule":
                ok = ok and have[2] is None
        if not ok:
            problems.append(f"{key}: engine {want}, batch {have}")
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:10])


@pytest.mark.parametrize("kind", ("csv", "parquet"))
def test_output_keeps_input_order(kind: str, results: dict[str, Any], journeys: list[dict[str, Any]]) -> None:
    _, out = results[kind]
    rel = duckdb.read_csv(str(out)) if kind == "csv" else duckdb.read_parquet(str(out))
    rows = rel.fetchall()
    order = list(dict.fromkeys(r[0] for r in rows))
    assert order == [j["id"] for j in journeys]
    assert [r[1] for r in rows[:3]] == [ZERO_FEE_ID, f"law-{journeys[0]['origin'].lower()}",
                                        f"law-{journeys[0]['destination'].lower()}"]


@pytest.mark.parametrize("kind", KINDS)
def test_rerun_gives_the_same_output(kind: str, files: dict[str, Path], results: dict[str, Any],
                                     tmp_path: Path) -> None:
    _, first = results[kind]
    again = tmp_path / f"again.{kind}"
    assess_file(files[kind], again)
    if kind == "parquet":
        assert duckdb.read_parquet(str(first)).fetchall() == duckdb.read_parquet(str(again)).fetchall()
    else:
        assert first.read_bytes() == again.read_bytes()


def _bad_file(kind: str, journeys: list[dict[str, Any]], d: Path) -> tuple[Path, int, str]:
    """A file with one bad row: the 3rd payment of the 6th journey has a negative amount.
    Returns the path, the row number a person would look for and the field named."""
    js = copy.deepcopy(journeys[:20])
    k = next(i for i, j in enumerate(js) if i >= 5 and len(j["payments"]) >= 3)
    js[k]["payments"][2]["amount"] = -5
    path = d / f"bad.{kind}"
    if kind == "jsonl":
        write_jsonl(js, path)
        return path, k + 1, "payments[2].amount"
    write_long(js, path)
    row = sum(max(1, len(j["payments"])) for j in js[:k]) + 3  # data rows before it, then its 3rd payment
    return path, row + 1 if kind == "csv" else row, "payment_amount"  # CSV rows count the header line


@pytest.mark.parametrize("kind", KINDS)
def test_one_bad_row_rejects_the_whole_file(kind: str, journeys: list[dict[str, Any]], tmp_path: Path) -> None:
    path, row, field = _bad_file(kind, journeys, tmp_path)
    out = tmp_path / f"bad.results.{kind}"
    out.write_text("earlier results\n")  # an earlier output is left alone
    with pytest.raises(BatchError) as info:
        assess_file(path, out)
    err = info.value
    unit = "line" if kind == "jsonl" else "row"
    assert f"{unit} {row}: {field}: must be more than 0" in str(err)
    assert err.rejected_rows == 1 and err.rejected == [(row, field, "must be more than 0")]
    assert out.read_text() == "earlier results\n"
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    report = tmp_path / "bad.rejected.csv"
    assert err.report == report
    with report.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(int(r["row"]), r["field"], r["message"]) for r in rows] == [(row, field, "must be more than 0")]
    # Once the file is fixed the run succeeds and the out-of-date report goes.
    (write_jsonl if kind == "jsonl" else write_long)(journeys[:20], path)
    assert assess_file(path, out)["journeys"] == 20
    assert not report.exists() and out.read_bytes() != b"earlier results\n"


def test_many_bad_rows_are_summarised(journeys: list[dict[str, Any]], tmp_path: Path) -> None:
    js = copy.deepcopy(journeys[:60])
    for j in js[:40]:
        j["origin"] = "XX"
    js[50]["recruitment_date"] = "2023-02-30"
    js[51]["payments"].append({"amount": 10, "currency": "NPX", "date": "2020-01-01", "purpose": "visa"})
    path = tmp_path / "many.csv"
    write_long(js, path)
    with pytest.raises(BatchError) as info:
        assess_file(path)
    msg = str(info.value)
    assert "unknown country code 'XX'" in msg and "... and" in msg and "more problem(s)" in msg
    assert len(msg.splitlines()) <= 22
    report = list(csv.DictReader((tmp_path / "many.rejected.csv").open(encoding="utf-8")))
    fields = Counter(r["field"] for r in report)
    assert fields["origin"] == sum(max(1, len(j["payments"])) for j in js[:40])
    assert fields["recruitment_date"] >= 1 and fields["payment_currency"] == 1
    assert not (tmp_path / "many.results.csv").exists()


def test_inconsistent_journey_rows_are_rejected(journeys: list[dict[str, Any]], tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    write_long([j for j in journeys[:30] if len(j["payments"]) >= 2][:5], path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[2][rows[0].index("contract_months")] = "99"  # the first journey's 2nd payment row (line 3)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(BatchError) as info:
        assess_file(path)
    assert "row 3: contract_months: differs from row 2 of the same journey" in str(info.value)


def test_single_journey(tmp_path: Path) -> None:
    """A file of one journey with a free-text purpose only (no categories at all), as in docs/batch.md."""
    j = {"id": "np-qa-1", "origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01",
         "contract_months": 24, "promised_wage": {"amount": 1000, "currency": "QAR"},
         "first_month_earnings": {"amount": 850, "currency": "QAR"},
         "payments": [{"amount": 120000, "currency": "NPR", "date": "2019-03-05", "purpose": "service charge",
                       "paid_to": "licensed_agency"}]}
    write_jsonl([j], tmp_path / "one.jsonl")
    assert assess_file(tmp_path / "one.jsonl")["journeys"] == 1
    got = json.loads((tmp_path / "one.results.jsonl").read_text(encoding="utf-8"))
    want = Assessor().assess(j)
    assert set(got["owed"]) == set(want["owed"])
    for sid, owed in want["owed"].items():
        assert got["owed"][sid]["amount"] == owed["amount"] and got["owed"][sid]["status"] == owed["status"]
    assert got["sdg_10_7_1_months"] == want["sdg_10_7_1"]["months"]


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="unknown kind of file"):
        assess_file(tmp_path / "x.xlsx")
    (tmp_path / "cols.csv").write_text("journey_id,origin,colour\n1,NP,red\n")
    with pytest.raises(BatchError, match="unknown column"):
        assess_file(tmp_path / "cols.csv")
    (tmp_path / "a.jsonl").write_text("")
    with pytest.raises(BatchError, match="same kind"):
        assess_file(tmp_path / "a.jsonl", tmp_path / "a.csv")


def test_prepared_rates_equal_fx() -> None:
    """Rates prepared once per process (prepare_rates) are fx.usd_rate's, and are used by usd_rates."""
    from fairrecruit.standards import batch

    cur = ["NPR", "QAR", "KPW", "USD"]
    until = dt.date(2000, 1, 1)
    saved = dict(batch._RATE_CACHE)
    try:
        for c in cur:
            batch._RATE_CACHE.pop(c, None)
        assert batch.prepare_rates(cur, until=until) == 4
        assert batch.prepare_rates(cur, until=until) == 0  # once
        days = [dt.date(1998, 12, 20) + dt.timedelta(days=i) for i in range(0, 400, 3)]
        inside = [x for x in days if x <= until]
        for c in cur:
            cached = batch._RATE_CACHE[c]
            for x in inside:
                want = fx.usd_rate(c, x)
                value = cached[1][(x - cached[0]).days]
                assert value == (None if want is None else want.per_usd), (c, x)
        rates = usd_rates(cur, inside, sample=0)
        for c in cur:
            assert rates[c] == [batch._RATE_CACHE[c][1][(x - batch.RATES_FROM).days] for x in inside]
        later = usd_rates(["NPR"], days, sample=0)["NPR"]  # days past the prepared ones: walked as before
        assert later == [None if fx.usd_rate("NPR", x) is None else fx.usd_rate("NPR", x).per_usd  # type: ignore[union-attr]
                         for x in days]
    finally:
        batch._RATE_CACHE.clear()
        batch._RATE_CACHE.update(saved)


def test_jsonl_unknown_field_message_is_the_engines(tmp_path: Path) -> None:
    j = {"id": "u1", "origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01", "contract_months": 24,
         "promised_wage": {"amount": 1000, "currency": "QAR"}, "colour": "red",
         "first_month_earnings": {"amount": 850, "currency": "QAR"},
         "payments": [{"amount": 5, "currency": "NPR", "date": "2019-03-05", "purpose": "visa", "size": 1}]}
    write_jsonl([j], tmp_path / "u.jsonl")
    with pytest.raises(BatchError) as info:
        assess_file(tmp_path / "u.jsonl")
    got = {f: m for _, f, m in info.value.rejected}
    from fairrecruit.standards.engine import validate_journey

    want = {e.field: e.message for e in validate_journey(j)}
    assert set(got) == {"colour", "payments[0].size"} == set(want)
    assert got == want


def test_bulk_rates_equal_fx() -> None:
    """The day-by-day walk through the rate sources gives fx.usd_rate exactly (including no rate at all)."""
    end = fx._NBP_LAST_DAY
    spans = [(["NPR", "INR", "QAR", "KPW", "USD", "EUR"], dt.date(1998, 6, 1), dt.date(1999, 3, 1), 1),
             (["BDT", "PHP", "SAR"], end - dt.timedelta(days=40), end + dt.timedelta(days=10), 1),
             (["VND", "IDR", "LKR"], dt.date(2001, 1, 1), dt.date(2024, 12, 31), 97)]  # sparse days too
    for cur, lo, hi, step in spans:
        days = [lo + dt.timedelta(days=i) for i in range(0, (hi - lo).days + 1, step)]
        rates = usd_rates(cur, days, sample=0)
        for c in cur:
            for x, value in zip(days, rates[c], strict=True):
                want = fx.usd_rate(c, x)
                assert value == (None if want is None else want.per_usd), (c, x)


def test_unknown_codes_and_absurd_amounts_are_refused_as_the_engine_refuses_them(tmp_path: Path) -> None:
    """A recruiter's country, an ISCO-08 code, amounts of 10^12 or more and NaN or Infinity (which JSON Lines
    readers accept) were taken; the batch now refuses them with the engine's message where it has one."""
    from fairrecruit.standards.engine import validate_journey

    j = {"id": "b1", "origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01", "contract_months": 24,
         "occupation": {"isco08": "9999"}, "promised_wage": {"amount": 1e300, "currency": "QAR"},
         "first_month_earnings": {"amount": 10**12, "currency": "QAR"},
         "recruiters": [{"role": "sub_agent", "country": "XX"}],
         "events": [{"type": "debt", "amount": 2e12, "currency": "NPR"}],
         "payments": [{"amount": 5e12, "currency": "NPR", "date": "2019-03-05", "purpose": "visa"}]}
    write_jsonl([j], tmp_path / "b.jsonl")
    with pytest.raises(BatchError) as info:
        assess_file(tmp_path / "b.jsonl")
    got = {f: m for _, f, m in info.value.rejected}
    want = {e.field: e.message for e in validate_journey(j)}
    assert set(want) == {"occupation.isco08", "promised_wage.amount", "first_month_earnings.amount",
                         "recruiters[0].country", "events[0].amount", "payments[0].amount"}
    assert got == want
    # NaN and Infinity, as Python's json writes them
    j = {**j, "occupation": {"isco08": "9313"}, "recruiters": [], "promised_wage": {"amount": 1000, "currency": "QAR"},
         "first_month_earnings": {"amount": float("nan"), "currency": "QAR"},
         "events": [{"type": "debt", "amount": float("inf"), "currency": "NPR"}],
         "payments": [{"amount": float("inf"), "currency": "NPR", "date": "2019-03-05", "purpose": "visa"}]}
    write_jsonl([j], tmp_path / "n.jsonl")
    with pytest.raises(BatchError) as info:
        assess_file(tmp_path / "n.jsonl")
    assert {f for _, f, _ in info.value.rejected} == {"first_month_earnings.amount", "events[0].amount",
                                                      "payments[0].amount"}


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_long_files_refuse_unknown_isco_codes_and_absurd_amounts(kind: str, tmp_path: Path) -> None:
    j = {"id": "b1", "origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01", "contract_months": 24,
         "occupation": {"isco08": "9999"}, "promised_wage": {"amount": 1e300, "currency": "QAR"},
         "first_month_earnings": {"amount": float("inf"), "currency": "QAR"},
         "payments": [{"amount": 10**12, "currency": "NPR", "date": "2019-03-05", "purpose": "visa"},
                      {"amount": 999_999_999_999.5, "currency": "NPR", "date": "2019-03-05", "purpose": "visa"}]}
    write_long([j], tmp_path / f"b.{kind}")
    with pytest.raises(BatchError) as info:
        assess_file(tmp_path / f"b.{kind}")
    first = 2 if kind == "csv" else 1
    got = {(r, f): m for r, f, m in info.value.rejected}
    less = "must be less than 1,000,000,000,000"
    assert got[(first, "isco08")] == ("9999 is not an ISCO-08 code: use a major, sub-major, minor or unit group, "
                                      "e.g. 9313 or 93")
    assert got[(first, "promised_wage_amount")] == less and got[(first, "payment_amount")] == less
    assert got[(first, "earnings_amount")].startswith("must be a number, not ")
    assert (first + 1, "payment_amount") not in got  # just below the bound


def test_an_isco_code_that_lost_its_leading_zero_is_named_with_the_code_meant(tmp_path: Path) -> None:
    """A Parquet file whose isco08 column was written as numbers (0110, armed forces officers, became 110) is
    refused with the code that was meant; so is a CSV where a spreadsheet dropped the zero."""
    j = {"id": "b1", "origin": "NP", "destination": "QA", "recruitment_date": "2019-03-01", "contract_months": 24,
         "occupation": {"isco08": "0110"}, "promised_wage": {"amount": 1200, "currency": "QAR"},
         "first_month_earnings": {"amount": 1200, "currency": "QAR"},
         "payments": [{"amount": 5000, "currency": "NPR", "date": "2019-03-05", "purpose": "visa"}]}
    text = tmp_path / "text.parquet"
    write_long([j], text)
    numbers = tmp_path / "numbers.parquet"
    duckdb.sql(f"COPY (SELECT * REPLACE (CAST(isco08 AS INTEGER) AS isco08) FROM '{text}') TO '{numbers}'")
    with pytest.raises(BatchError) as info:
        assess_file(numbers)
    dropped = "110 is not an ISCO-08 code: use a major, sub-major, minor or unit group, e.g. 9313 or 93; 0110 is " \
              "one: keep its leading zero (store the codes as text)"
    assert {f: m for _r, f, m in info.value.rejected}["isco08"] == dropped
    csv_file = tmp_path / "dropped.csv"
    write_long([{**j, "occupation": {"isco08": "110"}}], csv_file)
    with pytest.raises(BatchError) as info:
        assess_file(csv_file)
    assert {f: m for _r, f, m in info.value.rejected}["isco08"] == dropped
    assert assess_file(text) is not None  # written as text, the same journey is assessed
