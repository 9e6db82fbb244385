"""``fairrecruit retention``: what is kept only for a while is deleted after its days (tokens of sent forms, gateway
messages already answered, SMS/chat complaints abandoned before the end), in one transaction per rule with an audit
event that says how many, never what; ``--dry-run`` counts only; 0 days keeps them for ever. And migration 0008
drops the answers that finished conversations kept before they were dropped on completion."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fairrecruit.core import crypto
from fairrecruit.core.models import AuditEvent, FormSubmission
from fairrecruit.grievances.models import Case, Conversation, InboundMessage
from fairrecruit.grievances.tests.conftest import World, migrate_to, migrate_to_latest, submit
from fairrecruit.grievances.tests.test_conversation import Twilio, _code_pin

NOW = timezone.now()


def _aged(model: Any, pk: int, field: str, days: int) -> None:
    model.objects.filter(pk=pk).update(**{field: NOW - dt.timedelta(days=days)})


def _conversation(sender: str, days: int, case: Case | None = None) -> Conversation:
    c = Conversation.objects.create(
        sender_hash=crypto.lookup_hash(f"sms:{sender}", purpose="grievance.sender"), channel="sms",
        state=crypto.seal(json.dumps({"step": "name", "lang": "en", "answers": {"name": "Sita"}})), step="name",
        case=case, started_at=NOW - dt.timedelta(days=days), last_message_at=NOW - dt.timedelta(days=days))
    InboundMessage.objects.create(conversation=c, message_key=f"k-{sender}", replies=crypto.seal("[]"))
    return c


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_short_lived_records_are_deleted_after_their_days_and_only_they(world: World, client: Client) -> None:
    old_form = FormSubmission.objects.create(key_hash="a" * 64, input_hash="x", purpose="note", target_type="t",
                                             target_id="1")
    new_form = FormSubmission.objects.create(key_hash="b" * 64, input_hash="x", purpose="note", target_type="t",
                                             target_id="2")
    _aged(FormSubmission, old_form.pk, "created_at", 31)
    abandoned = _conversation("+977980000001", 31)
    recent = _conversation("+977980000002", 3)
    phone = Twilio(client, "+9779841000009")  # a finished complaint, 40 days ago: kept, so STATUS still works
    for text in ("hello", "1", "2", "1", "Himalaya Manpower", "1", "1", "1000", "6", "1200 QAR", "2023", "x", "0"):
        replies = phone.send(text)
    code, _pin = _code_pin(phone.send("1") if "May we send" in replies[0] else replies)
    finished = Conversation.objects.get(case__code=code)
    Conversation.objects.filter(pk=finished.pk).update(last_message_at=NOW - dt.timedelta(days=40))
    InboundMessage.objects.filter(conversation=finished).update(created_at=NOW - dt.timedelta(days=40))
    InboundMessage.objects.filter(conversation=recent).update(created_at=NOW - dt.timedelta(days=3))
    events = AuditEvent.objects.count()

    dry = _run("--dry-run")
    assert "tokens of sent forms: 1 due (older than 30 days" in dry
    assert "SMS and chat complaints abandoned before the end: 1 due" in dry
    answered = InboundMessage.objects.filter(conversation=finished).count()  # the others are days old
    assert answered >= 12 and f"SMS and chat messages already answered: {answered} due" in dry
    assert FormSubmission.objects.count() == 2 and AuditEvent.objects.count() == events  # nothing changed

    out = _run()
    assert "tokens of sent forms: 1 deleted" in out
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [new_form.pk]
    assert set(Conversation.objects.values_list("pk", flat=True)) == {recent.pk, finished.pk}
    assert not Conversation.objects.filter(pk=abandoned.pk).exists()
    assert list(InboundMessage.objects.values_list("conversation_id", flat=True)) == [recent.pk]
    logged: dict[str, Any] = {e.action: e.new for e in AuditEvent.objects.filter(action__startswith="retention.")}
    assert logged["retention.form_tokens"]["count"] == 1 and logged["retention.form_tokens"]["days"] == 30
    assert logged["retention.abandoned_conversations"]["count"] == 1
    assert "Sita" not in str(logged) and "+977" not in str(logged)  # how many, never what
    assert "Case " + code in phone.send("STATUS")[0]  # the finished conversation still follows its case
    assert "0 deleted" in _run().split("tokens of sent forms:")[1].split("\n")[0]  # run again: nothing left


@pytest.mark.django_db
def test_zero_days_keeps_them_for_ever(settings) -> None:
    settings.FAIRRECRUIT_RETAIN_FORM_TOKENS_DAYS = 0
    settings.FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS = 10
    form = FormSubmission.objects.create(key_hash="c" * 64, input_hash="x", purpose="n", target_type="t",
                                         target_id="1")
    _aged(FormSubmission, form.pk, "created_at", 400)
    convo = _conversation("+977980000003", 11)
    out = _run()
    assert "tokens of sent forms: kept for ever (FAIRRECRUIT_RETAIN_FORM_TOKENS_DAYS=0)" in out
    assert FormSubmission.objects.filter(pk=form.pk).exists()
    assert "abandoned before the end: 1 deleted (older than 10 days" in out  # its own setting
    assert not Conversation.objects.filter(pk=convo.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_migration_drops_the_answers_finished_conversations_kept() -> None:
    before = [("grievances", "0007_programme_payment_audit_without_ref")]
    old = migrate_to(before)
    case = old.get_model("grievances", "Case").objects.create(code="GR-TEST-0001", pin_hash="x", channel="sms",
                                                           idempotency_key="k1", stage_started_at=NOW)
    Old = old.get_model("grievances", "Conversation")
    state = {"step": "done", "lang": "ne", "case_code": "GR-TEST-0001", "answers": {"name": "Sita", "paid": 1}}
    done = Old.objects.create(sender_hash="h1", channel="sms", state=json.dumps(state), step="done",
                              language="ne", case=case, started_at=NOW, last_message_at=NOW)
    going = Old.objects.create(sender_hash="h2", channel="sms", state=json.dumps(state),
                               step="name", language="ne", started_at=NOW, last_message_at=NOW)

    migrate_to_latest()
    kept = json.loads(crypto.decrypt(Conversation.objects.get(pk=done.pk).state.token))
    assert kept == {"step": "done", "lang": "ne", "case_code": "GR-TEST-0001", "answers": {}}
    # a conversation still under way keeps its answers: the worker is in the middle of the complaint
    assert json.loads(crypto.decrypt(Conversation.objects.get(pk=going.pk).state.token))["answers"]["name"] == "Sita"


@pytest.mark.django_db
def test_evidence_files_no_case_names_are_swept_after_a_day(world: World, settings, tmp_path) -> None:
    import os

    from fairrecruit.grievances import storage
    from fairrecruit.grievances.models import Attachment

    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path)
    pdf = b"%PDF-1.4 evidence"
    kept = storage.save(pdf)  # named by an attachment
    case = submit().case
    Attachment.objects.create(case=case, content_type="application/pdf", size=len(pdf), sha256="0" * 64,
                              storage_name=kept.storage_name)
    orphan = storage.save(pdf)  # the upload whose case was never stored
    fresh = storage.save(pdf)  # an upload under way: too new to touch
    left_over = tmp_path / f".{'a' * 32}.tmp"
    left_over.write_bytes(b"x")
    other = tmp_path / "README.txt"  # not a name storage makes: never touched
    other.write_text("keep")
    old = (NOW - dt.timedelta(days=2)).timestamp()
    for name in (kept.storage_name, orphan.storage_name, left_over.name, other.name):
        os.utime(tmp_path / name, (old, old))

    assert "evidence files no case names: 2 due" in _run("--dry-run")
    assert (tmp_path / orphan.storage_name).exists()
    assert "evidence files no case names: 2 deleted" in _run()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([kept.storage_name, fresh.storage_name, "README.txt"])
    assert storage.read(kept.storage_name) == pdf
    assert (AuditEvent.objects.get(action="retention.orphan_evidence_files").new or {}).get("count") == 2
