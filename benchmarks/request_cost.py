"""What one request costs the server, whatever the machine's load (issue 20): CPU milliseconds
and database queries per request of each endpoint of the HTTP mix and its page, in-process,
through the production WSGI application. (One script since issue 20's second pass: it was
two, `request_cost.py` for any GET path through the WSGI application and `endpoints.py` for
the mix's named endpoints through Django's test client, with another checkout beside.)

Loads the production settings (`config.settings.base`, DEBUG off, the database from
DATABASE_URL, the cache from REDIS_URL, the JSON access log written to /dev/null through its
real handler, prometheus_client in multiprocess mode as `mutuals serve` runs it, the graph
published once into a private directory) and calls `config.wsgi.application` with a WSGI
environ per request, signed in as the demo's Sam: an API token (made for the run, revoked
after) for the API, a session cookie (and a CSRF token for the composer's POST) for the pages.
Nothing goes through a socket, so the figures are what Django, the middleware, django-ninja
and the ORM cost, plus the time waiting for PostgreSQL. CPU ms is this process's CPU time
(`time.process_time`), which the load of other processes changes far less than the wall time.

Per endpoint: CPU ms per request (median and p99 of `--calls`, and the median over
`--rounds`), the wall ms (median), queries per request (a database execute wrapper). The
endpoints are named (`--only health,check`; default: the mix of `benchmarks/http_load.py`
and each page); `--path /api/…` adds any GET path.

`--profile NAME[,NAME]` prints, per endpoint, the top `--top` entries of a cProfile whose
clock is CPU time (waiting for the database is not counted): by own time, then the project's
functions by cumulative time; with `--profiler pyinstrument` (`pip install "mutuals[bench]"`)
it prints pyinstrument's call tree instead: a statistical profiler, which adds far less to
each call than cProfile, so the shares are nearer the truth, but it samples wall time, so
waiting for PostgreSQL (and, on a loaded machine, for a core) shows under the call that waited.
`--no-access-log` measures without the access line;
`--in-process-metrics` without multiprocess mode.

`--against DIR` measures a second checkout too (for example main, exported with
`git archive main | tar -x -C /tmp/base`), in a child process with PYTHONPATH set to it,
against the same database, alternating the two `--rounds` times so the machine's load falls
on both alike, and prints the ratio per endpoint.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench
    export REDIS_URL=redis://127.0.0.1:6379/4
    .venv/bin/python benchmarks/request_cost.py [--calls 200] [--only health,check] \\
        [--path /api/me/tokens] [--profile health] [--against /tmp/base --rounds 3]

`--member EMAIL` signs in as another member (a community loaded by `benchmarks/feed.py`:
`member1@bench.test`); `--graph-dir DIR` reads the snapshot `mutuals graph --once` published
there instead of building one (at 100,000 members a build takes minutes).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
DEMO_EMAIL = "sam@demo.mutuals.test"

# The mix of benchmarks/http_load.py, in the order of cost, then each page.
NAMES = [
    "health",
    "recommendations",
    "check",
    "paths",
    "members",
    "feed",
    "me",
    "page:health",
    "page:people",
    "page:check",
    "page:reach",
    "page:members",
    "page:feed",
]
CHECK_NOTE = (
    "Hi, your talk on supplier contracts at the rail meetup was what my team needed: could we "
    "compare notes on schedule risk for twenty minutes?"
)


@dataclass(frozen=True)
class Call:
    """One request: method, path (with its query), body, and how it is signed in."""

    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    page: bool = False  # a page: the session cookie instead of the token
    htmx: bool = False


class Client:
    """Calls the production WSGI application as granian would, signed in as one member."""

    def __init__(self, application: Callable[..., Iterable[bytes]], token: str, session: str):
        from django.middleware.csrf import _get_new_csrf_string

        self.application = application
        self.token = token
        self.csrf = _get_new_csrf_string()
        self.cookies = f"sessionid={session}; csrftoken={self.csrf}"

    def environ(self, call: Call) -> dict[str, Any]:
        route, _, query = call.path.partition("?")
        environ = {
            "REQUEST_METHOD": call.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_CONNECTION": "keep-alive",
            "CONTENT_LENGTH": str(len(call.body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(call.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if call.content_type:
            environ["CONTENT_TYPE"] = call.content_type
        if call.page:
            environ["HTTP_COOKIE"] = self.cookies
            environ["HTTP_X_CSRFTOKEN"] = self.csrf
        else:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        if call.htmx:
            environ["HTTP_HX_REQUEST"] = "true"
        return environ

    def __call__(self, call: Call) -> int:
        status = ""

        def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
            nonlocal status
            status = line

        body = self.application(self.environ(call), start_response)
        try:
            b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return int(status.split()[0])


def cpu_profile(call: Callable[[], object], calls: int, top: int) -> str:
    """cProfile with this process's CPU time as its clock, so time spent waiting (for
    PostgreSQL, for a core the machine's other processes hold) is not counted: the `top`
    functions by their own time, then the project's by cumulative time."""
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


