"""A process's own peak memory (`core.process_memory`): a child does not report its parent's
resident set as its peak (what `ru_maxrss` does, and what made the 1M graph build's memory
read wrong), and a reset peak counts only what came after it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mutuals.core import process_memory

# Linux only (its /proc); on Linux they run, and a /proc without the files fails them.
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux's /proc")

MIB = 2**20
HELD = 400 * MIB


def test_a_child_reports_its_own_peak_not_its_parents_resident_set() -> None:
    held = np.ones(HELD, dtype=np.uint8)  # resident: every page written
    assert process_memory.resident_bytes() >= HELD
    script = (
        "import resource\n"
        "from mutuals.core.process_memory import peak_bytes\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, peak_bytes())\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    inherited, own = (int(value) for value in done.stdout.split())
    del held
    assert inherited >= HELD  # the rule the module is written against
    assert own < HELD / 2  # an interpreter that imported one small module


def test_a_reset_peak_counts_what_came_after() -> None:
    grown = np.ones(200 * MIB, dtype=np.uint8)
    del grown
    process_memory.peak_reset()
    start = process_memory.peak_bytes()
    assert start < process_memory.resident_bytes() + 50 * MIB  # the 200 MiB are forgotten
    step = np.ones(100 * MIB, dtype=np.uint8)
    assert process_memory.peak_bytes() - start >= 95 * MIB
    del step
    assert process_memory.peak_bytes() - start >= 95 * MIB  # a peak stays after a free
