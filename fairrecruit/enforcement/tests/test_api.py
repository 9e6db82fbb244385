"""The enforcement API over HTTP: the public register (JSON and CSV) and an organisation's sanctions; recording
with a regulator's token (401 without, 403 for other roles), bad input named field by field, Idempotency-Key
retries stored once (409 for a reused key with another body), lifting."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.services import api_token_create
from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.enforcement.services import sanction_impose
from fairrecruit.enforcement.tests.helpers import build, sanction_input
from fairrecruit.registry.models import Licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def r() -> dict[str, Any]:
    return build()


def token(user: Any) -> str:
    return api_token_create(actor=None, user=user, name="test")[1]


def post(client: Client, url: str, body: Any, key: str = "", user_token: str = "") -> Any:
    headers = {}
    if user_token:
        headers["Authorization"] = f"Bearer {user_token}"
    if key:
        headers["Idempotency-Key"] = key
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def errors(resp: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in resp.json()["errors"]}


def body(r: dict[str, Any], **over: Any) -> dict[str, Any]:
    day = r["today"].isoformat()
    b = {"regulator": "NP-DOFE", "subject": "NP-DOFE-4242", "kind": "ban", "breaches": ["unlicensed"],
         "legal_basis": "Foreign Employment Act 2007, s. 10", "decided_on": day, "effective_from": day}
    b.update(over)
    return b


def test_the_public_register_in_json_and_csv(client: Client, r: dict[str, Any]) -> None:
    fine, _ = sanction_impose(user=None, organisation=None, data=sanction_input(r))
    sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed", "overcharging"]))
    got = client.get("/api/v1/sanctions").json()
    assert got["count"] == 2 and not got["has_next"]
    by_kind = {s["kind"]: s for s in got["sanctions"]}
    assert by_kind["fine"]["amount"] == "500000.00" and by_kind["fine"]["state"] == "recorded"
    assert by_kind["fine"]["code"] == fine.code and by_kind["fine"]["regulator"] == "NP-DOFE"
    assert by_kind["ban"]["state"] == "in_force" and by_kind["ban"]["subject"] == "FR-R-901"
    current = client.get("/api/v1/sanctions", {"current": "true"}).json()
    assert [s["kind"] for s in current["sanctions"]] == ["ban"]
    assert client.get("/api/v1/sanctions", {"country": "PH"}).json()["count"] == 0
    resp = client.get("/api/v1/sanctions", {"kind": "jail", "country": "Nepal"})
    assert resp.status_code == 400 and set(errors(resp)) == {"kind", "country"}
    resp = client.get("/api/v1/sanctions", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    assert resp["Content-Type"].startswith("text/csv") and len(rows) == 2
    assert {row["breaches"] for row in rows} == {"overcharging", "unlicensed | overcharging"}
    mine = client.get("/api/v1/organisations/NP-DOFE-4242/sanctions").json()
    assert [s["code"] for s in mine["sanctions"]] == [fine.code]
    assert client.get("/api/v1/organisations/NP-XX-1/sanctions").status_code == 404


def test_recording_needs_a_regulator_token(client: Client, r: dict[str, Any]) -> None:
    assert post(client, "/api/v1/sanctions", body(r)).status_code == 401
    resp = post(client, "/api/v1/sanctions", body(r), user_token=token(r["brand"]))
    assert resp.status_code == 403 and "regulator role" in errors(resp)["Authorization"]
    resp = post(client, "/api/v1/sanctions", body(r, regulator="PH-DMW"), user_token=token(r["np_reg"]))
    assert resp.status_code == 400 and "regulators you act for" in errors(resp)["regulator"]
    assert Sanction.objects.count() == 0


def test_bad_input_names_the_fields(client: Client, r: dict[str, Any]) -> None:
    tok = token(r["np_reg"])
    resp = post(client, "/api/v1/sanctions", body(r, kind="fine", decided_on="yesterday", breaches=["bribery"]),
                user_token=tok)
    assert resp.status_code == 400
    got = errors(resp)
    assert "YYYY-MM-DD" in got["decided_on"] and "bribery" in got["breaches"]
    resp = post(client, "/api/v1/sanctions", body(r, kind="fine"), user_token=tok)
    assert set(errors(resp)) == {"amount", "currency"}
    resp = post(client, "/api/v1/sanctions", [1, 2], user_token=tok)
    assert resp.status_code == 400 and "JSON object" in errors(resp)["(body)"]
    resp = post(client, "/api/v1/sanctions", body(r), key="short", user_token=tok)
    assert resp.status_code == 400 and "Idempotency-Key" in errors(resp)
    resp = client.post("/api/v1/sanctions", body(r), headers={"Authorization": f"Bearer {tok}"})  # a form
    assert resp.status_code == 415 and "application/json" in errors(resp)["Content-Type"]
    assert Sanction.objects.count() == 0


def test_a_retried_post_is_stored_once_and_a_reused_key_is_a_conflict(client: Client, r: dict[str, Any]) -> None:
    tok = token(r["np_reg"])
    key = "key-0123456789abcdef"
    first = post(client, "/api/v1/sanctions", body(r), key=key, user_token=tok)
    assert first.status_code == 201 and first.json()["state"] == "in_force"
    assert first.json()["licence"] == "4242/069/70"
    again = post(client, "/api/v1/sanctions", body(r), key=key, user_token=tok)
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    clash = post(client, "/api/v1/sanctions", body(r, legal_basis="another act"), key=key, user_token=tok)
    assert clash.status_code == 409 and "Idempotency-Key" in errors(clash)
    assert Sanction.objects.count() == 1 and Licence.objects.get(pk=r["himal_lic"].pk).status == "banned"


def test_inspections_and_lifting_through_the_api(client: Client, r: dict[str, Any]) -> None:
    tok = token(r["np_reg"])
    resp = post(client, "/api/v1/inspections", {
        "regulator": "NP-DOFE", "subject": "NP-DOFE-4242", "kind": "follow_up", "inspected_on": r["today"].isoformat(),
        "outcome": "breaches", "breaches": ["records"], "findings": "no receipts"}, user_token=tok)
    assert resp.status_code == 201 and resp.json()["code"] == f"INS-{Inspection.objects.get().pk}"
    listed = client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {tok}"}).json()
    assert [i["findings"] for i in listed["inspections"]] == ["no receipts"]
    other = client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token(r['ph_reg'])}"}).json()
    assert other["inspections"] == []
    code = post(client, "/api/v1/sanctions", body(r, inspection=resp.json()["code"], breaches=["records"]),
                user_token=tok).json()["code"]
    resp = post(client, f"/api/v1/sanctions/{code}/lift", {"lifted_on": r["today"].isoformat()}, user_token=tok)
    assert resp.status_code == 400 and "say why" in errors(resp)["reason"]
    resp = post(client, f"/api/v1/sanctions/{code}/lift", {"lifted_on": r["today"].isoformat(), "reason": "appeal"},
                user_token=token(r["ph_reg"]))
    assert resp.status_code == 404
    resp = post(client, f"/api/v1/sanctions/{code}/lift", {"lifted_on": r["today"].isoformat(), "reason": "appeal"},
                user_token=tok)
    assert resp.status_code == 200 and resp.json()["state"] == "lifted"
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "active"


def test_the_openapi_document_lists_the_paths(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/sanctions", "/api/v1/organisations/{identifier}/sanctions", "/api/v1/inspections",
              "/api/v1/sanctions/{code}/lift", "/api/v1/sanctions/{code}/publication"):
        assert p in paths, p


def test_withdrawing_from_publication_through_the_api(client: Client, r: dict[str, Any]) -> None:
    tok = token(r["np_reg"])
    code = post(client, "/api/v1/sanctions", body(r), user_token=tok).json()["code"]
    url = f"/api/v1/sanctions/{code}/publication"
    assert post(client, url, {"published": "no"}, user_token=tok).status_code == 400  # not a boolean
    resp = post(client, url, {"published": False}, user_token=tok)
    assert resp.status_code == 400 and "say why" in errors(resp)["reason"]
    assert post(client, url, {"published": False, "reason": "x"}, user_token=token(r["ph_reg"])).status_code == 404
    resp = post(client, url, {"published": False, "reason": "the person's request, granted"}, user_token=tok)
    assert resp.status_code == 200 and resp.json()["withdrawn_reason"] == "the person's request, granted"
    assert resp.json()["state"] == "in_force"  # still in force
    assert client.get("/api/v1/sanctions").json()["count"] == 0
    assert client.get("/api/v1/organisations/NP-DOFE-4242/sanctions").json()["sanctions"] == []
    resp = post(client, url, {"published": True}, user_token=tok)
    assert resp.status_code == 200 and resp.json()["withdrawn_on"] is None
    assert client.get("/api/v1/sanctions").json()["count"] == 1
