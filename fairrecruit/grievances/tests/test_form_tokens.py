"""A form sent again (a double tap, a page resent after a lost answer) stores nothing new: the worker adding
information to their case, and every writing step of a case handler's page (``{% form_token %}`` and
``core.idempotency.submit_once``)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import FormSubmission
from fairrecruit.grievances.models import Attachment, Note, RemediationPayment
from fairrecruit.grievances.tests.conftest import JPEG, World, submit

pytestmark = pytest.mark.django_db


def token_of(html: str, step: str) -> str:
    """The token of the form of ``step`` on a page."""
    form = next(f for f in html.split("<form")[1:] if f'name="step" value="{step}"' in f)
    found = re.search(r'name="token" value="([^"]+)"', form)
    assert found is not None, step
    return found.group(1)


def test_the_worker_adding_information_twice_on_a_bad_connection_adds_it_once(world: World, client: Client) -> None:
    s = submit()
    opened = client.post("/complain/follow/", {"code": s.code, "pin": s.pin}).content.decode()
    sent = {"code": s.code, "pin": s.pin, "step": "add", "text": "I have the receipt now",
            "token": token_of(opened, "add")}
    for _ in range(2):
        r = client.post("/complain/follow/", sent | {"evidence": SimpleUploadedFile("r.jpg", JPEG)})
        assert r.status_code == 200
    assert Note.objects.filter(case=s.case, from_worker=True).count() == 1
    assert Attachment.objects.filter(case=s.case).count() == 1
    other = client.post("/complain/follow/", sent | {"text": "Something else"})
    assert other.status_code == 400 and "already sent with other values" in other.content.decode()
    # a new page (a new token) adds again
    page = client.post("/complain/follow/", {"code": s.code, "pin": s.pin}).content.decode()
    fresh = client.post("/complain/follow/", sent | {"text": "And the contract", "token": token_of(page, "add")})
    assert fresh.status_code == 200 and Note.objects.filter(case=s.case, from_worker=True).count() == 2


def test_a_handlers_note_and_payment_sent_twice_are_stored_once(world: World, client: Client) -> None:
    case = submit().case
    client.force_login(world.regulator)
    url = f"/grievances/cases/{case.code}/"
    html = client.get(url).content.decode()
    note = {"step": "note", "text": "Called the agency", "token": token_of(html, "note")}
    assert [client.post(url, note).status_code for _ in range(2)] == [302, 302]
    assert Note.objects.filter(case=case, from_worker=False).count() == 1
    plan = {"step": "plan", "payer_kind": "recruiter", "amount": "140000", "currency": "NPR",
            "due_date": "2099-01-01", "standard": "law-np", "token": token_of(html, "plan")}
    assert [client.post(url, plan).status_code for _ in range(2)] == [302, 302]
    assert case.plans.count() == 1
    html = client.get(url).content.decode()
    pay = {"step": "payment", "plan": case.plans.get().pk, "amount": "1000", "paid_on": "2026-01-02",
           "reference": "tx-1", "token": token_of(html, "payment")}
    for _ in range(2):
        r = client.post(url, pay | {"proof": SimpleUploadedFile("p.jpg", JPEG)})
        assert r.status_code == 302
    assert RemediationPayment.objects.count() == 1 and Attachment.objects.filter(case=case).count() == 1
    reused = client.post(url, note | {"text": "Another note"})
    assert reused.status_code == 409 and "already sent with other values" in reused.content.decode()
    # a step that fails keeps nothing, its token neither: corrected, the same form goes through
    bad = {"step": "note", "text": "", "token": token_of(html, "note")}
    assert client.post(url, bad).status_code == 400
    assert FormSubmission.objects.filter(purpose="grievances.case.note").count() == 1  # the first note's only
    assert client.post(url, bad | {"text": "Now with text"}).status_code == 302
    assert Note.objects.filter(case=case, from_worker=False).count() == 2