def pyinstrument_profile(call: Callable[[], object], calls: int) -> str:
    """pyinstrument's call tree of `calls` requests (wall time, sampled every 0.2 ms)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(calls):
        call()
    profiler.stop()
    return str(profiler.output_text(unicode=False, color=False, show_all=False))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def setup_django(graph_dir: str, access_log: bool, in_process_metrics: bool) -> Any:
    """Django as `mutuals serve` runs it; returns the WSGI application."""
    sys.path.insert(0, str(Path.cwd()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["MUTUALS_GRAPH_DIR"] = graph_dir
    if not access_log:
        os.environ["MUTUALS_ACCESS_LOG"] = "0"
    import django

    django.setup()
    from mutuals.core import metrics
    from mutuals.core.staticfiles import collect_static_if_changed

    if not in_process_metrics:
        metrics.multiprocess_prepare(Path(tempfile.mkdtemp(prefix="mutuals-bench-metrics-")))
    collect_static_if_changed()  # the pages' manifest, as `mutuals serve` does
    from config.wsgi import application  # sets Django up again, and its logging

    # The access log's real handler and formatter, writing to /dev/null instead of stderr.
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - kept for the run
    return application


@dataclass(frozen=True)
class SignedIn:
    """Sam's token (its row, to revoke it after) and session."""

    member: Any
    token_row: Any
    token: str
    session_key: str


