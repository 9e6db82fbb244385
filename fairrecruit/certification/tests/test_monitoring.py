from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from fairrecruit.certification import monitoring
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Alert, Audit, AuditKind
from fairrecruit.certification.tests.factories import World
from fairrecruit.reviews.models import Review, ReviewStatus


def _review(actor: Any, **kw: Any) -> Review:
    base: dict[str, Any] = {
        "actor": actor,
        "idempotency_key": uuid.uuid4().hex,
        "input_hash": uuid.uuid4().hex,
        "edit_code_hash": uuid.uuid4().hex,
        "rating": 3,
        "paid_fees": "no",
        "documents_taken": "no",
        "status": ReviewStatus.PUBLISHED,
        "published_at": timezone.now(),
    }
    base.update(kw)
    return Review.objects.create(**base)


def test_thresholds_are_validated(world: World) -> None:
    with pytest.raises(monitoring.ThresholdError):
        monitoring.validate_thresholds({**monitoring.DEFAULT_THRESHOLDS, "fees_reported": 2})
    with pytest.raises(monitoring.ThresholdError):
        monitoring.validate_thresholds({**monitoring.DEFAULT_THRESHOLDS, "bogus": 1})
    with pytest.raises(monitoring.ThresholdError):
        svc.scheme_thresholds_set(
            user=world.staff, scheme=world.scheme, thresholds={"actions": {"fees_reported": "jail"}}
        )
    svc.scheme_thresholds_set(user=world.staff, scheme=world.scheme, thresholds={"documents_taken": None})
    assert world.scheme.thresholds["documents_taken"] is None


def test_below_threshold_and_min_reviews(world: World) -> None:
    cert = world.certified()
    _review(world.actor, paid_fees="yes")
    _review(world.actor)  # 2 reviews < min_reviews 3: the share is not computed
    r = {x.metric: x for x in monitoring.readings(cert)}
    assert r["fees_reported"].value == 0.0 and not r["fees_reported"].crossed
    _review(world.actor)
    r = {x.metric: x for x in monitoring.readings(cert)}
    assert r["fees_reported"].value == pytest.approx(0.333, abs=0.001) and r["fees_reported"].crossed
    # Old and unpublished reviews do not count.
    _review(world.actor, documents_taken="yes", status=ReviewStatus.PENDING)
    _review(world.actor, documents_taken="yes", published_at=timezone.now() - dt.timedelta(days=400))
    assert {x.metric: x for x in monitoring.readings(cert)}["documents_taken"].value == 0


def test_dry_run_writes_nothing_and_command_reports(world: World) -> None:
    cert = world.certified()
    for _i in range(3):
        _review(world.actor, paid_fees="yes", paid_usd=Decimal("600"))
    out = io.StringIO()
    call_command("certification_monitor", "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and "fees_reported" in out.getvalue()
    assert not Alert.objects.exists() and not Audit.objects.filter(kind=AuditKind.SPECIAL).exists()
    call_command("certification_monitor", "--scheme", world.scheme.code, stdout=io.StringIO())
    alerts = {a.metric: a for a in Alert.objects.filter(certificate=cert)}
    assert set(alerts) == {"fees_reported", "fees_owed_usd"}  # 1800 USD reported paid >= 1000
    assert alerts["fees_owed_usd"].action == "suspension_review"
    assert Audit.objects.filter(kind=AuditKind.SPECIAL, certificate=cert).count() == 1


def test_grievances_absent_is_tolerated(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cert = world.certified()
    monkeypatch.setattr(monitoring.apps, "is_installed", lambda name: False)
    r = {x.metric: x for x in monitoring.readings(cert)}
    assert r["substantiated_cases"].evidence == {"grievances": "unavailable"}
    assert monitoring.monitor_run().certificates == 1


def test_suspended_certificates_are_not_alerted_again(world: World) -> None:
    cert = world.certified()
    svc.certificate_status_change(user=world.manager, certificate=cert, change="suspend", reason="x")
    for _i in range(3):
        _review(world.actor, paid_fees="yes")
    assert monitoring.monitor_run().alerts == []


def test_a_regulators_sanction_raises_a_suspension_review(world: World) -> None:
    from fairrecruit.enforcement.services import SanctionInput, sanction_impose, sanction_lift
    from fairrecruit.registry.services import actor_create

    cert = world.certified()
    regulator = actor_create(actor_user=None, name="Department of Foreign Employment", kind="regulator",
                             identifier="NP-DOFE-REG", country="NP")
    today = timezone.localdate()

    def sanction(kind: str, start: dt.date, **kw: Any) -> Any:
        return sanction_impose(user=None, organisation=None, data=SanctionInput(
            regulator=regulator, subject=world.actor, kind=kind, breaches=["overcharging"], legal_basis="Act",
            decided_on=start, effective_from=start, **kw))[0]

    old = sanction("warning", today - dt.timedelta(days=400))  # before the window, without a period: not counted
    assert {x.metric: x for x in monitoring.readings(cert)}["regulator_sanctions"].value == 0
    ban = sanction("ban", today - dt.timedelta(days=500))  # before the window but still in force: counted
    r = {x.metric: x for x in monitoring.readings(cert)}["regulator_sanctions"]
    assert r.value == 1 and r.crossed and r.evidence == {"sanctions": [f"{ban.code} ban"]}
    alerts = monitoring.monitor_run().alerts
    assert [(a.metric, a.action) for a in alerts] == [("regulator_sanctions", "suspension_review")]
    sanction_lift(user=None, organisation=None, sanction=ban, lifted_on=today, reason="appeal upheld")
    assert {x.metric: x for x in monitoring.readings(cert)}["regulator_sanctions"].value == 0
    assert old.pk is not None
