"""E-mail on escalation (danger at intake, missed stage deadline, overdue remediation) to the assigned handler
and the contacts of the organisations the case is with, through Django's e-mail framework (the locmem test
backend), never with the complainant's identity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from fairrecruit.core.models import AuditEvent, User
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.services import case_assign, grievances_tick, remediation_plan_create
from fairrecruit.grievances.tests.conftest import World, complaint, submit

pytestmark = pytest.mark.django_db

SECRETS = ("Ram Bahadur Thapa", "9841 000000", "passport and took")


@pytest.fixture
def emails(world: World) -> World:
    for u in (world.staff, world.regulator, world.qa, world.unionist, world.recruiter, world.brand_user):
        User.objects.filter(pk=u.pk).update(email=f"{u.username}@example.org")
        u.refresh_from_db()
    return world


def _no_identity() -> None:
    for m in mail.outbox:
        text = f"{m.subject}\n{m.body}"
        for s in SECRETS:
            assert s not in text


def test_danger_mails_the_bodies_the_case_was_sent_to(
    emails: World, clock: FixedClock, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(complaint(in_danger=True), clock=clock).case
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["dofe@example.org"]  # the NP regulator it was referred to; not the recruiter
    assert case.code in m.subject and "danger" in m.subject
    assert f"/grievances/cases/{case.code}/" in m.body
    _no_identity()


def test_missed_deadline_mails_the_assigned_handler_too(
    emails: World, clock: FixedClock, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = submit(complaint(categories=["wages"]), clock=clock).case  # to DoFE and the Qatar ministry
    case_assign(actor=emails.staff, case=case, assignee=emails.regulator)
    clock.advance(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert grievances_tick(clock=clock, dry_run=True).stage_overdue == [case.code]
    assert mail.outbox == []  # a dry run tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        assert grievances_tick(clock=clock).stage_overdue == [case.code]
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["dofe@example.org", "qa@example.org"]
    assert "deadline of the stage was missed" in mail.outbox[0].subject
    assert "Deadline missed: 2026-04-01" in mail.outbox[0].body
    ev = AuditEvent.objects.filter(action="grievance.case.escalate").latest("pk")
    assert ev.new is not None and ev.new["notified"] == 2
    _no_identity()


def test_overdue_remediation_mails_and_nobody_known_falls_back_to_staff(
    emails: World, clock: FixedClock, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = submit(
        complaint(origin="PH", destination="SA", consent_share=False, consent_identity=False), clock=clock
    ).case
    assert not case.referrals.exists()
    remediation_plan_create(
        actor=emails.staff,
        case=case,
        payer_kind="employer",
        amount=500,
        currency="SAR",
        due_date=clock.now().date() + dt.timedelta(days=7),
        clock=clock,
    )
    clock.advance(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        out = grievances_tick(clock=clock)
    assert out.remedy_overdue == [case.code]
    remedy = [m for m in mail.outbox if "remediation payment is overdue" in m.subject]
    assert len(remedy) == 1 and remedy[0].to == ["staff@example.org"]
    _no_identity()
