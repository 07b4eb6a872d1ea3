"""An active mentorship's progress: check-ins logged, goals, and the closing reflections and
testimonials."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement.models import Interaction, InteractionKind
from mutuals.engagement.services import interaction_record, mentor_checkins_reconcile
from mutuals.mentorship.access import access_mentorship_by_id
from mutuals.mentorship.models import (
    ENDED_STATES,
    MAX_GOAL_LENGTH,
    MAX_GOALS,
    MAX_REFLECTION_LENGTH,
    Goal,
    Mentorship,
    MentorshipState,
    Reflection,
)
from mutuals.mentorship.services._common import _expect, _notify, _url

MIN_REFLECTION_LENGTH = 20
CHECKIN_BACKDATE_LIMIT = timedelta(days=60)
CHECKIN_START_GRACE = timedelta(minutes=5)


# --- Check-ins -----------------------------------------------------------------------------------


def checkins_reconcile(*, mentorship: Mentorship) -> int:
    """Fulfil this mentorship's open check-ins from the pair's interactions in the ledger, by
    the pact's one rule (`engagement.services.obligation_met_by`: a logged check-in, a call or
    a meeting fulfils both parties' check-ins open at that time; a message its sender's).
    Idempotent; returns how many it fulfilled."""
    if mentorship.connection_id is None or mentorship.started_at is None:
        return 0
    return mentor_checkins_reconcile(
        connection_id=mentorship.connection_id,
        party_ids=mentorship.party_ids(),
        since=mentorship.started_at,
    )


@transaction.atomic
def checkin_log(
    *, member: User, mentorship_id: int, at: datetime | None = None, note: str = ""
) -> Interaction:
    """Log a mentorship check-in (a conversation of both) on an active mentorship; it enters
    the ledger as a `mentorship_checkin` interaction and fulfils both parties' open check-ins.
    Not in the future, nor more than 60 days back, nor before the mentorship started."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _expect(mentorship, MentorshipState.ACTIVE, "checked in on")
    now = timezone.now()
    at = at or now
    started = mentorship.started_at or now
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(at):
        errors["at"] = ["Give the time with a time zone offset."]
    elif at > now + timedelta(minutes=5):
        errors["at"] = ["That is in the future; log it once it has happened."]
    elif at < max(now - CHECKIN_BACKDATE_LIMIT, started - CHECKIN_START_GRACE):
        errors["at"] = ["Log check-ins from the start of the mentorship, at most 60 days back."]
    if len(note) > 500:
        errors["note"] = ["Keep the note to 500 characters."]
    if errors:
        raise Refused.for_fields(errors)
    # A time typed to the minute just after accepting reads as before the start: it is the
    # start.
    at = max(at, started)
    other = mentorship.mentee if member.pk == mentorship.mentor_id else mentorship.mentor
    count = Interaction.objects.filter(
        actor=member, counterpart=other, source_key__startswith=f"mentorship:{mentorship.pk}:"
    ).count()
    interaction = interaction_record(
        actor=member,
        counterpart=other,
        kind=InteractionKind.MENTORSHIP_CHECKIN,
        at=at,
        note=" ".join(note.split()),
        source_key=f"mentorship:{mentorship.pk}:checkin:{count}",
    )
    if interaction is None:  # the connection was removed meanwhile
        raise NotFound("No such mentorship.")
    checkins_reconcile(mentorship=mentorship)
    return interaction


# --- Goals ---------------------------------------------------------------------------------------


def _party(member: User, mentorship_id: int, *, active: bool = True) -> Mentorship:
    mentorship = access_mentorship_by_id(member, mentorship_id)
    if active:
        _expect(mentorship, MentorshipState.ACTIVE, "changed")
    return mentorship


@transaction.atomic
def goal_add(*, member: User, mentorship_id: int, text: str) -> Goal:
    """Either side adds a goal to an active mentorship's shared checklist (at most
    `MAX_GOALS` + 10 in all)."""
    mentorship = _party(member, mentorship_id)
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    text = " ".join(text.split())
    if not text:
        raise Refused.for_fields({"text": ["Write the goal."]})
    if len(text) > MAX_GOAL_LENGTH:
        raise Refused.for_fields({"text": [f"Keep a goal to {MAX_GOAL_LENGTH} characters."]})
    goals = Goal.objects.filter(mentorship=mentorship)
    if goals.count() >= MAX_GOALS + 10:
        raise Conflict("The checklist is full; tick or merge some goals.", code="too_many_goals")
    position = (goals.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return Goal.objects.create(mentorship=mentorship, text=text, position=position, added_by=member)


@transaction.atomic
def goal_set_done(*, member: User, mentorship_id: int, goal_id: int, done: bool) -> Goal:
    """Either side ticks (or unticks) a goal of an active mentorship."""
    mentorship = _party(member, mentorship_id)
    goal = Goal.objects.filter(pk=goal_id, mentorship=mentorship).first()
    if goal is None:
        raise NotFound("No such goal.")
    if done and goal.done_at is None:
        goal.done_at, goal.done_by = timezone.now(), member
    elif not done:
        goal.done_at, goal.done_by = None, None
    goal.save(update_fields=["done_at", "done_by"])
    return goal


# --- Reflections and testimonials ----------------------------------------------------------------


@transaction.atomic
def reflection_write(
    *, member: User, mentorship_id: int, text: str, share: bool = False
) -> Reflection:
    """Write (or rewrite) one's closing reflection on a mentorship that ran and ended
    (`not_ended`, 409, before). Only the mentee may share theirs as a testimonial on the
    mentor's profile (`share` from the mentor is refused)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    if mentorship.state not in ENDED_STATES or mentorship.started_at is None:
        raise Conflict(
            "A closing reflection comes once the mentorship has ended.", code="not_ended"
        )
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if len(text) < MIN_REFLECTION_LENGTH:
        errors["text"] = [f"Write at least {MIN_REFLECTION_LENGTH} characters."]
    elif len(text) > MAX_REFLECTION_LENGTH:
        errors["text"] = [f"Keep it to {MAX_REFLECTION_LENGTH} characters."]
    if share and member.pk != mentorship.mentee_id:
        errors["share"] = ["Only the mentee decides whether a reflection becomes a testimonial."]
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    reflection, created = Reflection.objects.get_or_create(
        mentorship=mentorship,
        author=member,
        defaults={"text": text, "share": share, "created_at": now, "updated_at": now},
    )
    if not created:
        reflection.text, reflection.share, reflection.updated_at = text, share, now
        reflection.save(update_fields=["text", "share", "updated_at"])
    if created:
        _notify(
            mentorship.other_id(member.pk),
            f"mentorship:{mentorship.pk}:reflection:{member.pk}",
            "mentorship_reflection",
            f"{member.name} wrote a closing reflection",
            "Read it on your mentorship page, and add yours.",
            _url(mentorship.pk),
        )
    return reflection


@transaction.atomic
def testimonial_share(*, member: User, mentorship_id: int, share: bool) -> Reflection:
    """The mentee agrees (or no longer agrees) to show their reflection as a testimonial on
    the mentor's profile (`only_mentee_shares`, 403; `no_reflection`, 409, before writing)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    if mentorship.mentee_id != member.pk:
        raise NotAllowed(
            "Only the mentee decides whether their reflection is shown.", code="only_mentee_shares"
        )
    reflection = Reflection.objects.filter(mentorship=mentorship, author=member).first()
    if reflection is None:
        raise Conflict("Write your closing reflection first.", code="no_reflection")
    reflection.share = share
    reflection.updated_at = timezone.now()
    reflection.save(update_fields=["share", "updated_at"])
    return reflection
