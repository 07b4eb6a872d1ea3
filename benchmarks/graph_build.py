"""Benchmark: the graph builder's bulk read from PostgreSQL (issue 20), and the overlay.

Target: 1,000,000 members / 20,000,000 connections built from the database in ≤ 30 s with
≤ 2 GB peak RSS (`introductions.graph.build_from_database`: COPY … TO STDOUT (FORMAT BINARY)
through psycopg 3 into NumPy, no Python per row, then the engine's build from arrays).

The community is generated into its own database (never the test suite's): members with a
company (one in ten without) and three of 500 topics each, power-law connections (Chung–Lu,
exponent 2.5) made over the last three years, and measured ties (both sides) on a third of
the connections. It is created and migrated when missing, loaded once and reused by later
runs (`--reload` loads it again).

Measured, each in a fresh process so the peak RSS is the build's own: the build's wall time
and peak RSS (the process's high-water mark, reset just before the build, minus what Django
and the engine hold before it); then the overlay a server process lays over the published
snapshot after a change (`graph.overlay`: rows rebuilt for the touched members, connection
arrays copied around them).

`--against REV` builds with this tree and with `git archive` of REV (its `mutuals` and
`config`) in turn, alternating which goes first, over the same database. Each build's
snapshot is hashed (the store's digest of every array and name): the script says whether
each tree's builds agree with each other (they must: the builder publishes a snapshot that
differs from the last) and whether the two trees built the same one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_graph \\
        .venv/bin/python benchmarks/graph_build.py [--members 100000] [--connections 2000000] \\
        [--runs 2] [--against main]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mutuals_graph"
TOPICS = 500
COMPANIES = 20_000
EPOCH_2000 = 946_684_800  # PostgreSQL's binary timestamps count from 2000-01-01


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def connections_array(members: int, connections: int, seed: int) -> np.ndarray:
    """Distinct (low, high) member ids 1..members, power-law degrees (Chung–Lu, γ = 2.5)."""
    rng = np.random.default_rng(seed)
    weights = (np.arange(members, dtype=np.float64) + 10.0) ** (-1.0 / 1.5)
    weights /= weights.sum()
    size = members + 1
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < connections:
        draw = int((connections - keys.size) * 1.15) + 1000
        a = rng.choice(members, size=draw, p=weights) + 1
        b = rng.choice(members, size=draw, p=weights) + 1
        keep = a != b
        fresh = np.minimum(a, b)[keep] * size + np.maximum(a, b)[keep]
        keys = np.unique(np.concatenate([keys, fresh]))
    rng.shuffle(keys)
    keys = keys[:connections]
    return np.stack([keys // size, keys % size], axis=1)


def load(members: int, connections: int, seed: int) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute(
            "TRUNCATE accounts_user, accounts_topic, introductions_graphstate, "
            "introductions_graphpairchange RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, name, is_active, "
            "is_staff, date_joined) SELECT '!', FALSE, 'member' || g || '@bench.test', "
            "'Member ' || g, TRUE, FALSE, now() FROM generate_series(1, %s) g",
            [members],
        )
        cursor.execute(
            "INSERT INTO accounts_profile (created_at, updated_at, user_id, headline, bio, "  # noqa: S608
            "company, title, location, offers, looking_for, linkedin_url, phone, "
            "shared_contacts, visibility) "
            "SELECT now(), now(), id, '', '', CASE WHEN id % 10 = 0 THEN '' "
            f"ELSE 'Company ' || ((id * 7919) % {COMPANIES}) END, '', '', '[]', '[]', '', '', "
            "'[]', 'community' FROM accounts_user"
        )
        cursor.execute(
            "INSERT INTO accounts_topic (slug, name) SELECT 'topic-' || g, 'Topic ' || g "  # noqa: S608
            f"FROM generate_series(1, {TOPICS}) g"
        )
        cursor.execute(
            "INSERT INTO accounts_profile_topics (profile_id, topic_id) "  # noqa: S608
            f"SELECT DISTINCT p.id, ((p.id * k * 7907) % {TOPICS}) + 1 "
            "FROM accounts_profile p, generate_series(1, 3) k"
        )
        print(f"  members, profiles, topics: {time.perf_counter() - started:.1f} s", flush=True)
        pairs = connections_array(members, connections, seed)
        print(f"  {pairs.shape[0]:,} pairs drawn: {time.perf_counter() - started:.1f} s")
        rng = np.random.default_rng(seed + 1)
        made = np.asarray(time.time() - rng.uniform(0, 3 * 365 * 86400, size=pairs.shape[0]))
        row = np.dtype(
            [
                ("count", ">i2"),
                ("l0", ">i4"),
                ("low", ">i8"),
                ("l1", ">i4"),
                ("high", ">i8"),
                ("l2", ">i4"),
                ("intent", "S4"),
                ("l3", ">i4"),
                ("made", ">i8"),
            ]
        )
        chunk = 1_000_000
        with cursor.copy(
            "COPY connections_connection (member_low_id, member_high_id, intent, created_at) "
            "FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
            for start in range(0, pairs.shape[0], chunk):
                part = slice(start, start + chunk)
                rows = np.zeros(pairs[part].shape[0], dtype=row)
                rows["count"], rows["l0"], rows["l1"], rows["l2"], rows["l3"] = 4, 8, 8, 4, 8
                rows["low"], rows["high"] = pairs[part, 0], pairs[part, 1]
                rows["intent"] = b"peer"
                rows["made"] = ((made[part] - EPOCH_2000) * 1e6).astype(np.int64)
                copy.write(rows.tobytes())
            copy.write(b"\xff\xff")
        print(f"  connections: {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute(
            "INSERT INTO engagement_tie (member_id, other_id, connection_id, strength, tier, "
            "state, computed_at) SELECT c.member_low_id, c.member_high_id, c.id, "
            "0.05 + (c.id % 90) / 100.0, 'active', 'warm', now() - (c.id % 7) * interval '1 day' "
            "FROM connections_connection c WHERE c.id % 3 = 0 "
            "UNION ALL SELECT c.member_high_id, c.member_low_id, c.id, "
            "0.05 + (c.id % 80) / 100.0, 'active', 'warm', now() - (c.id % 5) * interval '1 day' "
            "FROM connections_connection c WHERE c.id % 3 = 0"
        )
        cursor.execute(
            "INSERT INTO introductions_graphstate (id, version, token) VALUES (1, 1, 'b')"
        )
    print(f"  ties: {time.perf_counter() - started:.1f} s", flush=True)


def measure_build(tree: Path, overlay: bool) -> None:
    """In a fresh process, with `tree`'s `mutuals`: one build from the database; prints wall
    time, peak RSS and the snapshot's digest, the last line as JSON."""
    sys.path.insert(0, str(tree))  # before this checkout, which the module put first
    setup()
    from snapshot_build import process_memory  # this checkout's, whatever `tree` has

    from mutuals.graph import build_snapshot, store
    from mutuals.introductions.bulk import build_from_database

    memory = process_memory()
    build_snapshot(member_ids=[1, 2], sources=[1], targets=[2])  # the engine loaded
    before = memory.resident_bytes() / 2**20
    memory.peak_reset()  # the build's own peak (core.process_memory: not the parent's)
    started = time.perf_counter()
    snapshot = build_from_database(version=1)
    took = time.perf_counter() - started
    peak = memory.peak_bytes() / 2**20
    print(
        f"build {took:.2f} s, peak RSS {peak:.0f} MiB ({peak - before:.0f} MiB above the "
        f"{before:.0f} MiB before the build), {snapshot.node_count:,} members, "
        f"{snapshot.edge_count:,} connections, snapshot {snapshot.nbytes() / 2**20:.0f} MiB"
    )
    if overlay:
        measure_overlay(snapshot)
    print(json.dumps({"wall": took, "peak_mib": peak, "digest": store.digest(snapshot)}))


