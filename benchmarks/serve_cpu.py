"""CPU time per request of one GET through `mutuals serve`, server and PostgreSQL (issue 20).

Requests a second on a shared 2-core host move by ±15 % between two 15-second runs of the
same tree, more than most changes to the request path, so this script reads what the request
costs instead: the CPU time (utime + stime, `/proc/<pid>/stat`) of the server's processes (its
process group: granian and its workers) and of every PostgreSQL process, before and after
`--seconds` of wrk on `--path`, divided by the requests wrk counted. It also prints the
host's steal time over the run (`/proc/stat`): a run with steal, or beside a busy neighbour,
costs more CPU per request for the same code (seen here: 2.3–3.4 ms for the same tree within
one minute), so compare trees only within one invocation, which alternates them.

Each run starts a fresh `mutuals serve --workers W --threads T` (2 × 2 unless told) from its
tree (`PYTHONPATH` set to it; this checkout, and `--against DIR` another, e.g. `git worktree
add /tmp/base main`), warms it with `--warm` seconds of the same load, then measures. The
token is made in the database for `--member` (the demo's Sam by default) and deleted at the
end.

    apt-get install wrk     # a C client: the load generator's own Python takes no core
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_http   # migrated, `mutuals demo`
    .venv/bin/python benchmarks/serve_cpu.py [--path /api/me] [--against /tmp/base] \\
        [--rounds 3] [--seconds 10] [--connections 8]

`--mix` drives the issue's mix with its writes instead (`benchmarks/http_load.py`, from this
checkout whichever tree serves, after `--warm` seconds of its reads alone): its requests a
second, median and p99 of every request, and the same CPU per request. Its client is Python
and takes its own share of the two cores, so its requests a second are lower than wrk's
would be: `--client wrk` sends the same mix from wrk (http_load.py's `--client wrk`). And
PostgreSQL's CPU then also counts the throwaway writers `http_load.py` makes
before its run and deletes after it (the same work for either tree). Every tree reads this
checkout's published graph (`MUTUALS_GRAPH_DIR`, unless set).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class WrkResult:
    requests: int
    per_second: float
    median_ms: float
    p99_ms: float
    not_2xx: int
    socket_errors: int


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """wrk's `--latency` report as numbers; a report without its totals is an error, not 0."""
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    per_second = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    median = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (requests and per_second and median and p99):
        raise ValueError(f"not a wrk --latency report:\n{output}")
    not_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(requests.group(1)),
        per_second=float(per_second.group(1)),
        median_ms=_ms(median.group(1)),
        p99_ms=_ms(p99.group(1)),
        not_2xx=int(not_2xx.group(1)) if not_2xx else 0,
        socket_errors=sum(int(count) for count in errors.groups()) if errors else 0,
    )


def parse_http_load(output: str) -> WrkResult:
    """`benchmarks/http_load.py`'s report as the same numbers (its errors as `not_2xx`)."""
    everything = re.search(
        r"^\| \*\*all\*\* \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", output, re.MULTILINE
    )
    per_second = re.search(r"^([\d.]+) requests/s, (\d+) errors", output, re.MULTILINE)
    if not (everything and per_second):
        raise ValueError(f"not an http_load.py report:\n{output}")
    return WrkResult(
        requests=int(everything.group(1)),
        per_second=float(per_second.group(1)),
        median_ms=float(everything.group(3)),
        p99_ms=float(everything.group(4)),
        not_2xx=int(everything.group(2)),
        socket_errors=0,
    )


@dataclass(frozen=True)
class ProcessTicks:
    name: str
    group: int
    ticks: int  # utime + stime


def parse_stat(line: str) -> ProcessTicks:
    """One `/proc/<pid>/stat` line. The name is between the first '(' and the last ')' and
    may hold spaces or parentheses itself, so the fields are counted from the last ')'."""
    close = line.rindex(")")
    fields = line[close + 2 :].split()
    # After the name: state, ppid, pgrp, …; utime and stime are the 14th and 15th fields of
    # the line, the 12th and 13th after the name.
    return ProcessTicks(
        name=line[line.index("(") + 1 : close],
        group=int(fields[2]),
        ticks=int(fields[11]) + int(fields[12]),
    )


def processes() -> list[ProcessTicks]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found.append(parse_stat(Path(f"/proc/{entry}/stat").read_text()))
            except (OSError, ValueError):  # ended between the listing and the read
                continue
    return found


def cpu_ticks(server_group: int) -> tuple[int, int]:
    """CPU ticks so far of the server's process group and of every PostgreSQL process."""
    everything = processes()
    server = sum(p.ticks for p in everything if p.group == server_group)
    database = sum(p.ticks for p in everything if p.name.startswith("postgres"))
    return server, database


def steal_and_total_ticks() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return fields[7], sum(fields)


