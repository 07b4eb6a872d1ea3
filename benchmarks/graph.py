"""Graph engine benchmark (issue 5, docs/design.md §6): the mutuals engine against python-igraph,
networkit and (where it fits) networkx, on the same graphs in the same run.

Graphs: (a) a synthetic power-law graph (Chung–Lu, degree exponent 2.5) of 1,000,000 members
and ~20,000,000 connections; (b) the real graphs in tests/data (ego-facebook,
email-eu-core). Strengths are uniform in [0.05, 1) (seeded), so some ties are too weak to
carry an introduction, as in a real network.

Measured: snapshot build time from arrays, bytes per directed edge, and median / p99 latency
over random members of degree of separation, strongest path and people you may know.

    .venv/bin/python benchmarks/graph.py                 # everything (about 15 minutes)
    .venv/bin/python benchmarks/graph.py --members 100000 --edges 2000000   # smaller
    .venv/bin/python benchmarks/graph.py --real-only

Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see /work/.library/env) and nothing
else heavy on the machine. Libraries missing from the environment are skipped with a note:
install them with `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
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


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(fn: Callable[..., Any], samples: Any = None) -> tuple[float, float]:
    """(median ms, p99 ms) of fn over samples (each sample passed to fn)."""
    times = []
    for sample in samples if samples is not None else [None]:
        start = time.perf_counter_ns()
        fn(sample) if samples is not None else fn()
        times.append((time.perf_counter_ns() - start) / 1e6)
    array = np.array(times)
    return float(np.median(array)), float(np.percentile(array, 99))


# --- graphs -----------------------------------------------------------------------------


def _rows_of(snapshot: GraphSnapshot, nodes: Any) -> tuple[Any, Any]:
    """Positions in `neighbours` of every edge out of `nodes` (vectorized), and each
    position's source index into `nodes`."""
    starts = snapshot.indptr[nodes]
    lengths = snapshot.indptr[nodes + 1] - starts
    total = int(lengths.sum())
    owner = np.repeat(np.arange(nodes.size), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, owner


def _two_hop_best(snapshot: GraphSnapshot, x: int) -> tuple[Any, Any]:
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


def numpy_capped_path(snapshot: GraphSnapshot, s: int, t: int) -> float:
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


def numpy_adamic_adar(snapshot: GraphSnapshot, s: int, limit: int = 20) -> Any:
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


# --- the mutuals engine ---------------------------------------------------------------------


def build_ours(graph: Graph) -> tuple[GraphSnapshot, float, int]:
    rng = np.random.default_rng(SEED + 1)
    companies_pool = [f"Company {i}" for i in range(max(graph.n // 50, 1))]
    companies = [companies_pool[i] for i in rng.integers(0, len(companies_pool), graph.n)]
    topic_members = rng.integers(0, graph.n, graph.n * 3)
    topic_codes = rng.integers(0, 200, graph.n * 3)
    topics = [f"topic {i}" for i in range(200)]
    open_ = rng.random(graph.n) < 0.9
    ids = np.arange(graph.n, dtype=np.int64)
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    snapshot = build_snapshot(
        member_ids=ids,
        sources=graph.src,
        targets=graph.dst,
        strengths=graph.weight,
        open_to_introductions=open_,
        companies=companies,
        topic_pairs=(np.stack([topic_members, topic_codes], axis=1), topics),
    )
    seconds = time.perf_counter() - start
    return snapshot, seconds, rss_bytes() - before


def run(
    graph: Graph, *, queries: int, slow_queries: int, networkx_ok: bool, libraries: bool = True
) -> list[Row]:
    rows: list[Row] = []
    print(f"\n## {graph.name} (load average {os.getloadavg()[0]:.1f})", flush=True)
    # Warm the compiled kernels on a toy graph so compile time is not counted.
    toy = build_snapshot(member_ids=[0, 1, 2], sources=[0, 1], targets=[1, 2])
    strongest_paths(toy, 0, to=2)
    people_you_may_know(toy, 0)
    distance_nodes(toy, 0, 2, max_hops=3)

    snapshot, build_s, build_rss = build_ours(graph)
    directed = 2 * snapshot.edge_count
    print(
        f"mutuals snapshot: build {build_s:.2f} s; graph arrays "
        f"{snapshot.graph_nbytes() / directed:.2f} B per directed edge "
        f"({snapshot.nbytes() / directed:.2f} with member attributes); "
        f"RSS +{build_rss / 2**20:.0f} MiB",
        flush=True,
    )
    rows.append(
        Row(
            graph.name,
            "build (s)",
            "mutuals",
            1,
            build_s,
            build_s,
            f"{snapshot.graph_nbytes() / directed:.2f} B/edge",
        )
    )

    rng = np.random.default_rng(SEED + 2)
    degrees = np.diff(snapshot.indptr)
    connected = np.flatnonzero(degrees > 0)
    pairs = rng.choice(connected, size=(queries, 2))
    # The libraries' slow queries (Dijkstra without a hop cap, Adamic–Adar against everyone)
    # take seconds each on the large graphs; on the small real graphs they are fast, so every
    # engine answers the same pairs and members there.
    small = graph.n <= 100_000
    slow_pairs = pairs if small else pairs[:slow_queries]
    target_deg = 200 if graph.n > 100_000 else int(np.percentile(degrees[connected], 90))
    near = np.flatnonzero(np.abs(degrees - target_deg) <= max(target_deg // 10, 2))
    pymk_members = rng.choice(near if near.size else connected, size=min(queries, 300))
    slow_pymk_members = pymk_members if small else pymk_members[: max(slow_queries // 10, 5)]

    def record(
        query: str, engine: str, fn: Callable[[Any], Any], samples: Any, note: str = ""
    ) -> None:
        median, p99 = timed(fn, samples)
        if len(samples) < 100:
            # Too few samples for a 99th percentile: it is the slowest one.
            note = f"{note}; p99 = max of {len(samples)}".lstrip("; ")
        rows.append(Row(graph.name, query, engine, len(samples), median, p99, note))
        print(
            f"  {query:<34} {engine:<28} median {median:10.5f} ms  p99 {p99:10.5f} ms "
            f"(n={len(samples)}) {note}",
            flush=True,
        )

    ids = snapshot.member_ids
    record(
        "degree of separation (exact)",
        "mutuals bidirectional BFS",
        lambda p: distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=64),
        pairs,
    )
    record(
        "degree of separation (1/2/3+)",
        "mutuals, capped at 3",
        lambda p: distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=3),
        pairs,
    )
    found = [0]

    def ours_path(p: Any) -> None:
        paths = strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]]), alternatives=1)
        found[0] += bool(paths)

    record("strongest path (≤4 hops)", "mutuals meet-in-the-middle", ours_path, pairs)
    print(f"    ({found[0]} of {len(pairs)} random pairs have a ≤4-hop path of usable ties)")
    record(
        "strongest path, 3 alternatives",
        "mutuals meet-in-the-middle",
        lambda p: strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]])),
        pairs,
    )
    big_company = snapshot.company_names[0]
    record(
        "strongest path to a company",
        "mutuals meet-in-the-middle",
        lambda p: strongest_paths(snapshot, int(ids[p[0]]), company=big_company),
        pairs[:200],
        f"{snapshot.members_at_company(big_company).size} members at it",
    )
    record(
        f"people you may know (deg≈{target_deg})",
        "mutuals Adamic–Adar+topics",
        lambda s: people_you_may_know(snapshot, int(ids[s]), limit=20),
        pymk_members,
    )
    # Like-for-like baselines over the very same arrays: the capped weighted question, and
    # Adamic–Adar vectorized in NumPy (what a library call in Python would cost at best).
    record(
        "strongest path (≤4 hops)",
        "NumPy meet-in-the-middle",
        lambda p: numpy_capped_path(snapshot, int(p[0]), int(p[1])),
        pairs,
        "same capped question, score only",
    )
    record(
        f"people you may know (deg≈{target_deg})",
        "NumPy Adamic–Adar",
        lambda s: numpy_adamic_adar(snapshot, int(s)),
        pymk_members,
        "no topics, events or pruning",
    )

    if not libraries:
        return rows
    src = np.repeat(np.arange(snapshot.node_count), degrees)
    upper = src < snapshot.neighbours
    edge_src = src[upper]
    edge_dst = snapshot.neighbours[upper].astype(np.int64)
    cost = -np.log(snapshot.strengths[upper].astype(np.float64))
    del src, upper

    try:
        igraph: Any = importlib.import_module("igraph")
    except ImportError:
        print("  igraph not installed: skipped")
    else:
        gc.collect()
        before = rss_bytes()
        start = time.perf_counter()
        g = igraph.Graph(
            n=snapshot.node_count, edges=np.stack([edge_src, edge_dst], axis=1), directed=False
        )
        g.es["cost"] = cost.tolist()
        build = time.perf_counter() - start
        used = rss_bytes() - before
        print(
            f"igraph: build {build:.2f} s, ~{used / directed:.1f} B per directed edge "
            "(RSS, with the cost attribute)",
            flush=True,
        )
        rows.append(
            Row(graph.name, "build (s)", "igraph", 1, build, build, f"{used / directed:.1f} B/edge")
        )
        record(
            "degree of separation (exact)",
            "igraph get_shortest_path (BFS)",
            lambda p: g.get_shortest_path(int(p[0]), int(p[1])),
            slow_pairs,
        )
        record(
            "strongest path (no hop cap)",
            "igraph Dijkstra (uncapped, all ties)",
            lambda p: g.get_shortest_path(int(p[0]), int(p[1]), weights="cost"),
            slow_pairs,
        )
        record(
            f"people you may know (deg≈{target_deg})",
            "igraph inverse-log-weighted",
            lambda s: g.similarity_inverse_log_weighted(vertices=[int(s)]),
            slow_pymk_members,
        )
        del g
        gc.collect()

    try:
        nk: Any = importlib.import_module("networkit")
    except ImportError:
        print("  networkit not installed: skipped")
    else:
        nk.engineering.setNumberOfThreads(1)
        gc.collect()
        before = rss_bytes()
        start = time.perf_counter()
        G = nk.GraphFromCoo(  # noqa: N806
            (cost, (edge_src, edge_dst)), n=snapshot.node_count, weighted=True, directed=False
        )
        build = time.perf_counter() - start
        used = rss_bytes() - before
        print(
            f"networkit: build {build:.2f} s, ~{used / directed:.1f} B per directed edge "
            "(RSS, weighted)",
            flush=True,
        )
        rows.append(
            Row(
                graph.name,
                "build (s)",
                "networkit",
                1,
                build,
                build,
                f"{used / directed:.1f} B/edge",
            )
        )
        record(
            "degree of separation (exact)",
            "networkit BidirectionalBFS",
            # Distance only, like ours: storing predecessors would time a path we do not ask.
            lambda p: nk.distance.BidirectionalBFS(G, int(p[0]), int(p[1]), storePred=False).run(),
            pairs,
            "storePred=False",
        )
        record(
            "strongest path (no hop cap)",
            "networkit BidirectionalDijkstra (uncapped, all ties)",
            lambda p: nk.distance.BidirectionalDijkstra(G, int(p[0]), int(p[1])).run(),
            slow_pairs,
        )
        aa = nk.linkprediction.AdamicAdarIndex(G)

        def networkit_pymk(s: Any) -> None:
            s = int(s)
            mine = set(G.iterNeighbors(s))
            candidates = {c for z in mine for c in G.iterNeighbors(z)} - mine - {s}
            aa.runOn([(s, c) for c in candidates])

        record(
            f"people you may know (deg≈{target_deg})",
            "networkit AdamicAdarIndex",
            networkit_pymk,
            slow_pymk_members,
            "two-hop candidates listed in Python, scored by runOn",
        )
        del G, aa
        gc.collect()

    if networkx_ok:
        try:
            nx: Any = importlib.import_module("networkx")
        except ImportError:
            print("  networkx not installed: skipped")
        else:
            H = nx.Graph()  # noqa: N806
            H.add_weighted_edges_from(
                zip(edge_src.tolist(), edge_dst.tolist(), cost.tolist(), strict=True),
                weight="cost",
            )
            H.add_nodes_from(range(snapshot.node_count))
            record(
                "degree of separation (exact)",
                "networkx bidirectional",
                lambda p: (
                    nx.has_path(H, int(p[0]), int(p[1]))
                    and nx.shortest_path_length(H, int(p[0]), int(p[1]))
                ),
                slow_pairs,
            )
            record(
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

            record(
                f"people you may know (deg≈{target_deg})",
                "networkx adamic_adar_index",
                networkx_pymk,
                slow_pymk_members,
            )
    return rows


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
    args = parser.parse_args()

    print(f"# graph benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    rows: list[Row] = []
    if not args.synthetic_only:
        for name, path in (
            ("ego-facebook", DATA / "ego-facebook" / "facebook_combined.txt"),
            ("email-eu-core", DATA / "email-eu-core" / "email-Eu-core.txt"),
        ):
            rows += run(
                real_graph(name, path),
                queries=args.queries,
                slow_queries=args.slow_queries,
                networkx_ok=True,
                libraries=not args.mutuals_only,
            )
    if not args.real_only:
        start = time.perf_counter()
        graph = power_law_graph(args.members, args.edges, max_degree=args.max_degree)
        print(f"\n(generated {graph.name} in {time.perf_counter() - start:.1f} s)")
        rows += run(
            graph,
            queries=args.queries,
            slow_queries=args.slow_queries,
            networkx_ok=False,
            libraries=not args.mutuals_only,
        )
    print("\n| graph | query | engine | n | median ms | p99 ms | note |")
    print("|---|---|---|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row.graph} | {row.query} | {row.engine} | {row.samples} | "
            f"{row.median_ms:.5f} | {row.p99_ms:.5f} | {row.note} |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"\nload average at the end {os.getloadavg()[0]:.1f}; "
        f"peak RSS {peak:.1f} GiB; log-weights: -log(strength) for the Dijkstra baselines "
        "(same optimum as the product of strengths, but with no hop cap)"
    )


if __name__ == "__main__":
    main()
