"""`benchmarks/serve_cpu.py` reads wrk's report and the kernel's process lines right: a figure
it prints is requests and CPU ticks, never a default that hides a report it could not read."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "serve_cpu.py"
_spec = importlib.util.spec_from_file_location("serve_cpu", _PATH)
assert _spec is not None
assert _spec.loader is not None
serve_cpu = importlib.util.module_from_spec(_spec)
sys.modules["serve_cpu"] = serve_cpu
_spec.loader.exec_module(serve_cpu)

WRK_REPORT = """\
Running 10s test @ http://127.0.0.1:8123/api/me
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    19.82ms   25.11ms 301.22ms   91.52%
    Req/Sec   515.35     80.12   680.00     72.00%
  Latency Distribution
     50%   14.65ms
     75%   20.01ms
     90%   35.50ms
     99%    1.02s
  5153 requests in 10.01s, 4.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    514.83
Transfer/sec:    421.33KB
"""


def test_a_wrk_report_gives_its_requests_latencies_and_failures():
    result = serve_cpu.parse_wrk(WRK_REPORT)
    assert result.requests == 5153
    assert result.per_second == pytest.approx(514.83)
    assert result.median_ms == pytest.approx(14.65)
    assert result.p99_ms == pytest.approx(1020.0)  # seconds are converted, not read as ms
    assert result.not_2xx == 7
    assert result.socket_errors == 5


def test_microseconds_are_read_as_such():
    report = WRK_REPORT.replace("14.65ms", "980.00us")
    assert serve_cpu.parse_wrk(report).median_ms == pytest.approx(0.98)


def test_a_report_without_its_totals_is_refused_not_read_as_zero():
    cut = WRK_REPORT.split("  5153 requests")[0]
    with pytest.raises(ValueError, match="not a wrk --latency report"):
        serve_cpu.parse_wrk(cut)


def test_a_process_line_gives_its_group_and_cpu_even_with_a_parenthesis_in_its_name():
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    # stime …: the name here holds ") 1 2 3 (" as a process may name itself.
    line = "4242 (granian ) 1 2 3 (x) S 4200 4100 4100 0 -1 4194560 1 0 0 0 150 25 0 0 20 0"
    ticks = serve_cpu.parse_stat(line)
    assert ticks.name == "granian ) 1 2 3 (x"
    assert ticks.group == 4100
    assert ticks.ticks == 175


def test_this_process_is_found_in_its_own_group_with_the_cpu_it_used():
    own = serve_cpu.parse_stat(Path(f"/proc/{os.getpid()}/stat").read_text())
    assert own.group == os.getpgrp()
    assert own.ticks > 0


HTTP_LOAD_REPORT = """\
# http benchmark — 2026-12-04 03:17 UTC
http://127.0.0.1:8010, 8 keep-alive connections, 20.1 s
load average before 2.50, after 3.84

| endpoint | requests | errors | median ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|
| me | 357 | 0 | 31.5 | 96.4 | 102.2 |
| send request | 36 | 1 | 242.7 | 341.9 | 341.9 |
| **all** | 2619 | 1 | 53.7 | 253.1 | 392.7 |

130.4 requests/s, 1 errors
"""


def test_the_mix_report_is_read_from_its_all_row():
    result = serve_cpu.parse_http_load(HTTP_LOAD_REPORT)
    assert (result.requests, result.per_second) == (2619, 130.4)
    assert (result.median_ms, result.p99_ms, result.not_2xx) == (53.7, 253.1, 1)


def test_a_mix_report_without_its_totals_is_refused():
    truncated = HTTP_LOAD_REPORT.split("| **all**")[0]
    with pytest.raises(ValueError, match="http_load"):
        serve_cpu.parse_http_load(truncated)
