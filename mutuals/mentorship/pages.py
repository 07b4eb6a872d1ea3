"""What the mentorship pages show, assembled from models and selectors: the hub, one
mentorship (goals, check-ins, history, the forms of its actions) and one programme. The
views parse, call a service and render one of these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from mutuals.accounts.models import User
from mutuals.mentorship import selectors
from mutuals.mentorship.forms import (
    AcceptForm,
    CheckinForm,
    DeclineForm,
    EndForm,
    GoalForm,
    ParticipantForm,
    ReflectionForm,
)
from mutuals.mentorship.models import (
    ENDED_STATES,
    Cadence,
    MentorOffer,
    Mentorship,
    MentorshipState,
    Participant,
    Programme,
    ProgrammeRole,
    ProgrammeState,
    Reflection,
)

EVENT_LABELS = {
    ("", "requested"): "asked for the mentorship",
    ("requested", "active"): "accepted; the mentorship started",
    ("requested", "declined"): "declined the request",
    ("requested", "withdrawn"): "withdrew the request",
    ("active", "completed"): "completed the mentorship",
    ("active", "cancelled"): "ended the mentorship early",
}


# --- The hub, the offer and the request ----------------------------------------------------------


def home_context(viewer: User) -> dict[str, Any]:
    rows = list(selectors.mentorships_for(viewer)[:200])
    requested = [m for m in rows if m.state == MentorshipState.REQUESTED]
    return {
        "viewer": viewer,
        "offer": selectors.offers_with_counts().filter(mentor=viewer).first(),
        "to_answer": [m for m in requested if m.mentor_id == viewer.pk],
        "waiting": [m for m in requested if m.mentee_id == viewer.pk],
        "active": [m for m in rows if m.state == MentorshipState.ACTIVE],
        "past": [m for m in rows if m.state not in (MentorshipState.REQUESTED, "active")],
        "programmes": Programme.objects.filter(Q(organizer=viewer) | Q(participants__member=viewer))
        .distinct()
        .order_by("-created_at")[:20],
    }


def offer_initial(offer: MentorOffer) -> dict[str, Any]:
    return {
        "title": offer.title,
        "description": offer.description,
        "topics": ", ".join(t.name for t in offer.topics.all()),
        "formats": list(offer.formats),
        "capacity": offer.capacity,
        "min_weeks": offer.min_weeks,
        "max_weeks": offer.max_weeks,
        "availability": offer.availability,
        "available_from": offer.available_from,
    }


def need_from_profile(member: User) -> dict[str, str]:
    """A first search for a mentor: the member's own topics and what they are looking for."""
    profile = member.profile
    return {
        "topics": ", ".join(topic.name for topic in profile.topics.all()),
        "goals": "\n".join(str(item) for item in profile.looking_for),
        "format": "",
        "weeks": "",
    }


def request_initial(offer: MentorOffer, query: QueryDict) -> dict[str, Any]:
    """The request form as "find a mentor" leaves it (`?goals=&topics=&format=&weeks=`),
    within what the offer allows."""
    weeks = query.get("weeks", "")
    return {
        "goals": query.get("goals", ""),
        "topics": query.get("topics", ""),
        "format": query.get("format") or (offer.formats[0] if offer.formats else ""),
        "weeks": int(weeks)
        if weeks.isdigit() and offer.min_weeks <= int(weeks) <= offer.max_weeks
        else offer.min_weeks,
        "cadence": Cadence.BIWEEKLY,
    }


def request_context(offer: MentorOffer) -> dict[str, Any]:
    return {
        "offer": offer,
        "mentor": offer.mentor,
        "minimum": offer.mentor.boundaries.min_personalization,
    }


# --- One mentorship ------------------------------------------------------------------------------


def checkin_rows(mentorship: Mentorship, viewer: User) -> list[dict[str, Any]]:
    now = timezone.now()
    other = mentorship.mentee if viewer.pk == mentorship.mentor_id else mentorship.mentor
    return [
        {
            "who": "You" if o.party_id == viewer.pk else other.get_short_name(),
            "due_at": o.due_at,
            "fulfilled_at": o.fulfilled_at,
            "status": o.status(now),
        }
        for o in selectors.checkins_for(mentorship)
    ]


def detail_context(viewer: User, mentorship: Mentorship, **forms_: Any) -> dict[str, Any]:
    """The mentorship page; `forms_` are the action forms to show again with their errors."""
    is_mentor = viewer.pk == mentorship.mentor_id
    other = mentorship.mentee if is_mentor else mentorship.mentor
    reflections = {r.author_id: r for r in mentorship.reflections.all()}
    mine: Reflection | None = reflections.get(viewer.pk)
    checkins = checkin_rows(mentorship, viewer)
    goals = list(mentorship.goals.all())
    return {
        "m": mentorship,
        "viewer": viewer,
        "is_mentor": is_mentor,
        "other": other,
        "goals": goals,
        "goals_done": sum(1 for g in goals if g.done_at),
        "goals_editable": mentorship.state == MentorshipState.ACTIVE,
        "find_query": _find_query(mentorship, goals),
        "checkins": checkins,
        "checkins_met": sum(1 for c in checkins if c["status"] in ("met", "late")),
        "next_checkin": next((c for c in checkins if c["status"] == "open"), None),
        "my_reflection": mine,
        "their_reflection": reflections.get(other.pk),
        "can_reflect": mentorship.state in ENDED_STATES and mentorship.started_at is not None,
        "events": _history(viewer, mentorship),
        **_action_forms(mentorship, mine, forms_),
    }


