"""The reviews API: idempotent submission, field errors, rate limit, public reviews with aggregates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from fairrecruit.core.models import User
from fairrecruit.registry.models import Actor
from fairrecruit.reviews.models import Review

from .conftest import published

pytestmark = pytest.mark.django_db
KEY = "0b7f3c1e-5d8a-4e5b-9a39-2f1d7c6b8a90"
BODY: dict[str, Any] = {
    "actor": "NP-DOFE-1234",
    "rating": 2,
    "paid_fees": "yes",
    "documents_taken": "yes",
    "payments": [
        {"amount": 150000, "currency": "NPR", "purpose": "service charge", "paid_to": "licensed_agency"}
    ],
    "origin": "NP",
    "destination": "QA",
    "recruitment_year": 2023,
    "wage_received_amount": 1200,
    "wage_received_currency": "QAR",
    "text": "Passport PA1234567 kept",
    "language": "en",
    "contact": {"name": "Sunita", "how": "+977 9812345678"},
}


def post(client: Client, body: Any, key: str | None = KEY, **extra: Any) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1/reviews", json.dumps(body), content_type="application/json", headers=headers, **extra
    )


def test_submit_is_idempotent_with_the_idempotency_key(client: Client, agency: Actor) -> None:
    r1 = post(client, BODY)
    assert r1.status_code == 201, r1.content
    out = r1.json()
    assert out["status"] == "pending" and out["actor"] == "NP-DOFE-1234" and "passport" in out["checks"]
    assert "Sunita" not in r1.content.decode() and "9812345678" not in r1.content.decode()
    r2 = post(client, BODY)
    assert r2.status_code == 200 and r2.json() == out
    assert Review.objects.count() == 1
    r3 = post(client, {**BODY, "rating": 5})
    assert r3.status_code == 409 and r3.json()["errors"][0]["field"] == "Idempotency-Key"
    assert post(client, BODY, key="short").status_code == 400
    assert post(client, BODY, key=None).status_code == 201  # without a key: stored, not deduplicated
    assert Review.objects.count() == 2


def test_bad_input_names_the_field(client: Client, agency: Actor) -> None:
    r = post(client, {**BODY, "rating": 7, "payments": [{"amount": -1, "currency": "XYZ"}]})
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"rating", "payments[0].amount", "payments[0].currency"}
    r = post(client, {**BODY, "recruitment_year": None}, key=KEY + "-2")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "recruitment_year"
    assert post(client, {**BODY, "actor": "NOPE-1"}, key=KEY + "-3").status_code == 404
    assert client.post("/api/v1/reviews", "{", content_type="application/json").status_code == 400
    assert post(client, [1, 2], key=KEY + "-4").status_code == 400


def test_a_reported_actor_through_the_api(client: Client) -> None:
    body = {
        **BODY,
        "actor": None,
        "reported_actor": {"name": "Ram Broker", "phone": "9800000001", "role": "sub_agent"},
    }
    r = post(client, body)
    assert r.status_code == 201 and r.json()["actor"].startswith("FR-R-")


@override_settings(FAIRRECRUIT_REVIEW_RATE="1/h")
def test_rate_limit_gives_429(client: Client, agency: Actor) -> None:
    assert post(client, BODY).status_code == 201
    r = post(client, BODY, key=KEY + "-again")
    assert r.status_code == 429 and r.json()["errors"][0]["field"] == "(request)"


@override_settings(FAIRRECRUIT_REVIEW_RATE="1/h")
def test_rate_limit_counters_are_rows_of_the_shared_database_cache(client: Client, agency: Actor) -> None:
    """Every web process must count against the same limit: the counter is a row of the cache table (read by all
    processes), not one process's memory. Emptying the table lifts the limit; memory would not have forgotten."""
    assert post(client, BODY).status_code == 201
    assert post(client, BODY, key=KEY + "-2").status_code == 429
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {settings.CACHE_TABLE}")
        assert cur.fetchone()[0] >= 1
        cur.execute(f"DELETE FROM {settings.CACHE_TABLE}")
    assert post(client, BODY, key=KEY + "-3").status_code == 201


def test_public_reviews_of_an_actor(client: Client, agency: Actor, staff: User) -> None:
    published(staff, 2)
    r = client.get("/api/v1/actors/NP-DOFE-1234/reviews")
    assert r.status_code == 200
    body = r.json()
    assert body["actor"]["identifier"] == "NP-DOFE-1234"
    assert len(body["reviews"]) == 2 and body["aggregate"]["shown"] is False
    keys = set(body["reviews"][0])
    assert keys == {
        "id",
        "rating",
        "treatment",
        "text",
        "language",
        "original_text",
        "original_language",
        "origin",
        "destination",
        "recruitment_year",
        "published",
        "replies",
    }
    assert client.get("/api/v1/actors/NOPE/reviews").status_code == 404


def test_the_endpoints_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    post_op = paths["/api/v1/reviews"]["post"]
    assert "Idempotency-Key" in json.dumps(post_op)
    assert post_op["requestBody"]["content"]["application/json"]["schema"]["required"] == ["rating"]
    assert "get" in paths["/api/v1/actors/{identifier}/reviews"]
