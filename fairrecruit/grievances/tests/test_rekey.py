"""Key rotation: after a new key is put first and `grievances_rekey` runs, the old key can go."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from fairrecruit.core import crypto
from fairrecruit.grievances import storage
from fairrecruit.grievances.models import Case
from fairrecruit.grievances.programmes import programme_import, worker_by_ref
from fairrecruit.grievances.services import Upload, case_by_code_pin, conversation_handle
from fairrecruit.grievances.tests.conftest import JPEG, World, submit
from fairrecruit.grievances.tests.test_programmes import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def test_rotation_keeps_everything_readable(world: World, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAIRRECRUIT_FIELD_KEYS = old
    s = submit(uploads=[Upload(JPEG, "r.jpg")])
    conversation_handle(channel="sms", sender="+9771", text="hi")
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="p", data=csv_bytes(ROWS[3:]),
                            filename="s.csv", first_due=dt.date(2026, 1, 1)).programme
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    out = StringIO()
    call_command("grievances_rekey", "--dry-run", stdout=out)
    assert "would re-encrypt 4 value(s) and 1 evidence file(s)" in out.getvalue()
    call_command("grievances_rekey", stdout=out)
    settings.FAIRRECRUIT_FIELD_KEYS = new
    case = Case.objects.get()
    assert crypto.decrypt(case.worker_name.token) == "Ram Bahadur Thapa"
    assert storage.read(case.attachments.get().storage_name) == JPEG
    # A programme worker's reference is hashed again: found with the new key alone.
    worker = worker_by_ref(prog, "E-003")
    assert worker is not None and crypto.decrypt(worker.worker_ref.token) == "E-003"
    # Lookup hashes made under the old key still work while it is configured (during the rotation).
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    assert case_by_code_pin(s.code, s.pin) == case


def test_a_pin_hashed_under_the_old_key_is_rehashed_on_use(world: World, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FAIRRECRUIT_FIELD_KEYS = old
    s = submit()
    settings.FAIRRECRUIT_FIELD_KEYS = f"{new},{old}"
    assert case_by_code_pin(s.code, s.pin) == s.case  # rehashed under the new key
    settings.FAIRRECRUIT_FIELD_KEYS = new
    assert case_by_code_pin(s.code, s.pin) == s.case
