"""Audit events of programme payments recorded before the worker reference was encrypted (migration 0004) held the
reference in clear (``new.worker_ref``). They now name the worker by id, as new events do, and say that the
reference was removed; the event is otherwise kept as it was. Not reversible in content (the reverse leaves the
events as they are): the point is that the clear reference is gone."""

from django.db import migrations


def scrub(apps, schema_editor):
    from fairrecruit.core import crypto

    AuditEvent = apps.get_model("core", "AuditEvent")
    Worker = apps.get_model("grievances", "ProgrammeWorker")
    for event in AuditEvent.objects.filter(action="grievance.programme.payment").iterator():
        new = event.new if isinstance(event.new, dict) else None
        if not new or "worker_ref" not in new:
            continue
        ref = str(new.pop("worker_ref"))
        hashes = crypto.lookup_hashes(ref, purpose=f"programme:{event.target_id}")  # as models.worker_ref_hashes
        worker = Worker.objects.filter(programme_id=event.target_id, worker_ref_hash__in=hashes).first()
        new["worker"] = worker.pk if worker is not None else None
        new["worker_ref_removed"] = "by migration grievances 0007: references are encrypted at rest"
        event.new = new
        event.save(update_fields=["new"])


class Migration(migrations.Migration):

    dependencies = [
        ("grievances", "0006_programme_payment_idempotency"),
        ("core", "0003_form_submission"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
