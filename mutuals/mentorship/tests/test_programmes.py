"""Programmes: the organizer's cohort, each side's ranking, the computed stable assignment
and its publication as active mentorships."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.mentorship.matching import blocking_pairs
from mutuals.mentorship.models import Assignment, Mentorship, Participant
from mutuals.mentorship.selectors import checkins_for
from mutuals.mentorship.services import programmes

pytestmark = pytest.mark.django_db


def cohort() -> tuple[User, int, list[User], list[User]]:
    organizer = make_member(name="Aiko Tanaka")
    programme = programmes.programme_create(organizer=organizer, name="Spring cohort", weeks=8)
    mentors = [make_member(name=f"Mentor {n}") for n in range(2)]
    mentees = [make_member(name=f"Mentee {n}") for n in range(3)]
    for mentor, capacity in zip(mentors, (2, 1), strict=True):
        programmes.programme_add(
            organizer=organizer,
            programme_id=programme.pk,
            member_id=mentor.pk,
            role="mentor",
            capacity=capacity,
        )
    for mentee in mentees:
        programmes.programme_add(
            organizer=organizer, programme_id=programme.pk, member_id=mentee.pk, role="mentee"
        )
    return organizer, programme.pk, mentors, mentees


def rank_all(programme_id: int, mentors: list[User], mentees: list[User]) -> None:
    m0, m1 = mentors
    e0, e1, e2 = mentees
    # Everyone wants Mentor 0 most; Mentor 0 prefers e2, then e0.
    for mentee in mentees:
        programmes.programme_rank(member=mentee, programme_id=programme_id, ranking=[m0.pk, m1.pk])
    programmes.programme_rank(member=m0, programme_id=programme_id, ranking=[e2.pk, e0.pk, e1.pk])
    programmes.programme_rank(member=m1, programme_id=programme_id, ranking=[e1.pk, e0.pk, e2.pk])


def test_the_computed_assignment_is_stable_and_publishing_starts_mentorships() -> None:
    organizer, programme_id, mentors, mentees = cohort()
    rank_all(programme_id, mentors, mentees)
    pairs = programmes.programme_compute(organizer=organizer, programme_id=programme_id)
    assignment = {a.mentee_id: a.mentor_id for a in pairs}
    m0, m1 = mentors
    e0, e1, e2 = mentees
    assert assignment == {e2.pk: m0.pk, e0.pk: m0.pk, e1.pk: m1.pk}
    rankings = {p.member_id: p.ranking for p in Participant.objects.all()}
    assert (
        blocking_pairs(
            assignment,
            {e.pk: rankings[e.pk] for e in mentees},
            {m.pk: rankings[m.pk] for m in mentors},
            {m0.pk: 2, m1.pk: 1},
        )
        == []
    )
    publication = programmes.programme_publish(organizer=organizer, programme_id=programme_id)
    assert len(publication.started) == 3
    for mentorship in Mentorship.objects.filter(programme_id=programme_id):
        assert mentorship.state == "active"
        assert mentorship.weeks == 8
        assert len(checkins_for(mentorship)) == 8  # every two weeks for 8 weeks, both sides
    with pytest.raises(Conflict) as error:
        programmes.programme_compute(organizer=organizer, programme_id=programme_id)
    assert error.value.code == "programme_published"


def test_publish_needs_a_fresh_computation() -> None:
    organizer, programme_id, mentors, mentees = cohort()
    with pytest.raises(Conflict) as error:
        programmes.programme_publish(organizer=organizer, programme_id=programme_id)
    assert error.value.code == "assignment_missing"
    rank_all(programme_id, mentors, mentees)
    programmes.programme_compute(organizer=organizer, programme_id=programme_id)
    later = timezone.now() + timedelta(seconds=1)
    Participant.objects.filter(member=mentees[0]).update(ranked_at=later)
    with pytest.raises(Conflict) as error:
        programmes.programme_publish(organizer=organizer, programme_id=programme_id)
    assert error.value.code == "assignment_stale"


def test_pairs_already_mentoring_or_blocked_are_skipped_at_publication() -> None:
    organizer, programme_id, mentors, mentees = cohort()
    rank_all(programme_id, mentors, mentees)
    programmes.programme_compute(organizer=organizer, programme_id=programme_id)
    block_create(blocker=mentees[1], blocked=mentors[1])
    publication = programmes.programme_publish(organizer=organizer, programme_id=programme_id)
    assert publication.skipped == [(mentors[1].pk, mentees[1].pk)]
    assert len(publication.started) == 2


def test_only_the_organizer_shapes_the_cohort() -> None:
    organizer, programme_id, mentors, mentees = cohort()
    with pytest.raises(NotAllowed) as error:
        programmes.programme_compute(organizer=mentors[0], programme_id=programme_id)
    assert error.value.code == "only_organizer"
    with pytest.raises(NotFound):
        programmes.programme_add(
            organizer=make_member(), programme_id=programme_id, member_id=mentees[0].pk, role="x"
        )
    with pytest.raises(Conflict) as conflict:
        programmes.programme_add(
            organizer=organizer, programme_id=programme_id, member_id=mentees[0].pk, role="mentor"
        )
    assert conflict.value.code == "already_in_programme"
    with pytest.raises(Refused):
        programmes.programme_add(
            organizer=organizer,
            programme_id=programme_id,
            member_id=make_member().pk,
            role="sponsor",
        )


def test_rankings_name_only_the_other_side_once() -> None:
    organizer, programme_id, mentors, mentees = cohort()
    with pytest.raises(Refused):
        programmes.programme_rank(
            member=mentees[0], programme_id=programme_id, ranking=[mentees[1].pk]
        )
    with pytest.raises(Refused):
        programmes.programme_rank(
            member=mentees[0], programme_id=programme_id, ranking=[mentors[0].pk] * 2
        )
    with pytest.raises(NotAllowed) as error:
        programmes.programme_rank(member=organizer, programme_id=programme_id, ranking=[])
    assert error.value.code == "not_a_participant"


def test_an_incomplete_cohort_cannot_be_computed() -> None:
    organizer = make_member()
    programme = programmes.programme_create(organizer=organizer, name="Tiny")
    with pytest.raises(Conflict) as error:
        programmes.programme_compute(organizer=organizer, programme_id=programme.pk)
    assert error.value.code == "cohort_incomplete"
    assert not Assignment.objects.exists()


def test_a_programme_needs_a_name_and_a_duration_in_range() -> None:
    with pytest.raises(Refused) as error:
        programmes.programme_create(organizer=make_member(), name=" ", weeks=30, cadence="daily")
    assert set(error.value.detail["fields"]) == {"name", "weeks", "cadence"}
