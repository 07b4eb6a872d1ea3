"""The full-text indexes: PostgreSQL's configuration, generated columns and GIN indexes, or
SQLite's FTS5 tables and triggers (mutuals/search/engines.py says which and why)."""

from django.db import migrations

from mutuals.search import engines


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        engines.postgres_install(connection)
    elif connection.vendor == "sqlite":
        engines.sqlite_install(connection)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        engines.postgres_uninstall(connection)
    elif connection.vendor == "sqlite":
        engines.sqlite_uninstall(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_member_document"),
        ("feed", "0003_post_topic_ids"),
        ("events", "0002_event_cancelled_at"),
        ("messaging", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
