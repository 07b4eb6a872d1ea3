"""One holder at a time across hosts, for periodic jobs (issue 21: `mutuals sweep` run from
several hosts' timers at once).

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`), held by this process's
database connection and released when the block ends or the connection drops (a killed
process never leaves it held). SQLite: the database lives on one host, so an exclusive
`flock` on a file beside it does the same.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


def _key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks are numbered)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def held_exclusively(name: str, *, database: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Try to take the lock `name` without waiting; yields whether this process holds it.
    A caller that did not get it should do nothing: another holder is doing the work."""
    connection = connections[database]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            row = cursor.fetchone()
        held = bool(row and row[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    database_name = str(connection.settings_dict["NAME"])
    if database_name.startswith(":memory:") or "mode=memory" in database_name:
        yield True  # only this process can reach the database
        return
    path = Path(database_name).with_name(f"{Path(database_name).name}.{name}.lock")
    with path.open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
