"""`mutuals worker`: runs background tasks (django.tasks on the database backend). Before the
first task it runs what the apps registered in `core.worker_start` (the recovery of imports a
stopped worker left running). With `--metrics-address` it answers Prometheus's scrapes of its
task metrics there (`core.metrics.worker_metrics_serve`; docs/operations.md, "Metrics").

Unlike django-tasks-db's own worker it gets past the database's failures of the moment
(`core.tasks.transient_database_error`: a deadlock, a serialization failure, a connection the
primary's restart ended): a task that meets one is queued again a little later
(`core.tasks.task_retry_later`, a bounded number of times) instead of marked failed for good,
and the worker itself waits for the database to come back instead of exiting."""

import logging
import os
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from mutuals.core import metrics, tasks, worker_start

logger = logging.getLogger("mutuals.tasks")
# Between two attempts of the worker's own loop to reach a database that failed.
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)


class RetryingWorker(db_worker.Worker):
    """django-tasks-db's worker, but a task that met a transient database failure is queued
    again (`tasks.task_retry_later`), and the loop outlives the database's restart."""

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        mark_failed = db_task_result.set_failed

        def set_failed(error: BaseException) -> None:
            if not tasks.task_retry_later(db_task_result, error):
                mark_failed(error)

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    def run(self) -> None:
        failures = 0
        while True:
            try:
                super().run()
                return
            except DatabaseError as error:
                if not tasks.transient_database_error(error) or not self.running:
                    raise
                pause = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                failures += 1
                logger.warning(
                    "the database failed for the worker; trying again in %.1f s: %s",
                    pause,
                    str(error).splitlines()[0] if str(error) else type(error).__name__,
                )
                connections.close_all()
                time.sleep(pause)


class Command(db_worker.Command):
    help = (
        "Run mutuals' background tasks (nudges, deliveries, imports) from the database queue. "
        "Same options as django-tasks-db's db_worker, and --metrics-address."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--metrics-address",
            default=os.environ.get("MUTUALS_WORKER_METRICS_ADDRESS", ""),
            help="HOST:PORT where this worker answers GET /metrics (MUTUALS_METRICS_TOKEN "
            "as its bearer token); default MUTUALS_WORKER_METRICS_ADDRESS, or none.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if address := options.pop("metrics_address"):
            try:
                host, port = metrics.worker_metrics_address(address)
                metrics.worker_metrics_serve(host, port)
            except (ValueError, OSError) as error:
                raise CommandError(f"--metrics-address {address}: {error}") from error
        worker_start.run_all()
        # django-tasks-db's command builds the worker it names `Worker` in its module: ours.
        db_worker.Worker = RetryingWorker  # type: ignore[misc]
        super().handle(*args, **options)
