"""Graph engine benchmark (issue 5, docs/design.md §6): the mutuals engine against python-igraph,
networkit and (where it fits) networkx, on the same graphs in the same run.

Graphs: (a) a synthetic power-law graph (Chung–Lu, degree exponent 2.5) of 1,000,000 members
and ~20,000,000 connections; (b) the real graphs in tests/data (ego-facebook,
email-eu-core). Strengths are uniform in [0.05, 1) (seeded), so some ties are too weak to
carry an introduction, as in a real network.

Measured: snapshot build time from arrays, memory, and median / p99 latency over random
members of degree of separation, strongest path and people you may know.

Every engine (ours, the NumPy baselines, igraph, networkit, networkx) runs in a fresh child
process of its own, on the same edge arrays and the same sampled pairs and members (written
by the parent to a scratch folder), so memory is measured by one method for all: the child's
RSS growth while it builds its graph (retained after the build, and the peak during it),
with the input already loaded and the library already imported and warmed.

    .venv/bin/python benchmarks/graph.py                 # everything (about 15 minutes)
    .venv/bin/python benchmarks/graph.py --members 100000 --edges 2000000   # smaller
    .venv/bin/python benchmarks/graph.py --real-only
    .venv/bin/python benchmarks/graph.py --workdir /tmp/graph-bench   # keep and reuse the graph

Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see /work/.library/env) and nothing
else heavy on the machine. Libraries missing from the environment are skipped with a note:
install them with `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutuals.graph import (  # noqa: E402
    MIN_INTRODUCTION_STRENGTH,
    build_snapshot,
    people_you_may_know,
    strongest_paths,
)
from mutuals.graph.datasets import read_edge_list  # noqa: E402
from mutuals.graph.search import distance_nodes  # noqa: E402
from mutuals.graph.snapshot import GraphSnapshot  # noqa: E402
from tests.datasets import DATA_DIR as DATA  # noqa: E402

SEED = 20261125


@dataclass
class Graph:
    name: str
    n: int
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float32]


@dataclass
class Row:
    graph: str
    query: str
    engine: str
    samples: int
    median_ms: float
    p99_ms: float
    note: str = ""


# Fewer samples than this give no real 99th percentile (it would be the slowest or the one
# before it): such rows report their maximum, labelled as such.
FOR_P99 = 200


def timed(fn: Callable[..., Any], samples: Any = None) -> tuple[float, float, float]:
    """(median ms, p99 ms, max ms) of fn over samples (each sample passed to fn)."""
    times = []
    for sample in samples if samples is not None else [None]:
        start = time.perf_counter_ns()
        fn(sample) if samples is not None else fn()
        times.append((time.perf_counter_ns() - start) / 1e6)
    array = np.array(times)
    return float(np.median(array)), float(np.percentile(array, 99)), float(array.max())


# --- graphs -----------------------------------------------------------------------------


def _rows_of(snapshot: Any, nodes: Any) -> tuple[Any, Any]:
    """Positions in `neighbours` of every edge out of `nodes` (vectorized), and each
    position's source index into `nodes`."""
    starts = snapshot.indptr[nodes]
    lengths = snapshot.indptr[nodes + 1] - starts
    total = int(lengths.sum())
    owner = np.repeat(np.arange(nodes.size), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, owner


def _two_hop_best(snapshot: Any, x: int) -> tuple[Any, Any]:
    """(nodes, best product of strengths) within two usable hops of x, x itself at 1.0; a
    first hop carries on only when it is open to introductions."""
    row = snapshot.neighbours_of(x).astype(np.int64)
    w1 = snapshot.strengths_of(x)
    keep = w1 >= MIN_INTRODUCTION_STRENGTH
    a, w1 = row[keep], w1[keep]
    via = a[snapshot.open_to_introductions[a]]
    wvia = w1[snapshot.open_to_introductions[a]]
    pos, owner = _rows_of(snapshot, via)
    w2 = snapshot.strengths[pos] * wvia[owner]
    usable = snapshot.strengths[pos] >= MIN_INTRODUCTION_STRENGTH
    nodes = np.concatenate([[x], a, snapshot.neighbours[pos][usable]])
    weights = np.concatenate([[1.0], w1, w2[usable]])
    order = np.lexsort((-weights, nodes))
    nodes, weights = nodes[order], weights[order]
    first = np.concatenate([[True], nodes[1:] != nodes[:-1]])
    return nodes[first], weights[first]


def numpy_capped_path(snapshot: Any, s: int, t: int) -> float:
    """The same capped, weighted question as ours, written in NumPy over the same arrays: the
    best product of strengths over paths of at most 4 usable ties (strength ≥ the minimum),
    meeting in the middle, through members open to introductions. Score only (ours also
    returns the members)."""
    ns, ws = _two_hop_best(snapshot, s)
    nt, wt = _two_hop_best(snapshot, t)
    _, i, j = np.intersect1d(ns, nt, assume_unique=True, return_indices=True)
    if i.size == 0:
        return 0.0
    middle = ns[i]
    allowed = snapshot.open_to_introductions[middle] | (middle == s) | (middle == t)
    products = ws[i] * wt[j]
    return float(products[allowed].max()) if allowed.any() else 0.0


def numpy_adamic_adar(snapshot: Any, s: int, limit: int = 20) -> Any:
    """Adamic–Adar over the two-hop neighbourhood in NumPy over the same arrays (no topics,
    events or hub pruning): the baseline that shows what the compiled kernel adds."""
    row = snapshot.neighbours_of(s).astype(np.int64)
    degrees = snapshot.indptr[row + 1] - snapshot.indptr[row]
    pos, owner = _rows_of(snapshot, row)
    candidates = snapshot.neighbours[pos]
    weight = (1.0 / np.log(np.maximum(degrees, 2)))[owner]
    unique, inverse = np.unique(candidates, return_inverse=True)
    scores = np.bincount(inverse, weights=weight)
    scores[np.isin(unique, row) | (unique == s)] = 0.0
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, min(limit, scores.size - 1))[:limit]
    return unique[top[np.argsort(-scores[top])]]


