"""Any sequence of RSVPs, cancellations and capacity changes keeps the waitlist's promises:
never more people going than the capacity allows, nobody waiting while there is room, and
places given in the order people asked (checked against a plain model of the queue)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import MutualsError
from mutuals.events.models import Attendance
from mutuals.events.services import organizing, rsvp

pytestmark = pytest.mark.django_db

PEOPLE = 5
steps = st.lists(
    st.one_of(
        st.tuples(st.just("rsvp"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("cancel"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("capacity"), st.integers(1, PEOPLE + 1)),
    ),
    max_size=14,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(initial=st.integers(1, 4), ops=steps)
def test_waitlist_matches_a_plain_queue(django_db_blocker, initial, ops):
    with django_db_blocker.unblock(), transaction.atomic():
        organizer = make_member()
        start = timezone.now() + timedelta(days=2)
        event = organizing.event_create(
            organizer=organizer,
            title="Queue",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            time_zone="UTC",
            place="Here",
            capacity=initial,
        )
        people = [make_member() for _ in range(PEOPLE)]
        capacity = initial
        going = [organizer.pk]  # the model: who holds a place, in no particular order
        waiting: list[int] = []  # the model: the queue, first in line first
        clock = timezone.now()
        for op, value in ops:
            clock += timedelta(seconds=1)
            if op == "rsvp":
                pk = people[value].pk
                rsvp.event_rsvp(member=people[value], event_id=event.pk, now=clock)
                if pk not in going and pk not in waiting:
                    (going if len(going) < capacity else waiting).append(pk)
            elif op == "cancel":
                pk = people[value].pk
                if pk not in going and pk not in waiting:
                    with pytest.raises(MutualsError) as caught:
                        rsvp.event_rsvp_cancel(member=people[value], event_id=event.pk, now=clock)
                    assert caught.value.code == "not_attending"
                    continue
                rsvp.event_rsvp_cancel(member=people[value], event_id=event.pk, now=clock)
                if pk in going:
                    going.remove(pk)
                else:
                    waiting.remove(pk)
            else:
                if value < len(going):
                    with pytest.raises(MutualsError) as caught:
                        organizing.event_update(editor=organizer, event_id=event.pk, capacity=value)
                    assert caught.value.code == "capacity_below_going"
                    continue
                organizing.event_update(editor=organizer, event_id=event.pk, capacity=value)
                capacity = value
            while waiting and len(going) < capacity:
                going.append(waiting.pop(0))
            rows = Attendance.objects.filter(event=event)
            assert set(rows.filter(status="going").values_list("member_id", flat=True)) == set(
                going
            )
            assert (
                list(
                    rows.filter(status="waitlisted")
                    .order_by("queued_at", "id")
                    .values_list("member_id", flat=True)
                )
                == waiting
            )
            assert len(going) <= capacity
        transaction.set_rollback(True)
