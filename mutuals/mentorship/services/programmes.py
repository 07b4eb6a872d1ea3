"""Programmes: an organizer's cohort of mentors and mentees, each ranking the other side;
a stable assignment is computed, and publication starts every mentorship of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.mentorship.access import access_programme_by_id
from mutuals.mentorship.matching import stable_assignment
from mutuals.mentorship.models import (
    MAX_CAPACITY,
    MAX_WEEKS,
    MIN_WEEKS,
    OPEN_STATES,
    Assignment,
    Cadence,
    Format,
    Mentorship,
    MentorshipState,
    Participant,
    Programme,
    ProgrammeRole,
    ProgrammeState,
)
from mutuals.mentorship.services._common import _event, _hidden, _notify, _url
from mutuals.mentorship.services.mentorships import mentorship_start

# --- Programmes ----------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    organizer: User,
    name: str,
    description: str = "",
    weeks: int = 12,
    cadence: str = Cadence.BIWEEKLY,
) -> Programme:
    """Start a community-run mentoring programme the organizer runs."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Name the programme."]
    elif len(name) > 120:
        errors["name"] = ["Keep the name to 120 characters."]
    if len(description) > 2000:
        errors["description"] = ["Keep the description to 2000 characters."]
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        errors["weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    if cadence not in Cadence.values:
        errors["cadence"] = [f"Choose a cadence: {', '.join(Cadence.values)}."]
    if errors:
        raise Refused.for_fields(errors)
    return Programme.objects.create(
        organizer=organizer,
        name=name,
        description=description.strip(),
        weeks=weeks,
        cadence=cadence,
        created_at=timezone.now(),
    )


def _organized(organizer: User, programme_id: int) -> Programme:
    programme = access_programme_by_id(organizer, programme_id)
    if programme.organizer_id != organizer.pk:
        raise NotAllowed("Only the organizer can do that.", code="only_organizer")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.state == ProgrammeState.PUBLISHED:
        raise Conflict(
            "The programme is published; its cohort is settled.", code="programme_published"
        )
    return programme


@transaction.atomic
def programme_add(
    *, organizer: User, programme_id: int, member_id: int, role: str, capacity: int = 1
) -> Participant:
    """The organizer adds a member to the cohort as a mentor (with how many mentees they
    take, 1–10) or a mentee. A member is in a programme once (`already_in_programme`)."""
    programme = _organized(organizer, programme_id)
    errors: dict[str, list[str]] = {}
    if role not in ProgrammeRole.values:
        errors["role"] = ["Choose mentor or mentee."]
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"Between 1 and {MAX_CAPACITY}."]
    if errors:
        raise Refused.for_fields(errors)
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None or _hidden(organizer, member_id):
        raise NotFound("That member was not found.")
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                programme=programme,
                member=member,
                role=role,
                capacity=capacity if role == ProgrammeRole.MENTOR else 1,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"{member.name} is already in this programme.", code="already_in_programme"
        ) from exc
    _notify(
        member,
        f"programme:{programme.pk}:joined:{member.pk}",
        "programme_joined",
        f"You are a {role} in {programme.name}",
        f"{organizer.name} added you. Rank the "
        f"{'mentees' if role == ProgrammeRole.MENTOR else 'mentors'} you would like to work with.",
        reverse("programme_detail", args=[programme.pk]),
    )
    return participant


@transaction.atomic
def programme_rank(*, member: User, programme_id: int, ranking: Sequence[int]) -> Participant:
    """A participant ranks members of the other side, best first. Only people you rank can be
    assigned to you; each once (`invalid_fields` naming the problem)."""
    programme = access_programme_by_id(member, programme_id)
    participant = Participant.objects.filter(programme=programme, member=member).first()
    if participant is None:
        raise NotAllowed("Only participants rank.", code="not_a_participant")
    if programme.state == ProgrammeState.PUBLISHED:
        raise Conflict(
            "The programme is published; its cohort is settled.", code="programme_published"
        )
    other_role = (
        ProgrammeRole.MENTEE if participant.role == ProgrammeRole.MENTOR else ProgrammeRole.MENTOR
    )
    others = set(
        Participant.objects.filter(programme=programme, role=other_role).values_list(
            "member_id", flat=True
        )
    )
    ranking = list(ranking)
    if len(set(ranking)) != len(ranking):
        raise Refused.for_fields({"ranking": ["Rank each person once."]})
    strangers = [pk for pk in ranking if pk not in others]
    if strangers:
        raise Refused.for_fields(
            {"ranking": [f"Rank only {other_role}s of this programme (not {strangers})."]}
        )
    participant.ranking = ranking
    participant.ranked_at = timezone.now()
    participant.save(update_fields=["ranking", "ranked_at"])
    return participant


