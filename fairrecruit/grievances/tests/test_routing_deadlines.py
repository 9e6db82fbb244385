"""Routing by corridor and category, deadlines per stage and escalation when missed, with a controllable clock
(no sleeping)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances import taxonomy, workflow
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import Case, Escalation, RoutingRule
from fairrecruit.grievances.services import (
    GrievanceInputError,
    case_close,
    case_parties_update,
    case_reroute,
    case_status_change,
    grievances_tick,
    referral_respond,
    routing_rule_save,
    worker_consent_give,
)
from fairrecruit.grievances.tests.conftest import World, complaint, submit
from fairrecruit.standards.loader import get_rules

pytestmark = pytest.mark.django_db


def test_taxonomy_cites_known_principles() -> None:
    known = set(get_rules().principles)
    for c in taxonomy.CATEGORIES:
        assert set(c.principles) <= known, c.code
    assert set(taxonomy.REMEDY_PRINCIPLES) <= known
    assert len(taxonomy.FORCED_LABOUR_INDICATORS) == 11
    assert taxonomy.CATEGORY_BY_CODE["fees"].principles[:2] == ("ILO-FR/GP07", "IRIS/1")
    assert "ILO-FR/GP09" in taxonomy.CATEGORY_BY_CODE["deception"].principles
    assert "ILO-FR/GP08" in taxonomy.CATEGORY_BY_CODE["contract_substitution"].principles
    assert "ILO-FR/GP11" in taxonomy.CATEGORY_BY_CODE["documents_retained"].principles
    assert "ILO-FR/GP12" in taxonomy.CATEGORY_BY_CODE["restricted_movement"].principles


def test_triage() -> None:
    t = taxonomy.triage(categories=["fees"], indicators=[], in_danger=False)
    assert (t.severity, t.urgency) == ("medium", "normal")
    t = taxonomy.triage(categories=["fees", "wages"], indicators=["debt_bondage"], in_danger=False)
    assert t.severity == "high" and set(t.indicators) == {"debt_bondage", "withholding_of_wages"}
    t = taxonomy.triage(categories=["other"], indicators=[], in_danger=True)
    assert (t.severity, t.urgency) == ("critical", "immediate")


def test_routing_by_corridor_and_category(world: World) -> None:
    case = submit(complaint(categories=["wages", "fees"])).case
    orgs = set(case.referrals.values_list("organisation__name", flat=True))
    assert orgs == {"Department of Foreign Employment", "Qatar Ministry of Labour"}
    fl = submit(complaint(categories=["fees"], indicators=["debt_bondage", "isolation"])).case
    assert "forced_labour" in fl.categories
    assert "GEFONT" in set(fl.referrals.values_list("organisation__name", flat=True))
    other = submit(complaint(origin="PH", destination="SA", respondent_identifier="")).case
    assert not other.referrals.exists() and other.status == "received"


def test_brand_and_certification_rules_resolve_or_wait(world: World) -> None:
    RoutingRule.objects.create(category="fees", target_kind="brand")
    RoutingRule.objects.create(category="fees", target_kind="certification_body")
    case = submit().case
    ev = AuditEvent.objects.get(action="grievance.case.create")
    assert ev.new is not None
    assert {u["why"] for u in ev.new["unresolved"]} == {
        "no brand known",
        "NP-DOFE-1234 holds no current certificate",
    }
    case_parties_update(
        actor=world.staff, case=case, respondent_organisation=None, brand=world.brand, retaliation_risk=False
    )
    routed = case_reroute(actor=world.staff, case=case)
    assert [r["organisation"] for r in routed["routed"]] == [world.brand.pk]
    assert case.referrals.get(organisation=world.brand).target_kind == "brand"


def test_routing_rules_are_edited_by_staff_only_and_audited(world: World, client: Client) -> None:
    with pytest.raises(PermissionDenied):
        routing_rule_save(actor=world.regulator, target_kind="origin_regulator", organisation=world.dofe)
    with pytest.raises(GrievanceInputError):
        routing_rule_save(actor=world.staff, target_kind="origin_regulator", organisation=None)
    rule = routing_rule_save(
        actor=world.staff,
        origin="NP",
        category="harassment_violence",
        target_kind="union_cso",
        organisation=world.union,
    )
    assert AuditEvent.objects.filter(action="grievance.routing_rule.save", target_id=str(rule.pk)).exists()
    client.force_login(world.staff)
    assert client.get("/grievances/routing/").status_code == 200
    r = client.post(
        f"/grievances/routing/{rule.pk}/",
        {
            "origin": "np",
            "destination": "",
            "category": "",
            "target_kind": "union_cso",
            "organisation": world.union.pk,
            "priority": 5,
            "active": "on",
            "note": "all NP cases",
        },
    )
    assert r.status_code == 302
    rule.refresh_from_db()
    assert (rule.origin, rule.category, rule.priority) == ("NP", "", 5)
    # a new rule sent twice (a double tap) is one rule: every case would be referred twice otherwise
    token = client.get("/grievances/routing/").content.decode().split('name="token" value="')[1].split('"')[0]
    new = {"origin": "BD", "target_kind": "union_cso", "organisation": world.union.pk, "priority": 7,
           "active": "on", "token": token}
    before = RoutingRule.objects.count()
    assert [client.post("/grievances/routing/", new).status_code for _ in range(2)] == [302, 302]
    assert RoutingRule.objects.count() == before + 1
    client.force_login(world.regulator)
    assert client.get("/grievances/routing/").status_code == 403


def test_deadlines_escalate_when_missed_and_again_when_still_ignored(world: World, clock: FixedClock) -> None:
    case = submit(complaint(consent_share=False, consent_identity=False), clock=clock).case
    assert case.status == "received"
    assert case.stage_due_at == clock.now() + dt.timedelta(hours=workflow.STAGE_HOURS["received"]["high"])
    clock.advance(hours=23)
    assert grievances_tick(clock=clock).stage_overdue == []
    clock.advance(hours=2)
    assert grievances_tick(clock=clock, dry_run=True).stage_overdue == [case.code]
    assert Escalation.objects.count() == 0  # dry run
    assert grievances_tick(clock=clock).stage_overdue == [case.code]
    case.refresh_from_db()
    assert case.escalation_level == 1 and case.stage_due_at == clock.now() + dt.timedelta(hours=24)
    assert grievances_tick(clock=clock).stage_overdue == []  # not twice for the same deadline
    clock.advance(hours=25)
    grievances_tick(clock=clock)
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert AuditEvent.objects.filter(action="grievance.case.escalate").count() == 2
    # Moving the case on starts the next stage's clock and clears the stage escalations.
    case_status_change(actor=world.staff, case=case, status="triaged", clock=clock)
    case.refresh_from_db()
    assert case.stage_due_at == clock.now() + dt.timedelta(hours=workflow.STAGE_HOURS["triaged"]["high"])
    assert not case.escalations.filter(resolved_at__isnull=True).exists()


def test_the_worker_in_danger_runs_on_hours(world: World, clock: FixedClock) -> None:
    case = submit(complaint(in_danger=True), clock=clock).case
    assert case.status == "referred"
    assert case.stage_due_at == clock.now() + dt.timedelta(hours=72)
    clock.advance(hours=73)
    grievances_tick(clock=clock)
    case.refresh_from_db()
    assert case.escalation_level == 2  # danger at intake + missed deadline


def test_stage_moves_referral_answers_and_closure(world: World, clock: FixedClock) -> None:
    case = submit(complaint(consent_share=False, consent_identity=False), clock=clock).case
    with pytest.raises(GrievanceInputError):
        case_status_change(actor=world.staff, case=case, status="remediation", clock=clock)
    with pytest.raises(PermissionDenied):
        case_status_change(actor=world.regulator, case=case, status="triaged", clock=clock)
    worker_consent_give(case=case, share=True, identity=False, clock=clock)
    case.refresh_from_db()
    assert case.status == "referred"
    ref = case.referrals.get()
    assert ref.status == "sent" and ref.consent == "worker" and not ref.shares_identity
    referral_respond(actor=world.regulator, referral=ref, accept=True, note="We will inspect", clock=clock)
    case.refresh_from_db()
    assert case.status == "investigating"
    clock.advance(days=10)
    case_close(actor=world.regulator, case=case, outcome="resolved", note="Passport returned", clock=clock)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at == clock.now() and case.resolved
    assert grievances_tick(clock=FixedClock(clock.now() + dt.timedelta(days=400))).stage_overdue == []
    assert [s.new_status for s in case.status_changes.all()] == [
        "received",
        "referred",
        "investigating",
        "closed",
    ]


def test_tick_command(world: World, clock: FixedClock) -> None:
    case = submit(clock=clock).case
    later = (clock.now() + dt.timedelta(days=60)).isoformat()
    out = StringIO()
    call_command("grievances_tick", "--now", later, "--dry-run", stdout=out, verbosity=2)
    assert "would escalate: 1 case(s)" in out.getvalue() and case.code in out.getvalue()
    call_command("grievances_tick", "--now", later, stdout=out)
    assert Case.objects.get().escalation_level == 1
