"""Compare my contract through real HTTP (Django's test client on the real database): the page, the API and
the command line answer the same input the same way; an approved job order fills the promised terms; bad input
names its field; nothing is stored."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.registry import search
from fairrecruit.registry.models import ActorKind, JobOrder
from fairrecruit.registry.services import actor_create

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[1] / "examples" / "np-qa-substituted.json"


@pytest.fixture
def job_order():
    regulator = actor_create(actor_user=None, name="Department of Foreign Employment", kind=ActorKind.REGULATOR,
                             identifier="NP-DOFE", country="NP")
    employer = actor_create(actor_user=None, name="Qatar Building Company W.L.L.", kind=ActorKind.EMPLOYER,
                            identifier="QA-MOL-E-501", country="QA")
    today = dt.date.today()
    jo = JobOrder.objects.create(
        number="JO-2025-001", employer=employer, approved_by=regulator, destination="QA",
        occupation="Construction labourer", positions=40, wage_amount=Decimal("1200"), wage_currency="QAR",
        valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=100))
    search.clear_caches()
    return jo


def post(client: Client, data: dict) -> tuple[int, str]:
    r = client.post("/contract/", data)
    return r.status_code, r.content.decode()


def test_page_opens_without_an_account(client):
    r = client.get("/contract/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="promised_wage_amount"' in html and 'name="actual_wage_amount"' in html
    assert 'method="post"' in html  # wages and employers never end up in addresses or logs


def test_substitution_is_shown_with_the_wage_gap_and_the_principles(client):
    events = AuditEvent.objects.count()
    status, html = post(client, {
        "promised_wage_amount": "1400", "promised_wage_currency": "QAR", "actual_wage_amount": "1000",
        "actual_wage_currency": "qar", "promised_contract_months": "24", "months_worked": "4",
        "promised_hours_per_day": "8", "actual_hours_per_day": "10", "promised_food": "yes", "actual_food": "no",
        "received": "after_arrival"})
    assert status == 200, html
    assert "contract substitution" in html
    assert "400.00 QAR" in html and "1,600.00 QAR" in html and "9,600.00 QAR" in html
    assert "ILO-FR/GP08" in html and "DHAKA/5" in html
    assert 'class="unverified"' in html  # GP8's wording is recalled: shown as such
    # the complaint link says what it is about, and the complaint form arrives with those boxes ticked
    assert "/complain/?category=contract_substitution&amp;category=wages" in html
    complain = client.get("/complain/?category=contract_substitution&category=wages&category=nonsense").content
    assert _checked(complain, "contract_substitution") and _checked(complain, "wages")
    assert not _checked(complain, "fees")
    assert AuditEvent.objects.count() == events  # nothing stored


def test_deductions_are_compared_and_counted_in_the_gap(client):
    status, html = post(client, {
        "promised_wage_amount": "1400", "promised_wage_currency": "QAR", "promised_deductions_amount": "0",
        "actual_wage_amount": "1400", "actual_wage_currency": "QAR", "actual_deductions_amount": "300",
        "months_worked": "3"})
    assert status == 200, html
    assert 'class="term-deductions"' in html and "contract substitution" in html
    assert "300.00 QAR" in html and "900.00 QAR" in html  # a month, and over the three months worked
    assert "More is taken from your wage each month than you were told" in html
    # deductions without a currency on their side: the currency is asked for
    status, html = post(client, {"promised_deductions_amount": "0", "actual_deductions_amount": "300",
                                 "actual_wage_currency": "QAR"})
    assert status == 400 and "promised_wage_currency" in html
    r = client.post("/api/v1/contracts/compare", {
        "promised": {"wage_amount": 1400, "wage_currency": "QAR", "deductions_amount": 0},
        "actual": {"wage_amount": 1400, "wage_currency": "QAR", "deductions_amount": "-5"}},
        content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"] == [
        {"field": "actual.deductions_amount", "message": "must be at least 0"}]


def _checked(html: bytes, value: str) -> bool:
    tags = re.findall(rb"<input[^>]*>", html)
    return any(b'value="' + value.encode() + b'"' in t and b"checked" in t for t in tags)


def test_job_order_fills_the_promised_terms_and_warns_where_the_worker_was_told_less(client, job_order):
    status, html = post(client, {"job_order_number": "jo 2025-001", "promised_wage_amount": "1000",
                                 "promised_wage_currency": "QAR", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR", "actual_employer": "Qatar Building Co WLL"})
    assert status == 200, html
    assert "Qatar Building Company W.L.L." in html and "(job order)" in html  # the employer came from it
    assert "1,200.00 QAR, is higher than the wage you were told" in html
    assert "100.00 QAR" in html  # compared with what the worker typed: 1000 - 900
    # in Vietnamese, "1,200.00" would read as one point two: the note is written as Vietnamese writes numbers
    client.cookies["django_language"] = "vi"
    status, html = post(client, {"job_order_number": "jo 2025-001", "promised_wage_amount": "1000",
                                 "promised_wage_currency": "QAR", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR", "actual_employer": "Qatar Building Co WLL"})
    assert status == 200, html
    assert "1.200,00 QAR" in html and "1.000,00 QAR" in html and "1,200.00" not in html


def test_unknown_job_order_number_is_named(client, job_order):
    status, html = post(client, {"job_order_number": "JO-1999-999", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR"})
    assert status == 400
    assert "Job order or demand letter number: No approved job order has the number JO-1999-999." in html


@pytest.mark.parametrize(("data", "expected"), [
    ({"promised_wage_amount": "abc", "actual_wage_amount": "1", "actual_wage_currency": "QAR",
      "promised_wage_currency": "QAR"}, "Monthly basic wage (as promised): must be a number, not abc"),
    ({"promised_hours_per_day": "8", "actual_hours_per_day": "30"}, "Working hours a day (now): must be at most 24"),
    ({"promised_rest_days_per_week": "1", "actual_rest_days_per_week": "1.5"},
     "Days off a week (now): must be a whole number, not 1.5"),
    ({"promised_wage_amount": "100", "actual_wage_amount": "90", "actual_wage_currency": "QAR"},
     "Currency of the wage (as promised): use the 3-letter code, like QAR or USD"),
    ({"promised_wage_amount": "100", "promised_wage_currency": "ZZZ", "actual_wage_amount": "90",
      "actual_wage_currency": "QAR"}, "unknown currency &#x27;ZZZ&#x27;"),
    ({"start": "2025-02-30", "received": "never"}, "Date your job started (optional): must be a date written"),
    ({"promised_employer": "Al Noor"}, "Fill in at least one term both as you were promised it"),
])
def test_bad_input_names_the_field(client, data, expected):
    status, html = post(client, data)
    assert status == 400
    assert expected in html


# ---------------------------------------------------------------------------------------------- API and CLI
def test_api_answers_like_the_command_line(client):
    body = json.loads(EXAMPLE.read_text())
    r = client.post("/api/v1/contracts/compare", body, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["verdict"] == "substituted"
    terms = {t["term"]: t for t in out["terms"]}
    assert terms["wage"]["verdict"] == "worse" and terms["employer"]["verdict"] == "same"
    assert terms["rest_days_per_week"] == {"term": "rest_days_per_week", "promised": 1, "actual": 0,
                                           "verdict": "worse", "promised_from": "worker"}
    assert out["wage_gap"]["per_month"] == 400 and out["wage_gap"]["so_far"] == 1600
    assert [f["type"] for f in out["findings"]] == [
        "contract_substituted", "wage_lower_than_promised", "contract_not_before_departure", "contract_language"]
    assert all(p["id"] and "verified" in p for f in out["findings"] for p in f["principles"])
    buf = io.StringIO()
    call_command("compare_contract", str(EXAMPLE), stdout=buf)
    assert json.loads(buf.getvalue()) == out


def test_cli_table_says_how_much_of_the_gap_is_deductions():
    buf = io.StringIO()
    call_command("compare_contract", str(EXAMPLE.parent / "bd-sa-deductions.json"), "--format", "table", stdout=buf)
    out = buf.getvalue()
    assert out.startswith("verdict: substituted")
    assert "deductions" in out and "worse" in out.split("deductions")[1].split("\n")[0]
    assert "paid 400.00 SAR a month less than promised (400.00 of it deducted beyond what was promised); " \
           "2,400.00 over 6 months worked; 9,600.00 over the 24-month contract" in out
    assert "More is taken from your wage each month than you were told it would be." in out


def test_api_bad_input_names_json_fields(client):
    r = client.post("/api/v1/contracts/compare", {"promised": {"wage_amount": "-1", "wage_currency": "QAR",
                                                               "colour": "red"}, "actual": {"food": 1}},
                    content_type="application/json")
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"promised.colour"}  # the shape first: an unknown term
    r = client.post("/api/v1/contracts/compare", {"promised": {"wage_amount": "-1", "wage_currency": "QAR"},
                                                  "actual": {"wage_amount": 5, "wage_currency": "QAR",
                                                             "hours_per_day": 25}},
                    content_type="application/json")
    assert r.status_code == 400
    assert {(e["field"], e["message"]) for e in r.json()["errors"]} == {
        ("promised.wage_amount", "must be more than 0"), ("actual.hours_per_day", "must be at most 24")}
    r = client.post("/api/v1/contracts/compare", {"job_order_number": "NOPE-1", "actual": {"wage_amount": 5,
                    "wage_currency": "QAR"}}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "job_order_number"


def test_api_with_job_order(client, job_order):
    r = client.post("/api/v1/contracts/compare", {"job_order_number": "JO-2025-001",
                    "actual": {"wage_amount": 1200, "wage_currency": "QAR", "occupation": "construction labourer"}},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["verdict"] == "same" and out["job_order"]["number"] == "JO-2025-001"
    assert out["job_order"]["state"] == "valid"
    terms = {t["term"]: t for t in out["terms"]}
    assert terms["wage"]["promised_from"] == "job_order" and terms["wage"]["verdict"] == "same"


def test_cli_bad_input_fails_naming_the_fields(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"actual": {"rest_days_per_week": 9}, "promised": {"rest_days_per_week": 1}}))
    with pytest.raises(CommandError, match=r"actual\.rest_days_per_week: must be at most 7"):
        call_command("compare_contract", str(f))
    f.write_text("{nope")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("compare_contract", str(f))
    buf = io.StringIO()
    call_command("compare_contract", str(EXAMPLE), "--format", "table", stdout=buf)
    assert "paid 400.00 QAR a month less than promised" in buf.getvalue()
    assert "ILO-FR/GP08 (recalled)" in buf.getvalue()


def test_openapi_documents_the_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/contracts/compare"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert "promised" in json.dumps(schema) and set(op["responses"]) >= {"200", "400", "415"}


def test_job_order_in_another_country_is_said(client, job_order):
    status, html = post(client, {"job_order_number": "JO-2025-001", "destination": "AE",
                                 "actual_wage_amount": "1200", "actual_wage_currency": "QAR"})
    assert status == 200 and "This job order is for a job in QA, not AE." in html


def test_an_overlong_number_gets_one_message(client):
    status, html = post(client, {"promised_hours_per_day": "8" * 30, "actual_hours_per_day": "9"})
    assert status == 400
    assert html.count("Working hours a day (as promised):") == 1


def test_the_wage_now_is_checked_against_the_legal_minimum_wage_in_force_on_the_day(client):
    """Only the wage now and the country: enough where the rule files know a minimum wage for that day."""
    status, html = post(client, {"destination": "QA", "start": "2024-05-01", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR", "actual_food": "no", "actual_accommodation": "yes"})
    assert status == 200, html
    section = html.split('id="qa.minimum-wage"')[1].split("</div>")[0]
    assert "900.00 QAR a month, is below the legal minimum of 1,000.00 QAR" in section
    assert '<strong class="owed">100.00 QAR</strong> a month short' in section
    assert "does not give you food: on top of your basic wage, they must pay you at least 300.00 QAR" in section
    assert "does not give you housing" not in section  # housing is given: no allowance claimed
    assert 'class="unverified"' in section and "Law No. 17 of 2020" in section  # cited, and marked unverified
    assert "We could not compare the terms" not in html
    assert "Your wage is below the legal minimum wage" in html  # the finding, with its principles
    # the day before the law took effect: no minimum is known, so there is nothing to compare
    status, html = post(client, {"destination": "QA", "start": "2021-03-19", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR"})
    assert 'class="minimum-wage"' not in html and "Fill in at least one term" in html
    status, html = post(client, {"destination": "QA", "start": "2021-03-20", "actual_wage_amount": "900",
                                 "actual_wage_currency": "QAR"})
    assert 'id="qa.minimum-wage"' in html
    # a country with no minimum wage in the rule files: never a verdict
    status, html = post(client, {"destination": "SA", "actual_wage_amount": "900", "actual_wage_currency": "SAR"})
    assert 'class="minimum-wage"' not in html and "Fill in at least one term" in html


def test_the_minimum_wage_in_the_workers_language(client):
    client.cookies["django_language"] = "ne"
    status, html = post(client, {"destination": "QA", "actual_wage_amount": "1200", "actual_wage_currency": "QAR"})
    assert status == 200, html
    section = html.split('id="qa.minimum-wage"')[1].split("</details>")[0]
    assert 'lang="ne"' in section and "आधारभूत तलब" in section  # the rule's summary, in Nepali
    assert 'class="ok"' in section


def test_api_and_cli_give_the_minimum_wage_check(client, tmp_path):
    body = {"destination": "QA", "start": "2024-05-01",
            "actual": {"wage_amount": 750, "wage_currency": "QAR", "accommodation": False}}
    r = client.post("/api/v1/contracts/compare", body, content_type="application/json")
    assert r.status_code == 200, r.content
    [mw] = r.json()["minimum_wages"]
    assert (mw["verdict"], mw["wage"], mw["shortfall"]) == ("below", 750, 250)
    assert mw["minimum"]["rule_id"] == "qa.minimum-wage" and mw["minimum"]["from"] == "2021-03-20"
    assert mw["minimum"]["source"]["verified"] is False
    assert mw["allowances_due"] == [{"benefit": "accommodation", "amount": 500, "currency": "QAR"}]
    assert [f["type"] for f in r.json()["findings"]] == ["wage_below_minimum"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(body))
    buf = io.StringIO()
    call_command("compare_contract", str(path), "--format", "table", stdout=buf)
    assert ("minimum wage 1,000.00 QAR a month (qa.minimum-wage, from 2021-03-20, unverified): below, 250.00 QAR a "
            "month short; accommodation allowance due 500.00 QAR a month") in buf.getvalue()


def test_place_of_work_and_overtime_pay_on_the_page_and_in_the_api(client):
    status, html = post(client, {"promised_workplace": "Doha", "actual_workplace": "Dukhan",
                                 "promised_overtime_percent": "150", "actual_overtime_percent": "100"})
    assert status == 200, html
    assert "contract substitution" in html
    row = html.split('class="term-overtime_percent"')[1].split("</tr>")[0]
    assert "150" in row and "100" in row and "worse" in row
    assert "different" in html.split('class="term-workplace"')[1].split("</tr>")[0]
    status, html = post(client, {"promised_overtime_percent": "150", "actual_overtime_percent": "600"})
    assert "must be at most 500" in html  # the field named, what to fix
    r = client.post("/api/v1/contracts/compare", {"promised": {"workplace": "Doha", "overtime_percent": 125},
                                                  "actual": {"workplace": "doha", "overtime_percent": 125}},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    terms = {t["term"]: t["verdict"] for t in r.json()["terms"]}
    assert terms["workplace"] == terms["overtime_percent"] == "same" and r.json()["verdict"] == "same"


def test_a_filipino_household_worker_is_checked_against_both_minimum_wages(client):
    """Qatar's for every worker there, and the Philippines' US$400 for its household service workers abroad."""
    body = {"destination": "QA", "origin": "PH", "domestic_work": True, "start": "2024-05-01",
            "actual": {"wage_amount": 1200, "wage_currency": "QAR"}}  # above QAR 1,000, but about US$330
    r = client.post("/api/v1/contracts/compare", body, content_type="application/json")
    assert r.status_code == 200, r.content
    got = {m["minimum"]["rule_id"]: m for m in r.json()["minimum_wages"]}
    assert got["qa.minimum-wage"]["verdict"] == "not_below"
    hsw = got["ph.household-service-workers-minimum-wage"]
    assert hsw["verdict"] == "below" and hsw["rate"] is not None and 60 < hsw["shortfall"] < 80
    assert [f["type"] for f in r.json()["findings"]] == ["wage_below_minimum"]
    not_domestic = client.post("/api/v1/contracts/compare", body | {"domestic_work": False},
                               content_type="application/json").json()
    assert [m["minimum"]["rule_id"] for m in not_domestic["minimum_wages"]] == ["qa.minimum-wage"]
    status, html = post(client, {"destination": "QA", "origin": "PH", "domestic_work": "yes", "start": "2024-05-01",
                                 "actual_wage_amount": "1200", "actual_wage_currency": "QAR"})
    assert status == 200 and html.count('class="minimum-wage"') == 2
    assert "Minimum wage of household service workers abroad" in html  # two rules: each named
    assert client.post("/api/v1/contracts/compare", body | {"origin": "XX"},
                       content_type="application/json").status_code == 400
