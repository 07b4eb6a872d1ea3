"""Every write on mentorship: offers, requests and the lifecycle, goals, check-ins,
reflections and programmes.

The lifecycle is a set of transitions here and nowhere else: request (→ `requested`), accept
(→ `active`), decline, withdraw, end early (→ `completed` when the goals were met, otherwise
`cancelled`) and complete at the end date. Each is one conditional UPDATE on the expected
state, so two people acting at once end in exactly one outcome, and each leaves a
`MentorshipEvent`. Capacity is checked under a lock on the offer's row, at request and at
acceptance, so simultaneous acceptances can never exceed it.

Acceptance opens the relationship: when the pair is not yet connected it connects them with
the intent `mentorship` (through `connections.services.connection_create`) and opens the
pact, so the agreed check-ins can be pact obligations (`mentor_check_in`) for both, one per
cadence period until the end date. Interactions between the pair fulfil them: a logged
mentorship check-in, a call or a meeting counts for both, a message for its sender.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from mutuals import personalization
from mutuals.accounts.models import Boundaries, Intent, Topic, User
from mutuals.accounts.topics import clean_topic_name, topic_slug, topics_clean
from mutuals.connections import invitations as invitation_rules
from mutuals.connections.models import Connection, Invitation
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused, json_datetime
from mutuals.engagement.models import Interaction, InteractionKind, Obligation, ObligationKind
from mutuals.engagement.services import MENTOR_CHECK_IN_JOINT_KINDS
from mutuals.mentorship.access import (
    access_mentorship_by_id,
    access_offer_by_id,
    access_programme_by_id,
)
from mutuals.mentorship.matching import stable_assignment
from mutuals.mentorship.models import (
    CADENCE_DAYS,
    ENDED_STATES,
    MAX_CAPACITY,
    MAX_GOAL_LENGTH,
    MAX_GOALS,
    MAX_NOTE_LENGTH,
    MAX_REFLECTION_LENGTH,
    MAX_WEEKS,
    MIN_WEEKS,
    OPEN_STATES,
    Assignment,
    Cadence,
    DeclineReason,
    EndReason,
    Format,
    Goal,
    MentorOffer,
    Mentorship,
    MentorshipEvent,
    MentorshipState,
    Participant,
    Programme,
    ProgrammeRole,
    ProgrammeState,
    Reflection,
)

MAX_TOPICS = 8
MAX_TITLE_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 2000
MAX_AVAILABILITY_LENGTH = 200
MIN_REFLECTION_LENGTH = 20
# Interactions that are a conversation of both: they count as a check-in for each party.
JOINT_KINDS = MENTOR_CHECK_IN_JOINT_KINDS  # the pact decides what a check-in is
CHECKIN_BACKDATE_LIMIT = timedelta(days=60)
CHECKIN_START_GRACE = timedelta(minutes=5)
CHOSEN_END_REASONS = (
    EndReason.GOALS_MET,
    EndReason.NO_TIME,
    EndReason.NOT_A_FIT,
    EndReason.OTHER,
)


def _url(mentorship_id: int) -> str:
    return reverse("mentorship_detail", args=[mentorship_id])


def _notify(member: User | int, key: str, kind: str, title: str, body: str, url: str) -> None:
    from mutuals.engagement.services import notify

    target = member if isinstance(member, User) else User.objects.get(pk=member)
    notify(member=target, key=key, kind=kind, title=title, body=body, url=url)


def _topics(names: Sequence[str], errors: dict[str, list[str]], *, required: bool) -> list[Topic]:
    from mutuals.accounts.services import topics_resolve

    pairs = topics_clean(names, errors, limit=MAX_TOPICS)
    if "topics" in errors:
        return []
    if required and not pairs:
        errors["topics"] = ["Name at least one topic."]
        return []
    return topics_resolve(pairs) if pairs else []


# --- Offers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferInput:
    """A mentor offer as the mentor wrote it."""

    title: str
    description: str
    topics: list[str]
    formats: list[str]
    capacity: int
    min_weeks: int
    max_weeks: int
    availability: str
    available_from: date | None = None


def _validate_offer(data: OfferInput, errors: dict[str, list[str]]) -> dict[str, Any]:
    title = " ".join(data.title.split())
    description = data.description.strip()
    availability = " ".join(data.availability.split())
    if not title:
        errors["title"] = ["Say in a line what you can help with."]
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [f"Keep the title to {MAX_TITLE_LENGTH} characters."]
    if not description:
        errors["description"] = ["Describe what mentees can expect from you."]
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [f"Keep the description to {MAX_DESCRIPTION_LENGTH} characters."]
    formats = [f for f in Format.values if f in set(data.formats)]
    unknown = [f for f in data.formats if f not in Format.values]
    if unknown or not formats:
        errors["formats"] = [f"Choose at least one format: {', '.join(Format.values)}."]
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"Take between 1 and {MAX_CAPACITY} mentees at once."]
    if not MIN_WEEKS <= data.min_weeks <= MAX_WEEKS:
        errors["min_weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    if not MIN_WEEKS <= data.max_weeks <= MAX_WEEKS:
        errors["max_weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    elif data.min_weeks > data.max_weeks and "min_weeks" not in errors:
        errors["max_weeks"] = ["The longest duration cannot be shorter than the shortest."]
    if not availability:
        errors["availability"] = ["Say when you are usually available (e.g. Tuesday evenings)."]
    elif len(availability) > MAX_AVAILABILITY_LENGTH:
        errors["availability"] = [f"Keep it to {MAX_AVAILABILITY_LENGTH} characters."]
    return {
        "title": title,
        "description": description,
        "formats": formats,
        "capacity": data.capacity,
        "min_weeks": data.min_weeks,
        "max_weeks": data.max_weeks,
        "availability": availability,
        "available_from": data.available_from,
    }


def _active_count(offer: MentorOffer) -> int:
    return Mentorship.objects.filter(offer=offer, state=MentorshipState.ACTIVE).count()


@transaction.atomic
def offer_create(*, mentor: User, data: OfferInput) -> MentorOffer:
    """Publish the member's mentor offer (one per member: `offer_exists`, 409, when they
    already have one; edit it instead). Topics, at least one format, capacity 1–10 and a
    duration range within 4–24 weeks are required."""
    errors: dict[str, list[str]] = {}
    values = _validate_offer(data, errors)
    topics = _topics(data.topics, errors, required=True)
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = MentorOffer.objects.create(
                mentor=mentor, created_at=now, updated_at=now, **values
            )
    except IntegrityError as exc:
        raise Conflict(
            "You already offer mentorship; edit your offer instead.", code="offer_exists"
        ) from exc
    offer.topics.set(topics)
    return offer


def _own_offer(mentor: User, offer_id: int) -> MentorOffer:
    offer = MentorOffer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or (offer.mentor_id != mentor.pk and _hidden(mentor, offer.mentor_id)):
        raise NotFound("No such mentor offer.")
    if offer.mentor_id != mentor.pk:
        raise NotAllowed("Only the mentor can change their offer.", code="not_your_offer")
    return offer


def _hidden(viewer: User, member_id: int) -> bool:
    return (
        is_blocked_between(viewer.pk, member_id)
        or not User.objects.filter(pk=member_id, is_active=True).exists()
    )


@transaction.atomic
def offer_update(*, mentor: User, offer_id: int, data: OfferInput) -> MentorOffer:
    """Edit the mentor's own offer. Capacity may not go below the mentees they already have
    (`capacity_below_active`); requests already sent keep the terms they asked for."""
    offer = _own_offer(mentor, offer_id)
    errors: dict[str, list[str]] = {}
    values = _validate_offer(data, errors)
    topics = _topics(data.topics, errors, required=True)
    active = _active_count(offer)
    if "capacity" not in errors and data.capacity < active:
        errors["capacity"] = [
            f"You have {active} active mentee{'s' if active != 1 else ''}; capacity cannot be "
            "lower than that."
        ]
    if errors:
        refusal = Refused.for_fields(errors)
        if list(errors) == ["capacity"] and data.capacity < active:
            refusal.code = "capacity_below_active"
        raise refusal
    for name, value in values.items():
        setattr(offer, name, value)
    offer.updated_at = timezone.now()
    offer.save()
    offer.topics.set(topics)
    return offer


@transaction.atomic
def offer_pause(*, mentor: User, offer_id: int, paused: bool = True) -> MentorOffer:
    """Pause the offer (no new requests; current mentorships and open requests carry on) or
    resume it. Pausing twice is harmless."""
    offer = _own_offer(mentor, offer_id)
    now = timezone.now()
    if paused and offer.paused_at is None:
        offer.paused_at = now
    elif not paused:
        offer.paused_at = None
    offer.updated_at = now
    offer.save(update_fields=["paused_at", "updated_at"])
    return offer


# --- Requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDraft:
    """A mentee's request to one mentor's offer."""

    offer_id: int
    goals: list[str]
    topics: list[str]
    format: str
    weeks: int
    note: str
    cadence: str = Cadence.BIWEEKLY


@dataclass
class _Checked:
    goals: list[str] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)


def _validate_request(draft: RequestDraft) -> _Checked:
    errors: dict[str, list[str]] = {}
    goals = [" ".join(g.split()) for g in draft.goals if g.strip()]
    if not goals:
        errors["goals"] = ["Say what you want to be able to do at the end (one goal a line)."]
    elif len(goals) > MAX_GOALS:
        errors["goals"] = [f"Keep to {MAX_GOALS} goals; you can add more together later."]
    elif any(len(g) > MAX_GOAL_LENGTH for g in goals):
        errors["goals"] = [f"Keep each goal to {MAX_GOAL_LENGTH} characters."]
    topics = _topics(draft.topics, errors, required=False)
    if draft.format not in Format.values:
        errors["format"] = [f"Choose a format: {', '.join(Format.values)}."]
    if not MIN_WEEKS <= draft.weeks <= MAX_WEEKS:
        errors["weeks"] = [f"Choose between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    if draft.cadence not in Cadence.values:
        errors["cadence"] = [f"Choose a cadence: {', '.join(Cadence.values)}."]
    if not draft.note.strip():
        errors["note"] = ["Write a personal note: requests without one are not sent."]
    elif len(draft.note) > MAX_NOTE_LENGTH:
        errors["note"] = [f"Keep the note to {MAX_NOTE_LENGTH} characters (now {len(draft.note)})."]
    if errors:
        raise Refused.for_fields(errors)
    return _Checked(goals=goals, topics=topics)


def _context(offer: MentorOffer, topic_slugs: set[str]) -> personalization.Context:
    """The request's context for the engine: the mentor's published offer (verified), named by
    the first topic both the request and the offer share, else the offer's first topic."""
    offer_topics = sorted(offer.topics.all(), key=lambda t: t.slug)
    shared = [t for t in offer_topics if t.slug in topic_slugs]
    label = (shared or offer_topics)[0].name if offer_topics else offer.title
    return personalization.Context(kind="topic", label=label, verified=True)


