"""Benchmark: the engine's three queries at 1M members / 20M connections (issue 20: people you
may know ≤ 5 ms median, strongest path ≤ 0.5 ms median / ≤ 5 ms p99, degree of separation p99
≤ 0.3 ms), this tree against another revision, **interleaved in the same minutes**.

The input is the one `benchmarks/graph.py` times in its mutuals child (its `--workdir`
layout: the seeded Chung–Lu graph, everyone's openness, the sampled pairs and members, a
company per member and three of 200 topics each), read from `--workdir` and never written.

Two long-lived child processes, one per tree (this one, and `git archive` of `--against`),
each build the snapshot once and warm the kernels; then the parent asks them in turn for
blocks of queries (the same members and pairs for both, the order of the two trees swapped
every round), so both answer in the same minutes under the same load. Every query is timed
by the wall clock and by its thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), which leaves out
the time spent waiting for a core on a loaded machine (but not a slower host, nor caches
shared with other processes). Each block's answers are hashed, and the parent checks that
both trees gave the same answers to every block.

    .venv/bin/python benchmarks/graph_queries.py --workdir /tmp/gq --against main \\
        [--rounds 5] [--kinds distance,path,pymk] [--extra-pairs 20000 --extra-members 3000]

`--extra-*` adds seeded random pairs and members (members of any degree, not only ≈ 200)
that are answered by both trees and compared, not timed: a wider check of identical answers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("distance", "path", "pymk")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


# --- the child: one tree, one snapshot, blocks of queries on request -----------------------


def child(tree: Path, folder: Path) -> None:
    sys.path.insert(0, str(tree))
    from mutuals.graph import build_snapshot
    from mutuals.graph import snapshot as module
    from mutuals.graph.search import distance_nodes, people_you_may_know, strongest_paths

    sys.path.insert(1, str(ROOT / "benchmarks"))
    import graph as bench

    if not Path(module.__file__).is_relative_to(tree):
        raise SystemExit(f"{module.__file__} is not from {tree}")
    data = bench.load_graph(folder)
    if data is None:
        raise SystemExit(f"no graph in {folder}")
    n = data.n
    # graph.py's mutuals child's member attributes, from the same seeds.
    companies, topic_pairs, topics = bench.member_attributes(n)
    bench.warm_kernels()
    snapshot = build_snapshot(
        member_ids=np.arange(n, dtype=np.int64),
        sources=data.src,
        targets=data.dst,
        strengths=data.weight,
        open_to_introductions=np.load(folder / "open.npy"),
        companies=companies,
        topic_pairs=(topic_pairs, topics),
    )
    del data
    ids = snapshot.member_ids

    def distance(p: Any) -> Any:
        return distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=64)

    def badge(p: Any) -> Any:
        return distance_nodes(snapshot, int(p[0]), int(p[1]), max_hops=3)

    def path(p: Any) -> Any:
        return strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]]), alternatives=1)

    def paths3(p: Any) -> Any:
        return strongest_paths(snapshot, int(ids[p[0]]), to=int(ids[p[1]]))

    def pymk(s: Any) -> Any:
        return people_you_may_know(snapshot, int(ids[s]), limit=20)

    queries = {"distance": distance, "badge": badge, "path": path, "paths3": paths3, "pymk": pymk}
    # Warm every query's Python and kernels once on the big graph.
    for name, fn in queries.items():
        fn(np.array([0, 1]) if name != "pymk" else 0)
    print(json.dumps({"ready": True}), flush=True)
    thread_ns = time.thread_time_ns
    wall_ns = time.perf_counter_ns
    for line in sys.stdin:
        request = json.loads(line)
        fn = queries[request["kind"]]
        samples = np.asarray(request["samples"])
        wall: list[float] = []
        cpu: list[float] = []
        hashed = hashlib.blake2b(digest_size=16)
        for sample in samples:
            w0 = wall_ns()
            c0 = thread_ns()
            answer = fn(sample)
            c1 = thread_ns()
            w1 = wall_ns()
            wall.append((w1 - w0) / 1e6)
            cpu.append((c1 - c0) / 1e6)
            hashed.update(repr(answer).encode())
        print(json.dumps({"wall": wall, "cpu": cpu, "digest": hashed.hexdigest()}), flush=True)


# --- the parent ------------------------------------------------------------------------------


def export(revision: str, into: Path) -> Path:
    """`mutuals/graph` (and the package's __init__) of a revision, in a folder of its own."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(  # noqa: S603 - git with our own arguments
            ["git", "-C", str(ROOT), "archive", revision, "mutuals/__init__.py", "mutuals/graph"],  # noqa: S607
            check=True,
            stdout=out,
        )
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


