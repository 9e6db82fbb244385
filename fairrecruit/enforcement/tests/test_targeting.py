"""Which recruiters to inspect first: worker evidence per recruiter, scoped to what the regulator may see, in the
documented order, on the page and as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fairrecruit.core.models import Membership
from fairrecruit.enforcement.services import inspection_record
from fairrecruit.enforcement.targeting import inspection_targets
from fairrecruit.enforcement.tests.helpers import build
from fairrecruit.grievances.models import RoutingRule
from fairrecruit.grievances.services import ComplaintInput, complaint_submit
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import actor_create
from fairrecruit.reviews.models import Review, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def r(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")
    r = build()
    np_org = Membership.objects.get(user=r["np_reg"]).organisation
    RoutingRule.objects.create(origin="NP", target_kind="origin_regulator", organisation=np_org)
    r["quiet"] = actor_create(actor_user=None, name="Quiet Overseas", kind="licensed_agency",
                              identifier="NP-DOFE-5", country="NP")
    r["manila"] = actor_create(actor_user=None, name="Manila Bright Placement", kind="licensed_agency",
                               identifier="PH-DMW-9", country="PH")
    r["dup"] = actor_create(actor_user=None, name="Twin Peaks Overseas (old record)", kind="licensed_agency",
                            identifier="NP-DOFE-77-OLD", country="NP")
    Actor.objects.filter(pk=r["dup"].pk).update(merged_into=r["twin"])
    return r


def review(actor: Actor, **kw: Any) -> None:
    fields: dict[str, Any] = {"paid_fees": "no", "documents_taken": "no", "published_at": timezone.now(), **kw}
    Review.objects.create(actor=actor, idempotency_key=uuid.uuid4().hex, input_hash=uuid.uuid4().hex,
                          edit_code_hash=uuid.uuid4().hex, rating=2, status=ReviewStatus.PUBLISHED, **fields)


def complain(identifier: str, origin: str = "NP") -> None:
    data = ComplaintInput(
        categories=["fees"], description="The agent took 150000 rupees.", respondent_identifier=identifier,
        origin=origin, destination="QA", recruitment_date="2024-03-15", contract_months=24,
        wage_promised_amount=1200.0, wage_promised_currency="QAR", wage_received_amount=1000.0,
        wage_received_currency="QAR",
        payments=[{"amount": 150000.0, "currency": "NPR", "purpose": "service charge", "paid_to": "licensed_agency"}],
        worker_name="Ram Bahadur Thapa", worker_phone="+977 9841 000000", consent_share=True,
        consent_identity=True, language="en")
    complaint_submit(data=data, token=secrets.token_urlsafe(24), channel="web")


def test_evidence_is_counted_per_recruiter_with_merged_records_and_ordered(r: dict[str, Any]) -> None:
    complain("NP-DOFE-4242")
    for _ in range(3):
        review(r["twin"], paid_fees="yes")
    review(r["dup"], documents_taken="yes")  # a merged record counts for the record it was merged into
    review(r["quiet"])  # a review reporting nothing: not a signal
    review(r["manila"], documents_taken="yes")  # another country
    review(r["broker"], paid_fees="partly", published_at=timezone.now() - dt.timedelta(days=400))  # too old
    inspection_record(user=None, organisation=None, regulator=r["dofe"], subject=r["twin"], kind="routine",
                      inspected_on=r["today"] - dt.timedelta(days=100), outcome="no_breach", breaches=[])
    got = inspection_targets(r["np_reg"])
    assert [t.actor.identifier for t in got] == ["NP-DOFE-4242", "NP-DOFE-77"]
    himal, twin = got
    assert (himal.complaints, himal.substantiated, himal.reviews) == (1, 0, 0)
    assert (twin.reviews, twin.fee_reports, twin.documents_taken) == (4, 3, 1)
    assert twin.last_inspection == r["today"] - dt.timedelta(days=100) and himal.last_inspection is None
    assert [t.actor.identifier for t in inspection_targets(r["staff"], country="PH")] == ["PH-DMW-9"]
    assert inspection_targets(r["np_reg"], country="PH") == []  # not its country
    assert inspection_targets(r["brand"]) == []


def test_complaints_count_only_where_the_regulator_may_see_them(r: dict[str, Any]) -> None:
    complain("NP-DOFE-4242", origin="BD")  # routed nowhere near the Nepali regulator
    assert inspection_targets(r["np_reg"]) == []
    assert [t.complaints for t in inspection_targets(r["staff"], country="NP")] == [1]  # staff see every case


def test_the_page_and_its_csv(client: Client, r: dict[str, Any]) -> None:
    complain("NP-DOFE-4242")
    review(r["twin"], documents_taken="yes")
    client.force_login(r["brand"])
    assert client.get("/enforcement/targets/").status_code == 403
    client.force_login(r["np_reg"])
    page = client.get("/enforcement/targets/").content.decode()
    assert page.index('data-identifier="NP-DOFE-4242"') < page.index('data-identifier="NP-DOFE-77"')
    assert "/enforcement/inspections/new/?subject=NP-DOFE-4242" in page and "Ram Bahadur" not in page
    rows = list(csv.DictReader(io.StringIO(client.get("/enforcement/targets/?format=csv").content.decode())))
    assert [(x["identifier"], x["complaints"], x["documents_taken"]) for x in rows] == [
        ("NP-DOFE-4242", "1", "0"), ("NP-DOFE-77", "0", "1")]
    prefilled = client.get("/enforcement/inspections/new/?subject=NP-DOFE-4242").content.decode()
    assert 'value="NP-DOFE-4242"' in prefilled
