"""Workers that scale out (issue 21): two `mutuals worker` processes on one queue run every
task exactly once. django-tasks-db claims a task with `SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL (each worker skips the row the other holds) and `BEGIN EXCLUSIVE` on SQLite."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from mutuals.core.tests.test_shared_rate_limits import MUTUALS, ROOT, _database_url
from mutuals.core.tests.worker_tasks import record_run

TASKS = 40


def _watch(stream: IO[bytes], started: threading.Event, log: list[str]) -> None:
    for raw in stream:
        line = raw.decode(errors="replace")
        log.append(line)
        if "Starting worker" in line:
            started.set()


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[list[str]]:
    """Two `mutuals worker` processes with production settings on the test database, both
    polling the queue; yields what they log."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "two-workers-test",
    }
    command = [MUTUALS, "worker", "--interval", "0.05", "--no-startup-delay"]
    log: list[str] = []
    workers, watchers, started = [], [], []
    try:
        for _ in range(2):
            worker = subprocess.Popen(  # noqa: S603 - our own command
                command, cwd=ROOT, env=env, stderr=subprocess.PIPE, start_new_session=True
            )
            workers.append(worker)
            started.append(threading.Event())
            assert worker.stderr is not None
            watchers.append(
                threading.Thread(target=_watch, args=(worker.stderr, started[-1], log), daemon=True)
            )
            watchers[-1].start()
        for event in started:
            assert event.wait(timeout=120), "a worker did not start:\n" + "".join(log[-20:])
        yield log
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_every_task_once(tmp_path: Path, two_workers: list[str]) -> None:
    runs = tmp_path / "runs.log"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for number in range(TASKS):
            record_run.enqueue(number, str(runs))

    deadline = time.monotonic() + 120
    while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
        assert time.monotonic() < deadline, "".join(two_workers[-20:])
        time.sleep(0.2)

    lines = [line.split() for line in runs.read_text().splitlines()]
    times_run = collections.Counter(int(number) for number, _ in lines)
    assert times_run == dict.fromkeys(range(TASKS), 1)
    # Both took part (each task takes 50 ms while the other worker polls every 50 ms).
    assert len({pid for _, pid in lines}) == 2
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)
