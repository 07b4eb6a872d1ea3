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
  `CURRENT` file before answering and maps the new snapshot when it changed: no database
  query, no build. Until the builder publishes a change, answers come from the previous
  snapshot; what they name is re-checked against the database (blocks, openness,
  deactivation: `selectors`), so a block is honoured in the very next answer.
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
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Profile, Topic, User
from mutuals.connections.models import Block, Connection
from mutuals.engagement.models import Tie
from mutuals.events.models import Attendance, Event
from mutuals.introductions.models import GraphChange, GraphChangeKind, GraphState
from mutuals.introductions.strength import connection_strengths, tie_edge_strength

if TYPE_CHECKING:
    # The engine (numba) is imported by the functions that build or search a snapshot, so
    # the services that only bump the version or log a change (imported by every app, and
    # so by every command) do not load it (issue 13).
    from mutuals.graph import Circle, GraphSnapshot

SNAPSHOT_MAX_AGE = 30.0  # seconds: the builder rebuilds at least this often
CIRCLE_CACHE_SIZE = 512
# More members changed than this since the snapshot was built: rebuilding is cheaper.
PATCH_MAX_MEMBERS = 500
# Log rows older than this are pruned (no builder keeps a snapshot this old); the margin
# covers clocks of different servers.
CHANGE_LOG_KEEP = timedelta(seconds=10 * SNAPSHOT_MAX_AGE)
CLOCK_MARGIN = timedelta(seconds=5)

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
    built_at: float  # monotonic
    read_at: datetime  # wall clock when the build started reading the database


@dataclass(frozen=True)
class _Loaded:
    """A server process's view: the published snapshot it mapped, and its viewers' circles."""

    name: str | None  # None: nothing was published yet (an empty graph)
    snapshot: GraphSnapshot
    circles: OrderedDict[int, Circle]


def graph_changed() -> None:
    """Record that connections or blocks changed: call inside the writing transaction."""
    with transaction.atomic():
        updated = GraphState.objects.filter(pk=1).update(
            version=F("version") + 1, token=secrets.token_hex(8)
        )
        if not updated:
            GraphState.objects.get_or_create(
                pk=1, defaults={"version": 1, "token": secrets.token_hex(8)}
            )


def graph_change_log(*, kind: str, member_ids: Iterable[int]) -> None:
    """Log that member-level facts of these members changed (after their change committed):
    the next answer patches or rebuilds the snapshot. Prunes rows no process still needs."""
    now = timezone.now()
    GraphChange.objects.bulk_create(
        [GraphChange(kind=kind, member_id=member_id, at=now) for member_id in set(member_ids)]
    )
    GraphChange.objects.filter(at__lt=now - CHANGE_LOG_KEEP).delete()


def graph_key() -> tuple[tuple[int, str], tuple[int, int]]:
    """((version, token + the newest connection and block ids), (the change log's newest id,
    its row count)), in one query. The ids catch rows written in bulk without a bump (the demo
    seeder, fixtures); deletions always go through the services, which bump. The log's row
    count moves when a change with a smaller id commits after a larger one."""
    quote = db_connection.ops.quote_name
    state = quote(GraphState._meta.db_table)
    conns = quote(Connection._meta.db_table)
    blocks = quote(Block._meta.db_table)
    log = quote(GraphChange._meta.db_table)
    with db_connection.cursor() as cursor:
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


def current_snapshot() -> GraphSnapshot:
    """The last snapshot the builder published (an empty graph before the first). Never
    builds: reading it costs one small file read, and mapping a new one a few system calls."""
    return _current().snapshot


def circle_for(viewer_id: int) -> Circle:
    """The viewer's first- and second-degree sets, cached with the snapshot they come from."""
    from mutuals.graph import Circle

    loaded = _current()
    with _lock:
        circle = loaded.circles.get(viewer_id)
        if circle is not None:
            loaded.circles.move_to_end(viewer_id)
            return circle
    circle = Circle(loaded.snapshot, viewer_id)
    with _lock:
        loaded.circles[viewer_id] = circle
        while len(loaded.circles) > CIRCLE_CACHE_SIZE:
            loaded.circles.popitem(last=False)
    return circle


def forget_snapshot() -> None:
    """Drop this process's mapped snapshot and the builder's memory of its last build (tests;
    an operator's shell after manual SQL: the next build is a full one)."""
    global _loaded, _state
    with _lock:
        _loaded = None
    with _build_lock:
        _state = None


def _current() -> _Loaded:
    from mutuals.graph import store as graph_store

    global _loaded
    if settings.GRAPH_BUILD_ON_READ:
        # The test suite's stand-in for a builder that has always caught up (as the immediate
        # task backend stands in for the worker); never set in production.
        graph_build()
    directory = store_directory()
    name = graph_store.current_name(directory)
    loaded = _loaded
    if loaded is not None and loaded.name == name:
        return loaded
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
        _loaded = _Loaded(name=name, snapshot=snapshot, circles=OrderedDict())
        return _loaded


