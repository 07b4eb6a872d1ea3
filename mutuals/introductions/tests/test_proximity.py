"""Degree of separation and mutual counts from the graph snapshot, against a plain
breadth-first search over the connections written."""

from __future__ import annotations

from collections import deque

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.introductions.selectors import proximity_for

pytestmark = pytest.mark.django_db


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