def _history(mentee: User) -> personalization.SenderHistory:
    """The mentee's earlier notes: invitations and mentorship requests, so the same note sent
    to a tenth mentor reads as mass outreach."""
    sent = list(Invitation.objects.filter(sender=mentee).values_list("signature", "recipient_id"))
    sent += list(Mentorship.objects.filter(mentee=mentee).values_list("signature", "mentor_id"))
    return personalization.SenderHistory((signature, str(to)) for signature, to in sent)


def _assess(
    mentee: User, offer: MentorOffer, note: str, topic_slugs: set[str]
) -> personalization.Report:
    return personalization.assess(
        note,
        recipient=invitation_rules.recipient_facts(offer.mentor, sender=mentee),
        context=_context(offer, topic_slugs),
        intent=Intent.MENTORSHIP,
        history=_history(mentee),
    )


def mentorship_check(
    *, mentee: User, offer_id: int, note: str, topics: Sequence[str] = ()
) -> personalization.Report:
    """Score a request's personal note as the mentor will see it, sending nothing."""
    offer = access_offer_by_id(mentee, offer_id)
    slugs = {topic_slug(t) for t in topics if clean_topic_name(t)}
    return _assess(mentee, offer, note[: MAX_NOTE_LENGTH * 2], slugs)


@transaction.atomic
def mentorship_request(*, mentee: User, draft: RequestDraft) -> Mentorship:
    """Ask a mentor for a mentorship, enforcing in this order:

    valid fields (`invalid_fields`) → offer visible (a block answers `not_found`) → not your
    own (`cannot_mentor_self`) → offer not paused (`offer_paused`, 409) → mentor open to
    mentorship requests (`mentor_closed_to_mentorship`) → not in a quiet period
    (`mentor_quiet`, 409 with `retry_at`) → a format (`format_not_offered`) and duration
    (`duration_out_of_range`) the offer has → no open mentorship between the two
    (`mentorship_open`, 409) → a free place (`mentor_at_capacity`, 409, checked under a lock
    on the offer) → a note personal enough for the mentor's minimum score
    (`below_personalization_threshold`, with findings).
    """
    checked = _validate_request(draft)
    offer = access_offer_by_id(mentee, draft.offer_id)
    mentor = offer.mentor
    if mentor.pk == mentee.pk:
        raise Refused("You cannot be your own mentor.", code="cannot_mentor_self")
    # Serialize requests and acceptances on this offer: capacity is counted under this lock.
    offer = MentorOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.is_paused:
        raise Conflict(
            f"{mentor.get_short_name()} has paused their offer and is not taking requests now.",
            code="offer_paused",
        )
    boundaries = Boundaries.objects.get(user=mentor)
    if Intent.MENTORSHIP not in boundaries.open_intents:
        raise Refused(
            f"{mentor.get_short_name()} is not open to mentorship requests right now.",
            code="mentor_closed_to_mentorship",
        )
    now = timezone.now()
    if boundaries.is_quiet(now) and boundaries.quiet_until is not None:
        raise Conflict(
            f"{mentor.get_short_name()} is taking a quiet period until "
            f"{boundaries.quiet_until:%d %b}; ask again then.",
            code="mentor_quiet",
            detail={"retry_at": json_datetime(boundaries.quiet_until)},
        )
    if draft.format not in offer.formats:
        raise Refused(
            f"{mentor.get_short_name()} offers {', '.join(offer.format_labels()).lower()}.",
            code="format_not_offered",
            detail={"formats": list(offer.formats)},
        )
    if not offer.min_weeks <= draft.weeks <= offer.max_weeks:
        raise Refused(
            f"{mentor.get_short_name()} mentors for {offer.min_weeks} to {offer.max_weeks} weeks.",
            code="duration_out_of_range",
            detail={"min_weeks": offer.min_weeks, "max_weeks": offer.max_weeks},
        )
    if Mentorship.objects.filter(mentor=mentor, mentee=mentee, state__in=OPEN_STATES).exists():
        raise Conflict(
            f"You already have an open mentorship with {mentor.name}.", code="mentorship_open"
        )
    active = _active_count(offer)
    if active >= offer.capacity:
        raise Conflict(
            f"{mentor.get_short_name()} has no free place right now ({active} of "
            f"{offer.capacity} taken).",
            code="mentor_at_capacity",
            detail={"capacity": offer.capacity, "active": active},
        )
    slugs = {t.slug for t in checked.topics}
    report = _assess(mentee, offer, draft.note, slugs)
    if report.score < boundaries.min_personalization:
        from mutuals.connections.services import finding_as_dict

        raise Refused(
            f"{mentor.get_short_name()} asks for notes scoring at least "
            f"{boundaries.min_personalization}; this one scores {report.score}.",
            code="below_personalization_threshold",
            detail={
                "score": report.score,
                "verdict": report.verdict,
                "minimum": boundaries.min_personalization,
                "findings": [finding_as_dict(f) for f in report.findings],
            },
        )
    from mutuals.connections.services import finding_as_dict

    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                mentor=mentor,
                mentee=mentee,
                offer=offer,
                format=draft.format,
                weeks=draft.weeks,
                cadence=draft.cadence,
                note=draft.note.strip(),
                score=report.score,
                verdict=report.verdict,
                findings=[finding_as_dict(f) for f in report.findings],
                signature=list(report.signature),
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"You already have an open mentorship with {mentor.name}.", code="mentorship_open"
        ) from exc
    mentorship.topics.set(checked.topics)
    Goal.objects.bulk_create(
        Goal(mentorship=mentorship, text=text, position=index, added_by=mentee)
        for index, text in enumerate(checked.goals)
    )
    _event(mentorship, mentee, "", MentorshipState.REQUESTED, now)
    _notify(
        mentor,
        f"mentorship:{mentorship.pk}:requested",
        "mentorship_requested",
        f"{mentee.name} asks you to mentor them",
        f"{draft.weeks} weeks, {Format(draft.format).label.lower()}. Read their note and answer.",
        _url(mentorship.pk),
    )
    return mentorship


