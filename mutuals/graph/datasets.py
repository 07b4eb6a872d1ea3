"""Readers for the SNAP edge lists in `tests/data/` (tests and benchmarks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt


def read_edge_list(path: Path) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(sources, targets) of a whitespace-separated "A B" file; `#` comment lines skipped.

    Handles CRLF line endings and a missing final newline (both occur in tests/data)."""
    lines = [
        line
        for line in path.read_bytes().splitlines()
        if line.strip() and not line.startswith(b"#")
    ]
    pairs = np.array(b" ".join(lines).split(), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()
