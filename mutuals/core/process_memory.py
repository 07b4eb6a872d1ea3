"""This process's resident memory, as Linux counts it: what the memory tests and the
benchmarks measure (the import's and the graph build's peaks, each engine's growth).

The peak is the process's own high-water mark (`VmHWM` in `/proc/self/status`), which
`peak_reset` starts again from the current resident set, so a step's peak is read as
`peak_reset()`, the step, `peak_bytes()`. Not `getrusage(...).ru_maxrss`: a process started
by another begins with the parent's resident set at the fork as its maximum (Linux keeps it
across exec), so a benchmark's child reported its loader's 2.3 GB as its own
(docs/benchmarks.md, the graph built at 1M / 20M), and a test's child the test process's.

Linux only: elsewhere `available()` is false and the readers raise `RuntimeError`.
"""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def available() -> bool:
    return _STATUS.exists() and _CLEAR_REFS.exists()


def _status_bytes(field: str) -> int:
    try:
        text = _STATUS.read_text()
    except OSError as error:
        raise RuntimeError(f"no {_STATUS} to read {field} from (Linux only)") from error
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024  # the kernel writes kB
    raise RuntimeError(f"no {field} in {_STATUS}")


def resident_bytes() -> int:
    """The resident set now (`VmRSS`)."""
    return _status_bytes("VmRSS")


def peak_bytes() -> int:
    """The highest resident set since the process started or since the last `peak_reset`
    (`VmHWM`)."""
    return _status_bytes("VmHWM")


def peak_reset() -> None:
    """Start the peak again from the current resident set (writing 5 to `clear_refs`)."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError as error:
        raise RuntimeError(f"cannot reset the peak through {_CLEAR_REFS} (Linux only)") from error
