"""What the graph adds to `/metrics` (registered with `core.metrics.gauge_register`)."""

from __future__ import annotations

import time

from django.conf import settings

from mutuals.core.metrics import Samples

# mutuals.graph.store.CURRENT, written out: importing the store loads the graph engine (numba,
# seconds), which a scrape must not wait for (test_metrics.py checks the two agree).
CURRENT = "CURRENT"


def snapshot_age() -> Samples:
    """Seconds since the builder last published a snapshot (the store's `CURRENT` pointer is
    replaced at each publication); no sample before the first one."""
    try:
        published = (settings.GRAPH_DIR / CURRENT).stat().st_mtime
    except FileNotFoundError:
        return []
    return [((), max(0.0, time.time() - published))]
