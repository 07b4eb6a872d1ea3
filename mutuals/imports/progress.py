"""A terminal progress bar for the import and audit commands (no dependency): redrawn in
place on a terminal, one line per stage when the output is a file or a pipe."""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.interactive = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._last_label = ""
        self._last_percent = -1

    def update(self, percent: float, label: str) -> None:
        if not self.enabled:
            return
        whole = max(0, min(100, int(percent)))
        if self.interactive:
            if whole == self._last_percent and label == self._last_label:
                return
            filled = BAR_WIDTH * whole // 100
            bar = "█" * filled + "·" * (BAR_WIDTH - filled)
            elapsed = time.perf_counter() - self.started
            self.stream.write(f"\r[{bar}] {whole:3d}% {elapsed:5.1f}s  {label[:40]:<40}")
            self.stream.flush()
        elif label != self._last_label:
            self.stream.write(f"{whole:3d}% {label}\n")
        self._last_label = label
        self._last_percent = whole

    def close(self) -> None:
        if self.enabled and self.interactive:
            self.stream.write("\n")
            self.stream.flush()
