"""Schemathesis against the OpenAPI schema (the grievance and enforcement endpoints, then the rest with fewer
examples), through the WSGI app (no network):
generated requests, valid and invalid, must never get a server error (5xx). Bounded examples (< 60 s)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from fairrecruit.wsgi import application

MAX_EXAMPLES = 20


@pytest.fixture
def grievance_api(db: Any, settings: Any, tmp_path: Any) -> Iterator[Any]:
    settings.FAIRRECRUIT_GRIEVANCE_RATE = "100000/h"
    settings.FAIRRECRUIT_GRIEVANCE_PIN_RATE = "100000/h"
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")
    cache.clear()
    # Like Django's test client: keep the test's database connection (and its transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _bearer(username: str, kind: str, role: str) -> dict[str, str]:
    """The Authorization header of a new user with ``role`` in a new Nepali organisation of ``kind``."""
    from fairrecruit.core.models import User
    from fairrecruit.core.services import api_token_create, membership_grant, organisation_create

    org = organisation_create(actor=None, name=f"{username} org", kind=kind, country="NP")
    user = User.objects.create_user(username)
    membership_grant(actor=None, user=user, organisation=org, role=role)
    _t, key = api_token_create(actor=None, user=user, name="fuzz", organisation=org)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def auth(db: Any) -> dict[str, str]:
    return _bearer("hotline", "union_cso", "union_cso")


schema = schemathesis.pytest.from_fixture("grievance_api").include(tag="grievances")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_grievance_api_has_no_server_errors(case: Any, auth: dict[str, str]) -> None:
    case.call_and_validate(checks=[not_a_server_error])
    case.call_and_validate(headers=auth, checks=[not_a_server_error])


@pytest.mark.django_db
def test_the_schema_covers_the_grievance_endpoints(grievance_api: Any) -> None:
    ops = grievance_api.include(tag="grievances").get_all_operations()
    paths = {op.path for op in (r.ok() for r in ops)}
    assert {
        "/complaints",
        "/complaints/status",
        "/complaints/information",
        "/cases",
        "/cases/{code}",
        "/cases/{code}/access-log",
        "/grievance-statistics",
    } <= {p.removeprefix("/api/v1") for p in paths}


@pytest.fixture
def regulator_auth(db: Any) -> dict[str, str]:
    """A regulator's token, with a regulator of its country in the registry (the enforcement API's writers)."""
    from fairrecruit.registry.services import actor_create

    actor_create(actor_user=None, name="Department of Foreign Employment", kind="regulator", identifier="NP-DOFE",
                 country="NP")
    return _bearer("inspector", "regulator", "regulator")


enforcement_schema = schemathesis.pytest.from_fixture("grievance_api").include(tag="enforcement")


@pytest.mark.django_db
@enforcement_schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_enforcement_api_has_no_server_errors(case: Any, regulator_auth: dict[str, str]) -> None:
    case.call_and_validate(checks=[not_a_server_error])
    case.call_and_validate(headers=regulator_auth, checks=[not_a_server_error])


# Every other endpoint too (standards, registry, reviews, evidence, certification, jobs): fewer examples each.
rest_schema = schemathesis.pytest.from_fixture("grievance_api").exclude(tag="grievances").exclude(tag="enforcement")


@pytest.mark.django_db
@rest_schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_rest_of_the_api_has_no_server_errors(case: Any, regulator_auth: dict[str, str]) -> None:
    case.call_and_validate(checks=[not_a_server_error])
    case.call_and_validate(headers=regulator_auth, checks=[not_a_server_error])
