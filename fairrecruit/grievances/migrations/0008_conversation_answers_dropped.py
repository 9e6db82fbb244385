"""Conversations that became a complaint kept the worker's answers (name, phone, what happened) in their encrypted
state after the complaint was made. The complaint holds them; the conversation now keeps only its language, step and
case (``services.conversation_handle`` drops the answers when the complaint is made). This drops those kept before.
Not reversible in content: the point is that the copy is gone."""

import json

from django.db import migrations


def drop_answers(apps, schema_editor):
    from fairrecruit.core import crypto

    Conversation = apps.get_model("grievances", "Conversation")
    for convo in Conversation.objects.filter(case__isnull=False).exclude(state="").iterator():
        state = json.loads(crypto.decrypt(convo.state.token))
        if state.get("answers"):
            state["answers"] = {}
            convo.state = crypto.seal(json.dumps(state, ensure_ascii=False))
            convo.save(update_fields=["state"])


class Migration(migrations.Migration):

    dependencies = [("grievances", "0007_programme_payment_audit_without_ref")]

    operations = [migrations.RunPython(drop_answers, migrations.RunPython.noop)]
