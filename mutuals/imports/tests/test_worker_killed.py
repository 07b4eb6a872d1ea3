"""A real `mutuals worker` killed with SIGKILL in the middle of an import (issue 16): the import
is left running with nothing half-written, and the next worker's start queues it again and
completes it. (`test_hostile.py` simulates the same inside one process; this is the real thing:
a process that never gets to run an `except` or a `finally`.)"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest
from django.test import override_settings
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.core.tests.test_shared_rate_limits import MUTUALS, ROOT, _database_url
from mutuals.imports.models import Contact, ContactInteraction, Import, ImportPayload
from mutuals.imports.services import READ_SHARE, STALE_AFTER, import_create
from mutuals.imports.tests.helpers import NOTES, as_upload, make_zip

CONNECTIONS = 3000
MESSAGES = 9000


def _export() -> bytes:
    """A LinkedIn-shaped export big enough that a worker is still busy when it is killed."""
    connections = io.StringIO()
    connections.write(NOTES)
    writer = csv.writer(connections)
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for index in range(CONNECTIONS):
        writer.writerow(
            [
                "Ana",
                f"Member{index}",
                f"https://www.linkedin.com/in/member-{index:06d}",
                "",
                "Acme Rail",
                "Engineer",
                f"{1 + index % 28:02d} Mar 2024",
            ]
        )
    messages = io.StringIO()
    writer = csv.writer(messages)
    writer.writerow(
        ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
         "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT",
         "IS CONVERSATION DRAFT"]
    )  # fmt: skip
    owner = "https://www.linkedin.com/in/owner"
    for index in range(MESSAGES):
        who = index % CONNECTIONS
        url = f"https://www.linkedin.com/in/member-{who:06d}"
        mine = index % 2 == 0
        writer.writerow(
            [
                f"conversation-{who}",
                "",
                "Owen Owner" if mine else f"Ana Member{who}",
                owner if mine else url,
                f"Ana Member{who}" if mine else "Owen Owner",
                url if mine else owner,
                f"2025-{1 + index % 12:02d}-{1 + index % 28:02d} 10:{index % 60:02d}:00 UTC",
                "",
                f"Message {index} about the rail project",
                "INBOX",
                "No",
                "No",
            ]
        )
    return make_zip(
        {"Connections.csv": connections.getvalue(), "messages.csv": messages.getvalue()}
    )


def _watch(stream: IO[bytes], started: threading.Event, log: list[str]) -> None:
    for raw in stream:
        line = raw.decode(errors="replace")
        log.append(line)
        if "Starting worker" in line:
            started.set()


class Worker:
    """One `mutuals worker` process with production settings on the test database."""

    def __init__(self, data_dir: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": _database_url(),
            "MUTUALS_DATA_DIR": str(data_dir),
            "MUTUALS_SECRET_KEY": "worker-killed-test",
        }
        self.log: list[str] = []
        started = threading.Event()
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [MUTUALS, "worker", "--interval", "0.05", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.process.stderr is not None
        threading.Thread(
            target=_watch, args=(self.process.stderr, started, self.log), daemon=True
        ).start()
        assert started.wait(timeout=180), "the worker did not start:\n" + "".join(self.log[-20:])

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def real_queue(tmp_path: Path) -> Iterator[Path]:
    """Tasks go to the database queue, and uploads to a folder the worker reads too."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "imports": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "imports")},
            },
        },
    ):
        yield tmp_path


def _wait_for(condition, what: str, worker: Worker, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n" + "".join(worker.log[-30:])
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_worker_completes_it(
    real_queue: Path,
) -> None:
    owner = make_member(name="Owen Owner")
    created = import_create(owner=owner, file_name="export.zip", upload=as_upload(_export()))
    worker = Worker(real_queue)
    try:
        # Killed while it reads the export (past its first progress step, before saving).
        _wait_for(
            lambda: Import.objects.filter(
                pk=created.pk, status=Import.Status.RUNNING, progress__gte=2
            ).exists(),
            "the import never started",
            worker,
        )
        worker.kill()
    finally:
        worker.stop()
    killed = Import.objects.get(pk=created.pk)
    assert killed.status == Import.Status.RUNNING, "it finished before the kill: make it bigger"
    assert 2 <= killed.progress <= READ_SHARE + 10
    assert not Contact.objects.filter(owner=owner).exists()
    assert not ContactInteraction.objects.exists()
    assert ImportPayload.objects.filter(import_run_id=created.pk).exists()

    # Minutes later (its heartbeat is old), the next worker's start queues it again and runs it.
    Import.objects.filter(pk=created.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    worker = Worker(real_queue)
    try:
        _wait_for(
            lambda: Import.objects.filter(pk=created.pk, status=Import.Status.DONE).exists(),
            "the import was not completed after the restart",
            worker,
        )
    finally:
        worker.stop()
    done = Import.objects.get(pk=created.pk)
    assert done.attempts == 2
    assert done.error is None
    assert Contact.objects.filter(owner=owner, is_connection=True).count() == CONNECTIONS
    assert not ImportPayload.objects.filter(import_run_id=created.pk).exists()
