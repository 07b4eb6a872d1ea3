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
(e-mails `bench-N@throwaway.mutuals.test`) that this script creates in the same database
before the run (so it needs the server's DATABASE_URL, and Django's settings, in its own
environment), each with an API token and connected to the next in a ring: each sends its
requests to members it is not connected to, each with a different note personal enough for a
new member's minimum score (checked before the run), posts, and messages its neighbour. After
the run, whatever happens, the throwaway members are deleted, and with them everything they
wrote. `--no-writes` runs the reads alone (no database access).

**The writes run at a bounded rate**, as in a real network, where most requests read: each of
the three is sent at most `--write-rate` times a second (default 2) across all connections;
when a write has no room the client sends the mix's next read instead. So the run can last as
long as you like and stay valid: the number of throwaway members follows from the rate and the
run's length (`--writers` overrides it), so that none sends more requests to connect than it
has notes (8, below the weekly allowance of 20). Any refusal counts as an error, and the run
prints each error's status and code.

**`--client wrk`** sends the same mix from wrk (a C client: `apt-get install wrk`) with a Lua
script this script writes, instead of this script's Python threads, which take a share of the
same two cores as the server (about 0.65 ms of CPU a request, a tenth of the server's and
PostgreSQL's together, measured with `/usr/bin/time`). The reads rotate as here, with the same
bodies; the writes are made in advance (the same throwaway members, notes and conversations)
and each wrk thread sends its share of them, each kind at most `--write-rate` / 2 a second
per thread (two wrk threads) on a monotonic clock (LuaJIT's FFI: wrk's Lua has no finer clock
than `os.time`), the threads' and kinds' writes spread over the interval as the Python
client's pacer spreads them (a first version paced by whole seconds sent them in bursts of
six at each second and its p99 was 100–125 ms where the Python client's was 62–107). wrk
reports the whole mix's latencies, not each endpoint's: the report has the **all** row, the
requests a second, and every status counted (any but 200 and 201 is an error).

**A generated community** (the issue's (b): 100,000 members, 2M connections, 1M posts): load
it into its own database with `benchmarks/feed.py` (its COPY loader; at full size about 12
minutes on the loaded 2-core machine), publish its graph, serve it, and sign in as one of its
members:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_community
    .venv/bin/python benchmarks/feed.py --members 100000 --requests 20
    mutuals graph --once && mutuals serve --port 8010 &
    .venv/bin/python benchmarks/http_load.py --url http://127.0.0.1:8010 \
        --member member1@bench.test

**Many members, each asking once**: `--rotate N --member 'member{}@bench.test' --only
/api/feed` signs each request as the next of members 1 … N (tokens made in the database,
deleted after the run), so a member's requests are N apart; with N above the run's requests
(warm-up included) every request is its member's first, which is what a member who opens the
app waits for, with nothing of theirs in any cache.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    # A write's bounded rate: when it has no room, the client sends the mix's next request.
    pacer: Pacer | None = None


class Pacer:
    """At most `rate` requests a second of one kind, shared by every client: one at least
    1 / rate seconds after the one before (a slot not taken in time is lost, no burst)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = 0.0
        self.lock = threading.Lock()

    def take(self) -> bool:
        now = time.perf_counter()
        with self.lock:
            if now < self.next_at:
                return False
            self.next_at = now + self.interval
            return True


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    # Per endpoint, how many errors of each kind (the status and the API's error code, or the
    # exception), so a run says why it failed, not only how often.
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, ok: bool, reason: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds * 1000)
            if not ok:
                self.errors[name] = self.errors.get(name, 0) + 1
                kinds = self.reasons.setdefault(name, {})
                kinds[reason] = kinds.get(reason, 0) + 1

    def everything(self) -> list[float]:
        """Every request's latency, all endpoints together."""
        return [value for values in self.latencies.values() for value in values]


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
# writer's second request for a copy of its first (one writer sends at most this many), and
# each personal enough for a new member's minimum score (40) with nothing known about the
# recipient: each reflects the context (the risk workshop), states the intent (advice) and
# makes a concrete ask. `ThrowawayMembers.create` checks every one before the run.
NOTES = [
    "At the risk workshop your point about supplier contracts on rail jobs was what my team "
    "needed. Could I ask your advice on schedule risk in a twenty-minute call next week?",
    "Since the risk workshop I have tried your silent voting step in our retrospectives. "
    "Would you give me your advice on the follow-up actions over a short call on Thursday?",
    "You led the exercise on stakeholder maps at the risk workshop, and I run my first "
    "mentoring session soon: may I ask your advice for fifteen minutes this Friday?",
    "My hospital team is moving to rolling-wave planning, as you described at the risk "
    "workshop. Could you advise me on the first mistake to avoid, in a call next Tuesday?",
    "After the risk workshop I built the earned-value dashboard for small teams you "
    "sketched. Could I send it to you and ask your advice on it in a call next week?",
    "Your story at the risk workshop about apprentices on the harbour job stayed with me; "
    "I am hiring a junior scheduler. Could I ask your advice in a twenty-minute call?",
    "At the risk workshop you spoke about budgets in iterative delivery at the airport "
    "terminal. I would value your advice on ours: could we talk on Wednesday morning?",
    "You said at the risk workshop that registers die in the first month. I now hold a "
    "weekly five-minute review instead: may I ask your advice on it over coffee on Monday?",
]
CONTEXT_TEXT = "We met at the chapter's risk workshop"


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


def tokens_made_for_members(email_pattern: str, count: int) -> tuple[list[int], list[str]]:
    """A token for each of `count` members (`email_pattern` with 1 … count in place of {}),
    made in the database as `token_made_for`'s: their ids (for `revoke_made_tokens`) and the
    raw tokens, in the members' order."""
    django_setup()
    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create

    emails = [email_pattern.format(number) for number in range(1, count + 1)]
    members = {member.email: member for member in User.objects.filter(email__in=emails)}
    if missing := [email for email in emails if email not in members]:
        raise SystemExit(f"{len(missing)} members not found, the first {missing[0]}")
    made = [api_token_create(user=members[email], label="benchmark") for email in emails]
    return [row.pk for row, _ in made], [raw for _, raw in made]


def revoke_made_tokens(ids: list[int]) -> None:
    """Delete the tokens `tokens_made_for_members` made (and no other run's)."""
    from mutuals.accounts.models import ApiToken

    ApiToken.objects.filter(pk__in=ids).delete()


def writers_needed(rate: float, seconds: float) -> int:
    """Enough throwaway members that at `rate` requests to connect a second for `seconds`
    none sends more than len(NOTES) (below the weekly allowance of 20, docs/design.md §4),
    and at least 2 × len(NOTES) + 3, so that no two writers ever ask each other (writer s's
    round r goes to s + 2 + r on the ring: two writers meet only when r + r' = size − 4)."""
    requests = int(rate * seconds) + 2
    return max(-(-requests // len(NOTES)), 2 * len(NOTES) + 3)


def ring_recipient(sender: int, round_: int, size: int) -> int:
    """Whom writer `sender` asks in its round `round_`: `2 + round_` places on in the ring."""
    return (sender + 2 + round_) % size


class WritersUsedUp(RuntimeError):
    """More requests to connect than the throwaway members may send (counted as an error)."""


class ThrowawayMembers:
    """The members who make the writes, created before the run and deleted after (with all
    they wrote), through Django in this process against the server's database."""

    def __init__(self, size: int) -> None:
        django_setup()
        if size < 2 * len(NOTES) + 3:
            raise SystemExit(f"--writers must be at least {2 * len(NOTES) + 3}")
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
        self.check_notes()

    def check_notes(self) -> None:
        """Every note scores at least a new recipient's minimum (the check the server makes
        when the request is sent), so no run refuses itself."""
        from mutuals.accounts.models import Boundaries, User
        from mutuals.connections.services import Draft, invitation_check

        sender = User.objects.get(pk=self.ids[0])
        minimum = Boundaries.objects.get(user_id=self.ids[2]).min_personalization
        for note in NOTES:
            draft = Draft(
                recipient_id=self.ids[2],
                context_kind="other",
                context_text=CONTEXT_TEXT,
                intent="advice",
                message=note,
            )
            score = invitation_check(sender=sender, draft=draft).score
            if score < minimum:
                raise SystemExit(f"a note scores {score} < {minimum}: {note!r}")

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
        if round_ >= len(NOTES):
            raise WritersUsedUp("every writer has sent its requests: raise --writers")
        recipient = self.ids[ring_recipient(sender, round_, self.size)]
        return (
            self.tokens[sender],
            "/api/invitations",
            {
                "recipient_id": recipient,
                "context": {"kind": "other", "text": CONTEXT_TEXT},
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

    def endpoints(self, rate: float) -> list[Endpoint]:
        """The three writes, each at most `rate` a second."""
        writes = [("send request", self.next_request), ("post", self.next_post)]
        writes.append(("message", self.next_message))
        return [
            Endpoint(name, "POST", "", next_write=make, ok_status=201, pacer=Pacer(rate))
            for name, make in writes
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
    # The paths' kernels too (a server on a checkout without a kernel cache compiles them for
    # minutes on a loaded machine: a measured request must not wait for that).
    request(conn, token, Endpoint("paths", "GET", f"/api/introductions/paths?to={target}"))
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


class Signers:
    """Whose token signs each read: one member's, or, with --rotate, each member's in turn
    across all connections (so a member's requests are `len(tokens)` requests apart)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self._turn = itertools.count()

    def next(self) -> str:
        # itertools.count's next() is atomic under the GIL: no lock on the request path.
        return self.tokens[next(self._turn) % len(self.tokens)]


def client(
    host: str,
    port: int,
    signers: Signers,
    mix: list[Endpoint],
    until: float,
    offset: int,
    tally: Tally,
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    index = offset
    while time.perf_counter() < until:
        endpoint = mix[index % len(mix)]
        index += 1
        if endpoint.pacer is not None and not endpoint.pacer.take():
            continue  # the write's rate is used up for now: the next request of the mix
        token = signers.next()
        start = time.perf_counter()
        reason = ""
        try:
            status, body = request(conn, token, endpoint)
            ok = status == endpoint.ok_status
            if not ok:
                reason = f"{status} {error_code(body)}"
        except WritersUsedUp:
            ok, reason = False, "writers used up"
        except (OSError, http.client.HTTPException) as error:
            ok, reason = False, type(error).__name__
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        tally.add(endpoint.name, time.perf_counter() - start, ok, reason)
    conn.close()


def error_code(body: bytes) -> str:
    """The API's error code (docs/api.md: `{"code": …, "message": …}`), else the body's start."""
    try:
        return str(json.loads(body)["code"])
    except (ValueError, KeyError, TypeError):
        return body[:80].decode(errors="replace")


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


WRK_THREADS = 2


def lua_string(text: str) -> str:
    """`text` as a Lua string literal (wrk's scripts are Lua 5.1: no \\u escapes, so bytes)."""
    escaped = "".join(
        f"\\{byte}" if byte < 32 or byte > 126 or chr(byte) in '"\\' else chr(byte)
        for byte in text.encode()
    )
    return f'"{escaped}"'


def _lua_body(payload: dict[str, Any] | None) -> str:
    return "nil" if payload is None else lua_string(json.dumps(payload))


def wrk_script(
    token: str,
    reads: list[Endpoint],
    writes: dict[str, list[tuple[str, str, dict[str, Any]]]],
    rate: float,
    threads: int = WRK_THREADS,
) -> str:
    """The Lua script wrk runs for the mix: each thread rotates over the reads and then the
    write kinds as `client` does, a write kind taken when that thread's share of its rate has
    room (one at least `threads / rate` seconds after its last, on a monotonic clock, each
    thread and kind starting at its own point of that interval so that writes come spread
    out) and it has writes left (thread t sends writes t, t + threads, …), else the rotation
    moves on. Each thread counts the statuses it received; `done` prints them and the
    latencies."""
    read_rows = ",\n".join(
        f"  {{{lua_string(r.method)}, {lua_string(r.path)}, {_lua_body(r.body)}}}" for r in reads
    )
    kinds = list(writes)
    write_rows = ",\n".join(
        f"  [{lua_string(kind)}] = {{\n"
        + ",\n".join(
            f"    {{{lua_string(signer)}, {lua_string(path)}, {_lua_body(body)}}}"
            for signer, path, body in made
        )
        + "\n  }"
        for kind, made in writes.items()
    )
    interval = threads / rate if rate > 0 else 0
    return f"""-- The mix for wrk, written by benchmarks/http_load.py --client wrk.
local token = {lua_string(token)}
local reads = {{
{read_rows}
}}
local writes = {{
{write_rows}
}}
local kinds = {{{", ".join(lua_string(kind) for kind in kinds)}}}
local nthreads = {threads}
local interval = {interval!r}
local made = {{}}
local count = 0

-- A monotonic clock through LuaJIT's FFI (wrk's Lua has only os.time, in whole seconds).
local ffi = require("ffi")
ffi.cdef[[
typedef struct {{ long tv_sec; long tv_nsec; }} mix_timespec;
int clock_gettime(int clock, mix_timespec *now);
]]
local timespec = ffi.new("mix_timespec")
local function now()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(made, thread)
end

function init(args)
  turn = id
  taken, next_at, statuses = {{}}, {{}}, {{}}
  -- Each thread's and each kind's first write at its own point of the interval, so the
  -- writes come spread out, as the Python client's pacer sends them, not in bursts.
  local start = now()
  for k, kind in ipairs(kinds) do
    taken[kind] = id + 1
    next_at[kind] = start + interval * (id + (k - 1) / #kinds) / nthreads
  end
end

local function signed(method, path, signer, body)
  local headers = {{["Authorization"] = "Bearer " .. signer}}
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end

function request()
  while true do
    local slot = turn % (#reads + #kinds)
    turn = turn + 1
    if slot < #reads then
      local read = reads[slot + 1]
      return signed(read[1], read[2], token, read[3])
    end
    local kind = kinds[slot - #reads + 1]
    local list, k, at = writes[kind], taken[kind], now()
    if at >= next_at[kind] and k <= #list then
      next_at[kind] = at + interval
      taken[kind] = k + nthreads
      local write = list[k]
      return signed("POST", write[2], write[1], write[3])
    end
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(made) do
    for status, n in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, n))
    end
  end
  local e = summary.errors
  io.write(string.format("SOCKET_ERRORS %d\\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("REQUESTS %d %d\\n", summary.requests, summary.duration))
  io.write(string.format("LATENCY_US %d %d %d\\n",
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class WrkMix:
    """What the mix's wrk script printed at its end."""

    requests: int
    seconds: float
    median_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    socket_errors: int

    @property
    def errors(self) -> int:
        wrong = sum(n for status, n in self.statuses.items() if status not in (200, 201))
        return wrong + self.socket_errors


def parse_wrk_mix(output: str) -> WrkMix:
    """The lines `wrk_script`'s `done` writes; a report without them is an error, not 0."""
    fields: dict[str, list[int]] = {}
    statuses: dict[int, int] = {}
    for line in output.splitlines():
        name, *numbers = line.split()
        if name == "STATUS":
            statuses[int(numbers[0])] = statuses.get(int(numbers[0]), 0) + int(numbers[1])
        elif name in ("SOCKET_ERRORS", "REQUESTS", "LATENCY_US"):
            fields[name] = [int(number) for number in numbers]
    if {"SOCKET_ERRORS", "REQUESTS", "LATENCY_US"} - fields.keys():
        raise ValueError(f"not the mix's wrk report:\n{output}")
    median, p99, longest = fields["LATENCY_US"]
    return WrkMix(
        requests=fields["REQUESTS"][0],
        seconds=fields["REQUESTS"][1] / 1e6,
        median_ms=median / 1000,
        p99_ms=p99 / 1000,
        max_ms=longest / 1000,
        statuses=statuses,
        socket_errors=fields["SOCKET_ERRORS"][0],
    )


def run_wrk(args: argparse.Namespace, token: str, reads: list[Endpoint], writers: Any) -> None:
    """The mix from wrk (`--client wrk`): a warm-up of the reads, then the run with writes."""
    rate = args.write_rate
    writes: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    if writers is not None:
        # As many of each as the rate allows over the run (each thread may send one more),
        # within what the writers may send.
        count = int(rate * args.seconds) + WRK_THREADS
        for endpoint in writers.endpoints(rate):
            make = endpoint.next_write
            if make is not None:
                writes[endpoint.name] = [make() for _ in range(count)]
    with tempfile.TemporaryDirectory(prefix="http-load-wrk-") as folder:
        warm = Path(folder) / "warm.lua"
        warm.write_text(wrk_script(token, reads, {}, rate))
        timed = Path(folder) / "mix.lua"
        timed.write_text(wrk_script(token, reads, writes, rate))
        wrk = ["wrk", f"-t{WRK_THREADS}", f"-c{args.connections}", "--timeout", "60s"]
        if args.warmup > 0:
            subprocess.run(  # noqa: S603 - wrk with our own arguments
                [*wrk, f"-d{max(1, round(args.warmup))}s", "-s", str(warm), args.url],
                capture_output=True,
                check=True,
            )
        load_before = os.getloadavg()
        done = subprocess.run(  # noqa: S603 - wrk with our own arguments
            [*wrk, f"-d{max(1, round(args.seconds))}s", "-s", str(timed), args.url],
            capture_output=True,
            text=True,
            check=True,
        )
        load_after = os.getloadavg()
    mix = parse_wrk_mix(done.stdout)
    print(f"# http benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, wrk")
    print(f"{args.url}, {args.connections} keep-alive connections, {mix.seconds:.1f} s")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("\n| endpoint | requests | errors | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| **all** | {mix.requests} | {mix.errors} | {mix.median_ms:.1f} | {mix.p99_ms:.1f} | "
        f"{mix.max_ms:.1f} |"
    )
    print(f"\n{mix.requests / mix.seconds:.1f} requests/s, {mix.errors} errors")
    counted = ", ".join(f"{n} x {status}" for status, n in sorted(mix.statuses.items()))
    print(f"statuses: {counted}; socket errors: {mix.socket_errors}")
    print("(wrk times the whole mix: for each endpoint's figures, run with --client python)")


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
    parser.add_argument(
        "--rotate",
        type=int,
        metavar="N",
        help="with --member and --only: sign each request as the next of N members (the "
        "--member e-mail with {} for 1 … N, e.g. member{}@bench.test), tokens made in the "
        "database: each member's requests are N requests apart, so with N above the requests "
        "of the run every request is its member's first",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--only", help="one GET path instead of the mix, e.g. /api/me")
    parser.add_argument("--no-writes", action="store_true", help="the reads of the mix alone")
    parser.add_argument(
        "--write-rate",
        type=float,
        default=2.0,
        help="each write (send a request, post, message) at most this many a second",
    )
    parser.add_argument(
        "--writers",
        type=int,
        help="throwaway members who write (default: enough for --write-rate over the run)",
    )
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="who sends the mix: this script's threads (each endpoint's figures), or wrk (a C "
        "client that leaves the cores to the server; the whole mix's figures)",
    )
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk (apt-get install wrk)")
    if args.client == "wrk" and (args.only or args.rotate):
        parser.error("--client wrk sends the mix: --only and --rotate are the Python client's")

    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if args.rotate and not (args.member and "{}" in args.member and args.only):
        parser.error("--rotate needs --only and a --member pattern with {}")
    rotating: list[str] = []
    made_ids: list[int] = []
    try:
        if args.rotate:
            http.client.HTTPConnection(host, port, timeout=5).connect()
            made_ids, rotating = tokens_made_for_members(args.member, args.rotate)
            token = rotating[0]
        elif args.member:
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
                size = args.writers or writers_needed(args.write_rate, args.warmup + args.seconds)
                writers = ThrowawayMembers(size)
                writers.create()
                if args.client == "python":
                    mix += writers.endpoints(args.write_rate)
        if args.client == "wrk":
            run_wrk(args, token, mix, writers)
        else:
            run(args, host, port, Signers(rotating or [token]), mix)
    finally:
        if rotating:
            revoke_made_tokens(made_ids)
        else:
            revoke(host, port, token)
        if writers is not None:
            writers.delete()


def run(
    args: argparse.Namespace, host: str, port: int, signers: Signers, mix: list[Endpoint]
) -> None:
    # Warm every process and thread (the snapshot mapped, the kernels compiled).
    warm = Tally()
    until = time.perf_counter() + args.warmup
    threads = [
        threading.Thread(target=client, args=(host, port, signers, mix, until, i, warm))
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
        threading.Thread(target=client, args=(host, port, signers, mix, until, i, tally))
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
    if args.rotate:
        turns = len(tally.everything()) + len(warm.everything())
        print(
            f"signed as {args.rotate} members in turn: {turns} requests in all, so "
            + (
                "each member's request was its first"
                if turns <= args.rotate
                else f"each member asked about {turns / args.rotate:.1f} times"
            )
        )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("\n| endpoint | requests | errors | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for endpoint in mix:
        values = tally.latencies.get(endpoint.name, [])
        if not values:
            continue
        print(
            f"| {endpoint.name} | {len(values)} | {tally.errors.get(endpoint.name, 0)} | "
            f"{statistics.median(values):.1f} | {percentile(values, 0.99):.1f} | "
            f"{max(values):.1f} |"
        )
    errors = sum(tally.errors.values())
    everything = tally.everything()
    print(
        f"| **all** | {len(everything)} | {errors} | {statistics.median(everything):.1f} | "
        f"{percentile(everything, 0.99):.1f} | {max(everything):.1f} |"
    )
    print(f"\n{len(everything) / elapsed:.1f} requests/s, {errors} errors")
    for name, kinds in tally.reasons.items():
        print(f"errors of {name}: " + ", ".join(f"{n} x {k}" for k, n in kinds.items()))
    if any(len(values) < 100 for values in tally.latencies.values()):
        print("rows with fewer than 100 requests: their p99 is the maximum of those requests")


if __name__ == "__main__":
    main()
