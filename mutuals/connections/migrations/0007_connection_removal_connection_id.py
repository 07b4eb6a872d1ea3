from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0006_connection_removal"),
    ]

    operations = [
        migrations.AddField(
            model_name="connectionremoval",
            name="connection_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
    ]