def calls_for(
    paths: list[str], email: str = DEMO_EMAIL, build: bool = True
) -> tuple[dict[str, Call], SignedIn]:
    """One request per endpoint, and how Sam (or `email`) is signed in for them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Q

    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create
    from mutuals.connections.models import Connection
    from mutuals.introductions import graph

    sam = User.objects.filter(email=email).first()
    if sam is None:
        raise SystemExit(f"no member {email} in this database: run `mutuals demo`")
    if build:
        graph.graph_build()  # publish the snapshot once: requests only map it
    row, token = api_token_create(user=sam, label="request_cost benchmark")
    session = SessionStore()
    session[SESSION_KEY] = str(sam.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = sam.get_session_auth_hash()
    session.create()

    # A member two steps away, as benchmarks/http_load.py picks: Sam's first suggestion.
    def around(members: set[int]) -> set[int]:
        pairs = Connection.objects.filter(
            Q(member_low_id__in=members) | Q(member_high_id__in=members)
        ).values_list("member_low_id", "member_high_id")
        return {other for pair in pairs for other in pair} - members

    first = around({sam.pk})
    second = around(first)
    target = (
        User.objects.filter(is_active=True, pk__in=second - first - {sam.pk}).order_by("pk").first()
    )
    if target is None:
        raise SystemExit("No second-degree member for Sam: seed the demo (`mutuals demo`).")
    check = {
        "recipient_id": target.pk,
        "context": {"kind": "other", "text": "We met at the rail meetup"},
        "intent": "advice",
        "message": CHECK_NOTE,
    }
    compose = {
        "context_kind": "other",
        "context_text": "We met at the rail meetup",
        "intent": "advice",
        "message": CHECK_NOTE,
    }
    calls = {
        "health": Call("GET", "/api/insights/health"),
        "recommendations": Call("GET", "/api/recommendations/people"),
        "check": Call(
            "POST", "/api/invitations/check", json.dumps(check).encode(), "application/json"
        ),
        "paths": Call("GET", f"/api/introductions/paths?to={target.pk}"),
        "members": Call("GET", "/api/members"),
        "feed": Call("GET", "/api/feed"),
        "me": Call("GET", "/api/me"),
        "page:health": Call("GET", "/insights/", page=True),
        "page:people": Call("GET", "/people/", page=True),
        "page:check": Call(
            "POST",
            f"/members/{target.pk}/connect/check/",
            urlencode(compose).encode(),
            "application/x-www-form-urlencoded",
            page=True,
            htmx=True,
        ),
        "page:reach": Call("GET", f"/reach/?to={target.pk}", page=True),
        "page:members": Call("GET", "/members/", page=True),
        "page:feed": Call("GET", "/feed/", page=True),
    }
    for path in paths:
        calls[path] = Call("GET", path)
    return calls, SignedIn(sam, row, token, str(session.session_key))


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(args: argparse.Namespace, application: Any) -> dict[str, dict[str, Any]]:
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from mutuals.accounts.services import api_token_revoke

    calls, signed_in = calls_for(args.paths, args.member, build=args.graph_dir is None)
    try:
        client = Client(application, signed_in.token, signed_in.session_key)
        counter = QueryCounter()
        out: dict[str, dict[str, Any]] = {}
        for name in args.names + args.paths:
            call = calls[name]

            def once(call: Call = call) -> int:
                return client(call)

            for _ in range(args.warm):
                status = once()
                if status != 200:
                    raise SystemExit(f"{name}: status {status}")
            cpu_ms: list[float] = []
            wall_ms: list[float] = []
            queries: list[int] = []
            with connection.execute_wrapper(counter):
                for _ in range(args.calls):
                    counter.count = 0
                    cpu, wall = time.process_time(), time.perf_counter()
                    once()
                    cpu_ms.append((time.process_time() - cpu) * 1000)
                    wall_ms.append((time.perf_counter() - wall) * 1000)
                    queries.append(counter.count)
            out[name] = {
                "cpu_median": statistics.median(cpu_ms),
                "cpu_p99": percentile(cpu_ms, 0.99),
                "wall_median": statistics.median(wall_ms),
                "queries": statistics.median(queries),
            }
            if name in args.profile:
                out[name]["profile"] = (
                    pyinstrument_profile(once, args.calls)
                    if args.profiler == "pyinstrument"
                    else cpu_profile(once, args.calls, args.top)
                )
        return out
    finally:
        api_token_revoke(user=signed_in.member, token_id=signed_in.token_row.pk)
        SessionStore(session_key=signed_in.session_key).delete()


def child(args: argparse.Namespace) -> None:
    """Measure in this process and print the figures as JSON (the parent's side)."""
    with tempfile.TemporaryDirectory(prefix="request-cost-graph-") as graph_dir:
        application = setup_django(
            str(args.graph_dir or graph_dir), not args.no_access_log, args.in_process_metrics
        )
        figures = measure(args, application)
    print("FIGURES " + json.dumps(figures))


def run_child(args: argparse.Namespace, source: Path) -> dict[str, dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(source))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args.passed]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, cwd=source, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{source}: {done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("FIGURES "))
    return dict(json.loads(line.removeprefix("FIGURES ")))


