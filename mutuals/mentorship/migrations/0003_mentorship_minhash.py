"""Store each mentorship request's signature packed beside the JSON list, as connections
0004 does for invitations (expand only; the next release drops `signature`)."""

from django.db import migrations, models

from mutuals.connections.migrations import _signatures


def pack_all(apps, schema_editor):
    _signatures.pack_rows(apps.get_model("mentorship", "Mentorship"))


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0002_signatures_recomputed"),
        ("connections", "0004_invitation_minhash"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentorship",
            name="minhash",
            field=models.BinaryField(blank=True, db_default=b"", default=b"", editable=False),
        ),
        migrations.RunPython(pack_all, migrations.RunPython.noop, elidable=True),
    ]
