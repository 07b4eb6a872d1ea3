"""Compile the graph's search kernels before any member asks a graph question.

numba compiles a kernel the first time it is called with a new combination of argument
types, and keeps the machine code in its cache directory (`NUMBA_CACHE_DIR`, by default
`$MUTUALS_DATA_DIR/numba-cache`, shared by every process of the host). On a new install
nothing is cached yet, and the first request that needed the graph (the people page, a
member card's degree badge, a warm path) compiled the search kernels itself: about 23 s of
CPU, a minute or more on a loaded machine, while the member waited (docs/benchmarks.md,
"How long mutuals takes to start").

`compile_search_kernels` asks every question a server process asks, over a tiny graph
published and mapped exactly as the real one is (the arrays an overlay lays over it have
the same types), so every kernel is compiled for the argument types the servers call it
with and written to the cache. The graph builder runs it once after its first build
(`introductions.builder`): the compilation happens in the builder's process, off the
request path, and a server process finds the kernels in the cache.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from mutuals.graph import search, store
from mutuals.graph.snapshot import GraphSnapshot, build_snapshot


def _tiny_graph() -> GraphSnapshot:
    """Six members in a chain 1–2–3–4–5 and 6 beside 2 and 4, with a company, topics,
    events and a block: enough for every search to reach its kernels (a second-degree
    candidate, a path of several hops, a shared topic and event)."""
    members = np.arange(1, 7, dtype=np.int64)
    return build_snapshot(
        member_ids=members,
        sources=np.array([1, 2, 3, 4, 2], dtype=np.int64),
        targets=np.array([2, 3, 4, 5, 6], dtype=np.int64),
        strengths=np.array([0.9, 0.8, 0.7, 0.6, 0.5], dtype=np.float32),
        companies=["", "Acme", "", "Acme", "Globex", ""],
        topic_pairs=(np.array([[1, 0], [3, 0], [5, 1]], dtype=np.int64), ["design", "data"]),
        event_pairs=(np.array([[1, 0], [3, 0]], dtype=np.int64), ["meetup"]),
        blocked_pairs=(np.array([6], dtype=np.int64), np.array([4], dtype=np.int64)),
    )


def _ask_everything(snapshot: GraphSnapshot) -> None:
    search.degree_of_separation(snapshot, 1, 5, max_hops=3)
    circle = search.Circle(snapshot, 1)
    circle.proximity(3)
    search.strongest_paths(snapshot, 1, to=5)
    search.strongest_paths(snapshot, 1, company="Globex")
    search.strongest_paths(snapshot, 1, topic="data")
    search.people_you_may_know(snapshot, 1, excluded=[6])


def compile_search_kernels() -> None:
    """Compile (or load from numba's cache) every kernel a server process's graph answers
    use, for the argument types a server gives them: over a snapshot published and mapped
    from files (an overlay's arrays have the same types: the test checks it)."""
    with tempfile.TemporaryDirectory(prefix="mutuals-graph-warm-") as directory:
        path = Path(directory)
        name = store.publish(path, _tiny_graph())
        mapped = store.load(path, name).snapshot
        _ask_everything(mapped)
        del mapped  # the mapped files are closed before the directory goes