def power_law_graph(n: int, m: int, exponent: float = 2.5, max_degree: int = 0) -> Graph:
    """Chung–Lu: endpoints drawn in proportion to power-law weights; duplicates and
    self-loops are merged away by every engine, so a few percent more pairs are drawn.
    `max_degree` caps the expected degree (a platform's connection limit; 0 = none)."""
    rng = np.random.default_rng(SEED)
    weights = (np.arange(1, n + 1, dtype=np.float64)) ** (-1.0 / (exponent - 1.0))
    for _ in range(5 if max_degree else 0):
        weights = np.minimum(weights, max_degree * weights.sum() / (2.0 * m))
    rng.shuffle(weights)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    draw = int(m * 1.03)
    src = np.searchsorted(cdf, rng.random(draw)).astype(np.int64)
    dst = np.searchsorted(cdf, rng.random(draw)).astype(np.int64)
    keep = src != dst
    low = np.minimum(src[keep], dst[keep])
    high = np.maximum(src[keep], dst[keep])
    keys = np.unique(low * n + high)[:m]
    rng.shuffle(keys)
    src, dst = keys // n, keys % n
    weight = rng.uniform(0.05, 1.0, src.size).astype(np.float32)
    cap = f", degree cap {max_degree:,}" if max_degree else ""
    return Graph(f"power-law {n:,} / {src.size:,}{cap}", n, src, dst, weight)