class Engine:
    def __init__(self, label: str, tree: Path, folder: Path) -> None:
        self.label = label
        self.process = subprocess.Popen(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--child", str(tree), "--data", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def ready(self) -> None:
        line = self.pipes()[1].readline()
        if not line or not json.loads(line).get("ready"):
            raise SystemExit(f"{self.label}: child failed to start")

    def pipes(self) -> tuple[Any, Any]:
        if self.process.stdin is None or self.process.stdout is None:
            raise SystemExit(f"{self.label}: no pipes to the child")
        return self.process.stdin, self.process.stdout

    def ask(self, kind: str, samples: Any, *, keep: bool = True) -> str:
        stdin, stdout = self.pipes()
        stdin.write(json.dumps({"kind": kind, "samples": samples.tolist()}) + "\n")
        stdin.flush()
        result = json.loads(stdout.readline())
        if keep:
            self.wall.setdefault(kind, []).extend(result["wall"])
            self.cpu.setdefault(kind, []).extend(result["cpu"])
        digest: str = result["digest"]
        return digest

    def close(self) -> None:
        self.pipes()[0].close()
        self.process.wait()


def stats(values: list[float]) -> str:
    array = np.asarray(values)
    return f"{np.median(array):8.4f} / {np.percentile(array, 99):8.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kinds", default="distance,path,pymk", help=",".join(KINDS) + ",...")
    parser.add_argument("--workdir", type=Path, help="graph.py's workdir (required)")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--extra-pairs", type=int, default=0)
    parser.add_argument("--extra-members", type=int, default=0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return

    if args.workdir is None:
        parser.error("--workdir is required")
    folder = args.workdir / f"power-law-{args.members}-{args.edges}-0"
    if not (folder / "pairs.npy").exists():
        raise SystemExit(f"no graph in {folder}: run benchmarks/graph.py --workdir first")
    kinds = args.kinds.split(",")
    pairs = np.load(folder / "pairs.npy")
    members = np.load(folder / "pymk.npy")
    print(f"# graph query benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}; load average {load()}"
    )
    with tempfile.TemporaryDirectory(prefix="graph-queries-") as scratch:
        engines = [
            Engine(args.against, export(args.against, Path(scratch)), folder),
            Engine("this tree", ROOT, folder),
        ]
        for engine in engines:
            engine.ready()
        print(f"both snapshots built; load average {load()}", flush=True)
        same = True
        for round_ in range(args.rounds):
            order = engines if round_ % 2 == 0 else engines[::-1]
            for kind in kinds:
                samples = members if kind == "pymk" else pairs
                digests = {engine.label: engine.ask(kind, samples) for engine in order}
                same &= len(set(digests.values())) == 1
            line = "; ".join(
                f"{kind} "
                + " vs ".join(
                    f"{np.median(e.cpu[kind][-len(members if kind == 'pymk' else pairs) :]):.4f}"
                    for e in engines
                )
                for kind in kinds
            )
            print(
                f"round {round_ + 1} (load {load()}): CPU medians ms, {args.against} vs this: "
                + line,
                flush=True,
            )
        rng = np.random.default_rng(20)
        extra = {
            "pymk": rng.integers(0, args.members, args.extra_members),
            "distance": rng.integers(0, args.members, (args.extra_pairs, 2)),
            "path": rng.integers(0, args.members, (args.extra_pairs, 2)),
        }
        for kind, samples in extra.items():
            if kind in kinds and len(samples):
                digests = {e.label: e.ask(kind, samples, keep=False) for e in engines}
                same &= len(set(digests.values())) == 1
                print(
                    f"extra {kind}: {len(samples)} answers, same in both trees: "
                    f"{len(set(digests.values())) == 1}",
                    flush=True,
                )
        for engine in engines:
            engine.close()
    print(f"\nmedian / p99 ms over {args.rounds} rounds (load average at the end {load()})")
    print(
        f"| query | {args.against}: wall | this tree: wall | {args.against}: CPU | this tree: CPU |"
    )
    print("|---|---:|---:|---:|---:|")
    for kind in kinds:
        a, b = engines
        print(
            f"| {kind} | {stats(a.wall[kind])} | {stats(b.wall[kind])} | "
            f"{stats(a.cpu[kind])} | {stats(b.cpu[kind])} |"
        )
    print("same answers in both trees: " + ("yes" if same else "NO"))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
