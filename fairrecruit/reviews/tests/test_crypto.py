"""Contact details and texts as written are encrypted at rest, readable only with the key, and every read
for display is permission-checked and logged."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings

from fairrecruit.core import crypto
from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import organisation_create
from fairrecruit.reviews.models import Review
from fairrecruit.reviews.services import review_by_code

from .conftest import answers, member, submit

pytestmark = pytest.mark.django_db
CONTACT = "Sunita Rai, WhatsApp +977 9812345678"


def _raw(review: Review, column: str) -> str:
    with connection.cursor() as cur:
        table = connection.ops.quote_name(Review._meta.db_table)
        cur.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",
            [review.pk.hex if connection.vendor == "sqlite" else review.pk],
        )
        row = cur.fetchone()
    assert row is not None
    return str(row[0])


def test_contact_and_original_text_are_unreadable_in_the_database(agency: object) -> None:
    r = submit(
        answers(
            contact_name="Sunita Rai",
            contact_how="WhatsApp +977 9812345678",
            text="I am Sunita, passport PA7654321",
        )
    ).review
    raw_contact, raw_text = _raw(r, "contact"), _raw(r, "text_original")
    for secret in ("Sunita", "9812345678", "WhatsApp"):
        assert secret not in raw_contact
    assert "PA7654321" not in raw_text and "Sunita" not in raw_text
    assert raw_contact.startswith("gAAAAA")  # a Fernet token
    # With the key it decrypts; the shown text has the passport number removed.
    assert json.loads(crypto.decrypt(raw_contact)) == {
        "name": "Sunita Rai",
        "how": "WhatsApp +977 9812345678",
    }
    assert "PA7654321" in crypto.decrypt(raw_text)
    assert "PA7654321" not in r.text


def test_a_wrong_key_cannot_decrypt(agency: object) -> None:
    r = submit(answers(contact_how=CONTACT)).review
    token = _raw(r, "contact")
    with override_settings(FAIRRECRUIT_FIELD_KEYS=Fernet.generate_key().decode()):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


def test_reading_a_row_never_decrypts(agency: object) -> None:
    r = submit(answers(contact_how=CONTACT)).review
    fresh = Review.objects.get(pk=r.pk)
    assert isinstance(fresh.contact, crypto.Sealed)
    assert str(fresh.contact) == "[encrypted]" and "9812345678" not in repr(fresh.contact)


def test_key_rotation_keeps_old_values_and_edit_codes_working(agency: object) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FAIRRECRUIT_FIELD_KEYS=old):
        done = submit(answers(contact_how=CONTACT))
        token = _raw(done.review, "contact")
    with override_settings(FAIRRECRUIT_FIELD_KEYS=f"{new},{old}"):
        assert json.loads(crypto.decrypt(token))["how"] == CONTACT
        rotated = crypto.rotate(token)
        assert review_by_code(done.edit_code) is not None  # the lookup hash under the old key is found
    with override_settings(FAIRRECRUIT_FIELD_KEYS=new):
        assert json.loads(crypto.decrypt(rotated))["how"] == CONTACT
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


def test_a_malformed_key_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FAIRRECRUIT_FIELD_KEYS="not-a-key"), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_every_sensitive_read_is_logged_and_needs_permission(agency: object, staff: User) -> None:
    r = Review.objects.get(pk=submit(answers(contact_name="Sunita Rai", contact_how=CONTACT)).review.pk)
    value = crypto.sensitive_read(actor_user=staff, obj=r, field="contact", purpose="follow up on fees")
    assert json.loads(value)["how"] == CONTACT
    ev = AuditEvent.objects.get(action="sensitive.read")
    assert ev.actor == staff and ev.target_id == str(r.pk)
    assert ev.new == {"field": "contact", "purpose": "follow up on fees"}

    employer = member("boss", organisation_create(actor=None, name="Brand", kind="employer"), Role.EMPLOYER)
    with pytest.raises(PermissionDenied):
        crypto.sensitive_read(actor_user=employer, obj=r, field="contact", purpose="curious")
    assert AuditEvent.objects.filter(action="sensitive.read_denied", actor=employer).count() == 1
    with pytest.raises(PermissionDenied):
        crypto.sensitive_read(actor_user=None, obj=r, field="text_original", purpose="curious")
    with pytest.raises(ValueError):
        crypto.sensitive_read(actor_user=staff, obj=r, field="contact", purpose="")
    with pytest.raises(ValueError):
        crypto.sensitive_read(actor_user=staff, obj=r, field="text", purpose="not a sensitive field")
    assert AuditEvent.objects.filter(action="sensitive.read").count() == 1


def test_union_moderators_read_contacts_of_their_country_only(agency: object) -> None:
    union_np = organisation_create(actor=None, name="GEFONT", kind="union_cso", country="NP")
    union_ke = organisation_create(actor=None, name="COTU-K", kind="union_cso", country="KE")
    np_user, ke_user = member("np", union_np, Role.UNION_CSO), member("ke", union_ke, Role.UNION_CSO)
    r = Review.objects.get(pk=submit(answers(contact_how=CONTACT)).review.pk)
    assert crypto.sensitive_read(actor_user=np_user, obj=r, field="contact", purpose="help the worker")
    with pytest.raises(PermissionDenied):
        crypto.sensitive_read(actor_user=ke_user, obj=r, field="contact", purpose="help the worker")


def test_development_key_is_derived_from_the_secret_key_when_no_key_is_set() -> None:
    with override_settings(FAIRRECRUIT_FIELD_KEYS=""):
        assert crypto.using_development_key()
        assert crypto.decrypt(crypto.encrypt("नमस्ते")) == "नमस्ते"
    with override_settings(FAIRRECRUIT_FIELD_KEYS=Fernet.generate_key().decode()):
        assert not crypto.using_development_key()


def test_stored_values_are_re_encrypted_under_a_new_first_key(agency: object, staff: User) -> None:
    from fairrecruit.core.rekey import rekey

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FAIRRECRUIT_FIELD_KEYS=old):
        r = submit(answers(contact_how=CONTACT)).review
        submit(answers(text=""))  # nothing to re-encrypt
    with override_settings(FAIRRECRUIT_FIELD_KEYS=f"{new},{old}"):
        assert rekey().values == {"reviews.review": 2}  # the contact and the text as written
    with override_settings(FAIRRECRUIT_FIELD_KEYS=new):
        assert json.loads(crypto.decrypt(_raw(r, "contact")))["how"] == CONTACT
        assert crypto.decrypt(_raw(r, "text_original")) == "They took my passport."
