"""The graph snapshot: built from the database in bulk by one builder, published as a
memory-mapped file, read by every server process. No request builds (docs/scaling.md).

- **The builder** (`graph_build`, run in a loop by `mutuals graph` or by the thread `mutuals
  worker` starts, `introductions.builder`) polls the database's graph key: (version, token)
  from `GraphState`, which every connection or block change bumps inside its transaction,
  the newest connection and block ids (rows written in bulk without a service), and the
  change log's newest id and row count. When the key moved it rebuilds the snapshot; when
  only the change log moved (strengths or openness of a few members, logged by
  `hooks.ties_changed` / `hooks.member_changed` once their change commits) it patches its
  last build (the patch re-applies every logged change since that build, so the order in
  which concurrent writers commit does not matter); company, topic and event changes
  rebuild. It rebuilds at least every SNAPSHOT_MAX_AGE anyway, and publishes each result to
  the store (`mutuals.graph.store`: one file per array, made current by an atomic rename).
- **A server process** (`current_snapshot`, `circle_for`) reads the store's one-line
  `CURRENT` file before answering and maps the new snapshot when it changed, then reads the
  graph version (one read by primary key). When the version is past its snapshot's, it lays
  the connection and block changes logged since (`GraphPairChange`, written by
  `graph_pair_log` in the writing transaction) over the snapshot: the overlay
  (`mutuals.graph.overlay`), kept until the version moves again. So a new connection or a
  block reaches the very next answer; strengths, openness and profile facts reach answers
  when the builder publishes. What answers name is also re-checked against the database
  (blocks, openness, deactivation: `selectors`). No request builds.
- **The bulk read** (`bulk.build_from_database`): fixed-width columns straight into NumPy
  (`bulk.columns`: COPY on PostgreSQL), in one read-only transaction.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from mutuals.accounts.models import Boundaries
from mutuals.connections.models import Block, Connection
from mutuals.core.compiled import CompiledQuery
from mutuals.core.replicas import read_on_replica
from mutuals.engagement.models import Tie

# Named here too: the builder calls it through this module (tests replace it here).
from mutuals.introductions.bulk import build_from_database as build_from_database
from mutuals.introductions.models import (
    GraphChange,
    GraphChangeKind,
    GraphPairChange,
    GraphState,
)
from mutuals.introductions.strength import (
    connection_strengths,
    default_strengths,
    tie_edge_strength,
)

if TYPE_CHECKING:
    # The engine (numba) is imported by the functions that build or search a snapshot, so
    # the services that only bump the version or log a change (imported by every app, and
    # so by every command) do not load it (issue 13).
    from mutuals.graph import Circle, GraphSnapshot
    from mutuals.graph.overlay import PairChanges

# Seconds: the builder rebuilds at least this often (rows written without the services, the
# default strengths' ageing), or every REBUILD_FACTOR builds' time on a large graph, and
# publishes the result only when it differs from the published snapshot.
SNAPSHOT_MAX_AGE = 30.0
REBUILD_FACTOR = 10
CIRCLE_CACHE_SIZE = 512
# More members changed than this since the snapshot was built: rebuilding is cheaper.
PATCH_MAX_MEMBERS = 500
# Log rows older than this are pruned (no builder keeps a snapshot this old); the margin
# covers clocks of different servers.
CHANGE_LOG_KEEP = timedelta(seconds=10 * SNAPSHOT_MAX_AGE)
CLOCK_MARGIN = timedelta(seconds=5)
# The overlay holds at most this many pair changes. The builder publishes a new snapshot
# after every change (within its poll and one build), so more means it is not running.
OVERLAY_MAX = 5000

logger = logging.getLogger(__name__)

# The reader (every server process): the snapshot it mapped from the store.
_lock = threading.Lock()
_loaded: _Loaded | None = None
# The builder (one process per store): what it last built, to patch from.
_build_lock = threading.Lock()
_state: _Cached | None = None


@dataclass(frozen=True)
class _Cached:
    """The builder's last build."""

    key: tuple[int, str]
    changes: tuple[int, int]  # the change log's (newest id, rows) when last brought current
    snapshot: GraphSnapshot
    rebuild_after: float  # monotonic: rebuild then even when nothing announced a change
    read_at: datetime  # wall clock when the build started reading the database


