"""Benchmark: what a sender with 10,000 earlier notes waits for when the composer checks a note
(issue 15: "a check ≤ 2 ms median and ≤ 10 ms p99 with a 10,000-note history"; issue 20: time
the HTTP request, not only the engine).

On the demo database named by DATABASE_URL (run `mutuals migrate && mutuals demo` first), it
gives Sam `--history` earlier notes (withdrawn invitations to the cast, each note a generated
variation with its signature, as `invitation_send` stores them; removed again at the end),
starts `mutuals serve` with one worker, and measures in one run:

(a) reading the history in the server process, the two ways, in this process on the same
    rows: the JSON lists parsed and indexed note by note (how every history was read before
    signatures were stored packed) against the packed signatures indexed as one array;
(b) `POST /api/invitations/check` through HTTP with a keep-alive client: the first request
    (the worker reads the history), then `--checks` more (the history is kept and brought up
    to date with one query); median, p99 and max;
(c) the same after one more note was sent: the next check adds it instead of reading again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench \\
        .venv/bin/python benchmarks/personalization_http.py [--history 10000] [--checks 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()

from http_load import DEMO_EMAIL, DEMO_PASSWORD, token_for  # noqa: E402
from personalization import note  # noqa: E402

from mutuals import personalization as engine  # noqa: E402
from mutuals.accounts.models import User  # noqa: E402
from mutuals.connections.models import Invitation  # noqa: E402
from mutuals.connections.services import finding_as_dict  # noqa: E402

MARK = "personalization_http benchmark"  # context_text of the rows this script adds


def seed_history(sender: User, size: int) -> None:
    """`size` withdrawn invitations from `sender` to the cast, as `invitation_send` stores
    them (score, findings, the JSON signature and the packed one)."""
    Invitation.objects.filter(sender=sender, context_text=MARK).delete()
    others = list(User.objects.exclude(pk=sender.pk).filter(is_active=True)[:60])
    rng = random.Random(11)
    now = datetime.now(UTC)
    rows = []
    for index in range(size):
        text, _ = note(rng)
        other = others[index % len(others)]
        report = engine.assess(
            text,
            recipient=engine.Recipient(other.name),
            context=engine.Context("other", "the chapter meetup"),
            intent="advice",
        )
        low, high = sorted((sender.pk, other.pk))
        created = now - timedelta(minutes=size - index)
        rows.append(
            Invitation(
                sender=sender,
                recipient=other,
                pair_low=low,
                pair_high=high,
                context_kind="other",
                context_text=MARK,
                context_label="the chapter meetup",
                intent="advice",
                message=text,
                score=report.score,
                verdict=report.verdict,
                findings=[finding_as_dict(f) for f in report.findings],
                signature=list(report.signature),
                minhash=engine.pack_signature(report.signature),
                state="withdrawn",
                created_at=created,
                deliver_at=created,
            )
        )
    Invitation.objects.bulk_create(rows, batch_size=2000)


def read_history_both_ways(sender: User, repeats: int) -> tuple[list[float], list[float]]:
    """Milliseconds to read the sender's history: JSON note by note, and packed in one array."""
    json_ms, packed_ms = [], []
    notes = Invitation.objects.filter(sender=sender).order_by("id")
    for _ in range(repeats):
        started = time.perf_counter()
        engine.SenderHistory(
            (signature, str(to)) for signature, to in notes.values_list("signature", "recipient_id")
        )
        json_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        engine.SenderHistory.from_stored(
            (bytes(packed), str(to)) for packed, to in notes.values_list("minhash", "recipient_id")
        )
        packed_ms.append((time.perf_counter() - started) * 1000)
    return json_ms, packed_ms


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    mutuals = Path(sys.executable).with_name("mutuals")
    server = subprocess.Popen(  # noqa: S603 — our own console script, fixed arguments
        [str(mutuals), "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("mutuals serve did not answer /healthz within a minute")


def check(conn: http.client.HTTPConnection, token: str, body: bytes) -> float:
    started = time.perf_counter()
    conn.request(
        "POST",
        "/api/invitations/check",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"check answered {response.status}")
    return (time.perf_counter() - started) * 1000


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=15, help="history reads of each kind")
    arguments = parser.parse_args()

    sender = User.objects.get(email=DEMO_EMAIL)
    recipient = User.objects.filter(is_active=True).exclude(pk=sender.pk).order_by("-pk")[0]
    load_before = os.getloadavg()
    print(
        f"personalization check through HTTP — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.node()} ({os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{django.db.connection.vendor})"
    )
    seed_history(sender, arguments.history)
    total = Invitation.objects.filter(sender=sender).count()
    try:
        json_ms, packed_ms = read_history_both_ways(sender, arguments.repeats)
        print(f"(a) reading a {total}-note history, {arguments.repeats} times each, in ms:")
        print("| way | median | max |")
        print("|---|---|---|")
        for name, values in (("JSON, note by note", json_ms), ("packed, one array", packed_ms)):
            print(f"| {name} | {statistics.median(values):.1f} | {max(values):.1f} |")
        print(f"ratio of medians: {statistics.median(json_ms) / statistics.median(packed_ms):.1f}×")

        port = free_port()
        server = start_server(port)
        try:
            token = token_for("127.0.0.1", port, DEMO_EMAIL, DEMO_PASSWORD)
            body = json.dumps(
                {
                    "recipient_id": recipient.pk,
                    "context": {"kind": "other", "text": "We met at the rail meetup"},
                    "intent": "advice",
                    "message": "Hi, your talk on supplier contracts at the rail meetup was what "
                    "my team needed: could we compare notes on schedule risk for twenty minutes?",
                }
            ).encode()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            first = check(conn, token, body)
            timings = [check(conn, token, body) for _ in range(arguments.checks)]
            seed_more = Invitation.objects.filter(sender=sender).order_by("-id")[0]
            seed_more.pk = None
            seed_more.save()  # one more note sent: the next check adds it
            after_send = check(conn, token, body)
            conn.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"(b) POST /api/invitations/check, one worker, keep-alive, {total}-note history:")
        print(f"first request (the worker reads the history): {first:.1f} ms")
        print(
            f"next {len(timings)}: median {statistics.median(timings):.2f} ms, "
            f"p99 {p99(timings):.2f} ms, max {max(timings):.2f} ms"
        )
        print(f"(c) the check after one more note was sent: {after_send:.2f} ms")
        median, tail = statistics.median(timings), p99(timings)
        print(
            f"target median ≤ 2 ms, p99 ≤ 10 ms through HTTP: "
            f"{'met' if median <= 2 and tail <= 10 else 'MISSED'}"
        )
    finally:
        Invitation.objects.filter(sender=sender, context_text=MARK).delete()
    load = os.getloadavg()
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
