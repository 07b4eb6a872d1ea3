"""Store each note's signature packed (128 little-endian 32-bit values, 512 bytes) beside the
JSON list: a sender's history of ten thousand notes is then read back as one array in tens of
milliseconds instead of a JSON parse per row (issue 15). The values are the same.

Expand only: servers of the previous release keep reading and writing `signature` during a
rolling upgrade, and the new code reads the JSON of any row written by them without a packed
copy. The release after this one drops `signature`."""

from django.db import migrations, models

from mutuals.connections.migrations import _signatures


def pack_all(apps, schema_editor):
    _signatures.pack_rows(apps.get_model("connections", "Invitation"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0003_signatures_recomputed")]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="minhash",
            field=models.BinaryField(db_default=b"", default=b"", editable=False),
        ),
        migrations.RunPython(pack_all, migrations.RunPython.noop, elidable=True),
    ]
