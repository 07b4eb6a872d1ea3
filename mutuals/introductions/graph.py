"""The graph snapshot for this process: built from the database in bulk, kept current.

Freshness rules:

- Connections and blocks: every change calls `graph_changed()` inside its own transaction,
  which bumps `GraphState.version` and writes a new random token. Before answering,
  `current_snapshot()` reads (version, token) in one query and rebuilds when they differ from
  the snapshot's, so no answer is ever computed from a graph older than the last committed
  connection or block; a rolled-back change leaves the old token, so nothing is rebuilt for it.
- Member-level facts the snapshot holds: tie strengths (engagement recomputes a member's
  ties), openness to introductions, company, topics and events attended (a check-in, or
  hiding one's attendance). The service that changes them logs a
  `GraphChange` once it commits (`hooks.ties_changed`, `hooks.member_changed`, through
  `transaction.on_commit`); the same query reads the log's newest id and row count, and when
  they moved the process patches its snapshot (strengths and openness re-read for the members
  named, a new version sharing every other array) or rebuilds it (company, topics, events). The
  patch re-applies every logged change since the snapshot was built, so it does not depend on
  the order in which concurrent writers commit.
- At least every SNAPSHOT_MAX_AGE the snapshot is rebuilt anyway (rows written in bulk without
  a service). Answers also re-check the openness and blocks of the members they name against
  the database (`selectors`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
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

SNAPSHOT_MAX_AGE = 30.0  # seconds
CIRCLE_CACHE_SIZE = 512
# More members changed than this since the snapshot was built: rebuilding is cheaper.
PATCH_MAX_MEMBERS = 500
# Log rows older than this are pruned (no process keeps a snapshot this old); the margin
# covers clocks of different servers.
CHANGE_LOG_KEEP = timedelta(seconds=10 * SNAPSHOT_MAX_AGE)
CLOCK_MARGIN = timedelta(seconds=5)

_lock = threading.Lock()
_state: _Cached | None = None


@dataclass(frozen=True)
class _Cached:
    key: tuple[int, str]
    changes: tuple[int, int]  # the change log's (newest id, rows) when last brought current
    snapshot: GraphSnapshot
    built_at: float  # monotonic
    read_at: datetime  # wall clock when the build started reading the database
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


def current_snapshot() -> GraphSnapshot:
    """The snapshot for the database's current graph version (rebuilt when stale)."""
    return _current().snapshot


def circle_for(viewer_id: int) -> Circle:
    """The viewer's first- and second-degree sets, cached with the snapshot they come from."""
    from mutuals.graph import Circle

    cached = _current()
    with _lock:
        circle = cached.circles.get(viewer_id)
        if circle is not None:
            cached.circles.move_to_end(viewer_id)
            return circle
    circle = Circle(cached.snapshot, viewer_id)
    with _lock:
        cached.circles[viewer_id] = circle
        while len(cached.circles) > CIRCLE_CACHE_SIZE:
            cached.circles.popitem(last=False)
    return circle


def forget_snapshot() -> None:
    """Drop this process's snapshot (tests; an operator's shell after manual SQL)."""
    global _state
    with _lock:
        _state = None


def _usable(state: _Cached | None, key: tuple[int, str]) -> bool:
    return (
        state is not None
        and state.key == key
        and time.monotonic() - state.built_at < SNAPSHOT_MAX_AGE
    )


def _current() -> _Cached:
    global _state
    key, changes = graph_key()
    state = _state
    if state is not None and _usable(state, key) and state.changes == changes:
        return state
    with _lock:
        state = _state
        if state is not None and _usable(state, key):
            if state.changes == changes:
                return state
            patched = _patch(state, changes)
            if patched is not None:
                _state = patched
                return patched
        read_at = timezone.now()
        snapshot = build_from_database(version=key[0])
        state = _Cached(
            key=key,
            changes=changes,
            snapshot=snapshot,
            built_at=time.monotonic(),
            read_at=read_at,
            circles=OrderedDict(),
        )
        _state = state
        return state


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
    # Degree sets do not depend on strengths or openness: the circles stay valid.
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