def real_graph(name: str, path: Path) -> Graph:
    src, dst = read_edge_list(path)
    keep = src != dst
    low = np.minimum(src[keep], dst[keep])
    high = np.maximum(src[keep], dst[keep])
    n = int(max(src.max(), dst.max()) + 1)
    keys = np.unique(low * n + high)
    rng = np.random.default_rng(SEED)
    weight = rng.uniform(0.05, 1.0, keys.size).astype(np.float32)
    return Graph(f"{name} {n:,} / {keys.size:,}", n, keys // n, keys % n, weight)


# --- one engine in a child process ----------------------------------------------------------


ENGINES = ("mutuals", "numpy", "igraph", "networkit", "networkx")


def save_graph(folder: Path, graph: Graph) -> None:
    """The graph's arrays, for the children and for a later run with the same --workdir."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("src", "dst", "weight"):
        np.save(folder / f"{name}.npy", getattr(graph, name))
    (folder / "graph.json").write_text(json.dumps({"name": graph.name, "n": graph.n}))


def load_graph(folder: Path) -> Graph | None:
    try:
        meta = json.loads((folder / "graph.json").read_text())
        arrays = {name: np.load(folder / f"{name}.npy") for name in ("src", "dst", "weight")}
    except (OSError, ValueError, KeyError):
        return None
    return Graph(meta["name"], int(meta["n"]), arrays["src"], arrays["dst"], arrays["weight"])


def save_samples(folder: Path, graph: Graph, *, queries: int, slow_queries: int) -> None:
    """The pairs and members every engine answers, drawn once (seeded) from the degrees. The
    graphs here hold each connection once, so the degrees are counts of endpoints."""
    rng = np.random.default_rng(SEED + 2)
    degrees = np.bincount(graph.src, minlength=graph.n) + np.bincount(graph.dst, minlength=graph.n)
    connected = np.flatnonzero(degrees > 0)
    pairs = rng.choice(connected, size=(queries, 2))
    # The libraries' slow queries (Dijkstra without a hop cap, Adamic–Adar against everyone)
    # take seconds each on the large graphs; on the small real graphs they are fast, so every
    # engine answers the same pairs and members there.
    small = graph.n <= 100_000
    target_deg = 200 if not small else int(np.percentile(degrees[connected], 90))
    near = np.flatnonzero(np.abs(degrees - target_deg) <= max(target_deg // 10, 2))
    pymk = rng.choice(near if near.size else connected, size=min(queries, 300))
    samples = {
        "pairs": pairs,
        "slow_pairs": pairs if small else pairs[:slow_queries],
        "pymk": pymk,
        "slow_pymk": pymk if small else pymk[: max(slow_queries // 10, 5)],
        "open": np.random.default_rng(SEED + 3).random(graph.n) < 0.9,
    }
    for name, array in samples.items():
        np.save(folder / f"{name}.npy", array)
    meta = json.loads((folder / "graph.json").read_text())
    meta["target_deg"] = target_deg
    (folder / "samples.json").write_text(json.dumps(meta))


class Child:
    """A child process's view: the graph and samples the parent wrote, and its result rows."""

    def __init__(self, folder: Path, engine: str) -> None:
        self.folder = folder
        self.engine = engine
        graph = load_graph(folder)
        if graph is None:
            raise SystemExit(f"no graph in {folder}")
        self.graph = graph
        meta = json.loads((folder / "samples.json").read_text())
        self.target_deg = int(meta["target_deg"])
        self.samples = {
            name: np.load(folder / f"{name}.npy")
            for name in ("pairs", "slow_pairs", "pymk", "slow_pymk", "open")
        }
        self.rows: list[Row] = []

    def build(self, engine: str, make: Callable[[], Any], arrays_note: str = "") -> Any:
        """make() timed, and the process's RSS growth across it: retained after it returns,
        and the peak during it (the high-water mark reset just before: neither the loading
        before it nor the parent's resident set at the fork counts, `core.process_memory`)."""
        # Here, not at the top: graph_queries.py and snapshot_build.py import this module
        # into a child running another tree's mutuals, which may not have it.
        from mutuals.core.process_memory import peak_bytes, peak_reset, resident_bytes

        gc.collect()
        before = resident_bytes()
        peak_reset()
        start = time.perf_counter()
        built = make()
        seconds = time.perf_counter() - start
        peak = peak_bytes() - before
        gc.collect()
        retained = resident_bytes() - before
        directed = 2 * self.graph.src.size
        note = (
            f"RSS +{retained / 2**20:.0f} MiB = {retained / directed:.1f} B per directed edge; "
            f"peak +{peak / 2**20:.0f} MiB"
        )
        if arrays_note:
            note += f"; {arrays_note}"
        print(f"{engine}: build {seconds:.2f} s; {note}", flush=True)
        self.rows.append(
            Row(self.graph.name, "build (s), memory", engine, 1, seconds, seconds, note)
        )
        return built

    def record(
        self, query: str, engine: str, fn: Callable[[Any], Any], samples: Any, note: str = ""
    ) -> None:
        median, p99, slowest = timed(fn, samples)
        if len(samples) < FOR_P99:
            # Too few samples for a 99th percentile: say it is the slowest one.
            p99 = slowest
            note = f"{note}; p99 column = max of {len(samples)}".lstrip("; ")
        self.rows.append(Row(self.graph.name, query, engine, len(samples), median, p99, note))
        print(
            f"  {query:<34} {engine:<28} median {median:10.5f} ms  p99 {p99:10.5f} ms "
            f"(n={len(samples)}) {note}",
            flush=True,
        )

    def save(self) -> None:
        rows = [asdict(row) for row in self.rows]
        (self.folder / f"{self.engine}.json").write_text(json.dumps(rows))


def member_attributes(n: int) -> tuple[list[str], npt.NDArray[np.int64], list[str]]:
    """The generated members' companies, (member, topic) pairs and topic names, from the
    benchmark's seed: the same for every script that builds this graph's snapshot."""
    rng = np.random.default_rng(SEED + 1)
    pool = [f"Company {i}" for i in range(max(n // 50, 1))]
    companies = [pool[i] for i in rng.integers(0, len(pool), n)]
    topic_pairs = np.stack([rng.integers(0, n, n * 3), rng.integers(0, 200, n * 3)], axis=1)
    return companies, topic_pairs, [f"topic {i}" for i in range(200)]


def warm_kernels() -> None:
    """Compile the search kernels on a toy graph so compile time is not counted."""
    toy = build_snapshot(
        member_ids=[0, 1, 2],
        sources=[0, 1],
        targets=[1, 2],
        companies=["a", "", "b"],
        topic_pairs=(np.array([[0, 0]]), ["t"]),
    )
    strongest_paths(toy, 0, to=2)
    people_you_may_know(toy, 0)
    distance_nodes(toy, 0, 2, max_hops=3)


def child_mutuals(c: Child) -> None:
    graph, n = c.graph, c.graph.n
    companies, topic_pairs, topics = member_attributes(n)
    ids = np.arange(n, dtype=np.int64)
    warm_kernels()
    cpu = time.process_time()
    snapshot: GraphSnapshot = c.build(
        "mutuals",
        lambda: build_snapshot(
            member_ids=ids,
            sources=graph.src,
            targets=graph.dst,
            strengths=graph.weight,
            open_to_introductions=c.samples["open"],
            companies=companies,
            topic_pairs=(topic_pairs, topics),
        ),
    )
    cpu = time.process_time() - cpu
    directed = 2 * snapshot.edge_count
    c.rows[-1].note += (
        f"; CPU {cpu:.2f} s; arrays {snapshot.graph_nbytes() / directed:.2f} B per directed "
        f"edge ({snapshot.nbytes() / directed:.2f} with member attributes)"
    )
    print(f"  (CPU {cpu:.2f} s; {c.rows[-1].note.rsplit('; ', 1)[-1]})", flush=True)
    pairs, pymk = c.samples["pairs"], c.samples["pymk"]
    ids = snapshot.member_ids
    c.record(
        "degree of separation (exact)",
        "mutuals bidirectional BFS",
        lambda p: distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=64),
        pairs,
    )
    c.record(
        "degree of separation (1/2/3+)",
        "mutuals, capped at 3",
        lambda p: distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=3),
        pairs,
    )
    found = [0]

    def ours_path(p: Any) -> None:
        paths = strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]]), alternatives=1)
        found[0] += bool(paths)

    c.record("strongest path (≤4 hops)", "mutuals meet-in-the-middle", ours_path, pairs)
    print(f"    ({found[0]} of {len(pairs)} random pairs have a ≤4-hop path of usable ties)")
    c.record(
        "strongest path, 3 alternatives",
        "mutuals meet-in-the-middle",
        lambda p: strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]])),
        pairs,
    )
    big_company = snapshot.company_names[0]
    c.record(
        "strongest path to a company",
        "mutuals meet-in-the-middle",
        lambda p: strongest_paths(snapshot, int(ids[p[0]]), company=big_company),
        pairs[:200],
        f"{snapshot.members_at_company(big_company).size} members at it",
    )
    c.record(
        f"people you may know (deg≈{c.target_deg})",
        "mutuals Adamic–Adar+topics",
        lambda s: people_you_may_know(snapshot, int(ids[s]), limit=20),
        pymk,
    )


