"""`/metrics` counts every process of `mutuals serve` (issue 21): the server runs several
granian worker processes and a scrape reaches one of them; prometheus_client's multiprocess
mode (set up by `mutuals serve`) makes each answer the sum over all of them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mutuals.core.tests.test_shared_rate_limits import (
    MUTUALS,
    ROOT,
    _answering,
    _database_url,
    _free_port,
)
from mutuals.core.tests.test_telemetry import _sample

TOKEN = "processes-test-token"
REQUESTS = 40


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (names in lower case) and body."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - local server
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        names = {name.lower(): value for name, value in answer.headers.items()}
        return answer.status, names, answer.read()


@pytest.mark.django_db(transaction=True)
def test_every_server_process_is_counted(tmp_path: Path) -> None:
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale file of an earlier run")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "metrics-processes-test",
        "MUTUALS_METRICS_TOKEN": TOKEN,
        "MUTUALS_METRICS_DIR": str(metrics_dir),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(  # noqa: S603 - our own command
        [MUTUALS, "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _answering(f"{base}/healthz"):
            assert time.monotonic() < deadline, "the server did not start"
            assert server.poll() is None, "the server stopped"
            time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(
                pool.map(
                    lambda n: _get(f"{base}/healthz", {"X-Request-ID": f"many-{n}"}),
                    range(REQUESTS),
                )
            )
        assert {headers["x-request-id"] for _, headers, _ in answers} == {
            f"many-{n}" for n in range(REQUESTS)
        }
        # The wait for the server counted some /healthz too: read the first scrape's count,
        # then every later scrape, whichever process answers, must say the same.
        counts = set()
        for _ in range(8):
            _, _, body = _get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"})
            counts.add(
                _sample(
                    body.decode(),
                    "mutuals_http_responses_total",
                    view="healthz",
                    method="GET",
                    status="200",
                )
            )
        assert len(counts) == 1
        (count,) = counts
        assert count is not None
        assert count >= REQUESTS
        assert not (metrics_dir / "counter_1.db").exists()  # emptied at start
        pids = {file.stem.rsplit("_", 1)[1] for file in metrics_dir.glob("*.db")}
        assert len(pids) == 2, "both worker processes answered and kept their own file"
    except Exception:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        assert server.stderr is not None
        print(server.stderr.read().decode()[-5000:])  # the server.s side, for the failure
        raise
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
