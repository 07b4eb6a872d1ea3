"""What one request costs the server, whatever the machine's load (issue 20): CPU milliseconds
and database queries per request, in-process, through the production WSGI application.

Loads the production settings (`config.settings.base`, the database from DATABASE_URL, the
cache from REDIS_URL, the JSON access log written to /dev/null through its real handler,
prometheus_client in multiprocess mode as `mutuals serve` runs it) and calls
`config.wsgi.application` in a loop with a WSGI environ for each path, signed in with an API
token of the demo's Sam (made for the run and revoked after). Nothing goes through a socket,
so the figures are what Django, the middleware, django-ninja and the ORM cost, plus the time
waiting for PostgreSQL: CPU ms is this process's CPU time (`time.process_time`), which the
load of other processes changes far less than the wall time. `--profile` prints the top
entries of a profile of this process's CPU time (cProfile).

    DATABASE_URL=postgres://…/mutuals_bench .venv/bin/python benchmarks/request_cost.py
    .venv/bin/python benchmarks/request_cost.py --path /api/me --requests 2000 --profile 40

`--no-access-log` measures without the access line; `--in-process-metrics` without
multiprocess mode.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_EMAIL = "sam@demo.mutuals.test"
DEFAULT_PATHS = ["/api/me"]


def _environ(path: str, token: str) -> dict[str, Any]:
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_CONNECTION": "keep-alive",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class _Status:
    code = ""

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.code = status


def _call(application: Callable[..., Iterable[bytes]], path: str, token: str) -> str:
    status = _Status()
    body = application(_environ(path, token), status)
    try:
        b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return status.code


def cpu_profile(call: Callable[[], object], calls: int, top: int) -> str:
    """cProfile with this process's CPU time as its clock, so time spent waiting (for
    PostgreSQL, for a core the machine's other processes hold) is not counted: the `top`
    functions by their own time, then the project's by cumulative time. `benchmarks/
    endpoints.py` profiles with it too."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    out.write("\nThe project's functions, by cumulative CPU time:\n")
    stats.sort_stats("cumulative").print_stats(r"/mutuals/(?!.*/tests/)", top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", action="append", help="a GET path (repeatable); default /api/me")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--in-process-metrics", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the top N")
    args = parser.parse_args()
    paths = args.path or DEFAULT_PATHS

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if args.no_access_log:
        os.environ["MUTUALS_ACCESS_LOG"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import DatabaseError, connection

    from mutuals.core import metrics

    if not args.in_process_metrics:
        metrics.multiprocess_prepare(Path(tempfile.mkdtemp(prefix="mutuals-bench-metrics-")))
    from config.wsgi import application  # sets Django up again, and its logging

    # The access log's real handler and formatter, writing to /dev/null instead of stderr.
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - kept for the run
    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create, api_token_revoke

    try:
        user = User.objects.filter(email=args.email).first()
    except DatabaseError:  # not migrated
        user = None
    if user is None:
        # `make bench` runs every script: this one needs the demo in the database it names.
        print(f"no member {args.email} in this database: run `mutuals demo`; skipped")
        return
    row, token = api_token_create(user=user, label="request_cost benchmark")
    connection.close()
    queries = 0

    def count(execute: Callable[..., Any], *rest: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(*rest)

    load_before = os.getloadavg()
    print(f"# request cost — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"database {connection.vendor} {settings.DATABASES['default']['NAME']}, "
        f"access log {'on' if settings.MUTUALS_ACCESS_LOG else 'off'}, "
        f"metrics {'in-process' if args.in_process_metrics else 'multiprocess'}, "
        f"{args.requests} requests x {args.rounds} rounds per path"
    )
    print("\n| path | status | CPU ms / request | wall ms / request | queries / request |")
    print("|---|---|---:|---:|---:|")
    try:
        for path in paths:
            status = _call(application, path, token)  # warm: imports, connection, caches
            for _ in range(20):
                _call(application, path, token)
            cpu, wall = [], []
            queries = 0
            with connection.execute_wrapper(count):
                for _ in range(args.rounds):
                    cpu_start, wall_start = time.process_time(), time.perf_counter()
                    for _ in range(args.requests):
                        _call(application, path, token)
                    cpu.append((time.process_time() - cpu_start) / args.requests * 1000)
                    wall.append((time.perf_counter() - wall_start) / args.requests * 1000)
            print(
                f"| {path} | {status} | {statistics.median(cpu):.3f} | "
                f"{statistics.median(wall):.3f} | {queries / (args.requests * args.rounds):.1f} |"
            )
        load_after = os.getloadavg()
        print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
        if args.profile:
            for path in paths:
                print(f"\n## profile of {path} ({args.requests} requests)\n")
                call = functools.partial(_call, application, path, token)
                print(cpu_profile(call, args.requests, args.profile))
    finally:
        api_token_revoke(user=user, token_id=row.pk)


if __name__ == "__main__":
    main()
