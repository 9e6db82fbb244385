"""Remedy: the fee assessment of a case (owed under each standard, with citations), a remediation plan,
payments with proof until settled, overdue plans escalate; public statistics with small-number suppression."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances import selectors
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import Attachment
from fairrecruit.grievances.services import (
    GrievanceInputError,
    Upload,
    case_close,
    case_facts_update,
    grievances_tick,
    remediation_payment_record,
    remediation_plan_create,
)
from fairrecruit.grievances.tests.conftest import PDF, World, complaint, submit

pytestmark = pytest.mark.django_db


def test_a_case_with_fees_is_assessed_with_citations(world: World) -> None:
    case = submit().case
    view = selectors.assessment_view(case)
    assert view is not None
    by_id = {s["id"]: s for s in view["standards"]}
    assert by_id["ilo-zero-fee"]["owed"]["amount"] == 180000.0
    assert by_id["ilo-zero-fee"]["owed"]["currency"] == "NPR"
    assert {c["id"] for c in by_id["ilo-zero-fee"]["citations"]} >= {"ILO-FR/GP07"}
    assert by_id["law-np"]["status"] in ("assessed", "incomplete")
    assert by_id["law-np"]["citations"]  # the Nepali rule with its source
    assert set(case.principles) >= {"ILO-FR/GP07", "IRIS/1", "ILO-FR/GP11", "ILO-FR/GP13"}


def test_without_a_wage_the_handler_completes_the_facts(world: World) -> None:
    case = submit(
        complaint(
            wage_promised_amount=None,
            wage_promised_currency="",
            wage_received_amount=None,
            wage_received_currency="",
        )
    ).case
    assert selectors.assessment_view(case) is None
    with pytest.raises(GrievanceInputError, match="wage"):
        case_facts_update(actor=world.staff, case=case, facts={"contract_months": 36})
    a = case_facts_update(
        actor=world.staff, case=case, facts={"wage_promised": {"amount": 1100, "currency": "QAR"}}
    )
    assert a is not None and a.owed_zero_fee_usd is not None


def test_remedy_flow_to_settlement(world: World, clock: FixedClock) -> None:
    case = submit(clock=clock).case
    with pytest.raises(PermissionDenied):
        remediation_plan_create(
            actor=world.recruiter,
            case=case,
            payer_kind="recruiter",
            amount=1,
            currency="NPR",
            due_date=clock.now().date(),
        )
    plan = remediation_plan_create(
        actor=world.regulator,
        case=case,
        payer_kind="recruiter",
        payer_name="Himalaya Manpower",
        amount="140000",
        currency="npr",
        due_date=clock.now().date() + dt.timedelta(days=30),
        standard="law-np",
        clock=clock,
    )
    case.refresh_from_db()
    assert case.status == "remediation" and plan.status == "open"
    clock.advance(days=5)
    remediation_payment_record(
        actor=world.regulator,
        plan=plan,
        amount=40000,
        paid_on=clock.now().date(),
        reference="NIC Asia 123",
        proof=Upload(PDF, "slip.pdf"),
        clock=clock,
    )
    plan.refresh_from_db()
    assert plan.status == "open"
    assert Attachment.objects.filter(case=case, content_type="application/pdf").exists()
    clock.advance(days=10)
    pay = remediation_payment_record(
        actor=world.regulator, plan=plan, amount=100000, paid_on=clock.now().date(), clock=clock
    )
    plan.refresh_from_db()
    assert plan.status == "settled" and plan.settled_at == clock.now()
    assert pay.amount_usd is not None and pay.amount_usd > 0
    with pytest.raises(GrievanceInputError):
        remediation_payment_record(
            actor=world.regulator, plan=plan, amount=1, paid_on=clock.now().date(), clock=clock
        )
    case_close(actor=world.regulator, case=case, outcome="remedied", clock=clock)
    assert AuditEvent.objects.filter(action="grievance.remedy.payment").count() == 2


def test_overdue_remediation_escalates(world: World, clock: FixedClock) -> None:
    case = submit(clock=clock).case
    plan = remediation_plan_create(
        actor=world.staff,
        case=case,
        payer_kind="employer",
        amount=500,
        currency="QAR",
        due_date=clock.now().date() + dt.timedelta(days=7),
        clock=clock,
    )
    clock.advance(days=7)
    assert grievances_tick(clock=clock).remedy_overdue == []
    clock.advance(days=1)
    assert grievances_tick(clock=clock).remedy_overdue == [case.code]
    plan.refresh_from_db()
    assert plan.status == "overdue"
    assert case.escalations.filter(reason="remedy_overdue", resolved_at__isnull=True).exists()
    remediation_payment_record(
        actor=world.staff, plan=plan, amount=500, paid_on=clock.now().date(), clock=clock
    )
    plan.refresh_from_db()
    assert plan.status == "settled"
    assert not case.escalations.filter(reason="remedy_overdue", resolved_at__isnull=True).exists()


def test_public_statistics_suppress_small_cells(
    world: World, clock: FixedClock, client: Client, settings: object
) -> None:
    cases = [submit(complaint(description=f"case {i}"), clock=clock).case for i in range(6)]
    for case in cases[:5]:
        plan = remediation_plan_create(
            actor=world.staff,
            case=case,
            payer_kind="recruiter",
            amount=1000,
            currency="NPR",
            due_date=clock.now().date() + dt.timedelta(days=30),
            clock=clock,
        )
        remediation_payment_record(
            actor=world.staff, plan=plan, amount=1000, paid_on=dt.date(2025, 6, 2), clock=clock
        )
        clock.advance(days=1)
        case_close(actor=world.staff, case=case, outcome="remedied", clock=clock)
    submit(complaint(origin="BD", destination="SA", respondent_identifier=""), clock=clock)
    stats = selectors.statistics_json(selectors.public_statistics())
    assert stats["min_cell"] == 5
    org = next(r for r in stats["organisations"] if r["key"] == "NP-DOFE-1234")
    assert org["received"] == 6 and org["resolved"] == 5
    assert org["median_days_to_resolution"] == 3.0
    assert org["recovered_usd"] > 0
    bd = next(r for r in stats["corridors"] if r["key"] == "BD-SA")
    assert bd["received"] == "fewer than 5"
    assert bd["resolved"] == "fewer than 5" and bd["recovered_usd"] == "fewer than 5"
    settings.FAIRRECRUIT_GRIEVANCE_MIN_CELL = 10  # type: ignore[attr-defined]
    api = client.get("/api/v1/grievance-statistics").json()
    assert api["min_cell"] == 10
    assert all(r["received"] == "fewer than 10" for r in api["organisations"])
    page = client.get("/grievances/statistics/")
    assert page.status_code == 200 and "fewer than 10" in page.content.decode()


def test_the_worker_follows_the_remedy(world: World, clock: FixedClock, client: Client) -> None:
    token = secrets.token_urlsafe(24)
    s = submit(token=token, clock=clock)
    plan = remediation_plan_create(
        actor=world.staff,
        case=s.case,
        payer_kind="recruiter",
        amount=1000,
        currency="NPR",
        due_date=clock.now().date() + dt.timedelta(days=30),
        clock=clock,
    )
    remediation_payment_record(
        actor=world.staff, plan=plan, amount=400, paid_on=clock.now().date(), clock=clock
    )
    r = client.post(
        "/api/v1/complaints/status", {"code": s.code, "pin": s.pin}, content_type="application/json"
    )
    body = r.json()
    assert body["plans"][0]["amount"] == "1000.00" and body["plans"][0]["payments"][0]["amount"] == "400.00"
    assert body["assessment"]["standards"][0]["id"] == "ilo-zero-fee"
