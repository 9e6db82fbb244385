"""Signing-key rotation: a certificate records the key that signed it; after `certification_keys rotate` and
deploying its settings, certificates signed before still verify (their key is a retired, trusted key), new ones
are signed with the new key, a tampered one fails, and a key that is not configured is not trusted."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from fairrecruit.certification import signing
from fairrecruit.certification.models import Certificate
from fairrecruit.certification.tests.factories import World
from fairrecruit.core.models import AuditEvent

OLD_SEED = "11" * 32


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("certification_keys", *args, stdout=out)
    return out.getvalue()


def _rotate(settings: Any) -> str:
    """Run rotate and deploy the two settings it prints, as an operator would."""
    out = _run("rotate")
    values = dict(line.split("=", 1) for line in out.splitlines() if line.startswith("FAIRRECRUIT_"))
    settings.FAIRRECRUIT_CERT_SIGNING_KEY = values["FAIRRECRUIT_CERT_SIGNING_KEY"]
    settings.FAIRRECRUIT_CERT_VERIFY_KEYS = values["FAIRRECRUIT_CERT_VERIFY_KEYS"]
    return out


def test_certificate_signed_before_rotation_still_verifies(
    world: World, settings: Any, client: Client
) -> None:
    settings.FAIRRECRUIT_CERT_SIGNING_KEY = OLD_SEED
    cert = world.certified()
    old_id = cert.key_id
    assert old_id == signing.key_id() and signing.verify_certificate(cert)
    out = _rotate(settings)
    new_id = signing.key_id()
    assert new_id != old_id and f"New key {new_id}" in out
    assert AuditEvent.objects.filter(action="certification.keys.rotate", target_id=new_id).exists()
    cert = Certificate.objects.get(pk=cert.pk)
    assert signing.verify_certificate(cert)
    page = client.get(f"/certification/verify/{cert.number}/").content.decode()
    assert "Signature valid" in page and old_id in page
    api = client.get(f"/api/v1/certification/verify/{cert.number}").json()
    assert api["signature_valid"] and api["key_id"] == old_id
    key = client.get("/api/v1/certification/signing-key").json()
    assert key["key_id"] == new_id and [k["key_id"] for k in key["retired_keys"]] == [old_id]
    # new signatures carry the new key id and verify
    fields = signing.canonical_fields(cert)
    assert signing.verify(fields, signing.sign(fields), new_id)
    assert not signing.verify(fields, signing.sign(fields), old_id)  # signed by the new key, not the old
    # tampering still shows
    Certificate.objects.filter(pk=cert.pk).update(holder_name="Someone Else Ltd")
    assert not signing.verify_certificate(Certificate.objects.get(pk=cert.pk))
    assert "Signature invalid" in client.get(f"/certification/verify/{cert.number}/").content.decode()


def test_a_key_that_is_not_configured_is_not_trusted(world: World, settings: Any) -> None:
    settings.FAIRRECRUIT_CERT_SIGNING_KEY = OLD_SEED
    cert = world.certified()
    _rotate(settings)
    assert signing.verify_certificate(cert)
    settings.FAIRRECRUIT_CERT_VERIFY_KEYS = ""  # the old public key dropped from the configuration
    assert not signing.verify_certificate(cert)
    assert "UNKNOWN" in _run("list") and "not trusted" in _run("list")
    # claiming another trusted key id does not help a certificate signed by another key
    settings.FAIRRECRUIT_CERT_VERIFY_KEYS = signing.public_key_raw_of_seed(OLD_SEED).hex()
    cert.key_id = signing.key_id()
    assert not signing.verify_certificate(cert)


def test_list_and_export(world: World, settings: Any) -> None:
    settings.FAIRRECRUIT_CERT_SIGNING_KEY = OLD_SEED
    cert = world.certified()
    listed = _run("list")
    assert f"{cert.key_id}  current" in listed and "1 certificates" in listed
    _rotate(settings)
    listed = _run("list")
    assert f"{cert.key_id}  retired" in listed and f"{signing.key_id()}  current" in listed
    keys = json.loads(_run("export"))["keys"]
    assert [k["status"] for k in keys] == ["current", "retired"]
    assert keys[1] == {
        "key_id": cert.key_id,
        "algorithm": "Ed25519",
        "public_key": signing.public_key_raw_of_seed(OLD_SEED).hex(),
        "status": "retired",
    }


def test_rotate_dry_run_records_nothing(db: Any) -> None:
    out = _run("rotate", "--dry-run")
    assert "dry run" in out and "FAIRRECRUIT_CERT_SIGNING_KEY=" in out
    assert not AuditEvent.objects.filter(action="certification.keys.rotate").exists()


def test_bad_verify_keys_are_refused(settings: Any) -> None:
    settings.FAIRRECRUIT_CERT_VERIFY_KEYS = "not-a-key"
    with pytest.raises(ImproperlyConfigured):
        signing.trusted_public_keys()


def test_a_malformed_verify_key_is_reported_at_start(settings: Any) -> None:
    from fairrecruit.certification.apps import signing_keys_check

    assert signing_keys_check() == []
    settings.FAIRRECRUIT_CERT_VERIFY_KEYS = "not-a-key"
    errors = signing_keys_check()
    assert len(errors) == 1 and errors[0].id == "certification.E001"
    assert "FAIRRECRUIT_CERT_VERIFY_KEYS" in errors[0].msg
