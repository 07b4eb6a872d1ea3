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
