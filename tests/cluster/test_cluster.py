"""The local cluster under load and failures (issue 21): `make test-cluster`.

Runs against the cluster `scripts/cluster up` started (two application servers behind nginx,
two workers, a PostgreSQL primary and streaming replica, Redis, each in its own network
namespace). Collected only with MUTUALS_CLUSTER=1 (conftest.py), because it needs root and
that cluster. For 60 s, client threads send a mix through the proxy (reads of the member
pages, feed, network health, and writes: posts, each read back at once); meanwhile:

- at 5 s a member blocks another through one server and both ask the other server;
- at 10 s one application server is killed (SIGKILL to its process group);
- at 15 s one worker is killed with `kill -9`;
- at 20 s a backup is taken (`mutuals backup`, on the other server's host);
- at 25 s the replica is restarted;
- at 30 s the killed server and worker are started again.

Then it asserts what the issue asks and prints the figures (requests, throughput, failures).
The six members take comments on their posts by e-mail at once (the default is the daily
digest), so every comment queues an e-mail task during the run; each comment's text is unique,
and the workers' logs (the console e-mail backend) show each e-mail sent once.

Timing: the load's events happen at set seconds, but what follows them waits on conditions,
each bounded (a task queue drained, a restarted server ready), never on a fixed sleep, so a
machine slowed by other work makes the run longer, not red.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = str(ROOT / "scripts" / "cluster")
PASSWORD = "mutuals-demo-2026"  # the demo cast's, printed by `mutuals demo`
LOAD_SECONDS = float(os.environ.get("MUTUALS_CLUSTER_LOAD_SECONDS", "60"))
CLIENTS = 6
MEMBERS = ["sam", "priya", "thandi", "aiko", "dmitri", "grace"]
# Bounds on waiting for what follows the load: every due task run, a restarted server ready.
TASKS_DRAINED_SECONDS = 120
READY_SECONDS = 180


def _cluster(*args: str, timeout: float = 120) -> str:
    return subprocess.run(  # noqa: S603 - our own script
        [CLUSTER, *args], check=True, capture_output=True, text=True, timeout=timeout
    ).stdout


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _cluster("env").splitlines() if "=" in line)


class Client:
    """One script's session through the proxy: a token and a cookie jar (the read-your-writes
    cookie follows it to whichever server answers)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the cluster's own proxy
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=30) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except ValueError:
                return error.code, raw.decode(errors="replace")


def _token(base: str, name: str) -> str:
    status, answer = Client(base).call(
        "POST",
        "/api/auth/token",
        {"email": f"{name}@demo.mutuals.test", "password": PASSWORD, "label": "cluster"},
    )
    assert status == 200, answer
    assert isinstance(answer, dict)
    return str(answer["token"])


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    stale_reads: list[str] = field(default_factory=list)
    posts: list[tuple[int, int]] = field(default_factory=list)  # (post id, author's client)
    comments: list[str] = field(default_factory=list)  # the text of each comment made

    def record(self, method: str, path: str, status: int, detail: object = "") -> None:
        with self.lock:
            self.answers[f"{method} {status}"] += 1
            if status >= 500 or status == 0:
                self.failures.append(f"{time.monotonic():.1f} {method} {path} {status} {detail}")


def _load(client: Client, tally: Tally, until: float, me_id: int, seed: int) -> None:
    randomness = random.Random(seed)
    reads = ["/api/me", "/api/members?limit=20", "/api/feed?limit=10", "/api/insights/health"]
    while time.monotonic() < until:
        draw = randomness.random()
        with tally.lock:
            others = [post for post, author in tally.posts if author != seed]
        if draw < 0.1 and others:
            # A comment on another member's post: a notification, and its e-mail task.
            post_id = randomness.choice(others)
            text = f"cluster-comment-{seed}-{randomness.getrandbits(48):012x}"
            try:
                status, answer = client.call(
                    "POST", f"/api/posts/{post_id}/comments", {"body": text}
                )
            except OSError as error:
                tally.record("POST", "/api/posts/{id}/comments", 0, error)
                continue
            tally.record("POST", "/api/posts/{id}/comments", status, answer)
            if status == 201:
                with tally.lock:
                    tally.comments.append(text)
        elif draw < 0.25:
            text = f"cluster test {seed} {time.monotonic():.3f}"
            try:
                status, answer = client.call(
                    "POST", "/api/posts", {"kind": "insight", "body": text}
                )
            except OSError as error:
                tally.record("POST", "/api/posts", 0, error)
                continue
            tally.record("POST", "/api/posts", status, answer)
            if status == 201 and isinstance(answer, dict):
                with tally.lock:
                    tally.posts.append((int(answer["id"]), seed))
                # Read after write, through the proxy (either server, replica unless pinned).
                try:
                    status, read = client.call("GET", f"/api/posts/{answer['id']}")
                except OSError as error:
                    status, read = 0, error
                tally.record("GET", "/api/posts/{id}", status, read)
                if status != 200:
                    tally.stale_reads.append(f"post {answer['id']}: {status}")
        else:
            path = randomness.choice(reads)
            try:
                status, answer = client.call("GET", path)
            except OSError as error:
                tally.record("GET", path, 0, error)
                continue
            tally.record("GET", path, status, answer)


