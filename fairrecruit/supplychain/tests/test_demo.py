"""The supply-chain demo: its repayment programme is dated from the day the demo is made, so that a demo made on
any day shows a paid instalment and one still to come (not a programme that ended long ago)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fairrecruit.core.management.commands.demo import Command as Demo
from fairrecruit.grievances.models import Programme, ProgrammePayment
from fairrecruit.grievances.programmes import next_instalment
from fairrecruit.supplychain.management.commands.supplychain_demo import FIRST_DUE_DAYS_AGO

pytestmark = pytest.mark.django_db


def test_the_demo_repayment_has_a_paid_instalment_and_the_next_one_ahead() -> None:
    Demo().load()  # the demo organisations and users, with the brand's assessed journeys
    out = StringIO()
    call_command("supplychain_demo", stdout=out)
    assert "receipt code FS-" in out.getvalue()
    today = timezone.localdate()
    programme = Programme.objects.get(name="Demo repayment of the fee survey")
    assert programme.first_due == today - dt.timedelta(days=FIRST_DUE_DAYS_AGO)
    payment = ProgrammePayment.objects.get(worker__programme=programme)
    assert today - dt.timedelta(days=FIRST_DUE_DAYS_AGO) < payment.paid_on < today
    ahead = next_instalment(payment.worker)
    assert ahead is not None and today < ahead[0] < today + dt.timedelta(days=60)  # the worker's page shows the next instalment ahead
    call_command("supplychain_demo", stdout=StringIO())  # again: nothing new
    assert Programme.objects.count() == 1 and ProgrammePayment.objects.count() == 1