def _event(
    mentorship: Mentorship, actor: User | None, from_state: str, to_state: str, at: datetime
) -> None:
    MentorshipEvent.objects.create(
        mentorship=mentorship,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        reason=mentorship.reason if to_state not in OPEN_STATES else "",
        at=at,
    )


def _transition(mentorship: Mentorship, *, expected: str, to: str, **changes: Any) -> Mentorship:
    """Move `mentorship` from `expected` to `to` with one conditional UPDATE; a concurrent
    change that got there first answers `state_changed` (409) naming the state it is in."""
    updated = Mentorship.objects.filter(pk=mentorship.pk, state=expected).update(
        state=to, **changes
    )
    if not updated:
        current = Mentorship.objects.filter(pk=mentorship.pk).values_list("state", flat=True)
        state = current[0] if current else "gone"
        label = MentorshipState(state).label.lower() if state != "gone" else "gone"
        raise Conflict(
            f"This mentorship is {label} now.",
            code="state_changed",
            detail={"state": state},
        )
    mentorship.refresh_from_db()
    return mentorship


def _expect(mentorship: Mentorship, state: str, action: str) -> None:
    if mentorship.state != state:
        raise Conflict(
            f"Only a {MentorshipState(state).label.lower()} mentorship can be {action}; this one "
            f"is {mentorship.get_state_display().lower()}.",
            code=f"not_{state}",
            detail={"state": mentorship.state},
        )