@dataclass
class NumpyGraph:
    """The CSR arrays the NumPy baselines read, built by NumPy alone."""

    indptr: npt.NDArray[np.int64]
    neighbours: npt.NDArray[np.int32]
    strengths: npt.NDArray[np.float32]
    open_to_introductions: npt.NDArray[np.bool_]

    def neighbours_of(self, node: int) -> Any:
        return self.neighbours[self.indptr[node] : self.indptr[node + 1]]

    def strengths_of(self, node: int) -> Any:
        return self.strengths[self.indptr[node] : self.indptr[node + 1]]


def numpy_csr(graph: Graph, open_: Any) -> NumpyGraph:
    """The same undirected CSR as ours (rows sorted), by a NumPy sort of both directions."""
    a = np.concatenate([graph.src, graph.dst])
    b = np.concatenate([graph.dst, graph.src])
    order = np.lexsort((b, a))
    neighbours = b[order].astype(np.int32)
    del b
    strengths = np.concatenate([graph.weight, graph.weight])[order]
    indptr = np.zeros(graph.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=graph.n), out=indptr[1:])
    return NumpyGraph(indptr, neighbours, strengths, np.asarray(open_, dtype=np.bool_))


def child_numpy(c: Child) -> None:
    # Like-for-like baselines over the same CSR layout as ours, built and queried by NumPy:
    # the capped weighted question, and Adamic–Adar vectorized (what a library call in
    # Python would cost at best).
    g: NumpyGraph = c.build("NumPy (lexsort CSR)", lambda: numpy_csr(c.graph, c.samples["open"]))
    c.record(
        "strongest path (≤4 hops)",
        "NumPy meet-in-the-middle",
        lambda p: numpy_capped_path(g, int(p[0]), int(p[1])),
        c.samples["pairs"],
        "same capped question, score only",
    )
    c.record(
        f"people you may know (deg≈{c.target_deg})",
        "NumPy Adamic–Adar",
        lambda s: numpy_adamic_adar(g, int(s)),
        c.samples["pymk"],
        "no topics, events or pruning",
    )


