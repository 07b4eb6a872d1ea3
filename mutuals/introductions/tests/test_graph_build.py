"""The bulk build from the database (COPY into NumPy on PostgreSQL, chunked fetches on SQLite)
gives the snapshot the row-by-row reading of the same rules gives, on a community with every
case the rules distinguish; and the bulk reader refuses a NULL instead of shifting columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Profile, Topic, User
from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Block, Connection
from mutuals.connections.services import block_create, connection_create
from mutuals.engagement.models import Tie
from mutuals.events.models import Attendance, Event
from mutuals.events.tests.factories import attend, make_event
from mutuals.graph import GraphSnapshot, build_snapshot
from mutuals.introductions import bulk, graph
from mutuals.introductions.strength import connection_strengths, tie_edge_strength

pytestmark = pytest.mark.django_db


def reference_build() -> GraphSnapshot:
    """The snapshot read row by row through the ORM (the builder's way before the bulk
    reads), with the strength rules applied one connection at a time."""
    members = list(
        User.objects.filter(is_active=True).values_list("id", "profile__company").order_by("id")
    )
    closed = set(
        Boundaries.objects.filter(open_to_introductions=False).values_list("user_id", flat=True)
    )
    topic_rows = list(Profile.topics.through.objects.values_list("profile__user_id", "topic_id"))
    topic_ids = sorted({t for _, t in topic_rows})
    names = dict(Topic.objects.values_list("id", "name"))
    topics_of: dict[int, set[int]] = {}
    for user_id, topic_id in topic_rows:
        topics_of.setdefault(user_id, set()).add(topic_id)
    rows = list(
        Connection.objects.values_list("id", "member_low_id", "member_high_id", "created_at")
    )
    shared = [len(topics_of.get(a, set()) & topics_of.get(b, set())) for _, a, b, _ in rows]
    strengths = connection_strengths(
        created_at=[row[3] for row in rows], shared_topics=shared, now=timezone.now()
    )
    for index, row in enumerate(rows):
        measured = tie_edge_strength(
            Tie.objects.filter(connection_id=row[0]).values_list(
                "strength", "computed_at", "resting_since"
            )
        )
        if measured is not None:
            strengths[index] = measured
    checked = list(
        Attendance.objects.filter(checked_in_at__isnull=False, hidden=False).values_list(
            "member_id", "event_id"
        )
    )
    event_ids = sorted({e for _, e in checked})
    titles = dict(Event.objects.values_list("id", "title"))
    blocks = list(Block.objects.values_list("blocker_id", "blocked_id"))
    return build_snapshot(
        member_ids=[m for m, _ in members],
        sources=[row[1] for row in rows],
        targets=[row[2] for row in rows],
        strengths=strengths,
        open_to_introductions=[m not in closed for m, _ in members],
        companies=[company or "" for _, company in members],
        topic_pairs=(
            np.array([(u, topic_ids.index(t)) for u, t in topic_rows], dtype=np.int64),
            [names[t] for t in topic_ids],
        ),
        event_pairs=(
            np.array([(m, event_ids.index(e)) for m, e in checked], dtype=np.int64),
            [titles[e] for e in event_ids],
        ),
        blocked_pairs=([a for a, _ in blocks], [b for _, b in blocks]),
    )


@pytest.fixture
def community():
    now = timezone.now()
    people = [make_member(name=f"Member {index}") for index in range(9)]
    companies = ["Acme Rail", " acme  rail", "", "Kestrel", "kestrel", "Zeta", "", "Acme Rail"]
    for person, company in zip(people, companies, strict=False):
        profile_update(user=person, company=company, topics=["Agile", "Risk"][: person.pk % 3])
    Boundaries.objects.filter(user=people[2]).update(open_to_introductions=False)
    pairs = [(0, 1, 400), (1, 2, 30), (2, 3, 2), (3, 4, 0), (0, 4, 900), (5, 6, 10), (6, 7, 1)]
    for a, b, days in pairs:
        connection_create(member=people[a], other=people[b], at=now - timedelta(days=days))
    measured = Connection.objects.get(
        member_low_id=min(people[0].pk, people[1].pk),
        member_high_id=max(people[0].pk, people[1].pk),
    )
    Tie.objects.create(
        member=people[0],
        other=people[1],
        connection=measured,
        strength=0.2,
        computed_at=now - timedelta(days=3),
    )
    Tie.objects.create(
        member=people[1], other=people[0], connection=measured, strength=0.7, computed_at=now
    )
    resting = Connection.objects.get(
        member_low_id=min(people[5].pk, people[6].pk),
        member_high_id=max(people[5].pk, people[6].pk),
    )
    Tie.objects.create(
        member=people[5],
        other=people[6],
        connection=resting,
        strength=0.9,
        computed_at=now,
        resting_since=now,
    )
    block_create(blocker=people[3], blocked=people[4])
    event = make_event(people[8], starts_in=timedelta(days=-2), title="Rail night")
    for index, hidden in ((0, False), (1, False), (2, True)):
        attend(event, people[index], checked_in=True, hidden=hidden)
    attend(event, people[3])  # going, never checked in
    User.objects.filter(pk=people[7].pk).update(is_active=False)
    return people


def test_the_bulk_build_gives_the_row_by_row_snapshot(community):
    built = graph.build_from_database(version=7)
    expected = reference_build()
    assert built.version == 7
    for name in ("member_ids", "indptr", "neighbours", "open_to_introductions", "company"):
        assert np.array_equal(getattr(built, name), getattr(expected, name)), name
    assert np.allclose(built.strengths, expected.strengths, atol=1e-5)
    assert built.company_names == expected.company_names
    assert len(built.company_names) == 3  # "Acme Rail" and " acme  rail" are one company
    for csr in ("topics", "events", "blocked"):
        assert np.array_equal(getattr(built, csr).indptr, getattr(expected, csr).indptr), csr
        assert np.array_equal(getattr(built, csr).indices, getattr(expected, csr).indices), csr
    assert built.topic_names == expected.topic_names
    assert built.event_names == ("Rail night",)
    assert np.isclose(built.strengths, 0.7).any()  # the freshest measurement
    assert 0.0 in built.strengths.tolist()  # the resting tie


def test_the_bulk_reader_refuses_a_null_rather_than_dropping_or_shifting_rows(community):
    key = ("accounts_user", "k.id")
    ids, same = bulk.columns(
        DEFAULT_DB_ALIAS, [("k.id", bulk.BIGINT), ("k.id", bulk.BIGINT)], "accounts_user k", key=key
    )
    assert np.array_equal(np.sort(ids), sorted(User.objects.values_list("pk", flat=True)))
    assert np.array_equal(ids, same)
    assert ids.dtype == np.int64
    with pytest.raises(ValueError, match="NULL"):
        bulk.columns(
            DEFAULT_DB_ALIAS,
            [("k.id", bulk.BIGINT), ("NULL", bulk.BIGINT)],
            "accounts_user k",
            key=key,
        )


def test_the_bulk_reader_reads_in_ranges_of_its_key(community, monkeypatch):
    monkeypatch.setattr(bulk, "RANGE_ROWS", 2)
    ids, low = bulk.columns(
        DEFAULT_DB_ALIAS,
        [("k.id", bulk.BIGINT), ("k.member_low_id", bulk.BIGINT)],
        "connections_connection k",
        key=("connections_connection", "k.id"),
    )
    expected = list(Connection.objects.order_by("pk").values_list("pk", "member_low_id"))
    assert sorted(zip(ids.tolist(), low.tolist(), strict=True)) == expected


def test_an_empty_database_builds_an_empty_snapshot():
    User.objects.all().delete()
    built = graph.build_from_database()
    assert built.node_count == 0
    assert built.edge_count == 0


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second connection in an exported snapshot"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_connections_read_beside_the_rest_give_the_row_by_row_snapshot(community, monkeypatch):
    beside = []
    read_beside = bulk._connections_in_snapshot

    def counted(alias, snapshot_name):
        beside.append(snapshot_name)
        return read_beside(alias, snapshot_name)

    monkeypatch.setattr(bulk, "_connections_in_snapshot", counted)
    built = graph.build_from_database()
    expected = reference_build()
    assert len(beside) == 1  # the build owned its transaction, so it read on two connections
    for name in ("member_ids", "indptr", "neighbours", "open_to_introductions", "company"):
        assert np.array_equal(getattr(built, name), getattr(expected, name)), name
    assert np.allclose(built.strengths, expected.strengths, atol=1e-5)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_second_connection_reads_the_moment_the_first_read(community, monkeypatch):
    """A connection committed after the build's transaction began is in neither read: the
    second database connection imports the first's snapshot instead of taking its own."""
    read_beside = bulk._connections_in_snapshot
    late_pair = (community[4], community[8])

    def after_a_late_connection(alias, snapshot_name):
        connection_create(member=late_pair[0], other=late_pair[1])  # committed: autocommit
        return read_beside(alias, snapshot_name)

    monkeypatch.setattr(bulk, "_connections_in_snapshot", after_a_late_connection)
    built = graph.build_from_database()
    monkeypatch.undo()

    def linked(snapshot: GraphSnapshot) -> bool:
        node_a, node_b = (int(np.searchsorted(snapshot.member_ids, m.pk)) for m in late_pair)
        row = snapshot.neighbours[snapshot.indptr[node_a] : snapshot.indptr[node_a + 1]]
        return node_b in row.tolist()

    assert not linked(built)
    rebuilt = graph.build_from_database()
    assert linked(rebuilt)  # the late connection was real, and the next build reads it
    assert rebuilt.edge_count > built.edge_count


