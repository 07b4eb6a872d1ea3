"""Capacity under concurrency, on PostgreSQL: two mentors' worth of acceptances at once can
never exceed an offer's capacity, because acceptance counts active mentorships under a lock
on the offer's row. SQLite serializes writers anyway, so these run on PostgreSQL only."""

from __future__ import annotations

import pytest
from django.db import connection

from mutuals.core.tests.concurrency import race_results as race
from mutuals.mentorship.models import Mentorship, MentorshipState
from mutuals.mentorship.services import mentorships
from mutuals.mentorship.tests.factories import make_mentee, make_mentor, request

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_acceptances_cannot_exceed_capacity(attempt: int) -> None:
    mentor, offer = make_mentor(capacity=1)
    first = request(make_mentee(f"Sam Okafor{attempt}"), offer)
    second = request(make_mentee(f"Priya Shah{attempt}"), offer)
    outcomes = race(
        lambda: mentorships.mentorship_accept(member=mentor, mentorship_id=first.pk),
        lambda: mentorships.mentorship_accept(member=mentor, mentorship_id=second.pk),
    )
    assert sorted(o if isinstance(o, str) else "accepted" for o in outcomes) == [
        "accepted",
        "mentor_at_capacity",
    ]
    assert Mentorship.objects.filter(offer=offer, state=MentorshipState.ACTIVE).count() == 1


def test_a_request_and_an_acceptance_at_once_leave_the_offer_within_capacity() -> None:
    mentor, offer = make_mentor(capacity=1)
    first = request(make_mentee(), offer)
    late = make_mentee("Priya Shah")
    outcomes = race(
        lambda: mentorships.mentorship_accept(member=mentor, mentorship_id=first.pk),
        lambda: request(late, offer),
    )
    assert Mentorship.objects.filter(offer=offer, state=MentorshipState.ACTIVE).count() == 1
    # The request either came first (and waits, requested) or saw the offer full.
    assert outcomes[1] == "mentor_at_capacity" or isinstance(outcomes[1], Mentorship)


def test_accept_and_withdraw_at_once_end_in_one_outcome() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    outcomes = race(
        lambda: mentorships.mentorship_accept(member=mentor, mentorship_id=mentorship.pk),
        lambda: mentorships.mentorship_withdraw(member=mentee, mentorship_id=mentorship.pk),
    )
    state = Mentorship.objects.get(pk=mentorship.pk).state
    assert state in ("active", "withdrawn")
    losers = [o for o in outcomes if isinstance(o, str)]
    assert len(losers) == 1
    assert losers[0] == "state_changed"
