"""Fixtures for the reviews tests: a clean cache (rate limits, bursts), an actor, people with roles."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from fairrecruit.core.models import Organisation, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import actor_create
from fairrecruit.reviews.models import Review
from fairrecruit.reviews.services import ReviewInput, Submitted, review_moderate, review_submit


@pytest.fixture
def agency(db: Any) -> Actor:
    return actor_create(
        actor_user=None,
        name="Himalaya Manpower Pvt. Ltd.",
        kind="licensed_agency",
        identifier="NP-DOFE-1234",
        country="NP",
        city="Kathmandu",
    )


def member(name: str, org: Organisation, role: str, **kw: Any) -> User:
    u = User.objects.create_user(name, password="pw-" + name, **kw)
    membership_grant(actor=None, user=u, organisation=org, role=role)
    return u


@pytest.fixture
def staff(db: Any) -> User:
    return member("mod", organisation_create(actor=None, name="FairRecruit", kind="platform"), Role.STAFF)


def answers(**kw: Any) -> ReviewInput:
    base: dict[str, Any] = {
        "rating": 2,
        "actor_identifier": "NP-DOFE-1234",
        "paid_fees": "yes",
        "documents_taken": "yes",
        "contract_matched": "no",
        "origin": "NP",
        "destination": "QA",
        "recruitment_year": 2023,
        "wage_received_amount": 1200.0,
        "wage_received_currency": "QAR",
        "payments": [
            {"amount": 150000.0, "currency": "NPR", "purpose": "service charge", "paid_to": "licensed_agency"}
        ],
        "text": "They took my passport.",
        "language": "en",
    }
    base.update(kw)
    return ReviewInput(**base)


def submit(data: ReviewInput | None = None, token: str | None = None, **kw: Any) -> Submitted:
    return review_submit(data=data or answers(), token=token or secrets.token_urlsafe(24), **kw)


def published(moderator: User, n: int = 1, **kw: Any) -> list[Review]:
    out = []
    for i in range(n):
        data = answers(**{"text": f"Review number {i}: they charged a lot.", **kw})
        r = submit(data).review
        review_moderate(moderator=moderator, review=r, action="approve")
        out.append(r)
    return out
