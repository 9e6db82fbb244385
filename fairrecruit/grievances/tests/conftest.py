"""Fixtures for the grievance tests (the root conftest empties the cache): a private evidence folder, a
controllable clock, and organisations with people in each role."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fairrecruit.core.models import Organisation, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import RoutingRule
from fairrecruit.grievances.services import ComplaintInput, Submitted, complaint_submit
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import actor_create

# Tiny but real files: the magic bytes are what counts.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Path) -> None:
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


def member(name: str, org: Organisation, role: str) -> User:
    u = User.objects.create_user(name)  # no password: tests log in with force_login (and hashing is slow)
    membership_grant(actor=None, user=u, organisation=org, role=role)
    return u


class World:
    """Organisations and their people, and routing rules for NP-QA."""

    def __init__(self) -> None:
        self.platform = organisation_create(actor=None, name="FairRecruit", kind="platform")
        self.dofe = organisation_create(
            actor=None, name="Department of Foreign Employment", kind="regulator", country="NP"
        )
        self.bmet = organisation_create(actor=None, name="BMET", kind="regulator", country="BD")
        self.qa_mol = organisation_create(
            actor=None, name="Qatar Ministry of Labour", kind="regulator", country="QA"
        )
        self.union = organisation_create(actor=None, name="GEFONT", kind="union_cso", country="NP")
        self.agency_org = organisation_create(
            actor=None, name="Himalaya Manpower", kind="agency", country="NP"
        )
        self.brand = organisation_create(actor=None, name="Brand Co", kind="employer", country="GB")
        self.staff = member("staff", self.platform, Role.STAFF)
        self.regulator = member("dofe", self.dofe, Role.REGULATOR)
        self.bd_regulator = member("bmet", self.bmet, Role.REGULATOR)
        self.qa = member("qa", self.qa_mol, Role.REGULATOR)
        self.unionist = member("unionist", self.union, Role.UNION_CSO)
        self.recruiter = member("recruiter", self.agency_org, Role.RECRUITER)
        self.brand_user = member("brand", self.brand, Role.EMPLOYER)
        self.agency: Actor = actor_create(
            actor_user=None,
            name="Himalaya Manpower Pvt. Ltd.",
            kind="licensed_agency",
            identifier="NP-DOFE-1234",
            country="NP",
            city="Kathmandu",
        )
        RoutingRule.objects.create(origin="NP", target_kind="origin_regulator", organisation=self.dofe)
        RoutingRule.objects.create(origin="BD", target_kind="origin_regulator", organisation=self.bmet)
        RoutingRule.objects.create(
            destination="QA", category="wages", target_kind="destination_authority", organisation=self.qa_mol
        )
        RoutingRule.objects.create(
            origin="NP", category="forced_labour", target_kind="union_cso", organisation=self.union
        )


@pytest.fixture
def world(db: Any) -> World:
    return World()


def complaint(**kw: Any) -> ComplaintInput:
    base: dict[str, Any] = {
        "categories": ["fees", "documents_retained"],
        "description": "The agent kept my passport and took 150000 rupees.",
        "respondent_identifier": "NP-DOFE-1234",
        "origin": "NP",
        "destination": "QA",
        "recruitment_date": "2024-03-15",
        "contract_months": 24,
        "wage_promised_amount": 1200.0,
        "wage_promised_currency": "QAR",
        "wage_received_amount": 1000.0,
        "wage_received_currency": "QAR",
        "payments": [
            {
                "amount": 150000.0,
                "currency": "NPR",
                "purpose": "service charge",
                "paid_to": "licensed_agency",
            },
            {"amount": 30000.0, "currency": "NPR", "purpose": "ticket", "paid_to": "licensed_agency"},
        ],
        "worker_name": "Ram Bahadur Thapa",
        "worker_phone": "+977 9841 000000",
        "consent_share": True,
        "consent_identity": True,
        "language": "en",
    }
    base.update(kw)
    return ComplaintInput(**base)


def submit(data: ComplaintInput | None = None, token: str | None = None, **kw: Any) -> Submitted:
    kw.setdefault("channel", "web")
    return complaint_submit(data=data or complaint(), token=token or secrets.token_urlsafe(24), **kw)


def migrate_to(target: list[tuple[str, str]]) -> Any:
    """Migrate the test database to ``target`` and return the models of that state (``apps``)."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
