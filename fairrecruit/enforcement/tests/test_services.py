"""Inspections and sanctions through the services, on the real database: the rules each sanction follows, what
it does to the licence's history (and undoes when it ends or is lifted), retried submissions stored once, and
nothing written for bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fairrecruit.core.idempotency import IdempotencyMismatch
from fairrecruit.core.models import AuditEvent
from fairrecruit.enforcement import selectors
from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.enforcement.services import (
    EnforcementError,
    inspection_record,
    sanction_impose,
    sanction_lift,
    sanctions_tick,
)
from fairrecruit.enforcement.tests.helpers import build, sanction_input
from fairrecruit.registry.models import Licence
from fairrecruit.registry.selectors import statuses

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def r() -> dict[str, Any]:
    return build()


def fields(exc: pytest.ExceptionInfo[EnforcementError]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.value.errors}


def history(lic: Licence) -> list[tuple[dt.date, str]]:
    return [(h.effective_date, h.status) for h in lic.history.order_by("effective_date", "id")]


def test_a_fine_is_recorded_with_its_audit_event_and_leaves_the_licence_alone(r: dict[str, Any]) -> None:
    s, created = sanction_impose(user=r["np_reg"], organisation=None, data=sanction_input(r))
    assert created and s.amount == Decimal("500000") and s.currency == "NPR" and s.licence is None
    ev = AuditEvent.objects.get(action="sanction.impose")
    assert ev.new is not None
    assert ev.target_id == str(s.pk) and ev.new["subject"] == "NP-DOFE-4242" and ev.new["amount"] == "500000.00"
    r["himal_lic"].refresh_from_db()
    assert r["himal_lic"].status == "active" and len(history(r["himal_lic"])) == 1
    assert selectors.sanction_state(s, r["today"]) == "recorded"


def test_bad_input_names_every_field_and_writes_nothing(r: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(
            r, amount=None, currency="XYZ", breaches=["bribery"], legal_basis=" ",
            effective_from=r["today"] - 20 * DAY))
    got = fields(exc)
    assert set(got) == {"amount", "currency", "breaches", "legal_basis", "effective_from"}
    assert "unknown breach 'bribery'" in got["breaches"] and "ISO 4217" in got["currency"]
    assert "before the day it was decided" in got["effective_from"]
    assert Sanction.objects.count() == 0 and AuditEvent.objects.count() == before


@pytest.mark.parametrize(("over", "field", "words"), [
    ({"kind": "suspension", "amount": None, "currency": ""}, "effective_until", "last day of the suspension"),
    ({"kind": "warning"}, "amount", "only a fine or an order to repay"),
    ({"kind": "fine", "effective_until": "later"}, "effective_until", "only a suspension has a last day"),
    ({"decided_on": "tomorrow"}, "decided_on", "must not be in the future"),
    ({"subject": "dofe"}, "subject", "a regulator cannot be"),
    ({"regulator": "himal"}, "regulator", "choose a regulator"),
])
def test_each_rule_of_a_sanction_is_checked(r: dict[str, Any], over: dict[str, Any], field: str, words: str) -> None:
    named = {"later": r["today"], "tomorrow": r["today"] + DAY, "dofe": r["dofe"], "himal": r["himal"]}
    over = {k: named.get(v, v) if isinstance(v, str) else v for k, v in over.items()}
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(r, **over))
    assert words in fields(exc)[field]


def test_a_suspension_changes_the_licence_history_and_the_tick_reinstates_it_once_when_it_ends(
    r: dict[str, Any],
) -> None:
    start, end = r["today"] - 30 * DAY, r["today"] + 29 * DAY
    s, _ = sanction_impose(user=r["np_reg"], organisation=None, data=sanction_input(
        r, kind="suspension", amount=None, currency="", decided_on=start, effective_from=start, effective_until=end))
    lic = Licence.objects.get(pk=r["himal_lic"].pk)
    assert lic.status == "suspended" and history(lic)[-1] == (start, "suspended")
    assert s.licence == lic and s.licence_change is not None and s.code in s.licence_change.source_note
    assert statuses([r["himal"]], r["today"])[r["himal"].pk].code == "suspended"
    assert sanctions_tick(end) == {"applied": 0, "reinstated": 0}  # its last day: still suspended
    assert sanctions_tick(end + DAY) == {"applied": 0, "reinstated": 1}
    lic.refresh_from_db()
    assert lic.status == "active" and history(lic)[-1] == (end + DAY, "active")
    assert sanctions_tick(end + 2 * DAY) == {"applied": 0, "reinstated": 0}  # once
    s.refresh_from_db()
    assert s.reinstated and selectors.sanction_state(s, end + DAY) == "ended"
    assert AuditEvent.objects.filter(action="sanction.ended", target_id=str(s.pk)).count() == 1


def test_a_sanction_that_starts_later_changes_the_licence_on_its_first_day(r: dict[str, Any]) -> None:
    start = r["today"] + 5 * DAY
    s, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="revocation", amount=None, currency="", decided_on=r["today"], effective_from=start))
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "active"
    assert selectors.sanction_state(s, r["today"]) == "upcoming"
    assert selectors.current_by_actor([r["himal"]])[r["himal"].pk][0].state == "upcoming"
    assert sanctions_tick(start - DAY)["applied"] == 0
    assert sanctions_tick(start)["applied"] == 1
    lic = Licence.objects.get(pk=r["himal_lic"].pk)
    assert lic.status == "revoked" and history(lic)[-1] == (start, "revoked")
    assert sanctions_tick(start + DAY)["applied"] == 0


def test_an_unlicensed_broker_can_be_banned_but_not_suspended(r: dict[str, Any]) -> None:
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(
            r, subject=r["broker"], kind="suspension", amount=None, currency="", effective_until=r["today"]))
    assert "holds no licence" in fields(exc)["kind"] and "banned" in fields(exc)["kind"]
    s, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed"]))
    assert s.licence is None and selectors.sanction_state(s, r["today"]) == "in_force"
    assert [v.sanction for v in selectors.current_by_actor([r["broker"]])[r["broker"].pk]] == [s]


def test_a_recruiter_with_several_licences_needs_the_one_chosen(r: dict[str, Any]) -> None:
    data = sanction_input(r, subject=r["twin"], kind="revocation", amount=None, currency="")
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=data)
    assert "77/070/71, 78/070/71" in fields(exc)["licence"]
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(
            r, subject=r["twin"], kind="revocation", amount=None, currency="", licence=r["himal_lic"]))
    assert "is not a licence" in fields(exc)["licence"]
    s, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=r["twin"], kind="revocation", amount=None, currency="", licence=r["twin_b"]))
    assert Licence.objects.get(pk=r["twin_b"].pk).status == "revoked"
    assert Licence.objects.get(pk=r["twin_a"].pk).status == "active" and s.licence == r["twin_b"]


def test_a_sanction_cannot_start_before_the_licence_or_its_latest_status(r: dict[str, Any]) -> None:
    issued = r["himal_lic"].valid_from
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(
            r, kind="ban", amount=None, currency="", decided_on=issued - 3 * DAY, effective_from=issued - DAY))
    assert f"issued on {issued}" in fields(exc)["effective_from"]


def test_lifting_on_appeal_keeps_the_record_and_gives_the_licence_back(r: dict[str, Any]) -> None:
    start = r["today"] - 20 * DAY
    s, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="revocation", amount=None, currency="", decided_on=start, effective_from=start))
    with pytest.raises(EnforcementError) as exc:
        sanction_lift(user=r["np_reg"], organisation=None, sanction=s, lifted_on=start - DAY, reason="")
    assert set(fields(exc)) == {"lifted_on", "reason"}
    sanction_lift(user=r["np_reg"], organisation=None, sanction=s, lifted_on=r["today"], reason="appeal upheld")
    s.refresh_from_db()
    assert Sanction.objects.filter(pk=s.pk).exists() and s.lifted_reason == "appeal upheld"
    lic = Licence.objects.get(pk=r["himal_lic"].pk)
    assert lic.status == "active" and history(lic)[-2:] == [(start, "revoked"), (r["today"], "active")]
    assert selectors.sanction_state(s, r["today"]) == "lifted" and selectors.current_by_actor([r["himal"]]) == {}
    ev = AuditEvent.objects.get(action="sanction.lift")
    assert ev.new is not None and ev.new["licence_reinstated"] is True
    with pytest.raises(EnforcementError) as exc:
        sanction_lift(user=None, organisation=None, sanction=s, lifted_on=r["today"], reason="again")
    assert "already lifted" in fields(exc)["lifted_on"]


def test_the_end_of_an_earlier_suspension_never_undoes_a_later_revocation(r: dict[str, Any]) -> None:
    start = r["today"] - 40 * DAY
    sus, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="suspension", amount=None, currency="", decided_on=start, effective_from=start,
        effective_until=r["today"] - 5 * DAY))
    sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="revocation", amount=None, currency="", decided_on=r["today"] - 10 * DAY,
        effective_from=r["today"] - 10 * DAY))
    assert sanctions_tick(r["today"])["reinstated"] == 0
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "revoked"
    sanction_lift(user=None, organisation=None, sanction=sus, lifted_on=r["today"], reason="appeal upheld")
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "revoked"


def test_a_retried_submission_is_stored_once_and_a_reused_token_with_other_values_is_refused(
    r: dict[str, Any],
) -> None:
    first, created = sanction_impose(user=None, organisation=None, data=sanction_input(r), token="t" * 20)
    again, created_again = sanction_impose(user=None, organisation=None, data=sanction_input(r), token="t" * 20)
    assert created and not created_again and again.pk == first.pk and Sanction.objects.count() == 1
    with pytest.raises(IdempotencyMismatch):
        sanction_impose(user=None, organisation=None, data=sanction_input(r, amount=Decimal("1")), token="t" * 20)
    assert Sanction.objects.count() == 1


def test_an_inspection_outcome_must_agree_with_its_breaches(r: dict[str, Any]) -> None:
    common = dict(user=r["np_reg"], organisation=None, regulator=r["dofe"], subject=r["himal"], kind="routine",
                  inspected_on=r["today"])
    with pytest.raises(EnforcementError) as exc:
        inspection_record(**common, outcome="breaches", breaches=[])
    assert "at least one breach" in fields(exc)["breaches"]
    with pytest.raises(EnforcementError) as exc:
        inspection_record(**common, outcome="no_breach", breaches=["records"])
    assert "found no breach lists none" in fields(exc)["breaches"]
    ins, created = inspection_record(**common, outcome="breaches", breaches=["records", "records"],
                                     findings="no receipt book", token="i" * 20)
    assert created and ins.breaches == ["records"] and Inspection.objects.count() == 1
    assert inspection_record(**common, outcome="breaches", breaches=["records"], findings="no receipt book",
                             token="i" * 20) == (ins, False)
    assert "findings" not in (AuditEvent.objects.get(action="inspection.record").new or {})  # kept out


def test_a_sanction_may_follow_only_an_inspection_of_the_same_recruiter(r: dict[str, Any]) -> None:
    ins, _ = inspection_record(user=None, organisation=None, regulator=r["dofe"], subject=r["twin"], kind="routine",
                               inspected_on=r["today"], outcome="breaches", breaches=["records"])
    with pytest.raises(EnforcementError) as exc:
        sanction_impose(user=None, organisation=None, data=sanction_input(r, inspection=ins))
    assert "another recruiter" in fields(exc)["inspection"]


def test_the_tick_command_reports_and_refuses_a_bad_day(r: dict[str, Any], capsys: Any) -> None:
    start = r["today"] - 30 * DAY
    sanction_impose(user=None, organisation=None, data=sanction_input(
        r, kind="suspension", amount=None, currency="", decided_on=start, effective_from=start,
        effective_until=start + 10 * DAY))
    call_command("enforcement_tick", "--day", r["today"].isoformat())
    assert "1 licence(s) reinstated" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--day: use the form YYYY-MM-DD"):
        call_command("enforcement_tick", "--day", "26/11/2026")


def test_the_register_query_agrees_with_each_sanctions_state(r: dict[str, Any]) -> None:
    """``register(current_only=True)`` filters in the database; it must keep exactly the sanctions whose state
    (computed one by one) is in force or to come, on several days."""
    day = r["today"]
    made = [sanction_impose(user=None, organisation=None, data=d)[0] for d in (
        sanction_input(r),  # a fine: recorded
        sanction_input(r, kind="warning", amount=None, currency="", decided_on=day, effective_from=day + 5 * DAY),
        sanction_input(r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed"]),
        sanction_input(r, subject=r["twin"], kind="suspension", amount=None, currency="", licence=r["twin_a"],
                       decided_on=day - 20 * DAY, effective_from=day - 20 * DAY, effective_until=day + 2 * DAY),
        sanction_input(r, subject=r["twin"], kind="revocation", amount=None, currency="", licence=r["twin_b"]),
    )]
    sanction_lift(user=None, organisation=None, sanction=made[4], lifted_on=day, reason="appeal upheld")
    for on in (day - 15 * DAY, day, day + 3 * DAY, day + 6 * DAY):
        expected = {s.pk for s in made if selectors.sanction_state(Sanction.objects.get(pk=s.pk), on)
                    in ("in_force", "upcoming")}
        assert set(selectors.register(current_only=True, day=on).values_list("pk", flat=True)) == expected, on
    assert selectors.counts(r["np_reg"], day)["in_force"] == sum(
        selectors.sanction_state(s, day) == "in_force" for s in Sanction.objects.all())
    assert {v.state for v in selectors.views(selectors.register(day=day), day)} == {
        "recorded", "upcoming", "in_force", "lifted"}


def test_a_sanction_that_ended_long_ago_leaves_the_public_pages_when_configured(
    r: dict[str, Any], settings: Any,
) -> None:
    day = r["today"]
    old = dt.date(day.year - 4, 1, 10)
    fine, _ = sanction_impose(user=None, organisation=None, data=sanction_input(r, decided_on=old, effective_from=old))
    ban, _ = sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed"], decided_on=old,
        effective_from=old))
    recent, _ = sanction_impose(user=None, organisation=None, data=sanction_input(r))
    everything = {fine.pk, ban.pk, recent.pk}
    assert set(selectors.register().values_list("pk", flat=True)) == everything  # default 0: shown for ever
    settings.FAIRRECRUIT_SANCTIONS_PUBLIC_YEARS = 3
    assert set(selectors.register().values_list("pk", flat=True)) == {ban.pk, recent.pk}  # a ban in force stays
    assert [v.sanction.pk for v in selectors.for_actor(r["himal"])] == [recent.pk]
    assert set(selectors.sanctions_for(r["np_reg"]).values_list("pk", flat=True)) == everything  # the regulator's
    settings.FAIRRECRUIT_SANCTIONS_PUBLIC_YEARS = 5
    assert set(selectors.register().values_list("pk", flat=True)) == everything