def _member_id(client: Client) -> int:
    status, me = client.call("GET", "/api/me")
    assert status == 200
    assert isinstance(me, dict)
    return int(me["id"])


def _direct(env: dict[str, str], member: str) -> str:
    """A member's own address (bypassing the proxy): app1, app2, wk1, wk2 (its metrics)."""
    return env[f"MUTUALS_CLUSTER_{member.upper()}"]


def _wait_ready(url: str, seconds: float) -> int:
    """The status of `url` once it answers 200, or the last one when `seconds` ran out (0: it
    did not answer at all)."""
    deadline = time.monotonic() + seconds
    status = 0
    while time.monotonic() < deadline:
        try:
            status, _ = Client(url).call("GET", "")
        except OSError:
            status = 0
        if status == 200:
            break
        time.sleep(1)
    return status


def _emails_sent(texts: list[str]) -> Counter[str]:
    """How many e-mails each comment's text went out in: the workers print every e-mail to
    their logs (the console e-mail backend), whichever run of them sent it."""
    logs = "".join(
        (Path(_state()) / "log" / f"{worker}.log").read_text(errors="replace")
        for worker in ("wk1", "wk2")
    )
    sent = Counter(re.findall(r"cluster-comment-\d+-[0-9a-f]{12}", logs))
    return Counter({text: sent[text] for text in texts})


