"""A task for test_workers.py: it records each run in a file, so a run twice shows."""

from __future__ import annotations

import logging
import os
import time

from django.tasks import task


@task
def record_run(number: int, path: str) -> None:
    time.sleep(0.05)  # long enough for the other worker to look for a task meanwhile
    line = f"{number} {os.getpid()}\n".encode()
    # O_APPEND: each write lands whole at the end, whichever process makes it.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


@task
def log_line(text: str) -> None:
    """For test_telemetry.py: a line the task itself logs, with whatever request id is bound."""
    logging.getLogger("mutuals.tests").warning(text)


@task
def fail_always(text: str) -> None:
    """For test_worker_metrics.py: a task that fails."""
    raise RuntimeError(text)


@task
def deadlock_then_record(path: str, deadlocks: int) -> None:
    """For test_task_retries.py: meets `deadlocks` deadlocks (PostgreSQL's error, as Django
    raises it) on its first runs, then records that it ran, once."""
    import psycopg
    from django.db import OperationalError

    runs = path + ".runs"
    with open(runs, "a") as file:
        file.write("run\n")
    with open(runs) as file:
        count = len(file.readlines())
    if count <= deadlocks:
        raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected(
            "deadlock detected"
        )
    with open(path, "a") as file:
        file.write("done\n")