def _costs(graph: Graph) -> Any:
    return -np.log(graph.weight.astype(np.float64))


def child_igraph(c: Child) -> None:
    igraph: Any = importlib.import_module("igraph")
    graph = c.graph
    edges = np.stack([graph.src, graph.dst], axis=1)
    cost = _costs(graph)
    igraph.Graph(n=3, edges=[(0, 1)], directed=False)

    def make() -> Any:
        g = igraph.Graph(n=graph.n, edges=edges, directed=False)
        g.es["cost"] = cost.tolist()
        return g

    g = c.build("igraph", make, "with the cost attribute")
    c.record(
        "degree of separation (exact)",
        "igraph get_shortest_path (BFS)",
        lambda p: g.get_shortest_path(int(p[0]), int(p[1])),
        c.samples["slow_pairs"],
    )
    c.record(
        "strongest path (no hop cap)",
        "igraph Dijkstra (uncapped, all ties)",
        lambda p: g.get_shortest_path(int(p[0]), int(p[1]), weights="cost"),
        c.samples["slow_pairs"],
    )
    c.record(
        f"people you may know (deg≈{c.target_deg})",
        "igraph inverse-log-weighted",
        lambda s: g.similarity_inverse_log_weighted(vertices=[int(s)]),
        c.samples["slow_pymk"],
    )