def commit_of(source: Path) -> str:
    done = subprocess.run(  # noqa: S603 - git on our own checkout
        ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "(not a git checkout)"


def merged(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per endpoint, the median of each figure over the rounds (and the first profile)."""
    out: dict[str, dict[str, Any]] = {}
    for name in rounds[0]:
        keys = ("cpu_median", "cpu_p99", "wall_median", "queries")
        out[name] = {key: statistics.median(r[name][key] for r in rounds) for key in keys}
        if "profile" in rounds[0][name]:
            out[name]["profile"] = rounds[0][name]["profile"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="requests per endpoint a round")
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--only", default=",".join(NAMES), help="named endpoints, comma-separated")
    parser.add_argument("--path", action="append", default=[], help="a GET path (repeatable)")
    parser.add_argument("--profile", default="", help="endpoints to profile, comma-separated")
    parser.add_argument("--top", type=int, default=12, help="profile entries shown")
    parser.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--in-process-metrics", action="store_true")
    parser.add_argument("--against", type=Path, help="a second checkout to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--member", default=DEMO_EMAIL, help="sign in as this member")
    parser.add_argument("--graph-dir", type=Path, help="a published snapshot to read")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    argv = sys.argv[1:]
    args = parser.parse_args(argv)
    args.names = [n for n in args.only.split(",") if n]
    args.paths = list(args.path)
    args.profile = [n for n in args.profile.split(",") if n]
    unknown = set(args.names) - set(NAMES) | set(args.profile) - set(NAMES) - set(args.paths)
    if unknown:
        raise SystemExit(f"unknown endpoints: {', '.join(sorted(unknown))}")
    if args.child:
        child(args)
        return
    # The child gets the same options, less the parent's own.
    args.passed = []
    skip = False
    for index, item in enumerate(argv):
        if skip:
            skip = False
            continue
        if item in ("--against", "--rounds"):
            skip = True
            continue
        if item.startswith(("--against=", "--rounds=")):
            continue
        args.passed.append(argv[index])
    here = HERE.parent
    sources = [here] + ([args.against.resolve()] if args.against else [])
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    print(f"# request cost — {started}, load average before {load_before[0]:.2f}")
    rounds: dict[Path, list[dict[str, dict[str, Any]]]] = {s: [] for s in sources}
    for index in range(args.rounds):
        for source in sources if index % 2 == 0 else list(reversed(sources)):
            rounds[source].append(run_child(args, source))
    print(f"load average after {os.getloadavg()[0]:.2f}")
    print(
        f"access log {'off' if args.no_access_log else 'on'}, metrics "
        f"{'in-process' if args.in_process_metrics else 'multiprocess'}, "
        f"{args.calls} calls x {args.rounds} round(s) per endpoint"
    )
    results = {source: merged(found) for source, found in rounds.items()}
    names = args.names + args.paths
    for source in sources:
        print(f"\n{source} ({commit_of(source)})\n")
        print("| endpoint | CPU ms median | CPU ms p99 | wall ms median | queries |")
        print("|---|---:|---:|---:|---:|")
        for name in names:
            f = results[source][name]
            print(
                f"| {name} | {f['cpu_median']:.2f} | {f['cpu_p99']:.2f} | "
                f"{f['wall_median']:.2f} | {f['queries']:.0f} |"
            )
    if args.against:
        base, ours = results[sources[1]], results[sources[0]]
        print(f"\nratio {sources[1].name} / {sources[0].name} (CPU median), queries")
        for name in names:
            ratio = base[name]["cpu_median"] / max(ours[name]["cpu_median"], 1e-9)
            print(
                f"{name:<18} {ratio:>6.2f}x  {base[name]['queries']:>4.0f} -> "
                f"{ours[name]['queries']:.0f} queries"
            )
    for source in sources:
        for name in args.profile:
            print(f"\n--- profile of {name}, {source} ---")
            print(results[source][name].get("profile", ""))


if __name__ == "__main__":
    main()