def _find_query(mentorship: Mentorship, goals: list[Any]) -> str:
    """For a declined or withdrawn request: look for someone else with the same need."""
    return urlencode(
        {
            "topics": ", ".join(t.name for t in mentorship.topics.all()),
            "goals": "\n".join(g.text for g in goals),
            "format": str(mentorship.format),
            "weeks": str(mentorship.weeks),
        }
    )


def _history(viewer: User, mentorship: Mentorship) -> list[tuple[datetime, str, str]]:
    return [
        (
            e.at,
            "You"
            if e.actor_id == viewer.pk
            else e.actor.get_short_name()
            if e.actor
            else "mutuals",
            EVENT_LABELS.get((e.from_state, e.to_state), e.to_state),
        )
        for e in mentorship.events.select_related("actor")
    ]


def _action_forms(
    mentorship: Mentorship, mine: Reflection | None, shown: dict[str, Any]
) -> dict[str, Any]:
    """Each action's form: the one sent back with its errors, else a fresh one."""
    fresh: dict[str, Callable[[], forms.Form]] = {
        "accept_form": lambda: AcceptForm(initial={"cadence": mentorship.cadence}),
        "decline_form": DeclineForm,
        "end_form": EndForm,
        "checkin_form": lambda: CheckinForm(
            initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        ),
        "goal_form": GoalForm,
        "reflection_form": lambda: ReflectionForm(
            initial={"text": mine.text, "share": mine.share} if mine else None
        ),
    }
    return {name: shown.get(name) or make() for name, make in fresh.items()}


# --- Programmes ----------------------------------------------------------------------------------


def programme_context(
    viewer: User, programme: Programme, participant_form: ParticipantForm | None = None
) -> dict[str, Any]:
    participants = list(
        Participant.objects.filter(programme=programme).select_related("member", "member__profile")
    )
    mine = next((p for p in participants if p.member_id == viewer.pk), None)
    is_organizer = programme.organizer_id == viewer.pk
    return {
        "programme": programme,
        "is_organizer": is_organizer,
        "mentors": [p for p in participants if p.role == ProgrammeRole.MENTOR],
        "mentees": [p for p in participants if p.role == ProgrammeRole.MENTEE],
        "mine": mine,
        "others": _to_rank(participants, mine),
        "ranked": set(mine.ranking) if mine else set(),
        **(_assignment(programme, participants) if is_organizer else _no_assignment(participants)),
        "stale": programme.computed_at is not None
        and any(p.ranked_at and p.ranked_at > programme.computed_at for p in participants),
        "published": programme.state == ProgrammeState.PUBLISHED,
        "mentorships": list(
            programme.mentorships.select_related("mentor", "mentee").filter(
                Q() if is_organizer else Q(mentor=viewer) | Q(mentee=viewer)
            )
        ),
        "participant_form": participant_form or ParticipantForm(),
    }


def _to_rank(participants: list[Participant], mine: Participant | None) -> list[Participant]:
    """Those of the other role, in the viewer's ranking order, then by name."""
    if mine is None:
        return []
    other_role = ProgrammeRole.MENTEE if mine.role == ProgrammeRole.MENTOR else ProgrammeRole.MENTOR
    order = {pk: i for i, pk in enumerate(mine.ranking)}
    others = [p for p in participants if p.role == other_role]
    return sorted(others, key=lambda p: (order.get(p.member_id, len(order)), p.member.name))


def _assignment(programme: Programme, participants: list[Participant]) -> dict[str, Any]:
    """The organizer's view of the computed pairs, and the mentees left without one."""
    names = {p.member_id: p.member for p in participants}
    pairs = list(programme.assignments.all())
    assigned = {a.mentee_id for a in pairs}
    return {
        "assignment": [(names.get(a.mentor_id), names.get(a.mentee_id)) for a in pairs],
        "unassigned": [
            p.member
            for p in participants
            if p.role == ProgrammeRole.MENTEE and p.member_id not in assigned
        ],
    }


def _no_assignment(participants: list[Participant]) -> dict[str, Any]:
    """Participants do not see the computed pairs (every mentee reads as unassigned)."""
    return {
        "assignment": [],
        "unassigned": [p.member for p in participants if p.role == ProgrammeRole.MENTEE],
    }
