"""The daily digest: an e-mail of the changes recorded about an organisation's recruiters since its last one,
sent once, only to its employer users with an address, only after the transaction commits."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from fairrecruit.core.models import Membership
from fairrecruit.enforcement.tests.helpers import build
from fairrecruit.registry.services import licence_status_record
from fairrecruit.supplychain import services
from fairrecruit.supplychain.models import Digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def r():
    r = build()
    r["org"] = Membership.objects.get(user=r["brand"]).organisation
    r["brand"].email = "buyer@brand.example"
    r["brand"].save()
    services.supplier_add(user=r["brand"], organisation=r["org"], identifier="NP-DOFE-4242",
                          relation="recruitment_agency")
    services.supplier_add(user=r["brand"], organisation=r["org"], identifier="NP-DOFE-77",
                          relation="recruitment_agency")
    services.digest_send(r["org"])  # the first round: the licences issued by the fixture
    mail.outbox.clear()
    return r


def test_a_recorded_change_is_sent_once(r, django_capture_on_commit_callbacks):
    today = r["today"]
    # recorded today, although it took effect a month ago (a regulator's list imported late): still sent
    licence_status_record(actor_user=None, licence=r["himal_lic"], status="suspended",
                          effective_date=today - dt.timedelta(days=30), reason="over-charging")
    with django_capture_on_commit_callbacks(execute=True):
        d = services.digest_send(r["org"])
    assert d.changes == 1 and d.recipients == 1
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["buyer@brand.example"] and "1 change among your recruiters" in m.subject
    assert "Himal Sathi Manpower Pvt. Ltd. (NP-DOFE-4242)" in m.body and "suspended — over-charging" in m.body
    assert "licence not active" in m.body
    assert "Twin Peaks" not in m.body  # nothing changed there
    # again, with nothing new recorded: a digest row, no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        d2 = services.digest_send(r["org"])
    assert d2.changes == 0 and len(mail.outbox) == 1
    # a sanction recorded after that is in the next one, and only it
    from fairrecruit.enforcement.services import sanction_impose
    from fairrecruit.enforcement.tests.helpers import sanction_input

    sanction_impose(user=None, organisation=None, data=sanction_input(r, subject=r["twin"], licence=r["twin_a"]))
    with django_capture_on_commit_callbacks(execute=True):
        d3 = services.digest_send(r["org"])
    assert d3.changes == 1 and len(mail.outbox) == 2
    assert "Twin Peaks Overseas" in mail.outbox[1].body and "Himal" not in mail.outbox[1].body


def test_dry_run_stores_and_sends_nothing_and_the_command_reports(r):
    licence_status_record(actor_user=None, licence=r["himal_lic"], status="suspended", effective_date=r["today"])
    out = io.StringIO()
    call_command("supplychain_digest", "--dry-run", stdout=out)
    assert out.getvalue() == "brand org: 1 change(s), 1 recipient(s) (dry run)\n"  # only organisations with a list
    assert Digest.objects.count() == 1 and mail.outbox == []  # the fixture's round only
    call_command("supplychain_digest", stdout=out)
    assert Digest.objects.count() == 2


def test_no_address_no_mail(r, django_capture_on_commit_callbacks):
    r["brand"].email = ""
    r["brand"].save()
    licence_status_record(actor_user=None, licence=r["himal_lic"], status="suspended", effective_date=r["today"])
    with django_capture_on_commit_callbacks(execute=True):
        d = services.digest_send(r["org"])
    assert d.changes == 1 and d.recipients == 0 and mail.outbox == []
