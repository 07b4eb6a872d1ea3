"""`mutuals search_index`: write every member's search document again, and on SQLite rebuild
every FTS5 index from its table. After adding a field to `documents.MEMBER_FIELDS`, or
after loading rows past the services (a bulk import, a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from mutuals.search.documents import member_documents_refresh
from mutuals.search.engines import INDEXES


class Command(BaseCommand):
    help = "Write every member's search document again (and rebuild SQLite's FTS5 indexes)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = member_documents_refresh()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for index in INDEXES.values():
                    cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")  # noqa: S608 - constants
        self.stdout.write(f"Wrote {written} member documents.")