def _end_of_day(day: date, boundaries: Boundaries) -> datetime:
    from mutuals.engagement.services import member_zone

    zone = member_zone(boundaries)
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def _ensure_connection(mentorship: Mentorship, at: datetime) -> Connection:
    """The pair's connection, opened (with the intent `mentorship`, and its pact) when they
    are not connected yet: agreeing to a mentorship is a mutual commitment of its own."""
    from mutuals.connections.services import connection_create
    from mutuals.engagement.services import connection_between, pact_open

    existing = connection_between(mentorship.mentor_id, mentorship.mentee_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            connection = connection_create(
                member=mentorship.mentor, other=mentorship.mentee, intent=Intent.MENTORSHIP, at=at
            )
    except Conflict:  # they connected through a request at the same moment
        found = connection_between(mentorship.mentor_id, mentorship.mentee_id)
        if found is None:  # and a block removed it again
            raise NotFound("No such mentorship.") from None
        return found
    pact_open(connection=connection, at=at)
    return connection


def _activate(
    mentorship: Mentorship, *, actor: User | None, expected: str, at: datetime
) -> Mentorship:
    """Start a mentorship: its dates, the pair's connection, the check-ins for both, the end
    task. Shared by acceptance and a programme's publication."""
    bounds = {
        b.user_id: b
        for b in Boundaries.objects.filter(user_id__in=[mentorship.mentor_id, mentorship.mentee_id])
    }
    from mutuals.engagement.services import member_zone

    mentor_bounds = bounds[mentorship.mentor_id]
    start_day = at.astimezone(member_zone(mentor_bounds)).date()
    ends_at = _end_of_day(start_day + timedelta(weeks=mentorship.weeks), mentor_bounds)
    connection = _ensure_connection(mentorship, at)
    mentorship = _transition(
        mentorship,
        expected=expected,
        to=MentorshipState.ACTIVE,
        started_at=at,
        ends_at=ends_at,
        responded_at=at,
        connection=connection,
    )
    _event(mentorship, actor, expected, MentorshipState.ACTIVE, at)
    planned = _plan_checkins(mentorship, connection, bounds, at)
    mentorship_id = mentorship.pk
    transaction.on_commit(lambda: _schedule_after_start(mentorship_id, ends_at, planned))
    return mentorship


def _plan_checkins(
    mentorship: Mentorship, connection: Connection, bounds: dict[int, Boundaries], at: datetime
) -> list[tuple[int, int]]:
    """One `mentor_check_in` obligation per cadence period for each party, due at the end of
    that day in their own time zone, up to the end date. The first opens at the start, each
    next one when the previous falls due."""
    from mutuals.engagement.services import member_zone

    days = CADENCE_DAYS[mentorship.cadence]
    total = mentorship.weeks * 7
    planned: list[tuple[int, int]] = []
    for party_id in mentorship.party_ids():
        boundaries = bounds[party_id]
        start_day = at.astimezone(member_zone(boundaries)).date()
        opened = at
        for offset in range(days, total + 1, days):
            due = _end_of_day(start_day + timedelta(days=offset), boundaries)
            obligation, _ = Obligation.objects.get_or_create(
                connection=connection,
                party_id=party_id,
                kind=ObligationKind.MENTOR_CHECK_IN,
                due_at=due,
                defaults={"opened_at": opened},
            )
            planned.append((obligation.pk, party_id))
            opened = due
    return planned


def _schedule_after_start(
    mentorship_id: int, ends_at: datetime, planned: list[tuple[int, int]]
) -> None:
    from mutuals.connections.tasks import enqueue_at
    from mutuals.engagement import tasks as engagement_tasks
    from mutuals.engagement.services import nudge_time
    from mutuals.mentorship import tasks

    enqueue_at(tasks.mentorship_complete, ends_at, mentorship_id)
    bounds = {b.user_id: b for b in Boundaries.objects.filter(user_id__in={p for _, p in planned})}
    dues = dict(
        Obligation.objects.filter(pk__in=[o for o, _ in planned]).values_list("pk", "due_at")
    )
    for obligation_id, party_id in planned:
        if obligation_id in dues:
            when = nudge_time(dues[obligation_id], bounds[party_id])
            enqueue_at(engagement_tasks.obligation_nudge, when, obligation_id, party_id)


def _receiver_only(member: User, mentorship: Mentorship, action: str) -> None:
    if mentorship.mentor_id != member.pk:
        raise NotAllowed(
            f"Only {mentorship.mentor.get_short_name()}, who received the request, can "
            f"{action} it.",
            code="only_mentor_answers",
        )


@transaction.atomic
def mentorship_accept(
    *, member: User, mentorship_id: int, cadence: str | None = None
) -> Mentorship:
    """The mentor accepts a request (only the receiver: `only_mentor_answers`, 403; only a
    requested one: `not_requested`, 409). The offer's capacity is checked again under a lock
    on its row (`mentor_at_capacity`, 409), so two acceptances at once cannot exceed it. The
    mentor may confirm or change the check-in cadence; the pair is connected if they were not."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _receiver_only(member, mentorship, "accept")
    _expect(mentorship, MentorshipState.REQUESTED, "accepted")
    if cadence is not None and cadence not in Cadence.values:
        raise Refused.for_fields({"cadence": [f"Choose a cadence: {', '.join(Cadence.values)}."]})
    if mentorship.offer_id is not None:
        offer = MentorOffer.objects.select_for_update().get(pk=mentorship.offer_id)
        active = _active_count(offer)
        if active >= offer.capacity:
            raise Conflict(
                f"You already mentor {active} of the {offer.capacity} people your offer has room "
                "for. Raise your capacity or finish a mentorship first.",
                code="mentor_at_capacity",
                detail={"capacity": offer.capacity, "active": active},
            )
    if cadence and cadence != mentorship.cadence:
        Mentorship.objects.filter(pk=mentorship.pk, state=MentorshipState.REQUESTED).update(
            cadence=cadence
        )
        mentorship.cadence = cadence
    now = timezone.now()
    mentorship = _activate(mentorship, actor=member, expected=MentorshipState.REQUESTED, at=now)
    _notify(
        mentorship.mentee,
        f"mentorship:{mentorship.pk}:accepted",
        "mentorship_accepted",
        f"{member.name} agreed to mentor you",
        f"{mentorship.weeks} weeks, check-ins {Cadence(mentorship.cadence).label.lower()}.",
        _url(mentorship.pk),
    )
    return mentorship


@transaction.atomic
def mentorship_decline(*, member: User, mentorship_id: int, reason: str) -> Mentorship:
    """The mentor declines a request, with a reason the mentee sees (only the receiver: 403
    `only_mentor_answers`; only a requested one: 409 `not_requested`)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _receiver_only(member, mentorship, "decline")
    _expect(mentorship, MentorshipState.REQUESTED, "declined")
    if reason not in DeclineReason.values:
        raise Refused.for_fields(
            {"reason": [f"Choose a reason: {', '.join(DeclineReason.values)}."]}
        )
    now = timezone.now()
    mentorship = _transition(
        mentorship,
        expected=MentorshipState.REQUESTED,
        to=MentorshipState.DECLINED,
        responded_at=now,
        ended_at=now,
        ended_by=member,
        reason=reason,
    )
    _event(mentorship, member, MentorshipState.REQUESTED, MentorshipState.DECLINED, now)
    _notify(
        mentorship.mentee,
        f"mentorship:{mentorship.pk}:declined",
        "mentorship_declined",
        f"{member.name} cannot mentor you this time",
        f"Their reason: {DeclineReason(reason).label.lower()}.",
        _url(mentorship.pk),
    )
    return mentorship


@transaction.atomic
def mentorship_withdraw(*, member: User, mentorship_id: int) -> Mentorship:
    """The mentee withdraws a request not yet answered (only the mentee: 403
    `only_mentee_withdraws`; only a requested one: 409 `not_requested`)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    if mentorship.mentee_id != member.pk:
        raise NotAllowed("Only the mentee can withdraw a request.", code="only_mentee_withdraws")
    _expect(mentorship, MentorshipState.REQUESTED, "withdrawn")
    now = timezone.now()
    mentorship = _transition(
        mentorship,
        expected=MentorshipState.REQUESTED,
        to=MentorshipState.WITHDRAWN,
        ended_at=now,
        ended_by=member,
    )
    _event(mentorship, member, MentorshipState.REQUESTED, MentorshipState.WITHDRAWN, now)
    return mentorship


def _close_checkins(mentorship: Mentorship, at: datetime) -> int:
    """Cancel the check-ins of this mentorship not yet due; those already due stay as they
    are (met, or missed)."""
    if mentorship.connection_id is None:
        return 0
    return Obligation.objects.filter(
        connection_id=mentorship.connection_id,
        kind=ObligationKind.MENTOR_CHECK_IN,
        party_id__in=mentorship.party_ids(),
        opened_at__gte=mentorship.started_at,
        due_at__gt=at,
        fulfilled_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=at)


@transaction.atomic
def mentorship_end(*, member: User, mentorship_id: int, reason: str, note: str = "") -> Mentorship:
    """Either side ends an active mentorship early, with a reason (`not_active`, 409,
    otherwise). Goals met early completes it; any other reason ends it as `cancelled`.
    Check-ins not yet due are cancelled; the other side is told."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _expect(mentorship, MentorshipState.ACTIVE, "ended")
    errors: dict[str, list[str]] = {}
    if reason not in CHOSEN_END_REASONS:
        errors["reason"] = [f"Choose a reason: {', '.join(CHOSEN_END_REASONS)}."]
    note = " ".join(note.split())
    if reason == EndReason.OTHER and not note:
        errors["note"] = ["Say in a few words why."]
    elif len(note) > 500:
        errors["note"] = ["Keep it to 500 characters."]
    if errors:
        raise Refused.for_fields(errors)
    now = timezone.now()
    checkins_reconcile(mentorship=mentorship)
    to = MentorshipState.COMPLETED if reason == EndReason.GOALS_MET else MentorshipState.CANCELLED
    mentorship = _transition(
        mentorship,
        expected=MentorshipState.ACTIVE,
        to=to,
        ended_at=now,
        ended_by=member,
        reason=reason,
        reason_note=note,
    )
    _event(mentorship, member, MentorshipState.ACTIVE, to, now)
    _close_checkins(mentorship, now)
    _notify(
        mentorship.other_id(member.pk),
        f"mentorship:{mentorship.pk}:ended",
        "mentorship_ended",
        f"{member.name} ended your mentorship",
        f"Their reason: {EndReason(reason).label.lower()}"
        + (f" — {note}" if note else "")
        + ". Write a closing reflection while it is fresh.",
        _url(mentorship.pk),
    )
    return mentorship


@transaction.atomic
def mentorship_complete_if_due(*, mentorship_id: int, now: datetime | None = None) -> bool:
    """Complete an active mentorship whose end date has passed; both sides are asked for a
    closing reflection. Idempotent: False when it is not due, or already over."""
    now = now or timezone.now()
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee")
        .filter(pk=mentorship_id, state=MentorshipState.ACTIVE, ends_at__lte=now)
        .first()
    )
    if mentorship is None:
        return False
    checkins_reconcile(mentorship=mentorship)
    updated = Mentorship.objects.filter(pk=mentorship.pk, state=MentorshipState.ACTIVE).update(
        state=MentorshipState.COMPLETED, ended_at=now, reason=EndReason.END_DATE
    )
    if not updated:
        return False
    mentorship.refresh_from_db()
    _event(mentorship, None, MentorshipState.ACTIVE, MentorshipState.COMPLETED, now)
    _close_checkins(mentorship, now)
    pairs = ((mentorship.mentor, mentorship.mentee), (mentorship.mentee, mentorship.mentor))
    for party, other in pairs:
        _notify(
            party,
            f"mentorship:{mentorship.pk}:completed:{party.pk}",
            "mentorship_completed",
            f"Your mentorship with {other.name} is complete",
            "Write a closing reflection: what changed, what you will keep doing.",
            _url(mentorship.pk),
        )
    return True