def child_networkit(c: Child) -> None:
    nk: Any = importlib.import_module("networkit")
    nk.engineering.setNumberOfThreads(1)
    graph = c.graph
    cost = _costs(graph)
    nk.GraphFromCoo((np.ones(1), (np.zeros(1, np.int64), np.ones(1, np.int64))), n=2)
    G = c.build(  # noqa: N806
        "networkit",
        lambda: nk.GraphFromCoo(
            (cost, (graph.src, graph.dst)), n=graph.n, weighted=True, directed=False
        ),
        "weighted",
    )
    c.record(
        "degree of separation (exact)",
        "networkit BidirectionalBFS",
        # Distance only, like ours: storing predecessors would time a path we do not ask.
        lambda p: nk.distance.BidirectionalBFS(G, int(p[0]), int(p[1]), storePred=False).run(),
        c.samples["pairs"],
        "storePred=False",
    )
    c.record(
        "strongest path (no hop cap)",
        "networkit BidirectionalDijkstra (uncapped, all ties)",
        lambda p: nk.distance.BidirectionalDijkstra(G, int(p[0]), int(p[1])).run(),
        c.samples["slow_pairs"],
    )
    aa = nk.linkprediction.AdamicAdarIndex(G)

    def networkit_pymk(s: Any) -> None:
        s = int(s)
        mine = set(G.iterNeighbors(s))
        candidates = {c for z in mine for c in G.iterNeighbors(z)} - mine - {s}
        aa.runOn([(s, c) for c in candidates])

    c.record(
        f"people you may know (deg≈{c.target_deg})",
        "networkit AdamicAdarIndex",
        networkit_pymk,
        c.samples["slow_pymk"],
        "two-hop candidates listed in Python, scored by runOn",
    )


def child_networkx(c: Child) -> None:
    nx: Any = importlib.import_module("networkx")
    graph = c.graph
    cost = _costs(graph).tolist()
    src, dst = graph.src.tolist(), graph.dst.tolist()

    def make() -> Any:
        h = nx.Graph()
        h.add_weighted_edges_from(zip(src, dst, cost, strict=True), weight="cost")
        h.add_nodes_from(range(graph.n))
        return h

    H = c.build("networkx", make)  # noqa: N806
    slow_pairs = c.samples["slow_pairs"]
    c.record(
        "degree of separation (exact)",
        "networkx bidirectional",
        lambda p: (
            nx.has_path(H, int(p[0]), int(p[1]))
            and nx.shortest_path_length(H, int(p[0]), int(p[1]))
        ),
        slow_pairs,
    )
    c.record(
        "strongest path (no hop cap)",
        "networkx bidirectional Dijkstra",
        lambda p: (
            nx.has_path(H, int(p[0]), int(p[1]))
            and nx.bidirectional_dijkstra(H, int(p[0]), int(p[1]), weight="cost")
        ),
        slow_pairs,
    )

    def networkx_pymk(s: Any) -> None:
        s = int(s)
        mine = set(H[s])
        candidates = {c for z in mine for c in H[z]} - mine - {s}
        list(nx.adamic_adar_index(H, [(s, c) for c in candidates]))

    c.record(
        f"people you may know (deg≈{c.target_deg})",
        "networkx adamic_adar_index",
        networkx_pymk,
        c.samples["slow_pymk"],
    )


CHILDREN: dict[str, Callable[[Child], None]] = {
    "mutuals": child_mutuals,
    "numpy": child_numpy,
    "igraph": child_igraph,
    "networkit": child_networkit,
    "networkx": child_networkx,
}


