"""A task that meets the database's failure of the moment — a deadlock, a serialization
failure, a connection the primary's restart ended — is queued again and runs to its end, not
marked FAILED for good (issue 21: CI's cluster run lost five tasks that way). A task's own
error is not retried; the retries are bounded."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from mutuals.core import tasks
from mutuals.core.management.commands import worker as worker_command
from mutuals.core.tests.batch_worker import batch_worker
from mutuals.core.tests.test_telemetry import TRACING_TASKS
from mutuals.core.tests.worker_tasks import deadlock_then_record, fail_always


def _raised_from(cause: BaseException, wrapper: type[Exception] = OperationalError) -> Exception:
    try:
        raise wrapper(str(cause)) from cause
    except wrapper as error:
        return error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_raised_from(psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (_raised_from(psycopg.errors.SerializationFailure("could not serialize")), True),
        (_raised_from(psycopg.errors.AdminShutdown("terminating connection")), True),
        (_raised_from(psycopg.errors.CannotConnectNow("the database system is starting")), True),
        (_raised_from(psycopg.OperationalError("server closed the connection")), True),
        (_raised_from(psycopg.errors.ConnectionFailure("connection failure")), True),
        (InterfaceError("connection already closed"), True),
        (OperationalError("database is locked"), True),
        (_raised_from(psycopg.errors.UndefinedTable("no such table")), False),
        (_raised_from(psycopg.errors.UniqueViolation("duplicate key"), IntegrityError), False),
        (OperationalError("no such column: x"), False),
        (RuntimeError("the task's own mistake"), False),
    ],
)
def test_which_errors_are_the_databases_failure_of_the_moment(error, transient):
    assert tasks.transient_database_error(error) is transient


def _work(batch_runs: int = 1) -> None:
    """What `mutuals worker --batch` does, in this process: run every due task, then stop."""
    worker = batch_worker("test-worker")
    for _ in range(batch_runs):
        worker.run()


@pytest.fixture
def no_delay(monkeypatch):
    monkeypatch.setattr(tasks, "TASK_RETRY_DELAYS", (0.0, 0.0, 0.0))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=TRACING_TASKS)
def test_a_task_that_met_a_deadlock_runs_again_and_finishes_once(tmp_path: Path, no_delay):
    done = tmp_path / "done"
    result = deadlock_then_record.enqueue(str(done), 2)
    _work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.args_kwargs["retries"] == 2
    assert len(row.worker_ids) == 3  # claimed once per run, never by two at once
    assert done.read_text() == "done\n"  # its work done once
    assert Path(str(done) + ".runs").read_text().count("run") == 3


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=TRACING_TASKS)
def test_a_task_is_queued_again_later_not_at_once(tmp_path: Path):
    result = deadlock_then_record.enqueue(str(tmp_path / "done"), 1)
    _work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.args_kwargs["retries"] == 1
    assert row.started_at is None
    assert row.run_after > row.enqueued_at  # the first delay: not due yet
    assert not (tmp_path / "done").exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=TRACING_TASKS)
def test_retries_are_bounded_then_the_task_fails(tmp_path: Path, no_delay):
    done = tmp_path / "done"
    result = deadlock_then_record.enqueue(str(done), 10)
    _work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.args_kwargs["retries"] == 3
    assert row.exception_class_path == "django.db.utils.OperationalError"
    assert not done.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=TRACING_TASKS)
def test_a_tasks_own_error_is_not_retried():
    result = fail_always.enqueue("on purpose")
    _work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "retries" not in row.args_kwargs
    assert len(row.worker_ids) == 1


def test_the_worker_waits_for_a_database_that_failed_instead_of_exiting(monkeypatch):
    """The primary restarts while the worker claims its next task: the claim's error ended
    django-tasks-db's loop, and the worker process with it. Ours waits and starts it again; a
    mistake (not the database's moment) still ends it."""
    calls: list[str] = []
    errors = [
        _raised_from(psycopg.errors.AdminShutdown("terminating connection")),
        _raised_from(psycopg.errors.CannotConnectNow("the database system is starting up")),
    ]

    def loop(self: db_worker.Worker) -> None:
        calls.append("run")
        if errors:
            raise errors.pop(0)

    monkeypatch.setattr(db_worker.Worker, "run", loop)
    monkeypatch.setattr(worker_command, "RECONNECT_SECONDS", (0.0,))
    _work()
    assert calls == ["run", "run", "run"]

    errors.append(_raised_from(psycopg.errors.UndefinedTable("no such table")))
    with pytest.raises(OperationalError):
        _work()
