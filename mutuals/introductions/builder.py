"""The one graph builder per host: keeps the published snapshot current, off the request path.

`mutuals graph` runs `run` in the foreground; `mutuals worker` starts it in a thread
(`start_in_thread`, registered in `core.worker_start`) unless GRAPH_BUILDER_IN_WORKER is off.
The store's builder lock (`graph.store.builder_lock`) lets only one of them build: a second
stands by and takes over when the first stops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from mutuals.introductions.graph import graph_build, store_directory

logger = logging.getLogger(__name__)

# Seconds between two polls of the graph key (one query): how long a new connection, a
# recomputed tie or a profile edit waits, plus the build, before answers reflect it.
POLL_INTERVAL = 1.0


def run(*, interval: float = POLL_INTERVAL, stop: threading.Event | None = None) -> None:
    """Poll and build until `stop` is set; stand by while another builder holds the lock."""
    from mutuals.graph import store, warm  # numba: loaded by the builder, not at start-up

    stop = stop or threading.Event()
    warmed = False
    while not stop.is_set():
        with store.builder_lock(store_directory()) as holding:
            while holding and not stop.is_set():
                _step()
                if not warmed:
                    _warm_search_kernels(warm.compile_search_kernels)
                    warmed = True
                stop.wait(interval)
        stop.wait(interval)


def _warm_search_kernels(compile_search_kernels: Callable[[], None]) -> None:
    """Once, after the first build: compile the search kernels into numba's shared cache here,
    off the request path, so no member's request waits for their compilation
    (`mutuals.graph.warm`; seconds on a new install, a fraction of one once cached)."""
    started = time.monotonic()
    try:
        compile_search_kernels()
    except Exception:
        # Never fatal: a server process compiles what it lacks on its first graph question.
        logger.exception("compiling the graph's search kernels failed")
        return
    logger.info("graph search kernels ready in %.2f s", time.monotonic() - started)


def _step() -> None:
    started = time.monotonic()
    try:
        published = graph_build()
    except Exception:
        # A database that went away, a migration under way: try again at the next poll.
        logger.exception("graph build failed")
        published = None
    finally:
        close_old_connections()
    if published is not None:
        logger.info("graph snapshot %s published in %.2f s", published, time.monotonic() - started)


def start_in_thread() -> str:
    """`core.worker_start` hook: run the builder in a daemon thread of the worker."""
    if not settings.GRAPH_BUILDER_IN_WORKER:
        return "graph builder: off in this worker (GRAPH_BUILDER_IN_WORKER)"
    threading.Thread(target=run, name="graph-builder", daemon=True).start()
    return "graph builder: started"
