"""Connections and blocks: database invariants, service refusals, degree of separation."""

from __future__ import annotations

from collections import deque

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Block, Connection
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import block_create, block_remove, connection_create
from mutuals.core.errors import Conflict, NotFound, Refused
from mutuals.introductions.selectors import proximity_for

pytestmark = pytest.mark.django_db


class TestDatabaseInvariants:
    def test_one_row_per_pair(self, member, other):
        connection_create(member=member, other=other)
        low, high = sorted((member.pk, other.pk))
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=low, member_high_id=high, created_at=member.date_joined
            )

    def test_pair_must_be_ordered_which_also_forbids_self(self, member, other):
        low, high = sorted((member.pk, other.pk))
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=high, member_high_id=low, created_at=member.date_joined
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=low, member_high_id=low, created_at=member.date_joined
            )

    def test_no_self_block(self, member):
        with pytest.raises(IntegrityError), transaction.atomic():
            Block.objects.create(blocker=member, blocked=member)


class TestConnectionCreate:
    def test_connects_either_order_once(self, member, other):
        connection_create(member=other, other=member)
        assert are_connected(member.pk, other.pk)
        with pytest.raises(Conflict) as caught:
            connection_create(member=member, other=other)
        assert caught.value.code == "already_connected"
        assert Connection.objects.count() == 1

    def test_refuses_self(self, member):
        with pytest.raises(Refused):
            connection_create(member=member, other=member)

    def test_blocked_pair_answers_not_found(self, member, other):
        block_create(blocker=other, blocked=member)
        with pytest.raises(NotFound):
            connection_create(member=member, other=other)
        assert Connection.objects.count() == 0


class TestBlocks:
    def test_block_removes_the_connection_and_is_idempotent(self, member, other):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        block_create(blocker=member, blocked=other)
        assert not are_connected(member.pk, other.pk)
        assert Block.objects.count() == 1

    def test_unblock_does_not_restore_the_connection(self, member, other):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        block_remove(blocker=member, blocked=other)
        assert Block.objects.count() == 0
        assert not are_connected(member.pk, other.pk)

    def test_cannot_block_self(self, member):
        with pytest.raises(Refused):
            block_create(blocker=member, blocked=member)


def _bfs_degrees(edges: set[tuple[int, int]], start: int) -> dict[int, int]:
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in neighbours.get(node, ()):
            if nxt not in distance:
                distance[nxt] = distance[node] + 1
                queue.append(nxt)
    return distance


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sets(
        st.tuples(st.integers(0, 9), st.integers(0, 9)).filter(lambda e: e[0] < e[1]), max_size=20
    )
)
def test_proximity_matches_breadth_first_search(django_db_blocker, edges):
    """Degree (1, 2, 3 for 3rd+ within three hops, else None) and mutual counts, as the
    profile and list badges read them from the graph snapshot, agree with a plain BFS and set
    intersection over the connections written on random graphs of ten members."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = [make_member() for _ in range(10)]
        for a, b in edges:
            connection_create(member=people[a], other=people[b])
        viewer = people[0]
        distances = _bfs_degrees(edges, 0)
        index = proximity_for(viewer.pk, (p.pk for p in people))
        neighbours = {n: {b if a == n else a for a, b in edges if n in (a, b)} for n in range(10)}
        for n, person in enumerate(people):
            expected = distances.get(n)
            expected_degree = expected if expected in (1, 2, 3) else None
            assert index[person.pk].degree == expected_degree, (n, edges)
            shared = 0 if n == 0 else len(neighbours[n] & neighbours[0])  # none with oneself
            assert index[person.pk].mutual_count == shared
        transaction.set_rollback(True)


class TestConnectionOpen:
    """`connection_open`: connect and open what a new connection starts with; engagement
    registers its pact from `EngagementConfig.ready()` (connections may not import it)."""

    def test_engagement_registered_its_pact(self):
        from mutuals.connections import services
        from mutuals.engagement.services import pact_open

        assert services._openers == [pact_open]

    def test_connecting_opens_the_pact(self, member, other):
        from mutuals.connections.services import connection_open
        from mutuals.engagement.models import Obligation, Tie

        connection = connection_open(member=member, other=other, intent="advice")
        assert connection.intent == "advice"
        kinds = sorted(
            Obligation.objects.filter(connection=connection).values_list("kind", "party_id")
        )
        assert kinds == sorted(
            [("first_message", member.pk), ("first_message", other.pk), ("first_exchange", None)]
        )
        assert Tie.objects.filter(connection=connection).count() == 2

    def test_every_registered_opener_runs_once_per_connection(self, member, other, monkeypatch):
        from mutuals.connections import services

        opened = []

        def opener(*, connection, at=None):
            opened.append((connection.pk, at))

        monkeypatch.setattr(services, "_openers", list(services._openers))
        services.connection_opener_register(opener)
        services.connection_opener_register(opener)  # registering twice is harmless
        connection = services.connection_open(member=member, other=other)
        assert opened == [(connection.pk, connection.created_at)]

    def test_a_refused_connection_opens_nothing(self, member, other):
        from mutuals.connections.services import block_create, connection_open
        from mutuals.engagement.models import Obligation

        block_create(blocker=other, blocked=member)
        with pytest.raises(NotFound):
            connection_open(member=member, other=other)
        assert not Obligation.objects.exists()