def token_for(email: str) -> tuple[int, str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from mutuals.accounts.models import User
    from mutuals.accounts.services import api_token_create

    row, raw = api_token_create(user=User.objects.get(email=email), label="benchmark")
    return row.pk, raw


def delete_token(token_id: int) -> None:
    from mutuals.accounts.models import ApiToken

    ApiToken.objects.filter(pk=token_id).delete()


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server ended at start-up with status {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz within 60 s")


@dataclass(frozen=True)
class Run:
    tree: str
    started: str
    load: float
    wrk: WrkResult
    server_ms: float
    database_ms: float
    steal_share: float

    @property
    def total_ms(self) -> float:
        return self.server_ms + self.database_ms


def load_commands(args: argparse.Namespace, token: str) -> tuple[list[str], list[str]]:
    """The warm-up's command and the measured run's: wrk on `--path`, or with `--mix` this
    checkout's `http_load.py` (the issue's mix with its writes, a Python client)."""
    url = f"http://127.0.0.1:{args.port}"
    if args.mix:
        client = [sys.executable, str(ROOT / "benchmarks" / "http_load.py"), "--url", url]
        client += ["--connections", str(args.connections), "--email", args.member, "--warmup", "0"]
        client += ["--client", args.client]
        return (
            [*client, "--no-writes", "--seconds", str(args.warm)],
            [*client, "--seconds", str(args.seconds)],
        )
    wrk = ["wrk", "-t1", f"-c{args.connections}", "--latency"]
    wrk += ["-H", f"Authorization: Bearer {token}", f"{url}{args.path}"]
    return [*wrk, f"-d{args.warm}s"], [*wrk, f"-d{args.seconds}s"]


def measure(tree: Path, args: argparse.Namespace, token: str) -> Run:
    # Every tree reads this checkout's published graph (`mutuals graph --once`), unless told.
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.setdefault("MUTUALS_GRAPH_DIR", str(ROOT / "var" / "graph"))
    command = [sys.executable, "-c", "from mutuals.cli import main; main()", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(args.port), "--no-collectstatic"]
    command += ["--workers", str(args.workers), "--threads", str(args.threads)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: granian, its workers, nothing else
    )
    try:
        wait_until_up(args.port, server)
        warm, timed = load_commands(args, token)
        subprocess.run(warm, capture_output=True, check=True)  # noqa: S603
        load = os.getloadavg()[0]
        started = time.strftime("%H:%M:%S", time.gmtime())
        server_before, database_before = cpu_ticks(server.pid)
        steal_before, all_before = steal_and_total_ticks()
        report = subprocess.run(  # noqa: S603 - the client, with our own arguments
            timed, capture_output=True, text=True, check=True
        ).stdout
        server_after, database_after = cpu_ticks(server.pid)
        steal_after, all_after = steal_and_total_ticks()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    result = parse_http_load(report) if args.mix else parse_wrk(report)
    per_request = 1000 / TICKS_PER_SECOND / max(result.requests, 1)
    return Run(
        tree=str(tree),
        started=started,
        load=load,
        wrk=result,
        server_ms=(server_after - server_before) * per_request,
        database_ms=(database_after - database_before) * per_request,
        steal_share=(steal_after - steal_before) / max(all_after - all_before, 1),
    )


def line_of(run: Run, name: str) -> str:
    w = run.wrk
    return (
        f"| {name} | {run.started} | {run.load:.1f} | {w.per_second:.1f} | "
        f"{w.median_ms:.1f} / {w.p99_ms:.1f} | {run.server_ms:.2f} | {run.database_ms:.2f} | "
        f"{run.total_ms:.2f} | {run.steal_share:.1%} | {w.not_2xx + w.socket_errors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default="/api/me")
    parser.add_argument("--against", type=Path, help="a second checkout to measure in turn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)  # `mutuals serve`'s default
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--member", default="sam@demo.mutuals.test")
    parser.add_argument(
        "--mix",
        action="store_true",
        help="the issue's mix with its writes through http_load.py instead of wrk on --path",
    )
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="with --mix, who sends it: http_load.py's Python threads or wrk (its --client)",
    )
    args = parser.parse_args()
    # Skipped, not failed, as http_load.py without a server: `make bench` runs every script.
    if (not args.mix or args.client == "wrk") and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); skipped")
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must name a PostgreSQL database (its processes are timed); skipped")
        return
    trees = {"this": ROOT} | ({"against": args.against.resolve()} if args.against else {})
    token_id, token = token_for(args.member)
    runs: dict[str, list[Run]] = {name: [] for name in trees}
    what = f"the mix (http_load.py, {args.client})" if args.mix else f"GET {args.path}, wrk"
    print(f"{what}, {args.connections} connections for {args.seconds} s after {args.warm} s")
    print(f"servers: --workers {args.workers} --threads {args.threads}; trees: {trees}")
    print(
        "| tree | start (UTC) | load | req/s | median / p99 ms | server CPU ms | "
        "PostgreSQL CPU ms | together | steal | errors |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for _ in range(args.rounds):
            for name, tree in trees.items():  # alternating, so drift falls on each alike
                run = measure(tree, args, token)
                runs[name].append(run)
                print(line_of(run, name), flush=True)
    finally:
        delete_token(token_id)
    medians = {name: statistics.median(r.total_ms for r in done) for name, done in runs.items()}
    for name, done in runs.items():
        print(
            f"{name}: median CPU per request {medians[name]:.2f} ms "
            f"(server {statistics.median(r.server_ms for r in done):.2f}, PostgreSQL "
            f"{statistics.median(r.database_ms for r in done):.2f}), median "
            f"{statistics.median(r.wrk.per_second for r in done):.1f} req/s over {len(done)} runs"
        )
    if "against" in medians:
        print(f"against / this, CPU per request: {medians['against'] / medians['this']:.2f}×")


if __name__ == "__main__":
    main()
