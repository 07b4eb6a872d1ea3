"""What the request telemetry costs per request (issue 21): the request id, the query counter,
the Prometheus metrics and the JSON access line of `core.telemetry.RequestTelemetryMiddleware`.

Calls the middleware around a view that does nothing (the resolved `/healthz`, so the labels
are real) many times and subtracts the same calls without it. Variants: metrics only (access
log off), metrics and the access line formatted as JSON and written to /dev/null, and the same
in prometheus_client's multiprocess mode (what `mutuals serve` runs: each value in a
memory-mapped file). Prints microseconds per request, the median of 5 rounds.

    .venv/bin/python benchmarks/telemetry.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _measure(requests: int, access_log: bool) -> tuple[float, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory, override_settings
    from django.urls import resolve

    from mutuals.core.logs import JsonFormatter, RequestIdFilter
    from mutuals.core.telemetry import RequestTelemetryMiddleware

    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 - kept for the run
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("mutuals.access")
    access.handlers = [handler]
    access.propagate = False
    access.setLevel(logging.INFO)

    match = resolve("/healthz")

    def view(request: object) -> HttpResponse:
        request.resolver_match = match  # type: ignore[attr-defined]
        return HttpResponse(b'{"status": "ok"}', content_type="application/json")

    factory = RequestFactory()
    request = factory.get("/healthz", headers={"X-Request-ID": "bench-1"})
    with override_settings(MUTUALS_ACCESS_LOG=access_log):
        middleware = RequestTelemetryMiddleware(view)

    def run(call: object) -> float:
        started = time.perf_counter()
        for _ in range(requests):
            call(request)  # type: ignore[operator]
        return (time.perf_counter() - started) / requests * 1e6

    bare, wrapped = [], []
    for _ in range(5):
        bare.append(run(view))
        wrapped.append(run(middleware))
    return statistics.median(bare), statistics.median(wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--child", choices=["metrics", "access"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        bare, wrapped = _measure(options.requests, access_log=options.child == "access")
        print(f"{bare:.2f} {wrapped:.2f}")
        return
    print(f"load average before: {os.getloadavg()}")
    print(f"{'variant':58} {'µs/request':>12}")
    with tempfile.TemporaryDirectory() as directory:
        variants = [
            ("metrics, no access line (in-process metrics)", "metrics", {}),
            ("metrics + JSON access line (in-process metrics)", "access", {}),
            (
                "metrics + JSON access line (multiprocess, as mutuals serve)",
                "access",
                {"PROMETHEUS_MULTIPROC_DIR": directory},
            ),
        ]
        for label, child, extra in variants:
            env = {**os.environ, **extra}
            env.pop("DATABASE_URL", None)
            output = subprocess.run(  # noqa: S603 - this script
                [sys.executable, __file__, "--child", child, "--requests", str(options.requests)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout.split()
            bare, wrapped = float(output[0]), float(output[1])
            print(f"{label:58} {wrapped - bare:12.1f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
