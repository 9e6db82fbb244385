"""Routing to "the certification body of a certified recruiter": resolved from the certification app's
certificates, through the registry actor (record linkage merges), or recorded as unresolved with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fairrecruit.certification.models import (
    Application,
    Certificate,
    CertificationBody,
    Scheme,
    SelfAssessment,
)
from fairrecruit.core.models import AuditEvent, Organisation
from fairrecruit.core.services import organisation_create
from fairrecruit.grievances.models import RoutingRule
from fairrecruit.grievances.services import case_reroute
from fairrecruit.grievances.tests.conftest import World, complaint, submit
from fairrecruit.registry.linkage import actor_merge
from fairrecruit.registry.models import Actor

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def certify(actor: Actor, body_org: Organisation, *, status: str = "active", **dates: Any) -> Certificate:
    scheme, _ = Scheme.objects.get_or_create(
        code="iris-fr",
        defaults={"name": "IRIS", "standard_id": "iris", "standard_title": "IRIS", "ruleset_version": "t"},
    )
    body, _ = CertificationBody.objects.get_or_create(organisation=body_org)
    sa = SelfAssessment.objects.create(scheme=scheme, organisation=body_org, actor=actor)
    app = Application.objects.create(
        scheme=scheme,
        body=body,
        organisation=body_org,
        actor=actor,
        self_assessment=sa,
        placements_per_year=40,
        status="certified",
    )
    return Certificate.objects.create(
        number=f"CERT-{Certificate.objects.count() + 1}",
        application=app,
        scheme=scheme,
        body=body,
        actor=actor,
        holder_name=actor.name,
        issued_on=dates.get("issued_on", TODAY - dt.timedelta(days=100)),
        valid_until=dates.get("valid_until", TODAY + dt.timedelta(days=900)),
        status=status,
        signature="test",
        key_id="test",
    )


@pytest.fixture
def cb(world: World) -> Organisation:
    return organisation_create(actor=None, name="Ethical Audits Ltd", kind="certification_body")


def _unresolved() -> list[dict[str, Any]]:
    ev = AuditEvent.objects.filter(action="grievance.case.create").latest("pk")
    assert ev.new is not None
    return [u for u in ev.new["unresolved"] if u["target_kind"] == "certification_body"]


def test_certified_recruiter_routes_to_its_body(world: World, cb: Organisation) -> None:
    certify(world.agency, cb)
    RoutingRule.objects.create(category="fees", target_kind="certification_body")
    case = submit().case
    ref = case.referrals.get(organisation=cb)
    assert ref.target_kind == "certification_body" and ref.status == "sent"
    assert _unresolved() == []


def test_suspended_still_routes_withdrawn_and_expired_do_not(world: World, cb: Organisation) -> None:
    RoutingRule.objects.create(category="fees", target_kind="certification_body")
    cert = certify(world.agency, cb, status="suspended")
    assert submit().case.referrals.filter(organisation=cb).exists()
    Certificate.objects.filter(pk=cert.pk).update(status="withdrawn")
    case = submit().case
    assert not case.referrals.filter(organisation=cb).exists()
    assert _unresolved()[0]["why"] == "NP-DOFE-1234 holds no current certificate"
    Certificate.objects.filter(pk=cert.pk).update(status="active", valid_until=TODAY - dt.timedelta(days=1))
    assert not submit().case.referrals.filter(organisation=cb).exists()
    assert _unresolved()[0]["why"] == "NP-DOFE-1234 holds no current certificate"


def test_reported_actor_merged_into_certified_agency(world: World, cb: Organisation) -> None:
    """The worker named an unregistered agent; record linkage later merged it into the certified agency."""
    RoutingRule.objects.create(category="fees", target_kind="certification_body")
    certify(world.agency, cb)
    case = submit(
        complaint(respondent_identifier="", respondent_name="Himalaya Manpwr", respondent_place="Kathmandu")
    ).case
    assert case.respondent is not None and case.respondent.kind == "reported"
    assert not case.referrals.filter(organisation=cb).exists()
    assert "holds no current certificate" in _unresolved()[0]["why"]
    actor_merge(actor_user=None, survivor=world.agency, merged=case.respondent)
    routed = case_reroute(actor=world.staff, case=case)
    assert [r["organisation"] for r in routed["routed"]] == [cb.pk]


def test_certificate_on_a_merged_record_counts(world: World, cb: Organisation) -> None:
    old = Actor.objects.create(identifier="NP-OLD-1", kind="licensed_agency", name="Himalaya Old")
    certify(old, cb)
    actor_merge(actor_user=None, survivor=world.agency, merged=old)
    RoutingRule.objects.create(category="fees", target_kind="certification_body")
    assert submit().case.referrals.filter(organisation=cb, target_kind="certification_body").exists()


def test_rule_naming_a_body_and_no_actor(world: World, cb: Organisation) -> None:
    other = organisation_create(actor=None, name="Other Certifier", kind="certification_body")
    certify(world.agency, cb)
    RoutingRule.objects.create(category="fees", target_kind="certification_body", organisation=other)
    case = submit().case
    assert not case.referrals.filter(organisation__in=[cb, other]).exists()
    assert _unresolved()[0]["why"] == "NP-DOFE-1234 is not certified by Other Certifier"
    anon = submit(complaint(respondent_identifier="")).case
    assert anon.respondent is None
    assert _unresolved()[0]["why"].startswith("no registry actor")