@dataclass(frozen=True)
class _Loaded:
    """A server process's view: the published snapshot it mapped (`base`), the same with the
    overlay of pair changes since laid over it (`snapshot`, at graph version `version`), and
    its viewers' circles."""

    name: str | None  # None: nothing was published yet (an empty graph)
    base: GraphSnapshot
    snapshot: GraphSnapshot
    version: int
    circles: OrderedDict[int, Circle]


def graph_changed() -> int:
    """Record that connections or blocks changed: call inside the writing transaction.
    Returns the new version (the row's lock orders every writer, so versions commit in
    order)."""
    with transaction.atomic():
        updated = GraphState.objects.filter(pk=1).update(
            version=F("version") + 1, token=secrets.token_hex(8)
        )
        if not updated:
            GraphState.objects.get_or_create(
                pk=1, defaults={"version": 1, "token": secrets.token_hex(8)}
            )
        return int(GraphState.objects.values_list("version", flat=True).get(pk=1))


def graph_pair_log(*, version: int, between: tuple[int, int]) -> None:
    """Log what the writing transaction left between two members under `version`: the
    overlay's row (`GraphPairChange`). Call after the write, inside its transaction."""
    low, high = sorted(between)
    connection_id = (
        Connection.objects.filter(member_low_id=low, member_high_id=high)
        .values_list("pk", flat=True)
        .first()
    )
    strength = None
    if connection_id is not None:
        strength = tie_edge_strength(
            Tie.objects.filter(connection_id=connection_id).values_list(
                "strength", "computed_at", "resting_since"
            )
        )
    blocked = Block.objects.filter(
        Q(blocker_id=low, blocked_id=high) | Q(blocker_id=high, blocked_id=low)
    ).exists()
    GraphPairChange.objects.create(
        version=version,
        member_low_id=low,
        member_high_id=high,
        connected=connection_id is not None,
        strength=strength,
        blocked=blocked,
        at=timezone.now(),
    )


def graph_change_log(*, kind: str, member_ids: Iterable[int]) -> None:
    """Log that member-level facts of these members changed (after their change committed):
    the next answer patches or rebuilds the snapshot. Prunes rows no process still needs."""
    now = timezone.now()
    GraphChange.objects.bulk_create(
        [GraphChange(kind=kind, member_id=member_id, at=now) for member_id in set(member_ids)]
    )
    GraphChange.objects.filter(at__lt=now - CHANGE_LOG_KEEP).delete()


def graph_key(alias: str = DEFAULT_DB_ALIAS) -> tuple[tuple[int, str], tuple[int, int]]:
    """((version, token + the newest connection and block ids), (the change log's newest id,
    its row count)), in one query. The ids catch rows written in bulk without a bump (the demo
    seeder, fixtures); deletions always go through the services, which bump. The log's row
    count moves when a change with a smaller id commits after a larger one."""
    database = connections[alias]
    quote = database.ops.quote_name
    state = quote(GraphState._meta.db_table)
    conns = quote(Connection._meta.db_table)
    blocks = quote(Block._meta.db_table)
    log = quote(GraphChange._meta.db_table)
    with database.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {state} WHERE id = 1), "  # noqa: S608 - table names
            f"(SELECT token FROM {state} WHERE id = 1), "
            f"(SELECT MAX(id) FROM {conns}), (SELECT MAX(id) FROM {blocks}), "
            f"(SELECT MAX(id) FROM {log}), (SELECT COUNT(*) FROM {log})"
        )
        version, token, last_connection, last_block, last_change, changes = cursor.fetchone()
    return (
        (int(version or 0), f"{token or ''}:{last_connection or 0}:{last_block or 0}"),
        (int(last_change or 0), int(changes or 0)),
    )


def store_directory() -> Path:
    """Where the builder publishes snapshots and every server process maps them from."""
    return Path(settings.GRAPH_DIR)


