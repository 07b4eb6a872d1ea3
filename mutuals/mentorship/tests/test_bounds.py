"""Query bounds on the list pages and endpoints, and the remaining refusals: a full goals
checklist, rankings after publication."""

from __future__ import annotations

from typing import Any

import pytest

from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import Conflict
from mutuals.mentorship.models import MAX_GOALS
from mutuals.mentorship.services import programmes, progress
from mutuals.mentorship.tests.factories import active, make_mentee, make_mentor, request

pytestmark = pytest.mark.django_db


def test_find_a_mentor_costs_the_same_for_many_offers(django_assert_max_num_queries: Any) -> None:
    for n in range(6):
        make_mentor(f"Mentor Number{n}")
    client = web_client_for(make_mentee())
    with django_assert_max_num_queries(10):
        page = client.get("/mentorship/find/", {"topics": "risk management"})
    assert page.content.decode().count("Mentors on Risk management") == 6


def test_the_offer_and_mentorship_lists_are_bounded(django_assert_max_num_queries: Any) -> None:
    mentor, offer = make_mentor(capacity=10)
    for n in range(5):
        make_mentor(f"Other Mentor{n}")
        request(make_mentee(f"Mentee Number{n}"), offer)
    client = web_client_for(mentor)
    with django_assert_max_num_queries(8):
        offers = client.get("/api/mentor-offers")
    assert len(offers.json()["items"]) == 5
    with django_assert_max_num_queries(8):
        mentorships = client.get("/api/mentorships?role=mentor")
    assert len(mentorships.json()["items"]) == 5


def test_the_goals_checklist_has_a_limit() -> None:
    mentor, offer = make_mentor()
    mentorship = active(make_mentee(), offer, goals=[f"Goal {n}" for n in range(MAX_GOALS)])
    for n in range(10):
        progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text=f"Extra {n}")
    with pytest.raises(Conflict) as error:
        progress.goal_add(member=mentor, mentorship_id=mentorship.pk, text="One too many")
    assert error.value.code == "too_many_goals"


def test_rankings_are_settled_once_published() -> None:
    organizer, mentor, mentee = make_member(), make_member(), make_member()
    programme = programmes.programme_create(organizer=organizer, name="Cohort")
    programmes.programme_add(
        organizer=organizer, programme_id=programme.pk, member_id=mentor.pk, role="mentor"
    )
    programmes.programme_add(
        organizer=organizer, programme_id=programme.pk, member_id=mentee.pk, role="mentee"
    )
    programmes.programme_rank(member=mentee, programme_id=programme.pk, ranking=[mentor.pk])
    programmes.programme_rank(member=mentor, programme_id=programme.pk, ranking=[mentee.pk])
    programmes.programme_compute(organizer=organizer, programme_id=programme.pk)
    programmes.programme_publish(organizer=organizer, programme_id=programme.pk)
    with pytest.raises(Conflict) as error:
        programmes.programme_rank(member=mentee, programme_id=programme.pk, ranking=[])
    assert error.value.code == "programme_published"
    with pytest.raises(Conflict):
        programmes.programme_add(
            organizer=organizer,
            programme_id=programme.pk,
            member_id=make_member().pk,
            role="mentee",
        )