@transaction.atomic
def programme_compute(*, organizer: User, programme_id: int) -> list[Assignment]:
    """Compute the proposed assignment: mentee-proposing deferred acceptance over both sides'
    rankings and the mentors' capacities (stable, mentee-optimal). Replaces any earlier
    proposal; nothing is created for members until the organizer publishes."""
    programme = _organized(organizer, programme_id)
    participants = list(Participant.objects.filter(programme=programme))
    mentees = {p.member_id: p.ranking for p in participants if p.role == ProgrammeRole.MENTEE}
    mentors = {p.member_id: p.ranking for p in participants if p.role == ProgrammeRole.MENTOR}
    capacities = {p.member_id: p.capacity for p in participants if p.role == ProgrammeRole.MENTOR}
    if not mentees or not mentors:
        raise Conflict(
            "A programme needs at least one mentor and one mentee.", code="cohort_incomplete"
        )
    assignment = stable_assignment(mentees, mentors, capacities)
    Assignment.objects.filter(programme=programme).delete()
    rows = Assignment.objects.bulk_create(
        Assignment(programme=programme, mentor_id=mentor, mentee_id=mentee)
        for mentee, mentor in sorted(assignment.items())
    )
    programme.computed_at = timezone.now()
    programme.save(update_fields=["computed_at"])
    return rows


@dataclass(frozen=True)
class Publication:
    started: list[Mentorship]
    skipped: list[tuple[int, int]]  # (mentor, mentee) pairs already mentoring, or blocked


@transaction.atomic
def programme_publish(*, organizer: User, programme_id: int) -> Publication:
    """Publish the computed assignment: each pair starts an `active` mentorship at once (both
    ranked each other, so both have agreed), with the programme's duration and cadence, the
    pair's connection and the check-ins. Refused before a computation
    (`assignment_missing`) and when someone ranked after it (`assignment_stale`). Pairs
    already in an open mentorship, or blocked, are skipped and reported."""
    programme = _organized(organizer, programme_id)
    if programme.computed_at is None:
        raise Conflict("Compute the assignment first.", code="assignment_missing")
    ranked_since = Participant.objects.filter(
        programme=programme, ranked_at__gt=programme.computed_at
    )
    if ranked_since.exists():
        raise Conflict(
            "Someone changed their ranking since the assignment was computed; compute it again.",
            code="assignment_stale",
        )
    now = timezone.now()
    started: list[Mentorship] = []
    skipped: list[tuple[int, int]] = []
    for pair in Assignment.objects.filter(programme=programme).select_related("mentor", "mentee"):
        if (
            is_blocked_between(pair.mentor_id, pair.mentee_id)
            or Mentorship.objects.filter(
                mentor_id=pair.mentor_id, mentee_id=pair.mentee_id, state__in=OPEN_STATES
            ).exists()
        ):
            skipped.append((pair.mentor_id, pair.mentee_id))
            continue
        mentorship = Mentorship.objects.create(
            mentor=pair.mentor,
            mentee=pair.mentee,
            programme=programme,
            format=Format.CALL,
            weeks=programme.weeks,
            cadence=programme.cadence,
            created_at=now,
        )
        _event(mentorship, organizer, "", MentorshipState.REQUESTED, now)
        mentorship = mentorship_start(
            mentorship=mentorship, actor=organizer, expected=MentorshipState.REQUESTED, at=now
        )
        for party, other in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            _notify(
                party,
                f"mentorship:{mentorship.pk}:programme:{party.pk}",
                "mentorship_started",
                f"{programme.name}: you are paired with {other.name}",
                f"{programme.weeks} weeks, check-ins {Cadence(programme.cadence).label.lower()}. "
                "Agree your goals on the mentorship page.",
                _url(mentorship.pk),
            )
        started.append(mentorship)
    Programme.objects.filter(pk=programme.pk).update(
        state=ProgrammeState.PUBLISHED, published_at=now
    )
    return Publication(started=started, skipped=skipped)
