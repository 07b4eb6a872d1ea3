"""`mutuals backup` / `mutuals restore` (issue 21) on the database the suite runs on.

A backup taken, rows changed, the backup restored: the rows are as they were. A file that is
damaged, from a newer version, from the other engine or not a mutuals database is refused
and the database is left as it was. These tests commit (transaction=True): a backup reads
committed data, as it does beside a running server.
"""

from __future__ import annotations

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def _emails() -> set[str]:
    return set(User.objects.values_list("email", flat=True))


def _backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def _restore(path: Path) -> str:
    out = StringIO()
    call_command("restore", str(path), "--noinput", stdout=out)
    return out.getvalue()


@pytest.fixture
def backed_up(tmp_path: Path) -> Path:
    """A backup holding one member, Sam; Thandi joins after it."""
    make_member(name="Sam Okafor", email="sam@example.com")
    path = tmp_path / "mutuals.backup"
    _backup(path)
    make_member(name="Thandi Mokoena", email="thandi@example.com")
    return path


def test_a_restore_brings_back_the_database_as_it_was_backed_up(backed_up: Path) -> None:
    User.objects.filter(email="sam@example.com").update(name="Changed since")

    said = _restore(backed_up)

    assert _emails() == {"sam@example.com"}
    assert User.objects.get(email="sam@example.com").name == "Sam Okafor"
    assert "Restored" in said
    assert "mutuals migrate" not in said
    # The restored database takes writes as before (sequences restored on PostgreSQL).
    make_member(name="Priya Raman", email="priya@example.com")
    assert _emails() == {"sam@example.com", "priya@example.com"}


def test_the_backup_is_one_file_in_the_engine_s_own_format(backed_up: Path) -> None:
    head = backed_up.read_bytes()[:16]

    if connection.vendor == "sqlite":
        assert head == b"SQLite format 3\x00"
        with sqlite3.connect(backed_up) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            assert db.execute("SELECT email FROM accounts_user").fetchall() == [
                ("sam@example.com",)
            ]
    else:
        assert head.startswith(b"PGDMP")
    assert [p.name for p in backed_up.parent.iterdir()] == [backed_up.name]


def test_a_backup_never_overwrites_a_file(backed_up: Path) -> None:
    before = backed_up.read_bytes()

    with pytest.raises(CommandError, match="already exists"):
        _backup(backed_up)

    assert backed_up.read_bytes() == before


def test_a_damaged_backup_is_refused_and_nothing_changes(backed_up: Path) -> None:
    data = backed_up.read_bytes()
    backed_up.write_bytes(data[: len(data) // 2])

    with pytest.raises(CommandError, match=r"damaged|failed"):
        _restore(backed_up)

    assert _emails() == {"sam@example.com", "thandi@example.com"}


def test_a_backup_from_a_newer_version_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    make_member(name="Sam Okafor", email="sam@example.com")
    future = MigrationRecorder.Migration.objects.create(app="accounts", name="9999_from_the_future")
    path = tmp_path / "newer.backup"
    try:
        _backup(path)
    finally:
        future.delete()
    make_member(name="Thandi Mokoena", email="thandi@example.com")

    with pytest.raises(CommandError, match=r"newer version.*accounts\.9999_from_the_future"):
        _restore(path)

    assert _emails() == {"sam@example.com", "thandi@example.com"}


def test_a_backup_from_an_older_version_is_restored_and_migrate_is_asked_for(
    tmp_path: Path,
) -> None:
    make_member(name="Sam Okafor", email="sam@example.com")
    recorder = MigrationRecorder(connection)
    latest = recorder.Migration.objects.filter(app="sessions").order_by("-name").first()
    assert latest is not None
    path = tmp_path / "older.backup"
    latest_name = latest.name
    latest.delete()
    try:
        _backup(path)
    finally:
        recorder.record_applied("sessions", latest_name)

    try:
        said = _restore(path)
    finally:
        recorder.record_applied("sessions", latest_name)

    assert "run `mutuals migrate` to apply the 1 migrations it lacks" in said
    assert _emails() == {"sam@example.com"}


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    make_member(name="Sam Okafor", email="sam@example.com")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other_sqlite = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_sqlite) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    db.close()

    with pytest.raises(CommandError, match="not a mutuals backup"):
        _restore(text)
    with pytest.raises(CommandError, match="not a mutuals one"):
        _restore(other_sqlite)
    with pytest.raises(CommandError, match="Cannot read"):
        _restore(tmp_path / "missing.backup")

    assert _emails() == {"sam@example.com"}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_a_sqlite_backup_is_refused_by_a_postgresql_database(tmp_path: Path) -> None:
    make_member(name="Sam Okafor", email="sam@example.com")
    from_sqlite = tmp_path / "sqlite.backup"
    with sqlite3.connect(from_sqlite) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER, app TEXT, name TEXT)")
        db.execute("INSERT INTO django_migrations VALUES (1, 'accounts', '0001_initial')")
    db.close()

    with pytest.raises(CommandError, match=r"is a SQLite backup; this database is PostgreSQL"):
        _restore(from_sqlite)

    assert _emails() == {"sam@example.com"}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_without_pg_dump_the_backup_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(CommandError, match=r"pg_dump is not installed.*postgresql-client"):
        _backup(tmp_path / "mutuals.backup")

    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_a_backup_that_runs_out_of_time_is_stopped_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="took longer than"):
        call_command("backup", str(tmp_path / "slow.backup"), "--timeout", "0.001")

    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_a_restore_that_fails_half_way_is_rolled_back(tmp_path: Path) -> None:
    """The tables are dropped and refilled in one transaction: here the archive's statements
    fail after the drop (its schema `extra` already exists), and every row is still there."""
    make_member(name="Sam Okafor", email="sam@example.com")
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA extra; CREATE TABLE extra.notes (body text)")
    try:
        path = tmp_path / "mutuals.backup"
        _backup(path)
        make_member(name="Thandi Mokoena", email="thandi@example.com")

        with pytest.raises(CommandError, match=r"nothing was changed.*extra"):
            _restore(path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA extra CASCADE")

    assert _emails() == {"sam@example.com", "thandi@example.com"}
