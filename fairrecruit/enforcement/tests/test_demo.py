"""The enforcement demo on a demo registry loaded as of a day: every sanction is dated on or before that day and
accepted against the (moved) licence histories, licences end up in the status the story says, and a second run,
even counted from another day, adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.registry.models import JobOrder


@pytest.mark.django_db
@pytest.mark.parametrize("day", [None, dt.date(2025, 6, 30)])  # today (the demo's default), and a day in the past
def test_the_demo_sanctions_are_dated_back_from_the_demo_day(day: dt.date | None) -> None:
    day = day or timezone.localdate()
    call_command("registry_demo", "--agencies", "120", "--seed", "6", "--no-link", "--as-of", day.isoformat(),
                 stdout=StringIO())
    out = StringIO()
    call_command("enforcement_demo", "--as-of", day.isoformat(), stdout=out)
    assert "1 inspection and 6 sanctions added" in out.getvalue()
    sanctions = {s.kind: s for s in Sanction.objects.select_related("licence")}
    assert set(sanctions) == {"fine", "compensation", "suspension", "revocation", "warning", "ban"}
    assert all(s.decided_on <= day and s.effective_from <= day for s in sanctions.values())
    # a recent revocation, a suspension over three months ago (licence given back), fines of the last weeks
    assert day - sanctions["revocation"].effective_from <= dt.timedelta(days=60)
    revoked, suspension = sanctions["revocation"], sanctions["suspension"]
    assert revoked.licence is not None and revoked.licence.status == "revoked"
    assert suspension.effective_until is not None and suspension.effective_until < day
    assert suspension.licence is not None and suspension.licence.status == "active"
    assert suspension.licence.valid_until is not None and suspension.licence.valid_until > day
    assert len({sanctions[k].subject_id for k in ("fine", "suspension", "revocation", "warning")}) == 4
    assert Inspection.objects.get().inspected_on <= sanctions["fine"].decided_on
    # the registry of the same day has job orders valid on it
    assert JobOrder.objects.filter(valid_from__lte=day, valid_until__gte=day).exists()

    again = StringIO()
    call_command("enforcement_demo", "--as-of", (day - dt.timedelta(days=40)).isoformat(), stdout=again)
    assert "already there" in again.getvalue()
    assert Sanction.objects.count() == 6 and Inspection.objects.count() == 1
