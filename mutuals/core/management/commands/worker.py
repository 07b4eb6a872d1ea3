"""`mutuals worker`: runs background tasks (django.tasks on the database backend). Before the
first task it runs what the apps registered in `core.worker_start` (the recovery of imports a
stopped worker left running). With `--metrics-address` it answers Prometheus's scrapes of its
task metrics there (`core.metrics.worker_metrics_serve`; docs/operations.md, "Metrics")."""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from mutuals.core import metrics, worker_start


class Command(DatabaseWorkerCommand):
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
        super().handle(*args, **options)