def mentorships_complete_due(*, now: datetime | None = None) -> int:
    """The sweep: complete every active mentorship past its end date (idempotent)."""
    now = now or timezone.now()
    due = Mentorship.objects.filter(state=MentorshipState.ACTIVE, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(mentorship_complete_if_due(mentorship_id=pk, now=now) for pk in list(due))


@transaction.atomic
def mentorship_end_blocked(*, mentorship_id: int, now: datetime | None = None) -> bool:
    """End an open mentorship a block came between (requested → withdrawn, active →
    cancelled with the reason `blocked`); neither side is told. Idempotent."""
    from mutuals.connections.models import Block

    now = now or timezone.now()
    mentorship = Mentorship.objects.filter(pk=mentorship_id, state__in=OPEN_STATES).first()
    if (
        mentorship is None
        or not Block.objects.filter(
            Q(blocker_id=mentorship.mentor_id, blocked_id=mentorship.mentee_id)
            | Q(blocker_id=mentorship.mentee_id, blocked_id=mentorship.mentor_id)
        ).exists()
    ):
        return False
    state = mentorship.state
    to = MentorshipState.CANCELLED if state == MentorshipState.ACTIVE else MentorshipState.WITHDRAWN
    if not Mentorship.objects.filter(pk=mentorship.pk, state=state).update(
        state=to, ended_at=now, reason=EndReason.BLOCKED
    ):
        return False
    mentorship.refresh_from_db()
    _event(mentorship, None, state, to, now)
    if state == MentorshipState.ACTIVE:
        _close_checkins(mentorship, now)
    return True


def mentorships_sweep(*, now: datetime | None = None) -> int:
    """The periodic pass: end open mentorships a block came between, fulfil active ones'
    check-ins from the ledger, and complete those past their end date. Returns how many were
    completed. Every step is idempotent."""
    from mutuals.connections.models import Block

    now = now or timezone.now()
    blocked = Block.objects.filter(
        Q(blocker_id=OuterRef("mentor_id"), blocked_id=OuterRef("mentee_id"))
        | Q(blocker_id=OuterRef("mentee_id"), blocked_id=OuterRef("mentor_id"))
    )
    for pk in list(
        Mentorship.objects.filter(Exists(blocked), state__in=OPEN_STATES).values_list(
            "pk", flat=True
        )
    ):
        mentorship_end_blocked(mentorship_id=pk, now=now)
    for mentorship in Mentorship.objects.filter(state=MentorshipState.ACTIVE, ends_at__gt=now):
        checkins_reconcile(mentorship=mentorship)
    return mentorships_complete_due(now=now)


# --- Check-ins -----------------------------------------------------------------------------------


@transaction.atomic
def checkins_reconcile(*, mentorship: Mentorship) -> int:
    """Fulfil this mentorship's open check-ins from the pair's interactions in the ledger: a
    logged check-in, a call or a meeting fulfils both parties' check-ins open at that time; a
    message fulfils its sender's. Idempotent; returns how many it fulfilled."""
    if mentorship.connection_id is None or mentorship.started_at is None:
        return 0
    open_items = list(
        Obligation.objects.select_for_update().filter(
            connection_id=mentorship.connection_id,
            kind=ObligationKind.MENTOR_CHECK_IN,
            party_id__in=mentorship.party_ids(),
            opened_at__gte=mentorship.started_at,
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
        )
    )
    if not open_items:
        return 0
    earliest = min(o.opened_at for o in open_items)
    mentor_id, mentee_id = mentorship.party_ids()
    interactions = list(
        Interaction.objects.filter(
            Q(actor_id=mentor_id, counterpart_id=mentee_id)
            | Q(actor_id=mentee_id, counterpart_id=mentor_id),
            at__gte=earliest,
        ).order_by("at", "id")
    )
    fulfilled = 0
    for obligation in open_items:
        match = next(
            (
                i
                for i in interactions
                if i.at >= obligation.opened_at
                and (i.kind in JOINT_KINDS or i.actor_id == obligation.party_id)
            ),
            None,
        )
        if match is not None:
            fulfilled += Obligation.objects.filter(
                pk=obligation.pk, fulfilled_at__isnull=True
            ).update(fulfilled_at=match.at, fulfilled_by=match)
    return fulfilled


@transaction.atomic
def checkin_log(
    *, member: User, mentorship_id: int, at: datetime | None = None, note: str = ""
) -> Interaction:
    """Log a mentorship check-in (a conversation of both) on an active mentorship; it enters
    the ledger as a `mentorship_checkin` interaction and fulfils both parties' open check-ins.
    Not in the future, nor more than 60 days back, nor before the mentorship started."""
    from mutuals.engagement.services import interaction_record

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
        mentorship = _activate(
            mentorship, actor=organizer, expected=MentorshipState.REQUESTED, at=now
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
