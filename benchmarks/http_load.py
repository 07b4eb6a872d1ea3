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

The default mix is the issue's: me, members, feed, health, paths, recommendations, check, and
three writes: send a request to connect, publish a post, send a message. `--only /api/me`
measures one endpoint alone. (Named http_load.py, not http.py as the issue wrote: a script
named http.py would shadow the standard library's `http` it uses.)

**The writes keep the database as it was.** They are made by a throwaway set of members
(`--writers`, default 120, e-mails `bench-N@throwaway.mutuals.test`) that this script creates
in the same database before the run (so it needs the server's DATABASE_URL, and Django's
settings, in its own environment), each with an API token and connected to the next in a
ring: each sends its requests to members it is not connected to, each with a different note
(the personalization check would mark a repeated note as mass outreach), posts, and messages
its neighbour. After the run, whatever happens, the throwaway members are deleted, and with
them everything they wrote. `--no-writes` runs the reads alone (no database access).

**A generated community** (the issue's (b): 100,000 members, 2M connections, 1M posts): load
it into its own database with `benchmarks/feed.py` (its COPY loader; at full size it takes a
long while), publish its graph, serve it, and sign in as one of its members:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_community
    .venv/bin/python benchmarks/feed.py --members 100000 --requests 20
    mutuals graph --once && mutuals serve --port 8010 &
    .venv/bin/python benchmarks/http_load.py --url http://127.0.0.1:8010 \
        --member member1@bench.test
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_DOMAIN = "throwaway.mutuals.test"

DEMO_EMAIL = "sam@demo.mutuals.test"
# The fictional demo cast's password, printed by `mutuals demo`.
DEMO_PASSWORD = "mutuals-demo-2026"  # noqa: S105


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    # A write: each call gives (token, path, body) for the next request of its kind.
    next_write: Callable[[], tuple[str, str, dict[str, Any]]] | None = None
    ok_status: int = 200


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
    path, payload = endpoint.path, endpoint.body
    if endpoint.next_write is not None:
        token, path, payload = endpoint.next_write()
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    conn.request(endpoint.method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


# Notes different enough from each other that the personalization check never takes a
# writer's second request for a copy of its first (one writer sends at most this many).
NOTES = [
    "Your talk on supplier contracts at the rail meetup was what my team needed: could we "
    "compare notes on schedule risk for twenty minutes next week?",
    "I read your post about running retrospectives with remote crews and tried the silent "
    "voting step last Friday; would you share how you handle the follow-up actions?",
    "We both volunteer for the chapter's mentoring circle, and I am preparing my first "
    "session on stakeholder maps: may I ask what you wish you had known before yours?",
    "My hospital team is moving its project office to rolling-wave planning this spring. "
    "You did the same at the water utility; which mistake should we avoid first?",
    "After the certification study group I kept thinking about your point on earned value "
    "for small teams. Could I send you the dashboard we built and hear your view?",
    "I am hiring a junior scheduler for the harbour expansion and your chapter article on "
    "apprenticeships convinced me to try it; would you be open to a short call?",
    "Our agile coaching guild is collecting stories about budgets in iterative delivery, "
    "and yours from the airport terminal job would help people a lot. Interested?",
    "You mentioned at the workshop that risk registers die in the first month. I am trying "
    "a weekly five-minute review instead and would value your honest opinion on it.",
]


def django_setup() -> None:
    """Django in this process, on the server's database (DATABASE_URL in the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def token_made_for(email: str) -> str:
    """A token for a member who has no password (a generated community's), made in the
    database; revoked at the end like one from `POST /api/auth/token`."""
    django_setup()
    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create

    return api_token_create(user=User.objects.get(email=email), label="benchmark")[1]


class ThrowawayMembers:
    """The members who make the writes, created before the run and deleted after (with all
    they wrote), through Django in this process against the server's database."""

    def __init__(self, size: int) -> None:
        django_setup()
        self.size = size
        self.tokens: list[str] = []
        self.ids: list[int] = []
        self.conversations: list[int] = []
        self._lock = threading.Lock()
        self._counters = {"request": itertools.count(), "post": itertools.count()}
        self._counters["message"] = itertools.count()

    def create(self) -> None:
        from django.db import transaction

        from mutuals.accounts.models import User
        from mutuals.accounts.services import api_token_create, member_provision
        from mutuals.connections.services import connection_create
        from mutuals.messaging.services import conversation_start

        self.delete()  # what an interrupted earlier run left
        with transaction.atomic():
            members = []
            for number in range(self.size):
                member = User.objects.create_user(
                    email=f"bench-{number}@{THROWAWAY_DOMAIN}",
                    password=None,
                    name=f"Zz Bench {number:04d}",
                )
                member_provision(user=member)
                members.append(member)
                self.tokens.append(api_token_create(user=member, label="benchmark")[1])
            self.ids = [member.pk for member in members]
            for number, member in enumerate(members):
                neighbour = members[(number + 1) % self.size]
                connection_create(member=member, other=neighbour)
                started = conversation_start(
                    creator=member, participant_ids=[neighbour.pk], text="Hello, neighbour."
                )
                self.conversations.append(started.conversation.pk)

    @staticmethod
    def delete() -> None:
        from django.db import transaction

        from mutuals.accounts.models import User
        from mutuals.messaging.models import Conversation

        with transaction.atomic():
            throwaway = User.objects.filter(email__endswith=f"@{THROWAWAY_DOMAIN}")
            Conversation.objects.filter(created_by__in=throwaway).delete()
            throwaway.delete()

    def _next(self, kind: str) -> int:
        with self._lock:
            return next(self._counters[kind])

    def next_request(self) -> tuple[str, str, dict[str, Any]]:
        """Writer k % size asks the member `2 + k // size` places on in the ring (never its
        neighbours, to whom it is connected), with its (k // size)-th note."""
        k = self._next("request")
        sender, round_ = k % self.size, k // self.size
        if round_ >= len(NOTES) or round_ + 2 >= self.size - 1:
            raise RuntimeError("every writer has sent its requests: raise --writers")
        recipient = self.ids[(sender + 2 + round_) % self.size]
        return (
            self.tokens[sender],
            "/api/invitations",
            {
                "recipient_id": recipient,
                "context": {"kind": "other", "text": "We met at the chapter's risk workshop"},
                "intent": "advice",
                "message": NOTES[round_],
            },
        )

    def next_post(self) -> tuple[str, str, dict[str, Any]]:
        k = self._next("post")
        return (
            self.tokens[k % self.size],
            "/api/posts",
            {"kind": "insight", "body": f"Benchmark insight {k}: keep the risk register short."},
        )

    def next_message(self) -> tuple[str, str, dict[str, Any]]:
        k = self._next("message")
        writer = k % self.size
        return (
            self.tokens[writer],
            f"/api/conversations/{self.conversations[writer]}/messages",
            {"text": f"Benchmark message {k}: how is the week going?"},
        )

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("send request", "POST", "", next_write=self.next_request, ok_status=201),
            Endpoint("post", "POST", "", next_write=self.next_post, ok_status=201),
            Endpoint("message", "POST", "", next_write=self.next_message, ok_status=201),
        ]


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
            ok = status == endpoint.ok_status
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        tally.add(endpoint.name, time.perf_counter() - start, ok)
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def revoke(host: str, port: int, token: str) -> None:
    """Revoke the run's token (a member may hold 20 at most)."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    _, body = request(conn, token, Endpoint("tokens", "GET", "/api/me/tokens?limit=100"))
    for item in json.loads(body).get("items", []):
        if token.startswith(item["prefix"]) and item["label"] == "benchmark":
            request(conn, token, Endpoint("revoke", "DELETE", f"/api/me/tokens/{item['id']}"))
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8010")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument(
        "--member",
        help="sign in as this member with a token made in the database instead (a generated "
        "community's members have no password: member1@bench.test from benchmarks/feed.py)",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--only", help="one GET path instead of the mix, e.g. /api/me")
    parser.add_argument("--no-writes", action="store_true", help="the reads of the mix alone")
    parser.add_argument("--writers", type=int, default=120, help="throwaway members who write")
    args = parser.parse_args()

    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    try:
        if args.member:
            http.client.HTTPConnection(host, port, timeout=5).connect()
            token = token_made_for(args.member)
        else:
            token = token_for(host, port, args.email, args.password)
    except ConnectionRefusedError:
        # `make bench` runs every script: this one needs a server someone started.
        print(f"no server at {args.url}: start `mutuals serve` (see the docstring); skipped")
        return
    writers = None
    try:
        if args.only:
            mix = [Endpoint(args.only, "GET", args.only)]
        else:
            mix = the_mix(host, port, token)
            if not args.no_writes:
                writers = ThrowawayMembers(args.writers)
                writers.create()
                mix += writers.endpoints()
        run(args, host, port, token, mix)
    finally:
        revoke(host, port, token)
        if writers is not None:
            writers.delete()


def run(args: argparse.Namespace, host: str, port: int, token: str, mix: list[Endpoint]) -> None:
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
