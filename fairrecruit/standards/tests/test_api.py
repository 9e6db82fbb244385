"""POST /api/v1/assessments and the other standards endpoints, over real HTTP through the test client."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fairrecruit.core.models import AuditEvent, Organisation, Role, User
from fairrecruit.core.services import api_token_create, membership_grant, organisation_create
from fairrecruit.standards.models import Assessment
from fairrecruit.standards.tests.journeys import journey

pytestmark = pytest.mark.django_db


def post(client: Client, body: object, **headers: str):  # type: ignore[no-untyped-def]
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/assessments", data=data, content_type="application/json", headers=headers)


@pytest.fixture
def token() -> tuple[str, Organisation, User]:
    org = organisation_create(actor=None, name="Brand", kind="employer", country="GB")
    user = User.objects.create_user("brand-user")
    membership_grant(actor=None, user=user, organisation=org, role=Role.EMPLOYER)
    _, key = api_token_create(actor=None, user=user, name="test", organisation=org)
    return key, org, user


def test_anonymous_assessment_is_computed_not_stored(client: Client) -> None:
    r = post(client, journey())
    assert r.status_code == 200
    body = r.json()
    assert body["stored"] is False
    assert set(body["owed"]) == {"ilo-zero-fee", "law-np", "law-qa"}
    assert body["owed"]["law-np"]["amount"] == pytest.approx(140000)
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"payments": [{"amount": -1, "currency": "NPR", "date": "2019-03-05", "category": "visa"}]}, "payments[0].amount"),
        ({"payments": [{"amount": "abc", "currency": "NPR", "date": "2019-03-05", "category": "visa"}]}, "payments[0].amount"),
        ({"payments": [{"amount": 1, "currency": "ABC", "date": "2019-03-05", "category": "visa"}]}, "payments[0].currency"),
        ({"origin": "ZZ"}, "origin"),
        ({"recruitment_date": "2019-02-31"}, "recruitment_date"),
        ({"recruiters": [{"role": "sub_agent", "country": "XX"}]}, "recruiters[0].country"),
        ({"occupation": {"isco08": "9999"}}, "occupation.isco08"),
        ({"promised_wage": {"amount": 1e300, "currency": "QAR"}}, "promised_wage.amount"),
        ({"payments": [{"amount": 1e13, "currency": "NPR", "date": "2019-03-05", "category": "visa"}]}, "payments[0].amount"),
    ],
)
def test_bad_input_is_400_with_field_errors(client: Client, change: dict, field: str) -> None:
    r = post(client, journey(**change))
    assert r.status_code == 400
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert field in fields


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinite_amounts_are_named_not_assessed(client: Client, literal: str) -> None:
    """Python reads these JSON literals as floats that JSON Schema lets through; they were assessed (200) and the
    answer held NaN or Infinity, which is not JSON."""
    body = json.dumps(journey(first_month_earnings={"amount": 12345, "currency": "QAR"}))
    body = body.replace('"amount": 12345', f'"amount": {literal}', 1)
    assert f'"amount": {literal}' in body
    r = post(client, body)
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert errors == {"first_month_earnings.amount": f"must be a number, not {json.dumps(float(literal))}"}


def test_missing_earnings_and_broken_json(client: Client) -> None:
    j = journey()
    del j["first_month_earnings"]
    r = post(client, j)
    assert r.status_code == 400
    assert r.json()["errors"][0] == {"field": "first_month_earnings", "message": "is required"}
    r = post(client, "{not json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "(body)"


def test_retried_request_is_stored_once(client: Client, token: tuple[str, Organisation, User]) -> None:
    key, org, user = token
    auth = {"Authorization": f"Bearer {key}", "Idempotency-Key": "abc-123"}
    first = post(client, journey(), **auth)
    again = post(client, journey(), **auth)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Assessment.objects.count() == 1
    a = Assessment.objects.get()
    assert a.organisation == org and a.created_by == user
    ev = AuditEvent.objects.get(action="assessment.create")
    assert ev.target_id == str(a.id) and ev.channel == "api" and ev.ip == "127.0.0.1"
    assert ev.actor == user and ev.organisation == org
    conflict = post(client, journey(contract_months=12), **auth)
    assert conflict.status_code == 409
    assert Assessment.objects.count() == 1


def test_stored_assessment_is_scoped_to_the_organisation(client: Client, token: tuple[str, Organisation, User]) -> None:
    key, _, _ = token
    created = post(client, journey(), Authorization=f"Bearer {key}").json()
    other_org = organisation_create(actor=None, name="Other", kind="employer")
    other = User.objects.create_user("other")
    membership_grant(actor=None, user=other, organisation=other_org, role=Role.EMPLOYER)
    _, other_key = api_token_create(actor=None, user=other, name="x", organisation=other_org)
    url = f"/api/v1/assessments/{created['id']}"
    assert client.get(url, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {other_key}"}).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_openapi_documents_the_assessment_endpoint(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/assessments"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert "first_month_earnings" in schema["required"]
    assert {"200", "201", "400", "409"} <= set(op["responses"])
    assert "/api/v1/rules" in spec["paths"]


def test_rules_endpoint_changes_on_the_legal_boundary(client: Client) -> None:
    def rule(day: str) -> dict:
        body = client.get(f"/api/v1/rules?origin=NP&destination=QA&date={day}").json()
        return next(s for s in body["standards"] if s["id"] == "law-np")["rule"]

    assert rule("2015-06-30")["cap"] == "at most 70,000 NPR"
    assert rule("2015-07-01")["cap"] == "at most 10,000 NPR"
    bad = client.get("/api/v1/rules?origin=XX&destination=QA&date=2015-02-31")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"origin", "date"}


def test_rules_in_force_give_the_destinations_minimum_wage(client) -> None:
    got = client.get("/api/v1/rules", {"origin": "NP", "destination": "qa", "date": "2021-03-20"}).json()
    [mw] = got["minimum_wages"]
    assert (mw["id"], mw["amount"], mw["currency"], mw["from"]) == ("qa.minimum-wage", 1000.0, "QAR", "2021-03-20")
    assert {a["benefit"]: a["amount"] for a in mw["allowances"]} == {"food": 300.0, "accommodation": 500.0}
    assert mw["source"]["verified"] is False
    assert client.get("/api/v1/rules", {"origin": "NP", "destination": "QA", "date": "2021-03-19"}).json()[
        "minimum_wages"] == []
    both = client.get("/api/v1/rules", {"origin": "PH", "destination": "QA", "date": "2024-01-01",
                                        "domestic_work": "true"}).json()["minimum_wages"]
    assert [(m["id"], m["country"]) for m in both] == [("qa.minimum-wage", "QA"),
                                                       ("ph.household-service-workers-minimum-wage", "PH")]
