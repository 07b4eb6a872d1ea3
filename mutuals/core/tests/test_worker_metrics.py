"""The worker's own metrics (issue 21): tasks run, failed, timed and waited for, by task name,
measured in `mutuals worker` and scraped from its `--metrics-address`."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutuals.core import metrics
from mutuals.core.tests.test_shared_rate_limits import MUTUALS, ROOT, _database_url, _free_port
from mutuals.core.tests.test_telemetry import TOKEN, TRACING_TASKS, _sample
from mutuals.core.tests.worker_tasks import fail_always, record_run

RECORD = "mutuals.core.tests.worker_tasks.record_run"
FAIL = "mutuals.core.tests.worker_tasks.fail_always"


def _scrape_worker(port: int, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our worker
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_tasks_run_in_this_process_are_counted_by_name_and_outcome(tmp_path: Path) -> None:
    """The test settings run tasks inline (the immediate backend), through the same signals
    the worker sends: what is counted is what ran in the process."""

    def value(name: str, **labels: str) -> float:
        return _sample(metrics.exposition().decode(), name, **labels) or 0.0

    before = {
        "ok": value("mutuals_worker_tasks_finished_total", task=RECORD, status="SUCCESSFUL"),
        "failed": value("mutuals_worker_tasks_finished_total", task=FAIL, status="FAILED"),
        "started": value("mutuals_worker_tasks_started_total", task=FAIL),
        "timed": value("mutuals_worker_task_duration_seconds_count", task=RECORD),
        "slow": value("mutuals_worker_task_duration_seconds_bucket", task=RECORD, le="0.01"),
        "waited": value("mutuals_worker_task_wait_seconds_count", task=RECORD),
    }
    for number in range(2):
        record_run.enqueue(number, str(tmp_path / "runs"))
    fail_always.enqueue("on purpose")

    assert value("mutuals_worker_tasks_finished_total", task=RECORD, status="SUCCESSFUL") == (
        before["ok"] + 2
    )
    assert value("mutuals_worker_tasks_finished_total", task=FAIL, status="FAILED") == (
        before["failed"] + 1
    )
    assert value("mutuals_worker_tasks_started_total", task=FAIL) == before["started"] + 1
    assert value("mutuals_worker_task_duration_seconds_count", task=RECORD) == before["timed"] + 2
    # record_run sleeps 50 ms: neither run falls in the 10 ms bucket.
    assert (
        value("mutuals_worker_task_duration_seconds_bucket", task=RECORD, le="0.01")
        == (before["slow"])
    )
    assert value("mutuals_worker_task_wait_seconds_count", task=RECORD) == before["waited"] + 2


@pytest.mark.parametrize(
    ("given", "address"),
    [("127.0.0.1:9108", ("127.0.0.1", 9108)), ("[::1]:9108", ("::1", 9108))],
)
def test_the_metrics_address_is_host_and_port(given: str, address: tuple[str, int]) -> None:
    assert metrics.worker_metrics_address(given) == address


@override_settings(TASKS=TRACING_TASKS)
@pytest.mark.parametrize("given", ["9108", "localhost", ":9108", "host:port", "host:70000"])
def test_a_metrics_address_without_host_and_port_is_refused(given: str) -> None:
    with pytest.raises(CommandError, match="is not HOST:PORT"):
        call_command("worker", "--batch", "--metrics-address", given)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_its_scrape_with_what_it_ran(tmp_path: Path) -> None:
    """`mutuals worker --metrics-address` with production settings on the test database runs
    three tasks (one fails, one waited ten minutes) and says so at /metrics, with the queue;
    without the token it says nothing."""
    with override_settings(TASKS=TRACING_TASKS):
        record_run.enqueue(1, str(tmp_path / "runs"))
        record_run.enqueue(2, str(tmp_path / "runs"))
        fail_always.enqueue("on purpose")
    DBTaskResult.objects.filter(args_kwargs__args__0=1).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "worker-metrics-test",
        "MUTUALS_GRAPH_BUILDER_IN_WORKER": "0",
        "MUTUALS_METRICS_TOKEN": TOKEN,
    }
    command = [MUTUALS, "worker", "--interval", "0.1", "--no-startup-delay"]
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [*command, "--metrics-address", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115 - closed with the process
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        status, text = _scrape_worker(port)
        refused, _ = _scrape_worker(port, token=None)
        wrong, _ = _scrape_worker(port, token="wrong")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    assert (status, refused, wrong) == (200, 401, 401)
    assert _sample(text, "mutuals_worker_tasks_started_total", task=RECORD) == 2
    assert (
        _sample(text, "mutuals_worker_tasks_finished_total", task=RECORD, status="SUCCESSFUL") == 2
    )
    assert _sample(text, "mutuals_worker_tasks_finished_total", task=FAIL, status="FAILED") == 1
    assert _sample(text, "mutuals_worker_task_duration_seconds_count", task=RECORD) == 2
    # One of the two waited ten minutes, the other under a minute.
    assert _sample(text, "mutuals_worker_task_wait_seconds_bucket", task=RECORD, le="60.0") == 1
    assert _sample(text, "mutuals_worker_task_wait_seconds_bucket", task=RECORD, le="900.0") == 2
    # The queue, read at the scrape: nothing left waiting.
    assert _sample(text, "mutuals_tasks", queue="default", state="due") == 0
    # The process's own metrics (prometheus_client's default collectors).
    assert _sample(text, "process_resident_memory_bytes") is not None
