"""Simultaneous RSVPs end as the rules say: members racing for the last place get exactly one
place between them (the others are waitlisted), and a cancellation racing an RSVP never
gives more places than the capacity.

Real threads with their own database connections, on PostgreSQL (SQLite serializes every
writer, so the race cannot be staged there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import MutualsError
from mutuals.events import services
from mutuals.events.models import Attendance
from mutuals.events.tests.factories import make_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def race(*actions: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            result = action()
            outcome = getattr(result, "status", "ok")
        except MutualsError as error:
            outcome = error.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(str(outcome))

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.parametrize("rounds", range(3))
def test_four_members_racing_for_the_last_place_get_one(rounds):
    event = make_event(capacity=2)  # the organizer holds one place
    racers = [make_member() for _ in range(4)]
    outcomes = race(*(lambda m=m: services.event_rsvp(member=m, event_id=event.pk) for m in racers))
    assert outcomes == ["going", "waitlisted", "waitlisted", "waitlisted"]
    assert Attendance.objects.filter(event=event, status="going").count() == 2


@pytest.mark.parametrize("rounds", range(3))
def test_a_cancellation_racing_new_rsvps_never_overfills(rounds):
    event = make_event(capacity=2)
    holder, waiting = make_member(), make_member()
    services.event_rsvp(member=holder, event_id=event.pk)
    services.event_rsvp(member=waiting, event_id=event.pk)
    newcomers = [make_member() for _ in range(2)]
    race(
        lambda: services.event_rsvp_cancel(member=holder, event_id=event.pk),
        *(lambda m=m: services.event_rsvp(member=m, event_id=event.pk) for m in newcomers),
    )
    assert Attendance.objects.filter(event=event, status="going").count() == 2
    # The freed place went to whoever was first in line at that moment: the waiting member,
    # since newcomers queue behind them.
    assert Attendance.objects.get(event=event, member=waiting).status == "going"
