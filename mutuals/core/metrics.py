"""Prometheus metrics at `/metrics` (issue 21; docs/operations.md, "Metrics").

What is measured:

- while answering requests (`mutuals.core.telemetry` records them): each request's duration
  by view and method, the answers by view, method and status, the database queries a request
  made (how many per request by view, and the queries and their seconds by database);
- while running tasks, in `mutuals worker` (`core.tasks` records them): each task's runs by
  task name and outcome, its duration, and how long it waited for a worker once due;
- read when scraped, from the database and the disk, so every server answers the same: the
  task queue (tasks due and waiting, scheduled for later, running; the age of the oldest due
  task) and whatever the apps registered with `gauge_register` (introductions: the age of the
  published graph snapshot).

**Several processes.** `mutuals serve` runs several granian worker processes; a scrape
reaches one of them. So `mutuals serve` sets `PROMETHEUS_MULTIPROC_DIR` (emptied at each
start) before its workers start, each process writes its counters and histograms to its own
memory-mapped file there, and a scrape sums every file of the host (prometheus_client's
multiprocess mode). Across hosts, Prometheus scrapes each server and sums (`sum by (view)`).
Without the variable (tests, `mutuals runserver`) the metrics live in the process.

**The worker.** `mutuals worker` runs tasks one at a time in one process, on hosts that may
serve nothing, so it answers its own scrape: with `--metrics-address HOST:PORT` (or
`MUTUALS_WORKER_METRICS_ADDRESS`) it listens there (`worker_metrics_serve`) and answers
`/metrics` with its task metrics, the process's own (CPU, memory) and the gauges read at the
scrape, under the same token.

**Protection.** `/metrics` answers only a request with `Authorization: Bearer
$MUTUALS_METRICS_TOKEN`; without that setting it is off (404), so nothing about the
instance is public by default, even through a proxy that forwards every path.
"""

from __future__ import annotations

