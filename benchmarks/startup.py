"""Benchmark: how long `mutuals` takes to start (issue 13).

Runs, in a fresh temporary data directory (its own SQLite file, secret key, static files and
numba cache), each command that needs no graph several times and prints the median wall time
and the peak memory of the slowest run; then starts `mutuals serve` twice (the first start of
a new install, then a restart) and prints how long until `/` answered and until the first
answer that needs the graph (`GET /api/members` with a token: every card carries a degree of
separation) came back.

Target (issue 13): `--help`, `--version`, `audit --help`, `createmember`, `migrate` ≤ 1.5 s on
a quiet machine.

    .venv/bin/python benchmarks/startup.py [--runs N] [--no-serve]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTUALS = str(Path(sys.executable).with_name("mutuals"))


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak resident set (KiB) of one command
    (its own rusage, os.wait4): on a shared machine the CPU time is the steadier figure."""
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, started: float, *, data: bytes | None = None, token: str = "") -> float:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    while time.perf_counter() - started < 300:
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def serve_once(env: dict[str, str]) -> tuple[float, float]:
    """Seconds from `mutuals serve` until `/` answered, and until a graph answer came back."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603
        [MUTUALS, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = wait_for(f"{base}/", started)
        body = json.dumps({"email": "sam@demo.mutuals.test", "password": "mutuals-demo-2026"})
        request = urllib.request.Request(  # noqa: S310
            f"{base}/api/auth/token",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            token = json.load(response)["token"]
        graph = wait_for(f"{base}/api/members?limit=20", started, token=token)
        return first, graph
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-serve", action="store_true")
    options = parser.parse_args()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"# start-up benchmark — {now} on {platform.node()} ({platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores)"
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "MUTUALS_DATA_DIR": data_dir,
            "NUMBA_CACHE_DIR": str(Path(data_dir) / "numba-cache"),
            "MUTUALS_EMAIL_VERIFICATION": "none",
        }
        env.pop("DATABASE_URL", None)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        subprocess.run([MUTUALS, "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
        commands = {
            "mutuals --help": [MUTUALS, "--help"],
            "mutuals --version": [MUTUALS, "--version"],
            "mutuals audit --help": [MUTUALS, "audit", "--help"],
            "mutuals createmember": [
                MUTUALS,
                "createmember",
                "--email",
                "{n}@bench.test",
                "--password",
                "a-long-password-1",
                "--name",
                "Bench",
            ],
            "mutuals migrate (nothing to do)": [MUTUALS, "migrate", "-v0"],
        }
        print("| command | median wall s | max wall s | median CPU s | peak RSS MB |")
        print("|---|---|---|---|---|")
        for label, args in commands.items():
            times = []
            cpu = []
            peak = 0
            for n in range(options.runs):
                elapsed, used, rss = timed([arg.format(n=n) for arg in args], env)
                times.append(elapsed)
                cpu.append(used)
                peak = max(peak, rss)
            print(
                f"| {label} | {statistics.median(times):.2f} | {max(times):.2f} | "
                f"{statistics.median(cpu):.2f} | {peak / 1024:.0f} |"
            )
        if options.no_serve:
            return
        subprocess.run([MUTUALS, "demo"], env=env, check=True, capture_output=True, cwd=ROOT)  # noqa: S603
        print(
            "\n| `mutuals serve` (2 workers) | `/` answered after s | first graph answer after s |"
        )
        print("|---|---|---|")
        for label in ("first start (fresh install)", "second start"):
            first, graph = serve_once(env)
            print(f"| {label} | {first:.1f} | {graph:.1f} |")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
