"""The worker reference's keyed hash is unique in its programme (a migration of its own: PostgreSQL does not
alter a table in the transaction that just rewrote its rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grievances", "0004_programme_worker_ref_encrypted"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="programmeworker",
            constraint=models.UniqueConstraint(fields=("programme", "worker_ref_hash"), name="uniq_programme_worker_ref"),
        ),
    ]
