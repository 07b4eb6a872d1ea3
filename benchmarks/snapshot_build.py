"""Benchmark: the engine's build from arrays (issue 20: 1M members / 20M connections in ≤ 5 s),
this tree against another revision, alternating, each build in a fresh process.

The input is the one `benchmarks/graph.py` times in its mutuals child: the seeded Chung–Lu
power-law graph (1,000,000 members, 20,000,000 connections, strengths uniform in [0.05, 1)),
everyone's openness, a company name per member (one of n / 50) and three of 200 topics each.
The graph is generated once into `--workdir` in graph.py's layout (a graph.py `--workdir`
holding it can be given instead) and read by every child.

Each child imports `mutuals.graph` from its tree (this one, or `git archive` of `--against`
into a scratch folder), builds once on a toy graph (compiling or loading the kernels), then
times one build: wall, CPU, the process's peak RSS growth during it, and the CPU of its
phases (whichever of these the tree has: the connection kernel, id mapping, companies,
topics and events, the topic index, 1/log(degree)). It prints the store's digest of every
array and name of the snapshot, and the parent checks both trees built the same snapshot.

    .venv/bin/python benchmarks/snapshot_build.py --against main --rounds 3 \\
        [--workdir /tmp/graph-bench] [--members 1000000 --edges 20000000]
"""

from __future__ import annotations

import argparse
import collections
import gc
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def process_memory() -> ModuleType:
    """This checkout's `mutuals/core/process_memory.py`, loaded by its path: the child runs
    another tree's `mutuals`, which may not have it, and importing the package from here
    would make the child build with this tree's engine."""
    path = ROOT / "mutuals" / "core" / "process_memory.py"
    spec = importlib.util.spec_from_file_location("process_memory", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(tree: Path, folder: Path) -> None:
    sys.path.insert(0, str(tree))
    from mutuals.graph import _kernels, build_snapshot, store
    from mutuals.graph import snapshot as module

    # benchmarks/graph.py, for the same input as its mutuals child (imported after the
    # tree's engine, which it then finds already imported).
    sys.path.insert(1, str(ROOT / "benchmarks"))
    import graph as bench

    if not Path(module.__file__).is_relative_to(tree):
        raise SystemExit(f"{module.__file__} is not from {tree}")
    data = bench.load_graph(folder)
    if data is None:
        raise SystemExit(f"no graph in {folder}")
    n = data.n
    companies, topic_pairs, topics = bench.member_attributes(n)
    open_ = np.load(folder / "open.npy")
    ids = np.arange(n, dtype=np.int64)
    # Every kernel of the build compiled (or loaded from numba's cache) before the timing.
    for toy_ids in ([0, 1, 2], [0, 1, 5], [0, 1, 10**9]):  # contiguous, table, binary search
        build_snapshot(
            member_ids=toy_ids,
            sources=toy_ids[:2],
            targets=toy_ids[1:],
            companies=["a", "", "b"],
            topic_pairs=(np.array([[toy_ids[0], 0]]), ["t"]),
            blocked_pairs=(toy_ids[:1], toy_ids[2:]),
        )

    cpu: dict[str, float] = collections.defaultdict(float)

    def timed(owner: Any, name: str, label: str) -> None:
        function = getattr(owner, name, None)
        if function is None:
            return

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                cpu[label] += time.thread_time() - started

        setattr(owner, name, wrapper)

    timed(_kernels, "build_csr", "connections (kernel)")
    timed(module.GraphSnapshotIds, "nodes", "id mapping")
    timed(module, "_factorize", "companies")
    timed(module, "_attribute", "topics and events")
    timed(module.Csr, "transpose", "topic index")
    timed(module, "inverse_log_degrees", "1/log(degree)")

    memory = process_memory()
    gc.collect()
    before = memory.resident_bytes()
    memory.peak_reset()  # the build's own peak, not the parent's resident set at the fork
    load_before = load()
    started, cpu_started = time.perf_counter(), time.process_time()
    snapshot = build_snapshot(
        member_ids=ids,
        sources=data.src,
        targets=data.dst,
        strengths=data.weight,
        open_to_introductions=open_,
        companies=companies,
        topic_pairs=(topic_pairs, topics),
    )
    wall, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = memory.peak_bytes() - before
    # The store's digest of every array and label: the same function in both trees.
    digest = store.digest(snapshot)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": total_cpu,
                "peak_mib": peak / 2**20,
                "phases": dict(cpu),
                "load": load_before,
                "digest": digest,
                "bytes_per_edge": snapshot.graph_nbytes() / (2 * snapshot.edge_count),
            }
        )
    )