def snapshot_readiness() -> dict[str, Any]:
    """/readyz's `graph` check: the published snapshot's name, version, seconds since it was
    published (`age_seconds`) and since the builder last found it current
    (`confirmed_seconds_ago`: a stopped builder shows here). Not ready only when nothing is
    published and GRAPH_REQUIRED is on: answers would come from an empty graph."""
    from mutuals.graph import store as graph_store

    found = graph_store.status(store_directory())
    return {
        "ok": found.name is not None or not settings.GRAPH_REQUIRED,
        "snapshot": found.name,
        "version": found.version,
        "age_seconds": None if found.age_seconds is None else round(found.age_seconds, 1),
        "confirmed_seconds_ago": None
        if found.confirmed_seconds_ago is None
        else round(found.confirmed_seconds_ago, 1),
    }


def current_snapshot() -> GraphSnapshot:
    """The last snapshot the builder published (an empty graph before the first). Never
    builds: reading it costs one small file read, and mapping a new one a few system calls."""
    return _current().snapshot


def circle_for(viewer_id: int) -> Circle:
    """The viewer's first- and second-degree sets, cached with the snapshot they come from."""
    return snapshot_and_circle(viewer_id)[1]


def snapshot_and_circle(viewer_id: int) -> tuple[GraphSnapshot, Circle]:
    """The current snapshot and the viewer's circle in it, for one freshness check."""
    from mutuals.graph import Circle

    loaded = _current()
    with _lock:
        circle = loaded.circles.get(viewer_id)
        if circle is not None:
            loaded.circles.move_to_end(viewer_id)
            return loaded.snapshot, circle
    circle = Circle(loaded.snapshot, viewer_id)
    with _lock:
        loaded.circles[viewer_id] = circle
        while len(loaded.circles) > CIRCLE_CACHE_SIZE:
            loaded.circles.popitem(last=False)
    return loaded.snapshot, circle


def forget_snapshot() -> None:
    """Drop this process's mapped snapshot and the builder's memory of its last build (tests;
    an operator's shell after manual SQL: the next build is a full one)."""
    global _loaded, _state
    with _lock:
        _loaded = None
    with _build_lock:
        _state = None


def _current() -> _Loaded:
    """The mapped snapshot with the overlay current: one small file read, and one read of the
    graph version by primary key (the freshness check); the overlay's rows are read only when
    the version moved past what this process already laid over its snapshot."""
    from mutuals.graph import store as graph_store

    if settings.GRAPH_BUILD_ON_READ:
        # The test suite's stand-in for a builder that has always caught up (as the immediate
        # task backend stands in for the worker); never set in production.
        graph_build()
    name = graph_store.current_name(store_directory())
    loaded = _loaded
    if loaded is None or loaded.name != name:
        loaded = _map(name)
    version = graph_version()
    if version <= loaded.version:
        # Nothing new, or a replica behind this snapshot: answers never go back in time.
        return loaded
    return _overlay(loaded, version)


# Read on every graph request: compiled once per process (issue 20).
_version: CompiledQuery[int] = CompiledQuery(
    lambda: GraphState.objects.filter(pk=1).values_list("version", flat=True)
)


def graph_version() -> int:
    """The graph's committed version: one read by primary key."""
    found = _version.first()
    return int(found or 0)


def _map(name: str | None) -> _Loaded:
    from mutuals.graph import store as graph_store

    global _loaded
    directory = store_directory()
    with _lock:
        loaded = _loaded
        if loaded is not None and loaded.name == name:
            return loaded
        published = graph_store.load(directory, name) if name is not None else None
        if published is None:
            logger.warning(
                "No graph snapshot is published in %s: run `mutuals worker` or `mutuals graph`",
                directory,
            )
        snapshot = published.snapshot if published is not None else _empty_snapshot()
        _loaded = _Loaded(
            name=name,
            base=snapshot,
            snapshot=snapshot,
            version=snapshot.version,
            circles=OrderedDict(),
        )
        return _loaded


