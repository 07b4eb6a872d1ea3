"""Recomputing ties locks the member's own tie rows only, one order everywhere (issue 21: CI's
cluster run saw five tasks FAILED, "deadlock detected", while two workers recomputed the ties
of two connected members at once).

`ties_recompute` read its ties with `select_for_update()` and `select_related(...)`, which on
PostgreSQL locks every joined row: the connections and the member rows of both ends of each
tie. Two recomputes of connected members, each holding its own member row and waiting for the
other's, deadlock; so do a request meeting a check-in (it recomputes both members' ties in its
transaction) and a worker recomputing one of them. Now each locks only the member's own tie
rows, ordered, and a transaction that locks two members' ties locks the lower member's first.

Real threads with their own database connections, on PostgreSQL (SQLite has no row locks: it
serializes every writer).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Connection
from mutuals.connections.services import connection_create
from mutuals.core.tests.concurrency import race_results
from mutuals.engagement.models import ObligationKind
from mutuals.engagement.services import interaction_record, pact_open
from mutuals.engagement.ties import ties_recompute

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (PostgreSQL)"),
]


def test_a_request_meeting_a_check_in_and_workers_recomputing_both_members_do_not_deadlock():
    """A comment meets Ada and Ben's first exchange: the request recomputes both members' ties
    in its transaction (the next check-in's cadence reads their tiers), while two workers
    recompute Ada's and Ben's ties, again and again. Every one of them goes through."""
    ada, ben, cleo, dan = (make_member() for _ in range(4))
    for a, b in ((ada, ben), (ada, cleo), (ben, cleo), (ada, dan), (ben, dan)):
        pact_open(connection=connection_create(member=a, other=b))
    pair = Connection.objects.get(
        member_low_id=min(ada.pk, ben.pk), member_high_id=max(ada.pk, ben.pk)
    )
    rounds = 10

    def request() -> None:
        for n in range(rounds):
            actor, counterpart = (ada, ben) if n % 2 else (ben, ada)
            interaction_record(
                actor=actor,
                counterpart=counterpart,
                kind="message",
                at=timezone.now(),
                source_key=f"round:{n}",
            )

    def worker(member: User) -> Callable[[], None]:
        def run() -> None:
            for _ in range(rounds):
                ties_recompute(member_id=member.pk)

        return run

    outcomes = race_results(request, worker(ada), worker(ben), worker(cleo), any_error=True)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == []
    assert pair.obligations.filter(
        kind=ObligationKind.FIRST_EXCHANGE, fulfilled_at__isnull=False
    ).exists()