def run(
    graph: Graph, folder: Path, *, queries: int, slow_queries: int, engines: list[str]
) -> list[Row]:
    """Each engine in a fresh child process, one after the other, on the same graph."""
    print(f"\n## {graph.name} (load average {load()})", flush=True)
    save_samples(folder, graph, queries=queries, slow_queries=slow_queries)
    rows: list[Row] = []
    for engine in engines:
        print(f"\n[{engine}: fresh process, load average {load()}]", flush=True)
        result = folder / f"{engine}.json"
        result.unlink(missing_ok=True)
        done = subprocess.run(  # noqa: S603 (this script, with our own arguments)
            [sys.executable, __file__, "--child", engine, "--data", str(folder)], check=False
        )
        if done.returncode == 3:
            print(f"  {engine} not installed: skipped")
        elif done.returncode != 0 or not result.exists():
            print(f"  {engine} failed (exit {done.returncode}): no rows")
        else:
            rows += [Row(**row) for row in json.loads(result.read_text())]
    return rows


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _reader(name: str, path: Path) -> Callable[[], Graph]:
    return lambda: real_graph(name, path)


def child_main(engine: str, folder: Path) -> None:
    child = Child(folder, engine)
    try:
        CHILDREN[engine](child)
    except ImportError as error:
        print(f"  {engine}: {error}")
        sys.exit(3)
    child.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--slow-queries",
        type=int,
        default=200,
        help="pairs for the libraries' uncapped Dijkstra (a tenth, at least 5, members for "
        "their Adamic–Adar) on graphs over 100,000 members; smaller graphs use every sample",
    )
    parser.add_argument("--max-degree", type=int, default=0, help="cap expected degrees")
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--mutuals-only", action="store_true", help="skip the libraries")
    parser.add_argument("--synthetic-only", action="store_true")
    parser.add_argument(
        "--workdir", type=Path, help="keep the generated graphs here and reuse them next time"
    )
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.data)
        return

    print(f"# graph benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, numpy {np.__version__}; load average {load()}"
    )
    with tempfile.TemporaryDirectory(prefix="graph-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        graphs: list[tuple[Path, Callable[[], Graph], bool]] = []
        if not args.synthetic_only:
            for name, path in (
                ("ego-facebook", DATA / "ego-facebook" / "facebook_combined.txt"),
                ("email-eu-core", DATA / "email-eu-core" / "email-Eu-core.txt"),
            ):
                graphs.append((workdir / name, _reader(name, path), True))
        if not args.real_only:
            slug = f"power-law-{args.members}-{args.edges}-{args.max_degree}"
            graphs.append(
                (
                    workdir / slug,
                    lambda: power_law_graph(args.members, args.edges, max_degree=args.max_degree),
                    False,
                )
            )
        rows: list[Row] = []
        for folder, make, networkx_ok in graphs:
            graph = load_graph(folder)
            if graph is None:
                start = time.perf_counter()
                graph = make()
                print(f"\n(generated {graph.name} in {time.perf_counter() - start:.1f} s)")
                save_graph(folder, graph)
            engines = ["mutuals", "numpy"]
            if not args.mutuals_only:
                engines += ["igraph", "networkit"] + (["networkx"] if networkx_ok else [])
            rows += run(
                graph,
                folder,
                queries=args.queries,
                slow_queries=args.slow_queries,
                engines=engines,
            )
            del graph
    print("\n| graph | query | engine | n | median ms | p99 ms | note |")
    print("|---|---|---|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row.graph} | {row.query} | {row.engine} | {row.samples} | "
            f"{row.median_ms:.5f} | {row.p99_ms:.5f} | {row.note} |"
        )
    print(
        f"\nload average at the end {load()}; build rows: seconds in the median and p99 "
        "columns; log-weights: -log(strength) for the Dijkstra baselines "
        "(same optimum as the product of strengths, but with no hop cap)"
    )


if __name__ == "__main__":
    main()
