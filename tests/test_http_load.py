"""The HTTP benchmark's writes (`benchmarks/http_load.py`, issue 20) stay valid for any run
length: every note passes the server's check, the writers never ask each other or their
neighbours, and enough writers are made for the rate and the run."""

from __future__ import annotations

import importlib.util
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mutuals.accounts.models import Boundaries
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import Draft, invitation_check

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "http_load.py"
_spec = importlib.util.spec_from_file_location("http_load", _PATH)
assert _spec is not None
assert _spec.loader is not None
http_load = importlib.util.module_from_spec(_spec)
sys.modules["http_load"] = http_load
_spec.loader.exec_module(http_load)


@pytest.mark.django_db
def test_every_note_scores_at_least_a_new_members_minimum():
    """The earlier notes scored 10–40 against a recipient nothing is known about: half the
    requests to connect of a run were refused (`below_personalization_threshold`)."""
    sender = make_member(name="Zz Bench 0000")
    recipient = make_member(name="Zz Bench 0002")
    minimum = Boundaries.objects.get(user=recipient).min_personalization
    for note in http_load.NOTES:
        draft = Draft(
            recipient_id=recipient.pk,
            context_kind="other",
            context_text=http_load.CONTEXT_TEXT,
            intent="advice",
            message=note,
        )
        assert invitation_check(sender=sender, draft=draft).score >= minimum, note


@pytest.mark.parametrize(("rate", "seconds"), [(2.0, 33.0), (2.0, 603.0), (10.0, 3600.0), (0.1, 5)])
def test_the_writers_suffice_and_never_ask_each_other(rate, seconds):
    size = http_load.writers_needed(rate, seconds)
    rounds = len(http_load.NOTES)
    assert size * rounds >= rate * seconds + 1  # none sends more than it has notes
    asked = set()
    for round_ in range(rounds):
        for sender in range(size):
            recipient = http_load.ring_recipient(sender, round_, size)
            # Not itself, not its neighbours (connected to it), not twice, not both ways.
            assert recipient not in {sender, (sender + 1) % size, (sender - 1) % size}
            assert (sender, recipient) not in asked
            assert (recipient, sender) not in asked
            asked.add((sender, recipient))


def test_the_pacer_bounds_a_write_to_its_rate():
    pacer = http_load.Pacer(rate=50.0)
    taken, until = 0, time.perf_counter() + 0.5
    while time.perf_counter() < until:
        taken += pacer.take()
    assert 1 <= taken <= 50 * 0.5 + 1


def test_rotating_signers_use_each_member_once_before_any_twice():
    """--rotate: eight client threads taking turns sign 400 requests as 400 members, each
    exactly once (what makes every request its member's first)."""
    tokens = [f"token-{number}" for number in range(400)]
    signers = http_load.Signers(tokens)
    used: list[str] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        taken = [signers.next() for _ in range(50)]
        used.extend(taken)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(used) == sorted(tokens)
    assert signers.next() == "token-0"  # then round again


@pytest.mark.django_db
def test_rotation_tokens_are_made_per_member_and_only_they_are_revoked():
    """--rotate makes a token for member 1 … N of the pattern, in order, and deletes those
    tokens after the run, not another run's "benchmark" tokens (it deleted every token of
    that label)."""
    from mutuals.accounts.models import ApiToken
    from mutuals.accounts.services import api_token_authenticate, api_token_create

    members = [make_member(email=f"rotate{number}@bench.test") for number in (1, 2, 3)]
    other_run, _ = api_token_create(user=members[0], label="benchmark")

    ids, raws = http_load.tokens_made_for_members("rotate{}@bench.test", 3)

    assert [api_token_authenticate(raw) for raw in raws] == members
    http_load.revoke_made_tokens(ids)
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [other_run.pk]


@pytest.mark.django_db
def test_rotation_refuses_a_pattern_that_names_missing_members():
    make_member(email="rotate1@bench.test")
    with pytest.raises(SystemExit, match=r"1 members not found, the first rotate2@bench\.test"):
        http_load.tokens_made_for_members("rotate{}@bench.test", 2)