def test_two_builds_on_the_same_day_give_the_same_default_strengths(monkeypatch):
    """Ages count UTC midnights: a connection made yesterday at 10:00 was a day old at 20:00
    today and not yet at 09:00 when its age ran from the instant it was made, so a large
    community's every rebuild differed from the last and was published."""
    today = datetime(2026, 6, 10, tzinfo=UTC)
    people = [make_member(name=f"Member {index}") for index in range(4)]
    made = [today - timedelta(hours=14), today - timedelta(hours=8), today - timedelta(days=40)]
    for (a, b), at in zip([(0, 1), (1, 2), (2, 3)], made, strict=True):
        connection_create(member=people[a], other=people[b], at=at)

    def built_at(moment: datetime) -> np.ndarray:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return graph.build_from_database().strengths.copy()

    morning = built_at(today + timedelta(hours=9))
    evening = built_at(today + timedelta(hours=20))
    tomorrow = built_at(today + timedelta(days=1, minutes=1))
    assert np.array_equal(morning, evening)
    assert (tomorrow > morning).all()  # every age ticked at the same midnight
    expected = connection_strengths(
        created_at=made, shared_topics=[0, 0, 0], now=today + timedelta(hours=20)
    )
    assert sorted(set(evening.tolist())) == sorted(set(expected.tolist()))  # one rule, two paths


@pytest.mark.parametrize("name", ["00000003-0000001B-1'; DROP TABLE x; --", "", "current"])
def test_only_a_snapshot_name_is_written_into_set_transaction_snapshot(name):
    """`SET TRANSACTION SNAPSHOT` takes no bound parameter (with server-side binding the
    driver would send `$1`), so the name is written into the statement: anything but what
    `pg_export_snapshot` returns is refused before any statement is sent."""
    with pytest.raises(ValueError, match="not a snapshot name"):
        bulk._connections_in_snapshot(DEFAULT_DB_ALIAS, name)
