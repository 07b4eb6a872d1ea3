"""Scheduling background work (django.tasks, run by `mutuals worker`) at a given time.

Every app that defers work calls `enqueue_at`; it lives here, at the ground, because it knows no
app: it takes the task to run and when. The backend that stores tasks with the id of the request
that queued them (`RequestTracingBackend`, configured in TASKS) and the worker's side of it
(`task_bind`, `task_unbind`) are here too: docs/operations.md, "Logs". So are the outbox every
service queues its tasks through (`queue_in_transaction`) and the worker's retry of a task the
database failed for a moment (`task_retry_later`): docs/operations.md, "Tasks: the outbox and
retries".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextvars import Token
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json

from mutuals.core import logs, metrics

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("mutuals.tasks")
# A worker runs one task at a time per thread; keyed by task id all the same.
_task_tokens: dict[str, Token[str | None]] = {}
_started: dict[str, float] = {}


def queue_in_transaction(schedule: Callable[[], object]) -> None:
    """Run `schedule`, code that decides and queues tasks, so that its tasks commit with the
    data they are about, or not at all (an outbox): at once when the task backend keeps tasks
    in the database the transaction writes (django-tasks-db, `RequestTracingBackend`: the rows
    are written in this transaction, so a server that dies after the commit has queued them
    already, and no worker sees them before the commit); once the transaction commits on any
    other backend (the immediate backend of tests would run the tasks inside it). Outside a
    transaction, at once either way. Every service queues its tasks through this; what is no
    task (files, caches, waiting for replicas) stays with `transaction.on_commit`."""
    if isinstance(task_backends["default"], DatabaseBackend):
        schedule()
    else:
        transaction.on_commit(schedule)


def enqueue_at(work: Task[Any, Any], when: datetime, *args: Any) -> None:
    """Run `work` at `when` on backends that can defer; on those that cannot (the immediate
    backend of tests), run it now only if it is already due."""
    if work.get_backend().supports_defer:
        work.using(run_after=when).enqueue(*args)
    elif when <= timezone.now():
        work.enqueue(*args)


class RequestTracingBackend(DatabaseBackend):
    """django-tasks-db's backend that keeps the id of the request (or task) that queued a task
    beside its arguments (`args_kwargs["request_id"]`, which the task itself never receives),
    so the worker's log lines for the task carry it (`task_bind`)."""

    def _task_to_db_task(
        self, task: Task[Any, Any], args: Any, kwargs: Any
    ) -> DBTaskResult[Any, Any]:
        # Imported here: the backend may load before the apps are ready (a task is checked
        # against it where it is defined); django_tasks_db's own backend defers it too.
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=_args_kwargs(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,  # type: ignore[misc]  # None: django-tasks-db's "no time"
            backend_name=self.alias,
        )

    async def _atask_to_db_task(
        self, task: Task[Any, Any], args: Any, kwargs: Any
    ) -> DBTaskResult[Any, Any]:
        # Imported here: the backend may load before the apps are ready (a task is checked
        # against it where it is defined); django_tasks_db's own backend defers it too.
        from django_tasks_db.models import DBTaskResult

        return await DBTaskResult.objects.acreate(
            id=self._get_id(),
            args_kwargs=_args_kwargs(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,  # type: ignore[misc]  # None: django-tasks-db's "no time"
            backend_name=self.alias,
        )


def _args_kwargs(args: Any, kwargs: Any) -> dict[str, Any]:
    stored = dict(normalize_json({"args": args, "kwargs": kwargs}))  # type: ignore[arg-type]
    if request_id := logs.current_request_id():
        stored["request_id"] = request_id
    return stored


def task_bind(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    """django.tasks' `task_started`: the worker's lines for this task carry the id of the
    request that queued it, and a task it queues in turn keeps that id."""
    db_result = getattr(task_result, "db_result", None)
    # A task run inline (the immediate backend of tests) keeps the id of the code that ran it.
    request_id = (
        db_result.args_kwargs.get("request_id")
        if db_result is not None
        else logs.current_request_id()
    )
    _task_tokens[task_result.id] = logs.bind(request_id)
    _started[task_result.id] = time.perf_counter()
    measured = metrics.worker_instruments()
    name = task_result.task.module_path
    measured.started.labels(name).inc()
    measured.waited.labels(name).observe(_waited_seconds(task_result))
    logger.info(
        "task started",
        extra={"task": task_result.task.module_path, "task_id": str(task_result.id)},
    )


def task_unbind(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    """django.tasks' `task_finished`: log the outcome, then forget the task's request id."""
    started = _started.pop(task_result.id, None)
    seconds = None if started is None else time.perf_counter() - started
    name = task_result.task.module_path
    measured = metrics.worker_instruments()
    measured.finished.labels(name, str(task_result.status)).inc()
    if seconds is not None:
        measured.seconds.labels(name).observe(seconds)
    logger.info(
        "task finished",
        extra={
            "task": name,
            "task_id": str(task_result.id),
            "status": str(task_result.status),
            "duration_ms": None if seconds is None else round(seconds * 1000, 1),
        },
    )
    if (token := _task_tokens.pop(task_result.id, None)) is not None:
        logs.unbind(token)


def _waited_seconds(task_result: TaskResult[Any, Any]) -> float:
    """From when the task was due (queued, or its `run_after` if later) to its start."""
    started = task_result.started_at or timezone.now()
    due = task_result.enqueued_at or started
    run_after = task_result.task.run_after
    if run_after is not None and run_after > due:
        due = run_after
    return max(0.0, (started - due).total_seconds())


def tasks_requeue_stale(*, older_than: timedelta, exclude: Iterable[str] = ()) -> int:
    """Queue again the tasks marked running for longer than `older_than`: their worker died
    (`kill -9`, a lost host) and django-tasks-db hands such a task to no one. Every task is
    idempotent, so one whose worker was only slow runs twice at worst. `exclude`: task paths
    that recover on their own (LinkedIn imports by heartbeat, data exports). Run by
    `mutuals sweep`; returns how many."""
    # Imported here: this module is the task backend, which may load before the apps are
    # ready (see DatabaseBackend above).
    from django_tasks_db.models import DBTaskResult

    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - older_than
    ).exclude(task_path__in=list(exclude))
    requeued = stale.update(status=TaskResultStatus.READY, started_at=None)
    if requeued:
        logger.warning("queued again %d tasks whose worker stopped", requeued)
    return requeued


# --- Retrying a task the database failed for a moment ---------------------------------------

# What a task meets when the database, not the task, failed for a moment; PostgreSQL says which
# by the error's SQLSTATE: 40P01 deadlock detected, 40001 serialization failure, class 08 the
# connection failed, 57P01-57P03 the server shutting down, restarting or not yet accepting
# (a primary's restart), 53300 too many connections; psycopg's "server closed the connection
# unexpectedly" has none. SQLite's "database is locked" (a writer held it past the timeout).
# Anything else (a mistake in a statement, a constraint) would fail again: not retried.
TRANSIENT_STATES = ("40P01", "40001", "08", "57P01", "57P02", "57P03", "53300")
# Seconds before each retry of a task that met one: the first within seconds (a deadlock's
# other side has committed by then), the last after a restarted primary is surely back.
TASK_RETRY_DELAYS = (1.0, 5.0, 15.0, 30.0, 60.0)
# Bound on writing the retry itself while the database is unreachable; past it the task stays
# marked running and `mutuals sweep` queues it again (`tasks_requeue_stale`).
RETRY_WRITE_SECONDS = 30.0


def transient_database_error(error: BaseException) -> bool:
    """Whether `error` (or the database error it was raised from) is the database's failure of
    the moment, which the same work run again can get past."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, InterfaceError):
            return True
        if isinstance(current, OperationalError):
            cause = current.__cause__
            sqlstate = getattr(cause, "sqlstate", None)
            if sqlstate is not None:
                return str(sqlstate).startswith(TRANSIENT_STATES)
            if type(cause).__module__.startswith("psycopg"):
                return True  # the connection itself failed: no SQLSTATE to say
            return "database is locked" in str(current)
        current = current.__cause__ or current.__context__
    return False


def task_retry_later(db_result: DBTaskResult[Any, Any], error: BaseException) -> bool:
    """Queue a task that met a transient database failure again, `TASK_RETRY_DELAYS` later,
    counting its retries beside its arguments (`args_kwargs["retries"]`); False when the error
    is the task's own or its retries are spent, so the worker marks it failed. Only a task the
    worker still holds as running is queued again (every task is idempotent: run again, it does
    what is left). Called by `mutuals worker` (`core.management.commands.worker`)."""
    if not transient_database_error(error):
        return False
    retries = int(db_result.args_kwargs.get("retries", 0))
    if retries >= len(TASK_RETRY_DELAYS):
        return False
    args_kwargs = {**db_result.args_kwargs, "retries": retries + 1}
    deadline = time.monotonic() + RETRY_WRITE_SECONDS
    pause = 0.5
    while True:
        close_old_connections()  # a connection the failure left unusable is dropped
        run_after = timezone.now() + timedelta(seconds=TASK_RETRY_DELAYS[retries])
        try:
            type(db_result).objects.filter(pk=db_result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY,
                run_after=run_after,
                started_at=None,
                args_kwargs=args_kwargs,
            )
            break
        except DatabaseError as failure:
            if not transient_database_error(failure) or time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 5.0)
    db_result.status = TaskResultStatus.READY
    db_result.run_after = run_after
    db_result.started_at = None
    db_result.args_kwargs = args_kwargs
    logger.warning(
        "task met a transient database failure; queued again",
        extra={
            "task": db_result.task_path,
            "task_id": str(db_result.id),
            "retry": retries + 1,
            "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
        },
    )
    return True
