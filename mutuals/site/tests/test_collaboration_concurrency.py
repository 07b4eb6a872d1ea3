"""Simultaneous answers to one collaboration end as the rules say: two invitees confirming at
once both count, with one interaction per pair; a decline racing a confirmation never closes a
collaboration someone confirmed.

Real threads with their own database connections, on PostgreSQL (SQLite serializes every
writer, so the race cannot be staged there).
"""

from __future__ import annotations

import pytest
from django.db import connection

from mutuals.core.tests.concurrency import race
from mutuals.engagement import collaborations
from mutuals.engagement.models import (
    Collaboration,
    CollaborationState,
    Interaction,
    InteractionKind,
)
from mutuals.site.tests.test_collaborations import propose, team  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


@pytest.mark.parametrize("rounds", range(3))
def test_two_confirmations_at_once_both_count(team, rounds):  # noqa: F811
    collaboration = propose(team)
    outcomes = race(
        lambda: collaborations.collaboration_confirm(
            member=team["ben"], collaboration_id=collaboration.pk
        ),
        lambda: collaborations.collaboration_confirm(
            member=team["chen"], collaboration_id=collaboration.pk
        ),
    )
    assert outcomes == ["ok", "ok"]
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.ACTIVE
    pairs = [
        frozenset(pair)
        for pair in Interaction.objects.filter(kind=InteractionKind.COLLABORATION).values_list(
            "actor_id", "counterpart_id"
        )
    ]
    amara, ben, chen = team["amara"].pk, team["ben"].pk, team["chen"].pk
    assert sorted(pairs, key=sorted) == sorted(
        [frozenset({amara, ben}), frozenset({amara, chen}), frozenset({ben, chen})], key=sorted
    )


@pytest.mark.parametrize("rounds", range(3))
def test_a_decline_racing_a_confirmation_leaves_it_active(team, rounds):  # noqa: F811
    collaboration = propose(team)
    outcomes = race(
        lambda: collaborations.collaboration_decline(
            member=team["ben"], collaboration_id=collaboration.pk
        ),
        lambda: collaborations.collaboration_confirm(
            member=team["chen"], collaboration_id=collaboration.pk
        ),
    )
    assert outcomes == ["ok", "ok"]
    assert Collaboration.objects.get().state == CollaborationState.ACTIVE