def measure_overlay(snapshot) -> None:  # type: ignore[no-untyped-def]
    from mutuals.graph.overlay import PairChanges, overlaid

    rng = np.random.default_rng(3)
    ids = snapshot.member_ids
    for changes in (1, 10, 100):
        a = rng.choice(ids, size=changes)
        b = rng.choice(ids, size=changes)
        empty = np.zeros(0, dtype=np.int64)
        pair_changes = PairChanges(
            connected=(a[: changes // 2 + 1], b[: changes // 2 + 1]),
            strengths=np.full(changes // 2 + 1, 0.5, dtype=np.float32),
            apart=(a[changes // 2 + 1 :], b[changes // 2 + 1 :]),
            blocked=(empty, empty),
            unblocked=(empty, empty),
        )
        times = []
        for _ in range(5):
            started = time.perf_counter()
            overlaid(snapshot, pair_changes, version=2)
            times.append((time.perf_counter() - started) * 1000)
        print(f"overlay of {changes} pair changes: median {np.median(times):.1f} ms (5 runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--against", help="git revision to compare with, run by run")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    if args.measure:
        measure_build(args.measure, overlay=args.against is None)
        return
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    from feed import ensure_database  # the feed benchmark's: creates the database when missing

    ensure_database(url)
    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # Only when a migration is due: `migrate` sends post_migrate even with nothing to apply,
    # and search's hook then writes every member's missing search document (the loader
    # writes none): about 7 minutes at 1M members, before every run.
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        have_members = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM connections_connection")
        have_connections = cursor.fetchone()[0]
    if args.reload or (have_members, have_connections) != (args.members, args.connections):
        print(f"loading {args.members:,} members, {args.connections:,} connections …")
        load(args.members, args.connections, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"# graph build benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL "
        f"{connection.cursor().connection.info.server_version}, database {url.rsplit('/', 1)[-1]}"
    )
    with tempfile.TemporaryDirectory(prefix="graph-build-") as scratch:
        trees = {"this tree": ROOT}
        if args.against:
            from snapshot_build import export

            trees = {
                args.against: export(args.against, Path(scratch), ("mutuals", "config")),
                **trees,
            }
        results: dict[str, list[dict[str, float | str]]] = {label: [] for label in trees}
        for run in range(args.runs):
            order = list(trees) if run % 2 == 0 else list(reversed(trees))
            for label in order:
                load_avg = os.getloadavg()
                print(
                    f"run {run + 1}, {label}, load average {load_avg[0]:.1f} / {load_avg[1]:.1f}:",
                    flush=True,
                )
                done = subprocess.run(  # noqa: S603 - this script, in a fresh process
                    [
                        sys.executable,
                        __file__,
                        "--measure",
                        str(trees[label]),
                        *(["--against", args.against] if args.against else []),
                    ],
                    check=True,
                    env=os.environ,
                    capture_output=True,
                    text=True,
                )
                lines = done.stdout.strip().splitlines()
                print("\n".join(lines[:-1]), flush=True)
                results[label].append(json.loads(lines[-1]))
    if not args.runs:
        return
    print()
    for label, rows in results.items():
        walls = [float(row["wall"]) for row in rows]
        peaks = [float(row["peak_mib"]) for row in rows]
        print(
            f"{label:>10}: build median {np.median(walls):.2f} s (of {len(walls)}: "
            f"{', '.join(f'{w:.1f}' for w in walls)}), peak median {np.median(peaks):.0f} MiB"
        )
    # The store's digest of every array and name: a tree's builds of one database on one day
    # must agree (a tree whose builds differ would publish a new snapshot at every rebuild);
    # two trees agree unless the change meant to alter the snapshot (say so when reporting).
    for label, rows in results.items():
        digests = {row["digest"] for row in rows}
        print(
            f"{label:>10}: the same snapshot from each of its builds: "
            + ("yes" if len(digests) == 1 else f"NO ({len(digests)} different)")
        )
    if args.against:
        digests = {row["digest"] for rows in results.values() for row in rows}
        print(f"the same snapshot from both trees: {'yes' if len(digests) == 1 else 'no'}")
    print(f"load average at the end {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