def test_lua_strings_keep_quotes_backslashes_and_any_text():
    assert http_load.lua_string('say "hi" \\ now') == '"say \\34hi\\34 \\92 now"'
    assert http_load.lua_string("é\n") == '"\\195\\169\\10"'  # UTF-8 bytes, as wrk sends them


def test_the_mix_report_of_wrk_is_read_and_any_other_status_is_an_error():
    report = "\n".join(
        [
            "Running 20s test @ http://127.0.0.1:8010",
            "STATUS 200 900",
            "STATUS 201 60",
            "STATUS 200 40",
            "STATUS 429 2",
            "SOCKET_ERRORS 1",
            "REQUESTS 1002 20000000",
            "LATENCY_US 18500 91000 240000",
        ]
    )
    mix = http_load.parse_wrk_mix(report)
    assert mix.statuses == {200: 940, 201: 60, 429: 2}
    assert (mix.requests, mix.seconds) == (1002, 20.0)
    assert (mix.median_ms, mix.p99_ms, mix.max_ms) == (18.5, 91.0, 240.0)
    assert mix.errors == 3  # two refusals and a socket error
    with pytest.raises(ValueError, match="not the mix's wrk report"):
        http_load.parse_wrk_mix("STATUS 200 5\nREQUESTS 5 1000000")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_sends_the_reads_in_turn_and_each_made_write_once_within_its_rate():
    """The generated Lua script, run by wrk against a stub server that records every request:
    the reads carry the reader's token and their bodies as written (quotes and non-ASCII
    intact), each write is one of those made, with its writer's token, sent at most once, and
    at most `rate` of each kind a second (one more per thread), spread out rather than in a
    burst; the report counts what the server said."""
    received: list[tuple[str, str, str, bytes]] = []
    arrived: list[tuple[str, float]] = []
    lock = threading.Lock()

    class Recorder(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                received.append((self.command, self.path, self.headers["Authorization"], body))
                refused = len(received) == 10
                arrived.append((self.path, time.monotonic()))
            status = 503 if refused else 201 if self.path.startswith("/w/") else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST = answer  # noqa: N815 - the names BaseHTTPRequestHandler calls

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    check_body = {"message": 'She said "the risk register" — twice', "n": 1}
    reads = [
        http_load.Endpoint("me", "GET", "/api/me"),
        http_load.Endpoint("check", "POST", "/api/check", check_body),
    ]
    made = {
        kind: [(f"writer-{kind}-{k}", f"/w/{kind}", {"k": k}) for k in range(40)]
        for kind in ("post", "message")
    }
    seconds, threads = 3, 2
    script = Path(tempfile.mkdtemp()) / "mix.lua"
    script.write_text(http_load.wrk_script("reader", reads, made, rate=2.0, threads=threads))
    try:
        done = subprocess.run(  # noqa: S603 - wrk, with our own script
            [
                str(shutil.which("wrk")),
                f"-t{threads}",
                "-c4",
                f"-d{seconds}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{server.server_port}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    mix = http_load.parse_wrk_mix(done.stdout)
    reads_seen = [r for r in received if not r[1].startswith("/w/")]
    assert {r[2] for r in reads_seen} == {"Bearer reader"}
    checks = [r for r in reads_seen if r[1] == "/api/check"]
    assert checks
    assert all(json.loads(r[3]) == check_body for r in checks)
    assert len(checks) == pytest.approx(len(reads_seen) / 2, abs=threads * 4)  # in turn
    for kind in made:
        sent = [r for r in received if r[1] == f"/w/{kind}"]
        by_body = {json.loads(r[3])["k"]: r[2] for r in sent}
        assert len(by_body) == len(sent)  # none twice
        assert all(by_body[k] == f"Bearer writer-{kind}-{k}" for k in by_body)
        assert 1 <= len(sent) <= 2 * seconds + threads  # rate 2 a second
    writes_at = sorted(at for path, at in arrived if path.startswith("/w/"))
    gaps = [later - earlier for earlier, later in itertools.pairwise(writes_at)]
    assert min(gaps) > 0.05  # spread: never two writes together (whole seconds sent bursts)
    assert mix.errors == 1  # the stub's one 503
    assert mix.statuses[200] + mix.statuses[201] + 1 == mix.requests
