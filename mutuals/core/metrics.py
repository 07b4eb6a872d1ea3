"""Prometheus metrics at `/metrics` (issue 21; docs/operations.md, "Metrics").

What is measured:

- while answering requests (`mutuals.core.telemetry` records them): each request's duration
  by view and method, the answers by view, method and status, the database queries a request
  made (how many per request by view, and the queries and their seconds by database);
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

**Protection.** `/metrics` answers only a request with `Authorization: Bearer
$MUTUALS_METRICS_TOKEN`; without that setting it is off (404), so nothing about the
instance is public by default, even through a proxy that forwards every path.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
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


@functools.cache
def instruments() -> Instruments:
    return Instruments()


def multiprocess_prepare(directory: Path) -> None:
    """Called by `mutuals serve` before its worker processes start: each will keep its
    metrics in a file under `directory` (emptied now: files of an earlier run would be added
    to this one's), and a scrape of any of them reads them all."""
    if instruments.cache_info().currsize:
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
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
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
