"""Programmes API: list and detail of brand remediation programmes, per-worker owed and paid, for tokens of
users allowed to run programmes (the brand's own, staff all), documented in OpenAPI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.core.services import api_token_create, organisation_create
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import ProgrammePayment
from fairrecruit.grievances.programmes import programme_import, programme_payment_record, worker_by_ref
from fairrecruit.grievances.tests.conftest import World, member
from fairrecruit.grievances.tests.test_programmes import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")


@pytest.fixture
def world(db: Any) -> World:
    return World()


def bearer(user: Any) -> dict[str, str]:
    _tok, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def programme(world: World) -> Any:
    done = programme_import(
        actor=world.brand_user,
        organisation=world.brand,
        name="2026 repayment",
        data=csv_bytes(ROWS),
        filename="survey.csv",
        instalments=2,
        first_due=dt.date(2026, 1, 1),
        interval_months=3,
    )
    w = worker_by_ref(done.programme, "E-001")
    assert w is not None
    programme_payment_record(
        actor=world.brand_user,
        worker=w,
        amount=50000,
        paid_on=dt.date(2026, 1, 5),
        clock=FixedClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC)),
    )
    return done.programme


def test_the_brand_sees_its_programme_and_what_each_worker_is_owed_and_paid(
    world: World, programme: Any, client: Client
) -> None:
    auth = bearer(world.brand_user)
    listed = client.get("/api/v1/programmes", **auth).json()["programmes"]
    assert [p["id"] for p in listed] == [programme.pk]
    assert listed[0]["workers"] == 3 and listed[0]["owed"]["NPR"] == "150000.00"
    assert listed[0]["paid"]["NPR"] == "50000.00"
    detail = client.get(f"/api/v1/programmes/{programme.pk}", **auth).json()
    workers = {w["worker_ref"]: w for w in detail["workers"]}
    assert workers["E-001"]["owed"] == "150000.00" and workers["E-001"]["paid"] == "50000.00"
    assert workers["E-001"]["outstanding"] == "100000.00" and workers["E-001"]["currency"] == "NPR"
    assert workers["E-001"]["behind_schedule"]  # 75,000 were due on 1 January
    assert [i["amount"] for i in workers["E-001"]["instalments"]] == ["75000.00", "75000.00"]
    assert workers["E-003"]["owed"] == "0.00" and workers["E-003"]["settled_at"] is not None
    assert detail["has_next"] is False
    behind = client.get(f"/api/v1/programmes/{programme.pk}?behind_schedule=true", **auth).json()["workers"]
    assert sorted(w["worker_ref"] for w in behind) == ["E-001", "E-002"]  # E-003 owed nothing
    # Each reference returned is a logged read by the token's user.
    reads = AuditEvent.objects.filter(action="sensitive.read", target_type="grievances.programmeworker")
    assert reads.count() == 3 + 2 and {e.actor for e in reads} == {world.brand_user}
    assert {e.new["purpose"] for e in reads} == {"programme API"}


def test_who_may_see_programmes(world: World, programme: Any, client: Client) -> None:
    url = f"/api/v1/programmes/{programme.pk}"
    assert client.get("/api/v1/programmes").status_code == 401
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    staff = bearer(world.staff)
    assert client.get(url, **staff).status_code == 200
    for missing in ("9" * 30, str(2**63), "-1", "0"):  # no such programme, not a database error
        r = client.get(f"/api/v1/programmes/{missing}", **staff)
        assert r.status_code == 404 and r.json()["errors"][0]["field"] == "programme_id", missing
    assert [p["id"] for p in client.get("/api/v1/programmes", **staff).json()["programmes"]] == [programme.pk]
    other_brand = organisation_create(actor=None, name="Other Brand", kind="employer")
    for user in (
        member("other-brand", other_brand, Role.EMPLOYER),
        world.regulator,
        world.recruiter,
        world.unionist,
    ):
        auth = bearer(user)
        assert client.get("/api/v1/programmes", **auth).json()["programmes"] == [], user
        assert client.get(url, **auth).status_code == 404, user


def test_documented_in_openapi(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"401"} <= set(paths["/api/v1/programmes"]["get"]["responses"])
    detail = paths["/api/v1/programmes/{programme_id}"]["get"]
    assert {"200", "401", "404"} <= set(detail["responses"])
    worker = detail["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["workers"]
    assert {"owed", "paid", "outstanding"} <= set(worker["items"]["properties"])


def test_a_payment_through_the_api_is_recorded_once_and_bad_input_is_named(
    world: World, programme: Any, client: Client
) -> None:
    auth = bearer(world.brand_user)
    url = f"/api/v1/programmes/{programme.pk}/payments"
    body = {"worker_ref": "E-002", "amount": "200000", "paid_on": "2026-02-01", "reference": "bank 77"}
    key = {"HTTP_IDEMPOTENCY_KEY": "payment-e002-000000001"}
    made = client.post(url, body, content_type="application/json", **auth, **key)
    assert made.status_code == 201, made.content
    assert made.json()["worker"] == {"paid": "200000.00", "outstanding": "200000.00", "repaid": False}
    again = client.post(url, body, content_type="application/json", **auth, **key)  # a retry: stored once
    assert again.status_code == 200 and again.json()["again"] is True
    assert again.json()["payment"]["id"] == made.json()["payment"]["id"]
    assert ProgrammePayment.objects.filter(worker__programme=programme, amount=200000).count() == 1
    other = client.post(url, body | {"amount": "5"}, content_type="application/json", **auth, **key)
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    rest = client.post(url, body | {"amount": 200000.0}, content_type="application/json", **auth,
                       HTTP_IDEMPOTENCY_KEY="payment-e002-000000002")
    assert rest.status_code == 201 and rest.json()["worker"]["repaid"] is True
    # every problem at once, each named
    bad = client.post(url, {"worker_ref": "E-999", "amount": "-3", "paid_on": "2099-01-01", "colour": "red"},
                      content_type="application/json", **auth)
    fields = {e["field"] for e in bad.json()["errors"]}
    assert bad.status_code == 400 and fields == {"Idempotency-Key", "colour", "worker_ref", "amount", "paid_on"}
    cents = client.post(url, body | {"amount": "10.005"}, content_type="application/json", **auth,
                        HTTP_IDEMPOTENCY_KEY="payment-e002-000000003")
    assert cents.status_code == 400 and "two decimals" in cents.json()["errors"][0]["message"]
    form = client.post(url, body, **auth, HTTP_IDEMPOTENCY_KEY="payment-e002-000000004")
    assert form.status_code == 415
    # another brand's token, and no token
    other_brand = organisation_create(actor=None, name="Other Brand", kind="employer")
    stranger = bearer(member("other-brand", other_brand, Role.EMPLOYER))
    assert client.post(url, body, content_type="application/json", **stranger, **key).status_code == 404
    assert client.post(url, body, content_type="application/json", **key).status_code == 401
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"201", "400", "409"} <= set(paths["/api/v1/programmes/{programme_id}/payments"]["post"]["responses"])