def _overlay(loaded: _Loaded, version: int) -> _Loaded:
    """`loaded` with every pair change logged since its published snapshot laid over it (the
    newest OVERLAY_MAX of them: more means the builder is not running, and is logged)."""
    from mutuals.graph.overlay import overlaid

    global _loaded
    base = loaded.base
    rows = list(
        GraphPairChange.objects.filter(version__gt=base.version, version__lte=version)
        .order_by("-version", "-id")
        .values_list("member_low_id", "member_high_id", "connected", "strength", "blocked")[
            :OVERLAY_MAX
        ]
    )
    if len(rows) == OVERLAY_MAX:
        logger.warning(
            "%d graph changes since the published snapshot %s: is the builder running?",
            OVERLAY_MAX,
            loaded.name,
        )
    snapshot = overlaid(base, pair_changes(base, rows), version=version)
    fresh = _Loaded(
        name=loaded.name, base=base, snapshot=snapshot, version=version, circles=OrderedDict()
    )
    with _lock:
        current = _loaded
        if current is None or current.name != loaded.name or current.version < version:
            _loaded = fresh
    return fresh


def pair_changes(
    snapshot: GraphSnapshot, rows: Iterable[tuple[int, int, bool, float | None, bool]]
) -> PairChanges:
    """The overlay from `GraphPairChange` rows (low, high, connected, strength, blocked),
    newest first: the newest row of each pair says what is true of it. A connection without
    a measured strength takes the default (a tie made today, with the topics the snapshot
    says the two share)."""
    from mutuals.graph.overlay import PairChanges

    newest: dict[tuple[int, int], tuple[bool, float | None, bool]] = {}
    for low, high, is_connected, strength, is_blocked in rows:
        newest.setdefault((low, high), (is_connected, strength, is_blocked))
    linked = [(pair, strength) for pair, (on, strength, _) in newest.items() if on]
    defaults = [index for index, (_, strength) in enumerate(linked) if strength is None]
    strengths = np.array(
        [strength if strength is not None else 0.0 for _, strength in linked],
        dtype=np.float32,
    )
    if defaults:
        shared = [_shared_topics(snapshot, *linked[index][0]) for index in defaults]
        strengths[defaults] = default_strengths(np.zeros(len(defaults)), shared)

    def ids(pairs: list[tuple[int, int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return np.ascontiguousarray(array[:, 0]), np.ascontiguousarray(array[:, 1])

    return PairChanges(
        connected=ids([pair for pair, _ in linked]),
        strengths=strengths,
        apart=ids([pair for pair, (on, _, off) in newest.items() if not on and not off]),
        blocked=ids([pair for pair, (_, _, off) in newest.items() if off]),
        unblocked=ids([pair for pair, (_, _, off) in newest.items() if not off]),
    )


def _shared_topics(snapshot: GraphSnapshot, a: int, b: int) -> int:
    node_a, node_b = snapshot.node_of(a), snapshot.node_of(b)
    if node_a is None or node_b is None:
        return 0
    return int(np.intersect1d(snapshot.topics.row(node_a), snapshot.topics.row(node_b)).size)


def _empty_snapshot() -> GraphSnapshot:
    from mutuals.graph import build_snapshot

    return build_snapshot(member_ids=[], sources=[], targets=[])


def _usable(state: _Cached | None, key: tuple[int, str]) -> bool:
    return state is not None and state.key == key and time.monotonic() < state.rebuild_after


def graph_build() -> str | None:
    """The builder's one step: bring the published snapshot up to the database, by a patch
    (strengths and openness of a few members) or a full build, and publish it when it
    differs from the published one. Returns the name published, or None when the published
    snapshot was current. Reads from a replica when one is configured and usable
    (`core.replicas.read_on_replica`: the overlay covers whatever it lags by), and again
    from the primary when the replica fails the read (it stopped or restarted meanwhile).
    Runs in the builder (`mutuals graph`, or the thread `mutuals worker` starts), never in a
    request."""
    with _build_lock:
        return read_on_replica(_build_step)


def _build_step(alias: str) -> str | None:
    from mutuals.graph import store as graph_store

    global _state
    directory = store_directory()
    key, changes = graph_key(alias)
    state = _state
    if state is not None and _usable(state, key):
        if state.changes == changes:
            graph_store.confirm(directory)
            return None
        patched = _patch(state, changes)
        if patched is not None:
            _state = patched
            return graph_store.publish(directory, patched.snapshot)
    read_at = timezone.now()
    started = time.monotonic()
    snapshot = build_from_database(version=key[0], alias=alias)
    took = time.monotonic() - started
    _state = _Cached(
        key=key,
        changes=changes,
        snapshot=snapshot,
        rebuild_after=time.monotonic() + max(SNAPSHOT_MAX_AGE, REBUILD_FACTOR * took),
        read_at=read_at,
    )
    published = graph_store.publish_if_changed(directory, snapshot)
    _prune_pair_log(snapshot.version)
    return published


def _prune_pair_log(version: int) -> None:
    """Drop the overlay's rows the published snapshot holds, once no process can still be
    answering from an older one (CHANGE_LOG_KEEP)."""
    GraphPairChange.objects.filter(
        version__lte=version, at__lt=timezone.now() - CHANGE_LOG_KEEP
    ).delete()


def _patch(state: _Cached, changes: tuple[int, int]) -> _Cached | None:
    """The cached snapshot with every logged change since it was built applied, or None when
    a rebuild is needed (a profile change, or too many members)."""
    logged = list(
        GraphChange.objects.filter(at__gte=state.read_at - CLOCK_MARGIN).values_list(
            "kind", "member_id"
        )
    )
    if any(kind == GraphChangeKind.PROFILE for kind, _ in logged):
        return None
    strength_members = {m for kind, m in logged if kind == GraphChangeKind.STRENGTHS}
    open_members = {m for kind, m in logged if kind == GraphChangeKind.OPENNESS}
    if len(strength_members | open_members) > PATCH_MAX_MEMBERS:
        return None
    snapshot = state.snapshot
    version = snapshot.version
    edges = _edges_of(snapshot, strength_members) if strength_members else None
    openness = None
    if open_members:
        closed = set(
            Boundaries.objects.filter(
                user_id__in=open_members, open_to_introductions=False
            ).values_list("user_id", flat=True)
        )
        ordered = sorted(open_members)
        openness = (ordered, [member not in closed for member in ordered])
    patched = snapshot.patched(version=version, strengths=edges, openness=openness)
    return replace(state, changes=changes, snapshot=patched)


def _edges_of(
    snapshot: GraphSnapshot, member_ids: set[int]
) -> tuple[list[int], list[int], list[float]]:
    """Every connection of these members with its current strength, read from the database
    by the same rules as a full build (the members' topics come from the snapshot: a topic
    change rebuilds instead)."""
    rows = list(
        Connection.objects.filter(
            Q(member_low_id__in=member_ids) | Q(member_high_id__in=member_ids)
        ).values_list("id", "member_low_id", "member_high_id", "created_at")
    )
    ties: dict[int, list[tuple[float, datetime | None, datetime | None]]] = {}
    for connection_id, strength, computed_at, resting_since in Tie.objects.filter(
        connection_id__in=[row[0] for row in rows]
    ).values_list("connection_id", "strength", "computed_at", "resting_since"):
        ties.setdefault(connection_id, []).append((strength, computed_at, resting_since))
    shared = []
    for _, a, b, _ in rows:
        node_a, node_b = snapshot.node_of(a), snapshot.node_of(b)
        if node_a is None or node_b is None:
            shared.append(0)
            continue
        shared.append(
            int(np.intersect1d(snapshot.topics.row(node_a), snapshot.topics.row(node_b)).size)
        )
    strengths = edge_strengths(rows, shared, ties, now=timezone.now())
    return [row[1] for row in rows], [row[2] for row in rows], strengths.tolist()


def edge_strengths(
    rows: Sequence[tuple[int, int, int, datetime]],
    shared_topics: Sequence[int],
    ties: dict[int, list[tuple[float, datetime | None, datetime | None]]],
    *,
    now: datetime,
) -> npt.NDArray[np.float32]:
    """Per connection (id, low, high, created_at): the measured tie strength (`Tie` rows,
    combined by `tie_edge_strength`) when there is one, else the documented default."""
    strengths = connection_strengths(
        created_at=[row[3] for row in rows], shared_topics=shared_topics, now=now
    )
    for index, row in enumerate(rows):
        tie_rows = ties.get(row[0])
        if tie_rows:
            measured = tie_edge_strength(tie_rows)
            if measured is not None:
                strengths[index] = measured
    return strengths