def _worker_metrics(env: dict[str, str], worker: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - the cluster's own worker
        _direct(env, worker) + "/metrics",
        headers={"Authorization": f"Bearer {env['MUTUALS_METRICS_TOKEN']}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return str(answer.read().decode())


def _kill_group(member: str, signal_name: str = "KILL") -> None:
    pid = (Path(_state()) / "pid" / member).read_text().strip()
    subprocess.run(["kill", f"-{signal_name}", "--", f"-{pid}"], check=True)  # noqa: S603,S607


def _state() -> str:
    # scripts/cluster's default, root's own folder on this machine
    return os.environ.get("MUTUALS_CLUSTER_DIR", "/var/tmp/mutuals-cluster")  # noqa: S108


def test_the_cluster_under_load_and_failures(env: dict[str, str]) -> None:
    proxy = env["MUTUALS_CLUSTER_PROXY"]
    clients = [Client(proxy, _token(proxy, name)) for name in MEMBERS]
    ids = [_member_id(client) for client in clients]
    for client in clients:
        # Comments on their posts by e-mail at once, so the run queues e-mails to count.
        status, answer = client.call(
            "PUT",
            "/api/notifications/preferences",
            {"preferences": [{"kind": "comments", "delivery": "email"}]},
        )
        assert status == 200, answer
    database = env["DATABASE_URL"]
    with psycopg.connect(database, autocommit=True) as db:
        (first_task,) = db.execute(
            "SELECT COALESCE(MAX(enqueued_at), now()) FROM django_tasks_database_dbtaskresult"
        ).fetchone()  # type: ignore[misc]
    tally = Tally()
    started = time.monotonic()
    until = started + LOAD_SECONDS
    threads = [
        threading.Thread(target=_load, args=(clients[n], tally, until, ids[n], n), daemon=True)
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    events: dict[str, object] = {}

    def at(second: float) -> None:
        time.sleep(max(0.0, started + second - time.monotonic()))

    at(5)
    # A block through one server, honoured by the other in its next answer, both ways.
    status, answer = Client(_direct(env, "app2"), clients[4].token).call(
        "POST", "/api/blocks", {"member_id": ids[5]}
    )
    assert status == 201, answer
    for viewer, target in ((clients[4], ids[5]), (clients[5], ids[4])):
        status, _ = Client(_direct(env, "app1"), viewer.token).call("GET", f"/api/members/{target}")
        assert status == 404, "a block is honoured by the other server's next answer"
    events["block honoured"] = round(time.monotonic() - started, 1)
    at(10)
    _kill_group("app1")
    events["app1 killed"] = round(time.monotonic() - started, 1)
    at(15)
    _kill_group("wk1")
    events["wk1 killed -9"] = round(time.monotonic() - started, 1)
    at(20)
    backup = Path(_state()) / "during-load.backup"
    _cluster(
        "exec",
        "app2",
        "env",
        *[f"{k}={v}" for k, v in env.items()],
        f"MUTUALS_DATA_DIR={_state()}/data-app2",
        str(ROOT / ".venv/bin/mutuals"),
        "backup",
        str(backup),
        timeout=180,
    )
    events["backup taken"] = round(time.monotonic() - started, 1)
    at(25)
    _cluster("stop-member", "pg2")
    _cluster("start-member", "pg2")
    events["replica restarted"] = round(time.monotonic() - started, 1)
    at(30)
    _cluster("start-member", "app1")
    _cluster("start-member", "wk1")
    events["app1 and wk1 started again"] = round(time.monotonic() - started, 1)
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 60)
    elapsed = time.monotonic() - started
    requests = sum(tally.answers.values())
    print(
        f"\n{requests} requests in {elapsed:.0f} s ({requests / elapsed:.1f}/s) through the "
        f"proxy; answers {dict(tally.answers)}; events {events}; failures {tally.failures}"
    )

    # No request lost beyond those in flight on the killed server: GETs were retried by the
    # proxy; a POST that reached app1 when it died may fail (nginx does not repeat it).
    failed_gets = [failure for failure in tally.failures if " GET " in failure]
    failed_posts = [failure for failure in tally.failures if " POST " in failure]
    assert failed_gets == []
    assert len(failed_posts) <= CLIENTS
    assert tally.stale_reads == [], "every post read back at once, on any server"

    # Tasks: none claimed twice; every due one finished, apart from the one the killed
    # worker was running when it died (django-tasks-db does not hand it to another worker).
    # Every comment's notification e-mailed once.
    query = (
        "SELECT status, worker_ids, task_path,"
        " COALESCE((args_kwargs->>'retries')::int, 0), id FROM django_tasks_database_dbtaskresult "
        "WHERE enqueued_at > %s AND (run_after <= now() OR run_after = '9999-01-01')"
    )
    deadline = time.monotonic() + TASKS_DRAINED_SECONDS
    with psycopg.connect(database, autocommit=True) as db:
        running_before, unchanged_polls = None, 0
        while True:
            rows = db.execute(query, (first_task,)).fetchall()
            states = Counter(row[0] for row in rows)
            running = {row[4] for row in rows if row[0] == "RUNNING"}
            unchanged_polls = unchanged_polls + 1 if running == running_before else 0
            running_before = running
            # Drained: nothing waits, and what is still RUNNING stayed so for three polls: the
            # task the killed worker held, not one a live worker is finishing at that moment.
            # (A run on 2026-12-03 ended with two RUNNING where one is allowed, most likely a
            # live worker's last task seen beside the killed one's; the line printed below
            # names the tasks left running and their workers.)
            drained = states["READY"] == 0 and (not running or unchanged_polls >= 3)
            if drained or time.monotonic() > deadline:
                break
            time.sleep(1)
        left_running = [(row[2], row[1]) for row in rows if row[0] == "RUNNING"]
        (emailed, unsent) = db.execute(
            "SELECT COUNT(*) FILTER (WHERE emailed_at IS NOT NULL),"
            " COUNT(*) FILTER (WHERE emailed_at IS NULL AND read_at IS NULL)"
            " FROM engagement_notification WHERE kind = 'post_comment' AND created_at > %s",
            (first_task,),
        ).fetchone()  # type: ignore[misc]
    # A task that met a transient database failure (a deadlock, the primary unreachable) is
    # claimed again once per retry (`core.tasks.task_retry_later`), never by two at once.
    claimed_twice = [row for row in rows if len(row[1]) > 1 + row[3]]
    retried = sum(row[3] for row in rows)
    emails = _emails_sent(tally.comments)
    print(
        f"tasks due during the run: {dict(states)} "
        f"({dict(Counter(row[2].rsplit('.', 1)[1] for row in rows))}); "
        f"comments {len(tally.comments)}, their notifications e-mailed {emailed}, not yet "
        f"{unsent}; e-mails per comment {dict(Counter(emails.values()))}; retries after a "
        f"transient database failure {retried}; left running {left_running}"
    )
    comments = len(tally.comments)
    assert states["SUCCESSFUL"] >= comments > 0
    assert claimed_twice == []
    assert states["READY"] == 0
    assert states["RUNNING"] <= 1
    if states["FAILED"]:
        with psycopg.connect(database, autocommit=True) as db:
            why = db.execute(
                "SELECT task_path, exception_class_path, right(traceback, 600) "
                "FROM django_tasks_database_dbtaskresult WHERE enqueued_at > %s "
                "AND status = 'FAILED'",
                (first_task,),
            ).fetchall()
        for task_path, exception, traceback in why:
            print(f"FAILED task {task_path}: {exception}\n{traceback}")
    assert states["FAILED"] == 0
    assert emailed >= comments - states["RUNNING"]
    # Each comment's e-mail went once, but the one a killed worker may have claimed and not
    # sent (the delivery claims before it sends, so a crash loses an e-mail, never doubles it).
    assert max(emails.values()) == 1
    assert sum(emails.values()) >= comments - states["RUNNING"]

    # The worker's own metrics count what it ran, as the queue's rows say: wk2 (never
    # restarted) finished every row it claimed, counted between two scrapes (a task's row is
    # marked a moment before the worker counts it, and tasks may still come due).
    counted_before = _finished_by(_worker_metrics(env, "wk2"))
    with psycopg.connect(database, autocommit=True) as db:
        rows_of_wk2 = Counter(
            status
            for (status,) in db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
                " WHERE worker_ids->>0 LIKE 'wk2-%' AND status IN ('SUCCESSFUL', 'FAILED')"
            ).fetchall()
        )
    counted_after = _finished_by(_worker_metrics(env, "wk2"))
    print(f"wk2: its metrics {dict(counted_before)}, its rows in the queue {dict(rows_of_wk2)}")
    for outcome in ("SUCCESSFUL", "FAILED"):
        assert counted_before[outcome] <= rows_of_wk2[outcome] <= counted_after[outcome]
    assert counted_before["SUCCESSFUL"] > 0

    # Rate limits across servers: wrong passwords for one account, alternating servers.
    statuses = []
    for attempt in range(8):
        server = _direct(env, "app2") if attempt % 2 else proxy
        status, _ = Client(server).call(
            "POST",
            "/api/auth/token",
            {"email": "nadia-nobody@demo.mutuals.test", "password": "wrong", "label": "x"},
        )
        statuses.append(status)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3

    _print_database_split(env)

    # The backup taken under load restores into a working instance.
    _restore_works(env, backup)
    # The server killed during the load is back in rotation (it may still be starting on a
    # loaded machine: its readiness is waited for, within a bound).
    assert _wait_ready(_direct(env, "app1") + "/readyz", READY_SECONDS) == 200


def _print_database_split(env: dict[str, str]) -> None:
    """For docs/scaling.md: where app2's queries went (primary or replica) during the run, and
    the queries per request of each API view, from its /metrics."""
    request = urllib.request.Request(  # noqa: S310 - the cluster's own server
        _direct(env, "app2") + "/metrics",
        headers={"Authorization": f"Bearer {env['MUTUALS_METRICS_TOKEN']}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        text = answer.read().decode()
    queries: dict[str, float] = {}
    per_view: dict[str, dict[str, float]] = {}
    for line in text.splitlines():
        value = float(line.rsplit(" ", 1)[1]) if line and not line.startswith("#") else 0.0
        labels = dict(re.findall(r'(\w+)="([^"]*)"', line.partition("}")[0]))
        if line.startswith("mutuals_db_queries_total{"):
            queries[labels["database"]] = value
        for part in ("sum", "count"):
            if line.startswith(f"mutuals_http_request_queries_{part}{{") and "api:" in line:
                per_view.setdefault(labels["view"], {})[part] = value
    print(
        f"app2's queries by database: {queries}; queries per request by view: "
        + ", ".join(
            f"{view} {numbers['sum'] / numbers['count']:.1f} ({numbers['count']:.0f})"
            for view, numbers in sorted(per_view.items())
            if numbers.get("count")
        )
    )


def _finished_by(metrics: str) -> Counter[str]:
    """The worker's finished tasks by outcome, over every task name."""
    counted = Counter[str]()
    for line in metrics.splitlines():
        if line.startswith("mutuals_worker_tasks_finished_total{"):
            outcome = re.search(r'status="(\w+)"', line)
            assert outcome is not None
            counted[outcome.group(1)] += int(float(line.rsplit(" ", 1)[1]))
    return counted


def _restore_works(env: dict[str, str], backup: Path) -> None:
    scratch = env["DATABASE_URL"].rsplit("/", 1)[0] + "/restored"
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS restored")
        db.execute("CREATE DATABASE restored")
    restore_env = {**env, "DATABASE_URL": scratch, "DATABASE_REPLICA_URLS": ""}
    mutuals = str(ROOT / ".venv/bin/mutuals")
    common = ["exec", "app2", "env", *[f"{k}={v}" for k, v in restore_env.items()]]
    common.append(f"MUTUALS_DATA_DIR={_state()}/data-restored")
    _cluster(*common, mutuals, "restore", "--noinput", str(backup), timeout=300)
    check = (
        "from mutuals.accounts.models import User; from django.db import connection;"
        "from django.db.migrations.executor import MigrationExecutor as E;"
        "e = E(connection); plan = e.migration_plan(e.loader.graph.leaf_nodes());"
        "print(User.objects.count(), len(plan))"
    )
    out = _cluster(*common, mutuals, "shell", "-c", check, timeout=120).split()
    members, pending = int(out[-2]), int(out[-1])
    assert members >= 60
    assert pending == 0
