"""The graph snapshot for this process: built from the database in bulk, kept current.

Freshness rule: every change to connections or blocks calls `graph_changed()` inside its own
transaction, which bumps `GraphState.version` and writes a new random token. Before answering,
`current_snapshot()` reads (version, token) in one query and rebuilds when they differ from
the snapshot's, so no answer is ever computed from a graph older than the last committed
connection or block; a rolled-back change leaves the old token, so nothing is rebuilt for
it. Member attributes (company, topics, open to introductions) change without a bump and are
refreshed at least every SNAPSHOT_MAX_AGE; answers re-check the openness and blocks of the
members they name against the database (`selectors`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Profile, Topic, User
from mutuals.connections.models import Block, Connection
from mutuals.engagement.models import Tie
from mutuals.graph import Circle, GraphSnapshot, build_snapshot
from mutuals.introductions.models import GraphState
from mutuals.introductions.strength import connection_strengths

SNAPSHOT_MAX_AGE = 30.0  # seconds
CIRCLE_CACHE_SIZE = 512

_lock = threading.Lock()
_state: _Cached | None = None


@dataclass(frozen=True)
class _Cached:
    key: tuple[int, str]
    snapshot: GraphSnapshot
    built_at: float
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


def graph_key() -> tuple[int, str]:
    """(version, token + the newest connection and block ids), in one query. The ids catch
    rows written in bulk without a bump (the demo seeder, fixtures); deletions always go
    through the services, which bump."""
    quote = db_connection.ops.quote_name
    state = quote(GraphState._meta.db_table)
    conns = quote(Connection._meta.db_table)
    blocks = quote(Block._meta.db_table)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {state} WHERE id = 1), "  # noqa: S608 - table names
            f"(SELECT token FROM {state} WHERE id = 1), "
            f"(SELECT MAX(id) FROM {conns}), (SELECT MAX(id) FROM {blocks})"
        )
        version, token, last_connection, last_block = cursor.fetchone()
    return int(version or 0), f"{token or ''}:{last_connection or 0}:{last_block or 0}"


def current_snapshot() -> GraphSnapshot:
    """The snapshot for the database's current graph version (rebuilt when stale)."""
    return _current().snapshot


def circle_for(viewer_id: int) -> Circle:
    """The viewer's first- and second-degree sets, cached with the snapshot they come from."""
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


def _current() -> _Cached:
    global _state
    key = graph_key()
    state = _state
    if (
        state is not None
        and state.key == key
        and time.monotonic() - state.built_at < SNAPSHOT_MAX_AGE
    ):
        return state
    with _lock:
        state = _state
        if (
            state is not None
            and state.key == key
            and time.monotonic() - state.built_at < SNAPSHOT_MAX_AGE
        ):
            return state
        snapshot = build_from_database(version=key[0])
        state = _Cached(
            key=key, snapshot=snapshot, built_at=time.monotonic(), circles=OrderedDict()
        )
        _state = state
        return state


def build_from_database(*, version: int = 0) -> GraphSnapshot:
    """Read members, connections, topics and blocks in five bulk queries and build a snapshot."""
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
    connections = [(a, b, at) for _, a, b, at in rows]
    empty: set[int] = set()
    shared = [len(topics_of.get(a, empty) & topics_of.get(b, empty)) for a, b, _ in connections]
    strengths = connection_strengths(
        created_at=[at for _, _, at in connections], shared_topics=shared, now=timezone.now()
    )
    # A relationship either side has let rest carries no introduction (strength 0); it still
    # counts for degree of separation.
    resting = set(
        Tie.objects.filter(resting_since__isnull=False).values_list("connection_id", flat=True)
    )
    if resting:
        strengths[[i for i, row in enumerate(rows) if row[0] in resting]] = 0.0
    blocks = list(Block.objects.values_list("blocker_id", "blocked_id"))
    return build_snapshot(
        member_ids=member_ids,
        sources=[a for a, _, _ in connections],
        targets=[b for _, b, _ in connections],
        strengths=strengths,
        version=version,
        open_to_introductions=open_flags,
        companies=companies,
        topic_pairs=(pairs, topic_names),
        # Events arrive with the events app: (member id, event code) pairs and event titles.
        event_pairs=None,
        blocked_pairs=([a for a, _ in blocks], [b for _, b in blocks]),
    )