import hmac
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Case, Count, Min, Q, When
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Instruments:
    """The metrics recorded while answering requests. Made at the first request of a process,
    not at import: `mutuals serve` imports this module before it switches prometheus_client to
    multiprocess mode and forks its workers (`multiprocess_prepare`)."""

    def __init__(self) -> None:
        self.request_seconds = Histogram(
            "mutuals_http_request_duration_seconds",
            "Time from the request reaching Django to the answer leaving it, by view.",
            ["view", "method"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.responses = Counter(
            "mutuals_http_responses",
            "Answers by view, method and status code.",
            ["view", "method", "status"],
        )
        self.request_queries = Histogram(
            "mutuals_http_request_queries",
            "Database queries one request made, by view.",
            ["view"],
            buckets=(0, 1, 2, 4, 8, 16, 32, 64, 128),
        )
        self.queries = Counter(
            "mutuals_db_queries",
            "Database queries made while answering requests, by database alias.",
            ["database"],
        )
        self.query_seconds = Counter(
            "mutuals_db_query_seconds",
            "Seconds spent in database queries while answering requests, by database alias.",
            ["database"],
        )


class _MadeOnce[T]:
    """A value made at its first use and shared by every thread after. Each metric registers
    its name when made, so two threads that both made it would see the second refused with
    `DuplicateTimeseries`: `functools.cache` does not stop that (it calls the function in
    each thread that misses, and did so in `mutuals serve` under its first concurrent
    requests), so the making holds a lock."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._value: T | None = None

    def __call__(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                value = self._value
                if value is None:
                    value = self._value = self._make()
        return value

    @property
    def made(self) -> bool:
        return self._value is not None


instruments = _MadeOnce(lambda: Instruments())


# Seconds: most tasks send one e-mail or recompute a few ties; imports and exports take minutes.
TASK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class WorkerInstruments:
    """The metrics `mutuals worker` records for the tasks it runs, by task (its module path,
    `mutuals.engagement.tasks.notification_email`: a bounded set). Made at the first
    task, like `Instruments`."""

    def __init__(self) -> None:
        self.started = Counter(
            "mutuals_worker_tasks_started",
            "Tasks this worker started, by task.",
            ["task"],
        )
        self.finished = Counter(
            "mutuals_worker_tasks_finished",
            "Tasks this worker finished, by task and outcome (SUCCESSFUL, FAILED).",
            ["task", "status"],
        )
        self.seconds = Histogram(
            "mutuals_worker_task_duration_seconds",
            "Time a task ran in this worker, from its start to its outcome, by task.",
            ["task"],
            buckets=TASK_BUCKETS,
        )
        self.waited = Histogram(
            "mutuals_worker_task_wait_seconds",
            "Time a task waited for a worker, from when it was due (queued, or its run_after)"
            " to its start, by task.",
            ["task"],
            buckets=TASK_BUCKETS,
        )


worker_instruments = _MadeOnce(lambda: WorkerInstruments())


def multiprocess_prepare(directory: Path) -> None:
    """Called by `mutuals serve` before its worker processes start: each will keep its
    metrics in a file under `directory` (emptied now: files of an earlier run would be added
    to this one's), and a scrape of any of them reads them all."""
    if instruments.made or worker_instruments.made:
        raise RuntimeError("the metrics were made before multiprocess mode was set up")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_ENV] = str(directory)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


# Samples of a gauge read at scrape time: (label values, value) pairs.
Samples = Iterable[tuple[tuple[str, ...], float]]
_gauges: dict[str, tuple[str, tuple[str, ...], Callable[[], Samples]]] = {}


def gauge_register(
    name: str, documentation: str, read: Callable[[], Samples], *, labels: tuple[str, ...] = ()
) -> None:
    """A gauge read when `/metrics` is scraped, for a value another layer knows (the graph
    snapshot's age): `read` returns its samples; one that raises is logged and left out."""
    _gauges[name] = (documentation, labels, read)


def _task_queue() -> Iterator[GaugeMetricFamily]:
    """The queue of background tasks, per queue: due and waiting, scheduled, running; how long
    the oldest due task has waited since it became due."""

    now = timezone.now()
    never = get_date_max()
    ready = Q(status=TaskResultStatus.READY)
    due = ready & (Q(run_after__lte=now) | Q(run_after=never))
    rows = (
        DBTaskResult.objects.using("default")
        .filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .values("queue_name")
        .annotate(
            due=Count("id", filter=due),
            scheduled=Count("id", filter=ready & Q(run_after__gt=now) & ~Q(run_after=never)),
            running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
            due_since=Min(
                Case(When(run_after=never, then="enqueued_at"), default="run_after"),
                filter=due,
            ),
        )
        .order_by("queue_name")
    )
    tasks = GaugeMetricFamily(
        "mutuals_tasks", "Background tasks by queue and state.", labels=["queue", "state"]
    )
    oldest = GaugeMetricFamily(
        "mutuals_tasks_oldest_due_age_seconds",
        "How long the oldest due task of the queue has waited for a worker (0: none waits).",
        labels=["queue"],
    )
    queues: dict[str, dict[str, Any]] = {row["queue_name"]: dict(row) for row in rows}
    for queue in sorted(set(queues) | set(settings.TASKS["default"].get("QUEUES", ["default"]))):
        row = queues.get(queue, {"due": 0, "scheduled": 0, "running": 0, "due_since": None})
        for state in ("due", "scheduled", "running"):
            tasks.add_metric([queue, state], float(row[state]))
        due_since: datetime | None = row["due_since"]
        waited = (now - due_since).total_seconds() if due_since else 0.0
        oldest.add_metric([queue], max(0.0, waited))
    yield tasks
    yield oldest


class _ReadAtScrape(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from _task_queue()
        except Exception:  # a scrape still reports what it can; the cause goes to the log
            logger.exception("the task queue could not be measured")
        for name, (documentation, labels, read) in _gauges.items():
            try:
                samples = list(read())
            except Exception:
                logger.exception("the gauge %s could not be read", name)
                continue
            family = GaugeMetricFamily(name, documentation, labels=list(labels))
            for label_values, value in samples:
                family.add_metric(list(label_values), value)
            yield family


def exposition() -> bytes:
    """The text exposition of this host's metrics (every process of this `mutuals serve`
    in multiprocess mode) and the gauges read now."""
    read_now = CollectorRegistry()
    read_now.register(_ReadAtScrape())
    if os.environ.get(MULTIPROCESS_ENV):
        host = CollectorRegistry()
        multiprocess.MultiProcessCollector(host)  # type: ignore[no-untyped-call]
        return generate_latest(host) + generate_latest(read_now)
    return generate_latest(REGISTRY) + generate_latest(read_now)


def _authorized(request: HttpRequest, token: str) -> bool:
    return _bearer_matches(request.headers.get("Authorization", ""), token)


def _bearer_matches(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.MUTUALS_METRICS_TOKEN
    if not token:
        return HttpResponseNotFound("metrics are off: set MUTUALS_METRICS_TOKEN\n")
    if not _authorized(request, token):
        response = HttpResponse("a bearer token is needed\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class _WorkerMetricsHandler(BaseHTTPRequestHandler):
    """`GET /metrics` on the worker's own address, with the rules of `metrics_view`."""

    server_version = "mutuals-worker"
    timeout = 10  # a client that sends nothing does not hold the one serving thread

    def do_GET(self) -> None:
        if self.path.partition("?")[0] != "/metrics":
            self._answer(404, b"not found\n")
            return
        token = settings.MUTUALS_METRICS_TOKEN
        if not token:
            self._answer(404, b"metrics are off: set MUTUALS_METRICS_TOKEN\n")
            return
        if not _bearer_matches(self.headers.get("Authorization", ""), token):
            challenge = {"WWW-Authenticate": 'Bearer realm="metrics"'}
            self._answer(401, b"a bearer token is needed\n", challenge)
            return
        close_old_connections()
        try:
            body = exposition()
        finally:
            # This thread's connection is its own: closed after each scrape, never left broken.
            connections.close_all()
        self._answer(200, body, {"Content-Type": CONTENT_TYPE_LATEST})

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("worker metrics: " + format, *args)


class _HTTPServerV6(HTTPServer):
    address_family = socket.AF_INET6


def worker_metrics_address(value: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:9108` for IPv6) as a (host, port) pair; ValueError when it is not."""
    host, colon, port = value.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def worker_metrics_serve(host: str, port: int) -> HTTPServer:
    """Answer `/metrics` for this worker at host:port, from a daemon thread (one scrape at a
    time: Prometheus scrapes every few seconds at most). Returns the server (its
    `server_address` says the port when 0 was asked)."""
    server_class = _HTTPServerV6 if ":" in host else HTTPServer
    server = server_class((host, port), _WorkerMetricsHandler)
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()
    logger.info("worker metrics on http://%s:%d/metrics", host, server.server_address[1])
    return server