def _empty_snapshot() -> GraphSnapshot:
    from mutuals.graph import build_snapshot

    return build_snapshot(member_ids=[], sources=[], targets=[])


def _usable(state: _Cached | None, key: tuple[int, str]) -> bool:
    return (
        state is not None
        and state.key == key
        and time.monotonic() - state.built_at < SNAPSHOT_MAX_AGE
    )


def graph_build() -> str | None:
    """The builder's one step: bring the published snapshot up to the database, by a patch
    (strengths and openness of a few members) or a full build, and publish it. Returns the
    name published, or None when the published snapshot was current. Runs in the builder
    (`mutuals graph`, or the thread `mutuals worker` starts), never in a request."""
    from mutuals.graph import store as graph_store

    global _state
    key, changes = graph_key()
    with _build_lock:
        state = _state
        if state is not None and _usable(state, key):
            if state.changes == changes:
                return None
            patched = _patch(state, changes)
            if patched is not None:
                _state = patched
                return graph_store.publish(store_directory(), patched.snapshot)
        read_at = timezone.now()
        snapshot = build_from_database(version=key[0])
        _state = _Cached(
            key=key,
            changes=changes,
            snapshot=snapshot,
            built_at=time.monotonic(),
            read_at=read_at,
        )
        return graph_store.publish(store_directory(), snapshot)


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


def _event_pairs() -> tuple[npt.NDArray[np.int64], list[str]]:
    """(member id, event code) for every check-in (attended, not merely going), and the
    titles. An attendance the member hides from the attendee list is left out: "you both
    attended" must not reveal it."""
    rows = list(
        Attendance.objects.filter(checked_in_at__isnull=False, hidden=False).values_list(
            "member_id", "event_id"
        )
    )
    event_ids = sorted({event_id for _, event_id in rows})
    code_of = {event_id: code for code, event_id in enumerate(event_ids)}
    titles = dict(Event.objects.filter(pk__in=event_ids).values_list("id", "title"))
    pairs = np.array([(member, code_of[event]) for member, event in rows], dtype=np.int64)
    return pairs.reshape(-1, 2), [titles[event_id] for event_id in event_ids]


def build_from_database(*, version: int = 0) -> GraphSnapshot:
    """Read members, connections, tie strengths, topics and blocks in bulk queries and build a
    snapshot."""
    from mutuals.graph import build_snapshot

    members = list(
        User.objects.filter(is_active=True).values_list("id", "profile__company").order_by("id")
    )
    member_ids = np.fromiter((row[0] for row in members), dtype=np.int64, count=len(members))
    companies = [row[1] or "" for row in members]
    closed = set(
        Boundaries.objects.filter(open_to_introductions=False).values_list("user_id", flat=True)
    )
    open_flags = np.fromiter(
        (row[0] not in closed for row in members), dtype=np.bool_, count=len(members)
    )

    topic_rows = list(Profile.topics.through.objects.values_list("profile__user_id", "topic_id"))
    topic_ids = sorted({topic_id for _, topic_id in topic_rows})
    code_of = {topic_id: code for code, topic_id in enumerate(topic_ids)}
    names = dict(Topic.objects.filter(pk__in=topic_ids).values_list("id", "name"))
    topic_names = [names[topic_id] for topic_id in topic_ids]
    pairs = np.array([(user_id, code_of[t]) for user_id, t in topic_rows], dtype=np.int64).reshape(
        -1, 2
    )
    topics_of: dict[int, set[int]] = {}
    for user_id, topic_id in topic_rows:
        topics_of.setdefault(user_id, set()).add(topic_id)

    rows = list(
        Connection.objects.values_list("id", "member_low_id", "member_high_id", "created_at")
    )
    empty: set[int] = set()
    shared = [len(topics_of.get(a, empty) & topics_of.get(b, empty)) for _, a, b, _ in rows]
    # Measured strengths (and resting ties, strength 0: they still count for degree of
    # separation); rows never computed hold only the field's default and are not read.
    ties: dict[int, list[tuple[float, datetime | None, datetime | None]]] = {}
    for connection_id, strength, computed_at, resting_since in Tie.objects.filter(
        Q(computed_at__isnull=False) | Q(resting_since__isnull=False)
    ).values_list("connection_id", "strength", "computed_at", "resting_since"):
        ties.setdefault(connection_id, []).append((strength, computed_at, resting_since))
    strengths = edge_strengths(rows, shared, ties, now=timezone.now())
    blocks = list(Block.objects.values_list("blocker_id", "blocked_id"))
    return build_snapshot(
        member_ids=member_ids,
        sources=[row[1] for row in rows],
        targets=[row[2] for row in rows],
        strengths=strengths,
        version=version,
        open_to_introductions=open_flags,
        companies=companies,
        topic_pairs=(pairs, topic_names),
        event_pairs=_event_pairs(),
        blocked_pairs=([a for a, _ in blocks], [b for _, b in blocks]),
    )
