"""Key rotation: after a new key is put first and `fairrecruit rekey` runs, every value (of every app) and file
is under the new key, and the lookup hashes of values kept encrypted are remade."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from fairrecruit.core import crypto
from fairrecruit.core.models import AuditEvent
from fairrecruit.core.rekey import stale
from fairrecruit.grievances import storage
from fairrecruit.grievances.models import Case
from fairrecruit.grievances.programmes import programme_import, worker_by_ref
from fairrecruit.grievances.services import Upload, case_by_code_pin, conversation_handle
from fairrecruit.grievances.tests.conftest import JPEG, World, submit
from fairrecruit.grievances.tests.test_programmes import ROWS, csv_bytes
from fairrecruit.reviews.services import ReviewInput, review_submit
from fairrecruit.supplychain import surveys
from fairrecruit.supplychain.models import answer_ref_hashes

pytestmark = pytest.mark.django_db


def test_rotation_keeps_everything_readable(world: World, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAIRRECRUIT_FIELD_KEYS = old
    s = submit(uploads=[Upload(JPEG, "r.jpg")])
    conversation_handle(channel="sms", sender="+9771", text="hi")
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="p", data=csv_bytes(ROWS[3:]),
                            filename="s.csv", first_due=dt.date(2026, 1, 1)).programme
    survey = surveys.survey_create(user=world.brand_user, organisation=world.brand, title="Doha 2026")
    journey = json.loads((Path(__file__).parents[2] / "standards/examples/np-qa-labourer.json").read_text())
    surveys.answer_submit(survey=survey, worker_ref="E 77", journey=journey, token="t" * 32)
    review = review_submit(data=ReviewInput(rating=2, reported_name="Himal Jobs", origin="NP", destination="QA",
                                            text="They kept my passport.", language="en", contact_how="+97798"),
                           token="r" * 32).review
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rekey", "--check", stdout=out)
    assert "reviews.review: 2 value(s) under an old key" in out.getvalue()
    call_command("rekey", "--dry-run", stdout=out)
    # case name + contact, conversation state, programme worker, survey answer, review text + contact
    assert "would re-encrypt 7 value(s) and 1 file(s) in all" in out.getvalue()
    assert sum(stale().values()) == 7  # the dry run wrote nothing
    assert "grievance evidence: 1 file(s)" in out.getvalue()
    call_command("rekey", stdout=out)
    call_command("rekey", "--check", stdout=out)
    assert "every value is under the first key" in out.getvalue()
    settings.FAIRRECRUIT_FIELD_KEYS = new
    case = Case.objects.get()
    assert crypto.decrypt(case.worker_name.token) == "Ram Bahadur Thapa"
    assert storage.read(case.attachments.get().storage_name) == JPEG
    review.refresh_from_db()
    assert crypto.decrypt(review.text_original.token) == "They kept my passport."
    # The references kept encrypted are hashed again: found with the new key alone.
    worker = worker_by_ref(prog, "E-003")
    assert worker is not None and crypto.decrypt(worker.worker_ref.token) == "E-003"
    assert surveys.current(survey).filter(worker_ref_hash__in=answer_ref_hashes(survey.pk, "e 77")).exists()
    # Lookup hashes of values not kept (a PIN) still work while the old key is configured (during the rotation).
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    assert case_by_code_pin(s.code, s.pin) == case
    assert AuditEvent.objects.filter(action="crypto.rekey").count() == 1  # not for the dry run


def test_a_pin_hashed_under_the_old_key_is_rehashed_on_use(world: World, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAIRRECRUIT_FIELD_KEYS = old
    s = submit()
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    assert case_by_code_pin(s.code, s.pin) == s.case  # rehashed under the new key
    settings.FAIRRECRUIT_FIELD_KEYS = new
    assert case_by_code_pin(s.code, s.pin) == s.case
