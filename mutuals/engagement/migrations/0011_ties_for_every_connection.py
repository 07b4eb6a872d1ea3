"""Both Tie rows for every connection that lacks one (connections made before the pact, or
written in bulk). Pages and the API used to create them when first read (`ties_ensure` in a
GET); since issue 20 they only read, so the rows are made here once, and later by the sweep
(`engagement.ties.ties_ensure_all`)."""

from django.db import migrations
from django.db.models import Exists, OuterRef

BATCH = 2000


def ties_for_every_connection(apps, schema_editor):
    Connection = apps.get_model("connections", "Connection")
    Tie = apps.get_model("engagement", "Tie")
    for side, other_side in (("member_low_id", "member_high_id"), ("member_high_id", "member_low_id")):
        missing = Connection.objects.filter(
            ~Exists(Tie.objects.filter(connection=OuterRef("pk"), member_id=OuterRef(side)))
        ).values_list("pk", side, other_side)
        batch = []
        for connection_id, member_id, other_id in missing.iterator(chunk_size=BATCH):
            batch.append(Tie(member_id=member_id, other_id=other_id, connection_id=connection_id))
            if len(batch) >= BATCH:
                Tie.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            Tie.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("engagement", "0010_obligation_closed_leaving"),
        ("connections", "0006_connection_removal"),
    ]

    operations = [
        migrations.RunPython(ties_for_every_connection, migrations.RunPython.noop, elidable=True),
    ]
