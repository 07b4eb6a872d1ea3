"""End-to-end HTTP benchmark (issue 20): what a member waits for, through a running server.

Drives a running `mutuals serve` (start it yourself, with the graph builder beside it, against
the database you mean to measure) with a bounded keep-alive load: `--connections` client
threads, each with one persistent HTTP/1.1 connection, each sending its next request as soon
as the previous answer arrived (a closed loop: the load never exceeds the connections).
Every request is signed in with an API token of the demo's member (obtained once with
`POST /api/auth/token`). Reports requests per second, median / p99 / max per endpoint and for
the mix, errors (any status other than 200), and the load average before and after.

    mutuals demo && mutuals graph --once && mutuals serve --port 8010 &
    .venv/bin/python benchmarks/http_load.py --url http://127.0.0.1:8010 --seconds 20

The default mix is the issue's: me, members, feed, health, paths, recommendations, check.
`--only /api/me` measures one endpoint alone. (Named http_load.py, not http.py as the issue
wrote: a script named http.py would shadow the standard library's `http` it uses.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEMO_EMAIL = "sam@demo.mutuals.test"
# The fictional demo cast's password, printed by `mutuals demo`.
DEMO_PASSWORD = "mutuals-demo-2026"  # noqa: S105


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds * 1000)
            if not ok:
                self.errors[name] = self.errors.get(name, 0) + 1


def request(conn: http.client.HTTPConnection, token: str, endpoint: Endpoint) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    body = None
    if endpoint.body is not None:
        body = json.dumps(endpoint.body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(endpoint.method, endpoint.path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def token_for(host: str, port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request(
        "POST",
        "/api/auth/token",
        body=json.dumps({"email": email, "password": password, "label": "benchmark"}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    payload = json.loads(response.read())
    if response.status != 200:
        raise SystemExit(f"POST /api/auth/token answered {response.status}: {payload}")
    return str(payload["token"])


def the_mix(host: str, port: int, token: str) -> list[Endpoint]:
    """The issue's mix, with ids read from the demo through the API itself."""
    # A cold server process compiles the graph kernels on its first graph question.
    conn = http.client.HTTPConnection(host, port, timeout=300)
    _, body = request(conn, token, Endpoint("suggestions", "GET", "/api/recommendations/people"))
    items = json.loads(body).get("items", [])
    _, body = request(conn, token, Endpoint("members", "GET", "/api/members"))
    members = json.loads(body)
    listed = members.get("items", members) if isinstance(members, dict) else members
    target = items[0]["member"]["id"] if items else listed[-1]["id"]
    return [
        Endpoint("me", "GET", "/api/me"),
        Endpoint("members", "GET", "/api/members"),
        Endpoint("feed", "GET", "/api/feed"),
        Endpoint("health", "GET", "/api/insights/health"),
        Endpoint("paths", "GET", f"/api/introductions/paths?to={target}"),
        Endpoint("recommendations", "GET", "/api/recommendations/people"),
        Endpoint(
            "check",
            "POST",
            "/api/invitations/check",
            {
                "recipient_id": target,
                "context": {"kind": "other", "text": "We met at the rail meetup"},
                "intent": "advice",
                "message": "Hi, your talk on supplier contracts at the rail meetup was what my "
                "team needed: could we compare notes on schedule risk for twenty minutes?",
            },
        ),
    ]


def client(
    host: str, port: int, token: str, mix: list[Endpoint], until: float, offset: int, tally: Tally
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    index = offset
    while time.perf_counter() < until:
        endpoint = mix[index % len(mix)]
        index += 1
        start = time.perf_counter()
        try:
            status, _ = request(conn, token, endpoint)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        tally.add(endpoint.name, time.perf_counter() - start, ok)
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8010")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--only", help="one GET path instead of the mix, e.g. /api/me")
    args = parser.parse_args()

    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    try:
        token = token_for(host, port, args.email, args.password)
    except ConnectionRefusedError:
        # `make bench` runs every script: this one needs a server someone started.
        print(f"no server at {args.url}: start `mutuals serve` (see the docstring); skipped")
        return
    mix = [Endpoint(args.only, "GET", args.only)] if args.only else the_mix(host, port, token)

    # Warm every process and thread (the snapshot mapped, the kernels compiled).
    warm = Tally()
    until = time.perf_counter() + args.warmup
    threads = [
        threading.Thread(target=client, args=(host, port, token, mix, until, i, warm))
        for i in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    load_before = os.getloadavg()
    tally = Tally()
    start = time.perf_counter()
    until = start + args.seconds
    threads = [
        threading.Thread(target=client, args=(host, port, token, mix, until, i, tally))
        for i in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()

    print(f"# http benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{args.url}, {args.connections} keep-alive connections, {elapsed:.1f} s")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("\n| endpoint | requests | errors | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    everything: list[float] = []
    for endpoint in mix:
        values = tally.latencies.get(endpoint.name, [])
        everything += values
        if not values:
            continue
        print(
            f"| {endpoint.name} | {len(values)} | {tally.errors.get(endpoint.name, 0)} | "
            f"{statistics.median(values):.1f} | {percentile(values, 0.99):.1f} | "
            f"{max(values):.1f} |"
        )
    errors = sum(tally.errors.values())
    print(
        f"| **all** | {len(everything)} | {errors} | {statistics.median(everything):.1f} | "
        f"{percentile(everything, 0.99):.1f} | {max(everything):.1f} |"
    )
    print(f"\n{len(everything) / elapsed:.1f} requests/s, {errors} errors")
    if any(len(values) < 100 for values in tally.latencies.values()):
        print("rows with fewer than 100 requests: their p99 is the maximum of those requests")


if __name__ == "__main__":
    main()
