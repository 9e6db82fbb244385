"""Repayment programmes: the worker's reference (an employee number) is encrypted at rest, found again by a keyed
hash per programme, and no longer copied into the stored journey (``id``) or result (``journey_id``).

The data step reads each reference as it was stored (clear text: while the column's field is already the
encrypted one, a clear value reads back as a ``Sealed`` whose token is that text) and writes it back encrypted.
The hash must match ``fairrecruit.grievances.models.worker_ref_hashes``; a test migrates rows and finds them
through it. Reversible: the reverse writes the clear text back.
"""

from django.db import migrations, models

import fairrecruit.core.crypto


def _purpose(programme_id):
    return f"programme:{programme_id}"  # as models.worker_ref_hashes


def seal_refs(apps, schema_editor):
    from fairrecruit.core import crypto

    Worker = apps.get_model("grievances", "ProgrammeWorker")
    for w in Worker.objects.all().iterator():
        ref = w.worker_ref.token  # still the clear text
        w.worker_ref = ref  # a str: encrypted when saved
        w.worker_ref_hash = crypto.lookup_hash(ref, purpose=_purpose(w.programme_id))
        w.journey = {k: v for k, v in w.journey.items() if k != "id"}
        if isinstance(w.result, dict) and "journey_id" in w.result:
            w.result = w.result | {"journey_id": None}
        w.save(update_fields=["worker_ref", "worker_ref_hash", "journey", "result"])


def unseal_refs(apps, schema_editor):
    from fairrecruit.core import crypto

    Worker = apps.get_model("grievances", "ProgrammeWorker")
    for w in Worker.objects.all().iterator():
        ref = crypto.decrypt(w.worker_ref.token) if w.worker_ref.token else ""
        w.worker_ref = crypto.Sealed(ref)  # written as it is: clear text
        w.journey = {"id": ref, **w.journey}
        if isinstance(w.result, dict):
            w.result = w.result | {"journey_id": ref}
        w.save(update_fields=["worker_ref", "journey", "result"])


class Migration(migrations.Migration):

    dependencies = [
        ("grievances", "0003_reported_actor_key"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="programmeworker", name="uniq_programme_worker"),
        migrations.AlterModelOptions(name="programmeworker", options={"ordering": ["id"]}),
        migrations.AddField(
            model_name="programmeworker",
            name="worker_ref_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="programmeworker",
            name="worker_ref",
            field=fairrecruit.core.crypto.EncryptedTextField(help_text="the employer's own reference, not a name"),
        ),
        migrations.RunPython(seal_refs, unseal_refs),
    ]
