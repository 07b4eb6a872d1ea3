"""`mutuals backup` and `mutuals restore` (issue 21; docs/operations.md, "Backups").

One file per backup, in the database's own format, so the engine's tools can read it too:

- **SQLite**: a copy of the database made with SQLite's online backup API (a consistent
  snapshot while the server and the worker keep writing), switched out of WAL mode so it is a
  single self-contained file. `sqlite3 backup.sqlite3` opens it.
- **PostgreSQL**: `pg_dump --format=custom` (no owners, no grants, so it restores under any
  role); `pg_restore --list backup.dump` lists it. Needs the PostgreSQL client programs
  (`pg_dump`, `pg_restore`, `psql`) of the server's major version or later.

A restore checks the whole file before it changes anything: its engine must be the
database's, it must read to the end without error (SQLite's `integrity_check`; pg_restore
reading every entry), and it must be a mutuals database whose applied migrations this code
all knows (a backup from a newer version is refused; an older one is restored and
`mutuals migrate` brings it up to date). Then the database's contents are replaced in one
transaction, so a restore that fails half-way leaves the database as it was.

Every external program runs with a time limit (`--timeout`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
DEFAULT_TIMEOUT = 3600
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Before the restored tables are created: the current ones go, in the same transaction, so
# tables that a later migration added do not outlive the restore. lock_timeout makes a
# restore fail (and roll back) instead of waiting behind a server that was left running.
PG_CLEAR_SQL = """
SET lock_timeout = '30s';
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', item.tablename);
    END LOOP;
    FOR item IN SELECT sequence_name FROM information_schema.sequences
                WHERE sequence_schema = 'public' LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', item.sequence_name);
    END LOOP;
    -- Text search configurations (search's mutuals_search): the dump creates them again.
    FOR item IN SELECT cfgname FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
                WHERE n.nspname = 'public' LOOP
        EXECUTE format('DROP TEXT SEARCH CONFIGURATION IF EXISTS public.%I CASCADE', item.cfgname);
    END LOOP;
END $$;
"""


class BackupError(Exception):
    """Why a backup or a restore did not happen (nothing was changed)."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    applied: frozenset[tuple[str, str]]  # (app, migration) rows of its django_migrations
    size: int

    @property
    def unknown(self) -> list[str]:
        """Migrations it has applied that this code does not know."""
        known = _known_migrations()
        return sorted(f"{app}.{name}" for app, name in self.applied - known)

    @property
    def pending(self) -> int:
        """Migrations this code has that the backup has not applied."""
        return len(_known_migrations() - self.applied)


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def _settings(database: str) -> dict[str, Any]:
    settings: dict[str, Any] = connections[database].settings_dict
    return settings


def _vendor(database: str) -> str:
    vendor = connections[database].vendor
    if vendor not in ENGINES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sqlite_path(database: str) -> Path:
    name = str(_settings(database)["NAME"])
    if name.startswith(":memory:") or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


# ---------------------------------------------------------------------------------- backup


def backup(
    path: Path, *, database: str = DEFAULT_DB_ALIAS, timeout: float = DEFAULT_TIMEOUT
) -> BackupFile:
    """Write a backup of `database` to `path` (which must not exist yet): written beside it
    under a temporary name and renamed when complete, so `path` is never half a backup."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new name (backups never overwrite).")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory.")
    vendor = _vendor(database)
    fd, partial_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    partial = Path(partial_name)
    try:
        if vendor == "sqlite":
            _sqlite_backup(_sqlite_path(database), partial)
        else:
            _pg_dump(database, partial, timeout)
        checked = inspect_backup(partial, timeout=timeout)
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupFile(path=path, engine=checked.engine, applied=checked.applied, size=checked.size)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"There is no database at {source}; run `mutuals migrate` first.")
    with (
        _sqlite_connect(source, read_only=True) as src,
        _sqlite_connect(target, read_only=False) as dst,
    ):
        src.backup(dst)
        # One file: the copy carries the source's WAL mode in its header otherwise.
        dst.execute("PRAGMA journal_mode=DELETE")


class _sqlite_connect:  # noqa: N801 - used as a function in `with`
    """A sqlite3 connection that is closed (not only committed) when the block ends."""

    def __init__(self, path: Path, *, read_only: bool) -> None:
        mode = "ro" if read_only else "rwc"
        self.connection = sqlite3.connect(
            f"file:{pathname2url(str(path))}?mode={mode}",
            uri=True,
            timeout=20,
            isolation_level=None,
        )

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _pg_environment(database: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL programs; the password goes in the
    environment, never on a command line another user could read."""
    settings = _settings(database)
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return [*args, "--no-password"], env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed or not on PATH: PostgreSQL backups need the PostgreSQL "
            "client programs (Debian: apt install postgresql-client) of the server's major "
            "version or later."
        )
    return found


def _run(command: list[str], *, env: dict[str, str] | None, timeout: float, what: str) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 - fixed programs, arguments from settings
            command, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{what} took longer than {timeout:g} s and was stopped.") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise BackupError(f"{what} failed: {' '.join(message) or f'exit {done.returncode}'}")
    return done.stdout


