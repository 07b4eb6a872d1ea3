"""PostgreSQL: keep ten times more of the indexed columns' statistics (the 10,000 most common
lexemes of posts and member documents, not 1,000). The search reads them to choose how to
find a search's candidates (`engines.PostgresEngine.share`): at 100,000 members the default
list stopped at lexemes in 0.66 % of documents and missed every first name, so a two-letter
prefix in 7 % of them ("jo") counted as rare. ANALYZE of 1,000,000 posts then samples
300,000 rows (about 40 s on a loaded 2-core machine, in autovacuum's background)."""

from django.db import migrations

TABLES = ("feed_post", "search_memberdocument")


def statistics(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN search_vector SET STATISTICS {target}'
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_indexes")]

    operations = [migrations.RunPython(statistics(1000), statistics(-1))]
