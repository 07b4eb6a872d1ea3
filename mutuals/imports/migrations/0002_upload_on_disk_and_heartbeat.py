# Uploads move from a database column to files on disk, read as streams by the worker.

import django.core.files.storage
from django.core.files.base import ContentFile
from django.db import migrations, models

import mutuals.imports.models


def payloads_to_files(apps, schema_editor):
    """Pending uploads stored in the old column are written to the imports storage."""
    payload_model = apps.get_model("imports", "ImportPayload")
    storage = django.core.files.storage.storages["imports"]
    for payload in payload_model.objects.exclude(data=b"").iterator(chunk_size=1):
        name = storage.save(f"pending/{payload.import_run_id}.upload", ContentFile(payload.data))
        payload_model.objects.filter(pk=payload.pk).update(file=name)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="import",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="import",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importpayload",
            name="file",
            field=models.FileField(
                default="",
                max_length=255,
                storage=mutuals.imports.models._imports_storage,
                upload_to="pending/",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(payloads_to_files, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importpayload", name="data"),
    ]