def _pg_dump(database: str, target: Path, timeout: float) -> None:
    args, env = _pg_environment(database)
    _run(
        [
            _program("pg_dump"),
            *args,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={_settings(database)['NAME']}",
        ],
        env=env,
        timeout=timeout,
        what="pg_dump",
    )


# ------------------------------------------------------------------------- inspect, restore


def inspect_backup(path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> BackupFile:
    """What the backup at `path` holds, after reading all of it; BackupError if it is not a
    complete mutuals backup."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
        size = path.stat().st_size
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    if head.startswith(SQLITE_MAGIC):
        engine, applied = "sqlite", _sqlite_applied(path)
    elif head.startswith(PG_CUSTOM_MAGIC):
        engine, applied = "postgresql", _pg_applied(path, timeout)
    else:
        raise BackupError(
            f"{path} is not a mutuals backup (neither a SQLite database nor a pg_dump archive)."
        )
    if ("accounts", "0001_initial") not in applied:
        raise BackupError(f"{path} is a {ENGINES[engine]} database, but not a mutuals one.")
    return BackupFile(path=path, engine=engine, applied=frozenset(applied), size=size)


def _sqlite_applied(path: Path) -> set[tuple[str, str]]:
    try:
        with _sqlite_connect(path, read_only=True) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}.")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "django_migrations" not in tables:
                raise BackupError(f"{path} is a SQLite database, but not a mutuals one.")
            return {
                (app, name) for app, name in db.execute("SELECT app, name FROM django_migrations")
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}.") from error


def _pg_applied(path: Path, timeout: float) -> set[tuple[str, str]]:
    pg_restore = _program("pg_restore")
    # Reading every entry to /dev/null finds a truncated or damaged archive.
    _run(
        [pg_restore, "--file=/dev/null", str(path)],
        env=None,
        timeout=timeout,
        what="Reading the archive",
    )
    script = _run(
        [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(path)],
        env=None,
        timeout=timeout,
        what="Reading the archive's migrations",
    ).decode()
    applied: set[tuple[str, str]] = set()
    rows = False
    for line in script.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            rows = True
        elif rows and line == "\\.":
            break
        elif rows:
            fields = line.split("\t")
            if len(fields) >= 3:
                applied.add((fields[1], fields[2]))
    return applied


def restore(
    path: Path, *, database: str = DEFAULT_DB_ALIAS, timeout: float = DEFAULT_TIMEOUT
) -> BackupFile:
    """Replace the contents of `database` with the backup at `path`, all or nothing, after
    checking the whole file (the module docstring says what is refused)."""
    vendor = _vendor(database)
    found = inspect_backup(path, timeout=timeout)
    if found.engine != vendor:
        raise BackupError(
            f"{path} is a {ENGINES[found.engine]} backup; this database is {ENGINES[vendor]}."
        )
    if unknown := found.unknown:
        raise BackupError(
            f"{path} was made by a newer version of mutuals: its database has migrations this "
            f"version does not know ({', '.join(unknown[:5])}). Upgrade, then restore."
        )
    # Our own connections must not hold locks (or, on SQLite, an open file) meanwhile.
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_restore(path, _sqlite_path(database))
    else:
        _pg_restore(database, path, timeout)
    return found


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API replaces every page of the target in one write transaction: another
    # connection sees the old database or the new one, never a mixture.
    try:
        with (
            _sqlite_connect(source, read_only=True) as src,
            _sqlite_connect(target, read_only=False) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as error:
        raise BackupError(
            f"Restoring into {target} failed, nothing was changed: {error}."
        ) from error


def _pg_restore(database: str, path: Path, timeout: float) -> None:
    args, env = _pg_environment(database)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as clear:
        clear.write(PG_CLEAR_SQL)
    produce = [_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)]
    # One transaction for the clearing and the whole restore: ON_ERROR_STOP ends it at the
    # first error, and psql then rolls it back.
    apply = [
        _program("psql"),
        *args,
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        f"--dbname={_settings(database)['NAME']}",
        f"--file={clear.name}",
        "--file=-",
    ]
    try:
        with (
            tempfile.TemporaryFile() as producer_errors,
            subprocess.Popen(produce, stdout=subprocess.PIPE, stderr=producer_errors) as producer,  # noqa: S603
            subprocess.Popen(  # noqa: S603
                apply,
                stdin=producer.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            ) as consumer,
        ):
            # psql alone reads the archive now: if it stops, pg_restore's next write fails.
            assert producer.stdout is not None  # noqa: S101 - stdout=PIPE above
            producer.stdout.close()
            try:
                _, errors = consumer.communicate(timeout=timeout)
            except subprocess.TimeoutExpired as error:
                consumer.kill()
                producer.kill()
                raise BackupError(
                    f"The restore took longer than {timeout:g} s and was stopped; "
                    "nothing was changed."
                ) from error
            producer.wait(timeout=30)
            producer_errors.seek(0)
            errors = errors or producer_errors.read()
    finally:
        Path(clear.name).unlink(missing_ok=True)
    if consumer.returncode != 0 or producer.returncode != 0:
        message = errors.decode(errors="replace").strip().splitlines()[-3:]
        raise BackupError(f"The restore failed, nothing was changed: {' '.join(message)}")
