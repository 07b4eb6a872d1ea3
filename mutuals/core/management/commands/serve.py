"""`mutuals serve`: the production server (granian, WSGI), static files through whitenoise.

Its worker processes share one metrics directory (prometheus_client's multiprocess mode,
`core.metrics.multiprocess_prepare`), so a scrape of `/metrics` on any of them counts all of
them; each request's access line is Django's (`core.telemetry`, JSON), not granian's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mutuals.core import metrics
from mutuals.core.staticfiles import collect_static_if_changed


class Command(BaseCommand):
    help = (
        "Serve mutuals with granian (production WSGI server); collects static files first "
        "when they changed since the last collection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MUTUALS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MUTUALS_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MUTUALS_WORKERS", "2")),
            help="Worker processes (default 2, or MUTUALS_WORKERS).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            # 2, chosen by measurement on the 2-core reference machine (docs/operations.md,
            # "Processes and threads of one server"): with 4 threads sharing a process's GIL a
            # long request was slowed by every other in flight, and the mix's p99 doubled.
            default=int(os.environ.get("MUTUALS_THREADS", "2")),
            help="Threads per worker for blocking Django code (default 2, or MUTUALS_THREADS).",
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: granian costs about 0.35 s of start-up, which `serve --help` and
        # `help serve` need not pay.
        from granian import Granian
        from granian.constants import Interfaces

        if not options["no_collectstatic"] and collect_static_if_changed():
            self.stdout.write("Collected the static files (they changed since the last start).")
        metrics.multiprocess_prepare(
            Path(
                os.environ.get(metrics.MULTIPROCESS_ENV)
                or settings.MUTUALS_METRICS_DIR
                or settings.DATA_DIR / "metrics" / f"serve-{options['port']}"
            )
        )
        self.stdout.write(
            f"mutuals is serving on http://{options['host']}:{options['port']}/ "
            f"({options['workers']} workers; Ctrl-C stops)"
        )
        Granian(
            "config.wsgi:application",
            address=options["host"],
            port=options["port"],
            interface=Interfaces.WSGI,
            workers=options["workers"],
            blocking_threads=options["threads"],
            log_access=False,
        ).serve()
