"""Benchmark: what each endpoint of the issue-20 mix costs the server, in-process (issue 20:
"for every API endpoint and its page, a budget of queries and CPU ... measured by a
benchmark").

Wall-clock requests a second through HTTP are not comparable on a shared, loaded machine;
CPU time of the serving thread is much less sensitive to load. On the demo database named by
DATABASE_URL (`mutuals migrate && mutuals demo` first), with the production settings
(`config.settings.base`: DEBUG off, the cache REDIS_URL names, the graph published once
into a private directory), it signs in as the demo's Sam (an API token, and a session for
the pages) and calls each endpoint of the mix and its page through Django's test client
`--calls` times after `--warm` warm-up calls. Per endpoint it prints the CPU milliseconds
per request (`time.process_time`, median and p99), the wall milliseconds (median), and the
queries per request (counted by a database execute wrapper, which costs next to nothing).

`--profile NAME[,NAME]` also prints, per named endpoint, the top entries of a cProfile of
`--calls` more calls (by CPU time spent in each function itself, and the project's functions
by cumulative CPU time: the profiler's clock is `time.process_time`, so waiting on the
database does not count).

`--against PATH` measures a second checkout of the project too (for example `main`
exported with `git archive main | tar -x -C /tmp/base`), in a child process with PYTHONPATH
set to it, against the same database, alternating `--rounds` rounds of the two so the
machine's load falls on both alike; it prints both and the ratio per endpoint.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench
    export REDIS_URL=redis://127.0.0.1:6379/4
    .venv/bin/python benchmarks/endpoints.py [--calls 200] [--only health,check] \\
        [--profile health,recommendations,check] [--against /tmp/base --rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from request_cost import cpu_profile  # the same CPU-time profile as benchmarks/request_cost.py

HERE = Path(__file__).resolve().parent

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


@dataclass
class Figures:
    cpu_ms: list[float]
    wall_ms: list[float]
    queries: list[int]

    def summary(self) -> dict[str, float]:
        return {
            "cpu_median": statistics.median(self.cpu_ms),
            "cpu_p99": percentile(self.cpu_ms, 0.99),
            "wall_median": statistics.median(self.wall_ms),
            "queries": statistics.median(self.queries),
        }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def setup_django(graph_dir: str) -> None:
    sys.path.insert(0, str(Path.cwd()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["MUTUALS_GRAPH_DIR"] = graph_dir
    # The test client's host.
    os.environ["MUTUALS_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from mutuals.core.staticfiles import collect_static_if_changed

    collect_static_if_changed()  # the pages' manifest, as `mutuals serve` does


def requests_for() -> dict[str, Callable[[], Any]]:
    """One callable per endpoint, each making one request as Sam."""
    from django.test import Client

    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create
    from mutuals.connections.models import Connection
    from mutuals.introductions import graph

    graph.graph_build()  # publish the snapshot once: requests only map it
    sam = User.objects.get(email="sam@demo.mutuals.test")
    _, raw = api_token_create(user=sam, label="endpoints benchmark")
    api = Client(headers={"authorization": f"Bearer {raw}"})
    web = Client()
    web.force_login(sam)
    # A member two steps away, as benchmarks/http_load.py picks: Sam's first suggestion.
    pairs = list(Connection.objects.values_list("member_low_id", "member_high_id"))
    first = {b if a == sam.pk else a for a, b in pairs if sam.pk in (a, b)}
    second = {b if a in first else a for a, b in pairs if a in first or b in first}
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
    return {
        "health": lambda: api.get("/api/insights/health"),
        "recommendations": lambda: api.get("/api/recommendations/people"),
        "check": lambda: api.post("/api/invitations/check", check, content_type="application/json"),
        "paths": lambda: api.get(f"/api/introductions/paths?to={target.pk}"),
        "members": lambda: api.get("/api/members"),
        "feed": lambda: api.get("/api/feed"),
        "me": lambda: api.get("/api/me"),
        "page:health": lambda: web.get("/insights/"),
        "page:people": lambda: web.get("/people/"),
        "page:check": lambda: web.post(
            f"/members/{target.pk}/connect/check/", compose, headers={"hx-request": "true"}
        ),
        "page:reach": lambda: web.get(f"/reach/?to={target.pk}"),
        "page:members": lambda: web.get("/members/"),
        "page:feed": lambda: web.get("/feed/"),
    }


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(
    names: list[str], calls: int, warm: int, profile: set[str], top: int
) -> dict[str, dict[str, Any]]:
    from django.db import connection

    requests = requests_for()
    counter = QueryCounter()
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        call = requests[name]
        for _ in range(warm):
            response = call()
            if response.status_code != 200:
                raise SystemExit(
                    f"{name}: status {response.status_code}: {response.content[:300]!r}"
                )
        figures = Figures([], [], [])
        with connection.execute_wrapper(counter):
            for _ in range(calls):
                counter.count = 0
                cpu, wall = time.process_time(), time.perf_counter()
                call()
                figures.cpu_ms.append((time.process_time() - cpu) * 1000)
                figures.wall_ms.append((time.perf_counter() - wall) * 1000)
                figures.queries.append(counter.count)
        out[name] = figures.summary()
        if name in profile:
            out[name]["profile"] = cpu_profile(call, calls, top)
    return out


def child(args: argparse.Namespace) -> None:
    """Measure in this process and print the figures as JSON (the parent's side)."""
    with tempfile.TemporaryDirectory(prefix="endpoints-graph-") as graph_dir:
        setup_django(graph_dir)
        figures = measure(args.names, args.calls, args.warm, set(args.profile), args.top)
    print("FIGURES " + json.dumps(figures))


def run_child(args: argparse.Namespace, source: Path) -> dict[str, dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(source))
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--calls",
        str(args.calls),
        "--warm",
        str(args.warm),
        "--only",
        ",".join(args.names),
        "--profile",
        ",".join(args.profile),
        "--top",
        str(args.top),
    ]
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
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--only", default=",".join(NAMES))
    parser.add_argument("--profile", default="", help="endpoints to profile, comma-separated")
    parser.add_argument("--top", type=int, default=12, help="profile entries shown")
    parser.add_argument("--against", type=Path, help="a second checkout to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.names = [n for n in args.only.split(",") if n]
    args.profile = [n for n in args.profile.split(",") if n]
    unknown = set(args.names + args.profile) - set(NAMES)
    if unknown:
        raise SystemExit(f"unknown endpoints: {', '.join(sorted(unknown))}")
    if args.child:
        child(args)
        return
    here = HERE.parent
    sources = [here] + ([args.against.resolve()] if args.against else [])
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"load average before: {os.getloadavg()}  ({started})")
    rounds: dict[Path, list[dict[str, dict[str, Any]]]] = {s: [] for s in sources}
    for index in range(args.rounds):
        for source in sources if index % 2 == 0 else list(reversed(sources)):
            rounds[source].append(run_child(args, source))
    print(f"load average after: {os.getloadavg()}")
    results = {source: merged(found) for source, found in rounds.items()}
    header = f"{'endpoint':<18} {'CPU ms median':>13} {'p99':>8} {'wall ms':>8} {'queries':>8}"
    for source in sources:
        print(f"\n{source} ({commit_of(source)}), {args.calls} calls, {args.rounds} round(s)")
        print(header)
        for name in args.names:
            f = results[source][name]
            print(
                f"{name:<18} {f['cpu_median']:>13.2f} {f['cpu_p99']:>8.2f} "
                f"{f['wall_median']:>8.2f} {f['queries']:>8.0f}"
            )
    if args.against:
        base, ours = results[sources[1]], results[sources[0]]
        print(f"\nratio {sources[1].name} / {sources[0].name} (CPU median, queries)")
        for name in args.names:
            ratio = base[name]["cpu_median"] / max(ours[name]["cpu_median"], 1e-9)
            print(
                f"{name:<18} {ratio:>6.2f}x  {base[name]['queries']:>4.0f} -> "
                f"{ours[name]['queries']:.0f} queries"
            )
    for source in sources:
        for name in args.profile:
            print(f"\n--- profile of {name}, {source} (by own time) ---")
            print(results[source][name].get("profile", ""))


if __name__ == "__main__":
    main()
