"""Sub-caps: a limit of its own on some capped items within a rule's cap (issue #3). Bangladesh to Malaysia from
6 July 2022: Tk 78,990 in all, of which the agency's service charge at most Tk 37,000. Through the loader, the
engine, the batch, the API and the pages, on both sides of the day it took effect."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairrecruit.standards.batch import assess_file
from fairrecruit.standards.engine import default_assessor
from fairrecruit.standards.generate import write_jsonl
from fairrecruit.standards.loader import RULES_DIR, RuleFileError, load_rules
from fairrecruit.standards.tests.test_loader import RULE_FILE

BEFORE, FIRST = "2022-07-05", "2022-07-06"


def journey(day: str, *payments: tuple[float, str], jid: str = "") -> dict[str, Any]:
    return {"id": jid or f"bd-my-{day}", "origin": "BD", "destination": "MY", "recruitment_date": day,
            "contract_months": 24, "promised_wage": {"amount": 25000, "currency": "BDT"},
            "first_month_earnings": {"amount": 25000, "currency": "BDT"},
            "payments": [{"amount": a, "currency": "BDT", "date": day, "category": c} for a, c in payments]}


def law_bd(result: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in result["standards"] if s["id"] == "law-bd")


# The brief's numbers: (journey, owed under the law of Bangladesh, verdicts in input order)
CASES = [
    # the service charge passes its Tk 37,000 though the total 70,000 is under Tk 78,990
    (journey(FIRST, (50000, "service_fee"), (20000, "medical")), 13000, ["over_cap", "within_cap"]),
    # at the sub-cap, 50,000 more passes the overall cap by 8,010
    (journey(FIRST, (37000, "service_fee"), (50000, "visa")), 8010, ["over_cap", "within_cap"]),
    # the day before: the total-only Tk 160,000
    (journey(BEFORE, (50000, "service_fee"), (20000, "medical")), 0, ["within_cap", "within_cap"]),
    (journey(BEFORE, (37000, "service_fee"), (50000, "visa")), 0, ["within_cap", "within_cap"]),
]


@pytest.mark.parametrize("j, owed, verdicts", CASES, ids=lambda x: x["id"] if isinstance(x, dict) else None)
def test_the_engine_holds_the_service_charge_to_its_sub_cap_from_6_july_2022(j: dict, owed: float,
                                                                            verdicts: list[str]) -> None:
    s = law_bd(default_assessor().assess(j))
    assert s["owed"]["amount"] == pytest.approx(owed, abs=0.01)
    assert [v["verdict"] for v in s["payments"]] == verdicts
    assert s["rule"]["from"] == (FIRST if j["recruitment_date"] == FIRST else "2016-01-01")


def test_the_sub_cap_figures_and_trace_name_the_rule_the_value_and_the_date() -> None:
    r = default_assessor().assess(journey(FIRST, (50000, "service_fee"), (20000, "medical")))
    cap = law_bd(r)["cap"]
    assert (cap["amount"], cap["currency"], cap["charged"], cap["counted"]) == (78990, "BDT", 70000, 57000)
    [sub] = cap["sub_caps"]
    assert sub == {"kind": "fixed", "items": ["placement_fee", "service_fee", "sub_agent_commission"],
                   "amount": 37000, "currency": "BDT", "basis": "37000 BDT", "charged": 50000, "over": 13000}
    assert law_bd(r)["payments"][0]["sub_cap"] == 0 and "sub_cap" not in law_bd(r)["payments"][1]
    [step] = [t for t in r["trace"] if t["step"] == "sub_cap"]
    assert (step["rule"], step["value"], step["currency"], step["date"]) == (
        "bd.migration-cost-malaysia", 37000, "BDT", FIRST)
    assert "37,000" in step["source"]["article"] and step["source"]["verified"] is False
    [over] = [t for t in r["trace"] if t["step"] == "over_sub_cap"]
    assert (over["payment"], over["owed"], over["value"]) == (0, 13000, 37000)
    before = default_assessor().assess(journey(BEFORE, (50000, "service_fee"), (20000, "medical")))
    assert "sub_caps" not in law_bd(before)["cap"]
    assert not [t for t in before["trace"] if t["step"] in ("sub_cap", "over_sub_cap")]


def test_every_name_of_a_recruitment_fee_shares_the_one_sub_cap() -> None:
    j = journey(FIRST, (20000, "service_fee"), (15000, "placement_fee"), (10000, "sub_agent_commission"),
                (30000, "medical"))
    s = law_bd(default_assessor().assess(j))
    assert s["owed"]["amount"] == pytest.approx(8000)  # 45,000 of recruitment fees against 37,000
    assert s["cap"]["sub_caps"][0]["charged"] == 45000


def test_payments_on_several_days_pass_the_sub_cap_later_ones_first() -> None:
    j = journey(FIRST, (30000, "service_fee"), (20000, "medical"))
    j["payments"].append({"amount": 15000, "currency": "BDT", "date": "2022-08-01", "category": "service_fee"})
    s = law_bd(default_assessor().assess(j))
    assert [v["owed"] for v in s["payments"]] == [0, 0, 8000]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 60000), st.sampled_from(
    ["service_fee", "placement_fee", "sub_agent_commission", "medical", "visa", "training", "air_ticket"]),
    st.integers(0, 40)), min_size=1, max_size=7), st.randoms(use_true_random=False))
def test_the_total_owed_is_the_sub_cap_excess_plus_the_cap_excess_in_any_order(
        pays: list[tuple[int, str, int]], rnd: random.Random) -> None:
    """Whatever the order and the days of the payments: owed = what passes Tk 37,000 of recruitment fees + what
    passes Tk 78,990 of the capped items counted (recruitment fees up to 37,000) + the air ticket."""
    j = journey(FIRST)
    j["payments"] = [{"amount": a, "currency": "BDT", "category": c,
                      "date": (dt.date(2022, 7, 6) + dt.timedelta(days=d)).isoformat()} for a, c, d in pays]
    fees = sum(a for a, c, _ in pays if c in ("service_fee", "placement_fee", "sub_agent_commission"))
    others = sum(a for a, c, _ in pays if c in ("medical", "visa", "training"))
    ticket = sum(a for a, c, _ in pays if c == "air_ticket")
    want = max(0, fees - 37000) + max(0, min(fees, 37000) + others - 78990) + ticket
    got = law_bd(default_assessor().assess(j))["owed"]["amount"]
    assert got == pytest.approx(want, abs=0.01)
    shuffled = dict(j, payments=rnd.sample(j["payments"], len(j["payments"])))
    assert law_bd(default_assessor().assess(shuffled))["owed"]["amount"] == pytest.approx(got, abs=0.01)
    assert got <= sum(a for a, _, _ in pays) + 0.01


def test_the_batch_gives_the_engines_numbers(tmp_path: Path) -> None:
    journeys = [dict(j, id=f"case-{i}") for i, (j, _, _) in enumerate(CASES)]
    write_jsonl(journeys, tmp_path / "bd-my.jsonl")
    assess_file(tmp_path / "bd-my.jsonl")
    lines = (tmp_path / "bd-my.results.jsonl").read_text(encoding="utf-8").splitlines()
    got = {o["journey_id"]: o["owed"]["law-bd"] for o in map(json.loads, lines)}
    for i, (_, owed, _) in enumerate(CASES):
        assert got[f"case-{i}"]["amount"] == pytest.approx(owed, abs=0.01)
        assert got[f"case-{i}"]["status"] == "assessed"


# --- the rule format --------------------------------------------------------------------------------------------

FIXED = "{kind: fixed, amount: 1000, currency: USD}"


def _load(tmp_path: Path, sub_caps: str, cap: str = FIXED) -> Any:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    text = RULE_FILE.format(applies_to="{}", cap=cap).replace("        source:", f"        sub_caps: {sub_caps}\n        source:")
    (dst / "countries" / "zz.yaml").write_text(text, encoding="utf-8")
    return load_rules(dst)


@pytest.mark.parametrize("sub_caps, cap, key, problem", [
    ("[{items: [visa], cap: {kind: fixed, amount: 100, currency: USD}}]", FIXED, "sub_caps[0].items",
     "item 'visa' is not among the version's capped items"),
    ("[{items: [happiness_tax], cap: {kind: fixed, amount: 100, currency: USD}}]", FIXED, "sub_caps[0].items",
     "unknown category 'happiness_tax'"),
    ("[{items: [service_fee], cap: {kind: fixed, amount: 100, currency: XYZ}}]", FIXED, "sub_caps[0].cap.currency",
     "'XYZ' is not an ISO 4217 currency code"),
    ("[{items: [service_fee], cap: {kind: fixed, amount: 1500, currency: USD}}]", FIXED, "sub_caps[0].cap.amount",
     "1500 USD is more than the version's cap of 1000"),
    ("[{items: [service_fee], cap: {kind: wage_multiple, months: 1}}]", FIXED, "sub_caps[0].cap.kind",
     "a sub-cap must be fixed"),
    ("[{items: [service_fee], cap: {kind: fixed, amount: 100, currency: USD}}]", "{kind: zero}", "sub_caps",
     "a sub-cap needs a fixed or wage_multiple cap"),
    ("[{items: [recruitment_fee], cap: {kind: fixed, amount: 100, currency: USD}},"
     " {items: [placement_fee], cap: {kind: fixed, amount: 50, currency: USD}}]", FIXED, "sub_caps[1].items",
     "item 'placement_fee' is already in another sub-cap"),
    ("[{items: [service_fee], cap: {kind: fixed, amount: 100, currency: USD}, maximum: 3}]", FIXED,
     "sub_caps[0].maximum", "unknown key"),
    ("[{cap: {kind: fixed, amount: 100, currency: USD}}]", FIXED, "sub_caps[0].items", "is missing"),
    ("[]", FIXED, "sub_caps", "must be a list of {items, cap}"),
])
def test_a_malformed_sub_cap_is_refused_at_start(tmp_path: Path, sub_caps: str, cap: str, key: str,
                                                 problem: str) -> None:
    with pytest.raises(RuleFileError) as err:
        _load(tmp_path, sub_caps, cap)
    assert err.value.path.endswith("zz.yaml")
    assert err.value.key == f"rules.zz.fee-cap.versions[0].{key}"
    assert problem in err.value.problem


def test_a_sub_cap_takes_its_own_article_or_source(tmp_path: Path) -> None:
    rs = _load(tmp_path, "[{items: [recruitment_fee], cap: {kind: fixed, amount: 100, currency: EUR}, "
                         "article: 's.2'}]")
    [sub] = rs.laws["ZZ"].rules[0].versions[0].sub_caps
    assert (sub.source.title, sub.source.article, sub.cap.amount, sub.cap.currency) == ("Test Act", "s.2", 100, "EUR")
    assert sub.items == {"service_fee", "placement_fee", "sub_agent_commission"}
    rs = _load(tmp_path / "b", "[{items: [service_fee], cap: {kind: fixed, amount: 100, currency: USD}, source: "
                               "{title: Order, article: s.9, url: 'https://example.org/o', verified: true}}]")
    assert rs.laws["ZZ"].rules[0].versions[0].sub_caps[0].source.title == "Order"


# --- API and pages -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_gives_the_sub_cap_and_what_is_owed(client: Client) -> None:
    for j, owed, verdicts in CASES:
        r = client.post("/api/v1/assessments", data=json.dumps(j), content_type="application/json")
        assert r.status_code == 200
        s = law_bd(r.json())
        assert s["owed"]["amount"] == pytest.approx(owed, abs=0.01)
        assert [v["verdict"] for v in s["payments"]] == verdicts
        assert ("sub_caps" in s["cap"]) == (j["recruitment_date"] == FIRST)

    def rule(day: str) -> dict[str, Any]:
        body = client.get(f"/api/v1/rules?origin=BD&destination=MY&date={day}").json()
        return next(s for s in body["standards"] if s["id"] == "law-bd")["rule"]

    assert rule(BEFORE)["sub_caps"] == []
    [sub] = rule(FIRST)["sub_caps"]
    assert (sub["cap"], sub["items"]) == ("at most 37,000 BDT", ["Recruitment fee"])
    assert "37,000" in sub["source"]["article"]


def _check_form(day: str) -> dict[str, str]:
    return {"origin": "BD", "destination": "MY", "occupation": "factory worker", "recruitment_date": day,
            "contract_months": "24", "promised_wage_amount": "1500", "promised_wage_currency": "MYR",
            "earnings_amount": "1500", "earnings_currency": "MYR",
            "p-TOTAL_FORMS": "2", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "20",
            "p-0-amount": "50000", "p-0-currency": "BDT", "p-0-date": day, "p-0-purpose": "service charge",
            "p-0-paid_to": "licensed_agency",
            "p-1-amount": "20000", "p-1-currency": "BDT", "p-1-date": day, "p-1-purpose": "medical"}


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [
    ("en", "Of this, the limit for Recruitment fee: 37,000 BDT; you were charged 50,000 BDT"),
    ("es", "De ese total, el límite para Comisión de contratación: 37\xa0000 BDT; te cobraron 50\xa0000 BDT"),
    ("bn", "এর মধ্যে নিয়োগ ফি-এর সীমা:"),
])
def test_check_my_fees_says_the_sub_cap_and_what_is_owed(client: Client, language: str, words: str) -> None:
    html = client.post("/check/", _check_form(FIRST), headers={"Accept-Language": language}).content.decode()
    assert 'id="result"' in html, html[:3000]
    section = html.split('id="std-law-bd"')[1].split('id="std-')[0]
    assert words in section
    assert any(owed in section for owed in ("13,000 BDT", "13\xa0000 BDT"))
    before = client.post("/check/", _check_form(BEFORE), headers={"Accept-Language": language}).content.decode()
    assert words.split(":")[0] not in before


@pytest.mark.django_db
def test_what_may_they_charge_says_the_sub_cap_in_every_language(client: Client) -> None:
    from django.conf import settings as django_settings
    from django.utils import translation

    from fairrecruit.standards.selectors import rules_in_force
    from fairrecruit.standards.templatetags.fees import sub_cap_text

    [law] = [r for r in rules_in_force(origin="BD", destination="MY", day=dt.date(2022, 7, 6))
             if r["id"] == "law-bd"]
    [sub] = law["version"]["sub_caps"]
    english = client.get("/charges/", {"origin": "BD", "destination": "MY", "date": FIRST}).content.decode()
    assert "Of this, you may be charged at most 37,000 BDT for: Recruitment fee" in english
    before = client.get("/charges/", {"origin": "BD", "destination": "MY", "date": BEFORE}).content.decode()
    assert "Of this, you may be charged" not in before and "160,000" in before
    for code, _ in django_settings.LANGUAGES:
        if code == "en":
            continue
        with translation.override(code):
            words = sub_cap_text(sub)
        assert "Of this" not in words and "37" in words, code  # worded in the language, with the amount
        page = client.get("/charges/", {"origin": "BD", "destination": "MY", "date": FIRST},
                          headers={"Accept-Language": code}).content.decode()
        assert words in page, code
