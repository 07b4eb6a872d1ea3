"""Where the vendored real data lives: the one definition every test, benchmark and script uses.

`tests/data/` holds copies of data written outside this project (real LinkedIn exports,
SNAP networks, hostile fixtures), each folder with a SOURCE.txt naming its origin and licence;
`tests/data/README.md` is the index. The repository reads nothing outside itself.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