def export(
    revision: str, into: Path, paths: tuple[str, ...] = ("mutuals/__init__.py", "mutuals/graph")
) -> Path:
    """`paths` of a revision (by default `mutuals/graph` and the package's __init__), in a
    folder of its own."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(  # noqa: S603 - git with our own arguments
            ["git", "-C", str(ROOT), "archive", revision, *paths],  # noqa: S607
            check=True,
            stdout=out,
        )
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--workdir", type=Path, help="graph.py's workdir (kept and reused)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return

    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    import graph as bench

    print(f"# snapshot build benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}; load average {load()}"
    )
    with tempfile.TemporaryDirectory(prefix="snapshot-build-") as scratch:
        workdir = args.workdir or Path(scratch)
        folder = workdir / f"power-law-{args.members}-{args.edges}-0"
        graph = bench.load_graph(folder)
        if graph is None:
            started = time.perf_counter()
            graph = bench.power_law_graph(args.members, args.edges)
            bench.save_graph(folder, graph)
            print(f"(generated {graph.name} in {time.perf_counter() - started:.1f} s)")
        if not (folder / "open.npy").exists():
            bench.save_samples(folder, graph, queries=2000, slow_queries=200)
        name = graph.name
        del graph
        trees: dict[str, Path] = {}
        verify = ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet"]
        known = subprocess.run(  # noqa: S603 - git with our own arguments
            [*verify, f"{args.against}^{{commit}}"], check=False, capture_output=True
        )
        if known.returncode == 0:
            trees[args.against] = export(args.against, Path(scratch))
        else:
            print(f"(no revision {args.against!r} here: this tree alone)")
        trees["this tree"] = ROOT
        results: dict[str, list[dict[str, Any]]] = {label: [] for label in trees}
        print(f"graph: {name}; each build in a fresh process, trees alternating\n")
        for round_ in range(args.rounds):
            for label, tree in trees.items():
                done = subprocess.run(  # noqa: S603 - this script, with our own arguments
                    [sys.executable, __file__, "--child", str(tree), "--data", str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                results[label].append(result)
                phases = ", ".join(f"{k} {v:.2f}" for k, v in result["phases"].items())
                print(
                    f"round {round_ + 1} {label:>10}: wall {result['wall']:6.2f} s, CPU "
                    f"{result['cpu']:5.2f} s, peak +{result['peak_mib']:5.0f} MiB, load "
                    f"{result['load']}; CPU by phase: {phases}",
                    flush=True,
                )
    print()
    summary: Callable[[str, str], float] = lambda label, key: float(  # noqa: E731
        np.median([r[key] for r in results[label]])
    )
    for label in trees:
        print(
            f"{label:>10}: median wall {summary(label, 'wall'):.2f} s, CPU "
            f"{summary(label, 'cpu'):.2f} s, peak +{summary(label, 'peak_mib'):.0f} MiB, "
            f"{results[label][0]['bytes_per_edge']:.2f} B per directed edge"
        )
    if len(trees) == 1:
        print(f"load average at the end {load()}")
        return
    first, second = trees
    print(
        f"ratio {first} / this tree (medians): wall "
        f"{summary(first, 'wall') / summary(second, 'wall'):.2f}x, CPU "
        f"{summary(first, 'cpu') / summary(second, 'cpu'):.2f}x"
    )
    digests = {r["digest"] for rows in results.values() for r in rows}
    print(
        "same snapshot from both trees (the store's digest of every array and name): "
        + ("yes" if len(digests) == 1 else f"NO ({len(digests)} different)")
    )
    print(f"load average at the end {load()}")
    if len(digests) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
