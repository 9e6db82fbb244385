"""Intake: idempotent, acknowledged once, encrypted at rest, evidence sniffed and kept private."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances import storage
from fairrecruit.grievances.models import Attachment, Case, Escalation
from fairrecruit.grievances.services import (
    GrievanceInputError,
    IdempotencyConflict,
    Upload,
    case_by_code_pin,
    normalise_code,
)
from fairrecruit.grievances.tests.conftest import JPEG, PDF, World, complaint, submit

pytestmark = pytest.mark.django_db


def test_a_retry_is_stored_once_with_the_same_code_and_pin(world: World) -> None:
    token = secrets.token_urlsafe(24)
    first = submit(token=token)
    again = submit(token=token)
    assert first.created and not again.created
    assert (first.code, first.pin) == (again.code, again.pin)
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="grievance.case.create").count() == 1


def test_the_same_token_with_another_complaint_is_a_conflict(world: World) -> None:
    token = secrets.token_urlsafe(24)
    submit(token=token)
    with pytest.raises(IdempotencyConflict):
        submit(complaint(description="something else"), token=token)
    assert Case.objects.count() == 1


def test_code_and_pin_open_the_case_and_only_a_hash_of_the_pin_is_stored(world: World) -> None:
    s = submit()
    assert case_by_code_pin(s.code, s.pin) == s.case
    assert case_by_code_pin(s.code.lower().replace("-", " "), s.pin) == s.case
    assert case_by_code_pin(s.code, "000000" if s.pin != "000000" else "111111") is None
    assert normalise_code("gr j7vw gnc6") == "GR-J7VW-GNC6"
    row = Case.objects.values("pin_hash", "idempotency_key").get()
    assert s.pin not in json.dumps(row)


def test_identity_is_encrypted_at_rest(world: World) -> None:
    s = submit()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT worker_name, worker_contact FROM grievances_case WHERE id = %s",
            [s.case.pk.hex if connection.vendor == "sqlite" else s.case.pk],
        )
        name, contact = cur.fetchone()
    assert name and "Thapa" not in name and "Ram Bahadur" not in name
    assert contact and "9841" not in contact
    c = Case.objects.get()
    assert str(c.worker_name) == "[encrypted]"


def test_anonymous_complaints_keep_no_name(world: World) -> None:
    s = submit(complaint(anonymous=True, consent_identity=True))
    assert not s.case.worker_name
    assert not s.case.consent_identity
    assert not s.case.referrals.filter(shares_identity=True).exists()


def test_malformed_values_are_refused_but_missing_facts_are_not(world: World) -> None:
    with pytest.raises(GrievanceInputError) as e:
        submit(complaint(categories=["nonsense"], origin="XX", payments=[{"amount": -1, "currency": "ZZZ"}]))
    fields = {x.field for x in e.value.errors}
    assert {"categories", "origin", "payments[0].amount", "payments[0].currency"} <= fields
    minimal = submit(
        complaint(
            categories=["other"],
            respondent_identifier="",
            origin="",
            destination="",
            payments=[],
            recruitment_date="",
            worker_name="",
            worker_phone="",
        )
    )
    assert minimal.created and minimal.case.severity == "low"


def test_a_worker_in_danger_is_escalated_at_once(world: World) -> None:
    s = submit(complaint(in_danger=True))
    assert s.case.severity == "critical" and s.case.urgency == "immediate"
    assert s.case.escalation_level == 1
    assert Escalation.objects.filter(case=s.case, reason="danger").exists()


def test_an_unknown_actor_becomes_a_reported_actor(world: World) -> None:
    s = submit(complaint(respondent_identifier="", respondent_name="Ram Travels", respondent_place="Pokhara"))
    assert s.case.respondent is not None
    assert s.case.respondent.kind == "reported" and s.case.respondent.identifier.startswith("FR-R-")
    s2 = submit(
        complaint(respondent_identifier="", respondent_name="Ram Travels", respondent_place="Pokhara")
    )
    assert s2.case.respondent == s.case.respondent


def test_evidence_type_is_sniffed_from_the_bytes_and_size_limited(world: World, settings: object) -> None:
    s = submit(uploads=[Upload(JPEG, "receipt.jpg"), Upload(PDF, "contract.pdf")])
    kinds = sorted(Attachment.objects.filter(case=s.case).values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/jpeg"]
    a = Attachment.objects.get(content_type="image/jpeg")
    raw = (storage.conf.evidence_dir() / a.storage_name).read_bytes()
    assert JPEG not in raw  # encrypted on disk
    assert storage.read(a.storage_name) == JPEG
    with pytest.raises(GrievanceInputError, match="only photos"):
        submit(uploads=[Upload(b"MZ\x90\x00 not an image", "photo.jpg")])
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES = 50  # type: ignore[attr-defined]
    with pytest.raises(GrievanceInputError, match="larger"):
        submit(uploads=[Upload(JPEG, "big.jpg")])
    assert Case.objects.count() == 1


def test_a_failed_transaction_leaves_no_evidence_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from fairrecruit.grievances import services

    def boom(*a: object, **kw: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_route", boom)
    with pytest.raises(RuntimeError):
        submit(uploads=[Upload(JPEG, "r.jpg")])
    assert Case.objects.count() == 0
    assert not list(storage.conf.evidence_dir().glob("*"))


def test_api_acknowledges_once_and_retries_get_the_same_answer(world: World, client: Client) -> None:
    body = {
        "categories": ["fees"],
        "origin": "NP",
        "destination": "QA",
        "recruitment_year": 2024,
        "wage_promised": {"amount": 1200, "currency": "QAR"},
        "payments": [{"amount": 100000, "currency": "NPR", "purpose": "visa"}],
        "worker": {"name": "Sita", "phone": "+9779800000000"},
        "consent": {"share": True},
    }
    key = "k-" + secrets.token_hex(12)
    r1 = client.post(
        "/api/v1/complaints", body, content_type="application/json", headers={"Idempotency-Key": key}
    )
    r2 = client.post(
        "/api/v1/complaints", body, content_type="application/json", headers={"Idempotency-Key": key}
    )
    assert r1.status_code == 201 and r2.status_code == 200
    assert r1.json()["code"] == r2.json()["code"] and r1.json()["pin"] == r2.json()["pin"]
    r3 = client.post(
        "/api/v1/complaints",
        {**body, "description": "x"},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert r3.status_code == 409
    assert client.post("/api/v1/complaints", "{", content_type="application/json").status_code == 400
    bad = client.post("/api/v1/complaints", {"categories": "fees"}, content_type="application/json")
    assert bad.status_code == 400
    unknown = client.post(
        "/api/v1/complaints",
        {"categories": ["fees"], "respondent": {"identifier": "NOPE"}},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    assert Case.objects.count() == 1
    status = client.post(
        "/api/v1/complaints/status",
        {"code": r1.json()["code"], "pin": r1.json()["pin"]},
        content_type="application/json",
    )
    assert status.status_code == 200 and status.json()["status"] == "referred"
    assert "Sita" not in status.content.decode()
    add = client.post(
        "/api/v1/complaints/information",
        {"code": r1.json()["code"], "pin": r1.json()["pin"], "text": "He has my passport too."},
        content_type="application/json",
    )
    assert add.status_code == 201
    wrong = client.post(
        "/api/v1/complaints/status",
        {"code": r1.json()["code"], "pin": "123"},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_api_is_rate_limited(world: World, client: Client, settings: object) -> None:
    settings.FAIRRECRUIT_GRIEVANCE_RATE = "2/h"  # type: ignore[attr-defined]
    codes = [
        client.post(
            "/api/v1/complaints", {"categories": ["other"]}, content_type="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize(
    ("literal", "message"),
    [("1e308", "must be at most 10,000,000,000"), ("123456789012345678901234567890", "must be at most 10,000,000,000"),
     ("0.000000001", "must be at least 0.01"), ("NaN", "must be a number"), ("1e400", "must be a number"),
     ("-5", "must be more than 0")],
)
def test_an_amount_that_cannot_be_stored_is_named_with_what_to_fix(client: Client, literal: str, message: str) -> None:
    """A huge payment was told "must be more than 0"; a tiny one was stored as 0.00."""
    body = json.dumps({"categories": ["fees"], "origin": "NP", "destination": "QA",
                       "payments": [{"amount": 7, "currency": "NPR", "purpose": "visa"}]})
    r = client.post("/api/v1/complaints", body.replace('"amount": 7', f'"amount": {literal}'),
                    content_type="application/json", headers={"Idempotency-Key": "k-" + secrets.token_hex(12)})
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": "payments[0].amount", "message": message}]
    assert not Case.objects.exists()


def test_a_payment_may_name_its_cost_item_and_an_unknown_one_is_named_with_what_to_fix(client: Client) -> None:
    """A payment's ``category`` (a cost item of the fee standards) overrides its free-text purpose in the
    assessment; an item the standards do not know is refused, naming the field and the items allowed."""
    payment = {"amount": 150000, "currency": "NPR", "purpose": "paid to Ram", "category": "service_fee"}
    body: dict[str, Any] = {"categories": ["fees"], "origin": "NP", "destination": "QA", "recruitment_year": 2023,
                            "wage_promised": {"amount": 1200, "currency": "QAR"}, "payments": [payment]}
    ok = client.post("/api/v1/complaints", body, content_type="application/json",
                     headers={"Idempotency-Key": "k-" + secrets.token_hex(12)})
    assert ok.status_code == 201
    case = case_by_code_pin(ok.json()["code"], ok.json()["pin"])
    assert case is not None and case.facts["payments"][0]["category"] == "service_fee"
    assessment = case.assessments.first()
    assert assessment is not None
    owed = {s["id"]: s["owed"]["amount"] for s in assessment.result["standards"]}
    assert owed["law-np"] == 140000 and owed["law-qa"] == 150000  # "paid to Ram" alone could not be judged

    body["payments"] = [{**payment, "category": "tea"}]
    bad = client.post("/api/v1/complaints", body, content_type="application/json",
                      headers={"Idempotency-Key": "k-" + secrets.token_hex(12)})
    assert bad.status_code == 400
    [error] = bad.json()["errors"]
    assert error["field"] == "payments[0].category"
    assert error["message"].startswith("unknown cost item tea: use one of ") and "service_fee" in error["message"]
    assert Case.objects.count() == 1


def test_a_partner_app_lets_the_worker_name_a_payment_the_laws_could_not_judge(client: Client) -> None:
    """The status call lists the payments the fee laws could not judge; the worker names one through the app with
    code and PIN, the case is assessed again; bad input is named, a wrong PIN opens nothing."""
    body = {"categories": ["fees"], "origin": "NP", "destination": "QA", "recruitment_year": 2023,
            "wage_promised": {"amount": 1200, "currency": "QAR"},
            "payments": [{"amount": 150000, "currency": "NPR", "purpose": "to Ram"}]}
    made = client.post("/api/v1/complaints", body, content_type="application/json",
                       headers={"Idempotency-Key": "k-" + secrets.token_hex(12)}).json()
    login = {"code": made["code"], "pin": made["pin"]}
    status = client.post("/api/v1/complaints/status", login, content_type="application/json").json()
    assert status["payments_to_name"] == [{"index": 0, "amount": 150000.0, "currency": "NPR"}]
    assert [p["item"] for p in status["assessment"]["payments"]] == ["unclassified"]

    def name(**kw: Any) -> Any:
        return client.post("/api/v1/complaints/payment-purpose", {**login, **kw}, content_type="application/json")

    assert name(index=0, category="tea").json()["errors"][0]["field"] == "category"
    assert name(index=3, category="service_fee").json()["errors"][0]["field"] == "payment"
    assert name(category="service_fee").json()["errors"] == [
        {"field": "index", "message": "is required: the index of a payment to name"}]
    other_pin = "000000" if made["pin"] != "000000" else "111111"
    assert name(pin=other_pin, index=0, category="service_fee").status_code == 404
    ok = name(index=0, category="service_fee")
    assert ok.status_code == 200 and ok.json()["payments_to_name"] == []
    owed = {s["id"]: s["owed"]["amount"] for s in ok.json()["assessment"]["standards"]}
    assert owed["law-np"] == 140000  # NPR 10,000 is the most a Nepali agency may charge for Qatar
