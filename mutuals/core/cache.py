"""The database cache every server process shares, with an atomic `incr` (issue 13).

Django's `DatabaseCache.incr` reads the value and writes it back: two processes counting at
once can both read 3 and both write 4, so a limiter built on `add` + `incr` (events'
check-in codes) would allow more tries than it says. Here the read and the write happen in one
transaction that holds the row: `SELECT … FOR UPDATE` where the database has it (PostgreSQL),
and SQLite's `BEGIN IMMEDIATE` (the project's transaction mode) takes the write lock before
reading. `add` is already atomic (the key is the table's primary key).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
                column = connection.ops.quote_name("cache_key")
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {column} FROM {table} WHERE {column} = %s FOR UPDATE",  # noqa: S608
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
