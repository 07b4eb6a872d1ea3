"""Simultaneous RSVPs end as the rules say: members racing for the last place get exactly one
place between them (the others are waitlisted), and a cancellation racing an RSVP never
gives more places than the capacity.

Real threads with their own database connections, on PostgreSQL (SQLite serializes every
writer, so the race cannot be staged there).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from mutuals.accounts.tests.factories import make_member
from mutuals.core.tests.concurrency import race_results
from mutuals.events.models import Attendance
from mutuals.events.services import rsvp
from mutuals.events.tests.factories import make_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def race(*actions: Callable[[], object]) -> list[str]:
    """Sorted outcomes: each attendance's status, or the refusal's code."""
    return sorted(
        o if isinstance(o, str) else str(getattr(o, "status", "ok")) for o in race_results(*actions)
    )


@pytest.mark.parametrize("rounds", range(3))
def test_four_members_racing_for_the_last_place_get_one(rounds):
    event = make_event(capacity=2)  # the organizer holds one place
    racers = [make_member() for _ in range(4)]
    outcomes = race(*(lambda m=m: rsvp.event_rsvp(member=m, event_id=event.pk) for m in racers))
    assert outcomes == ["going", "waitlisted", "waitlisted", "waitlisted"]
    assert Attendance.objects.filter(event=event, status="going").count() == 2


@pytest.mark.parametrize("rounds", range(3))
def test_a_cancellation_racing_new_rsvps_never_overfills(rounds):
    event = make_event(capacity=2)
    holder, waiting = make_member(), make_member()
    rsvp.event_rsvp(member=holder, event_id=event.pk)
    rsvp.event_rsvp(member=waiting, event_id=event.pk)
    newcomers = [make_member() for _ in range(2)]
    race(
        lambda: rsvp.event_rsvp_cancel(member=holder, event_id=event.pk),
        *(lambda m=m: rsvp.event_rsvp(member=m, event_id=event.pk) for m in newcomers),
    )
    assert Attendance.objects.filter(event=event, status="going").count() == 2
    # The freed place went to whoever was first in line at that moment: the waiting member,
    # since newcomers queue behind them.
    assert Attendance.objects.get(event=event, member=waiting).status == "going"
