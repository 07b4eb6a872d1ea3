"""A mentorship request and its lifecycle.

The lifecycle is a set of transitions here and nowhere else: request (→ `requested`), accept
(→ `active`), decline, withdraw, end early (→ `completed` when the goals were met, otherwise
`cancelled`) and complete at the end date. Each is one conditional UPDATE on the expected
state, so two people acting at once end in exactly one outcome, and each leaves a
`MentorshipEvent`. Capacity is checked under a lock on the offer's row, at request and at
acceptance, so simultaneous acceptances can never exceed it.

Acceptance opens the relationship: when the pair is not yet connected it connects them with
the intent `mentorship` and opens the pact (`connections.services.connection_open`), and
engagement plans the agreed check-ins as pact obligations (`mentor_check_in`) for both, one
per cadence period until the end date (`engagement.services.mentor_checkins_plan`). The
pact's rule says which interactions fulfil them (`obligation_met_by`): a logged mentorship
check-in, a call or a meeting counts for both, a message for its sender. This app writes no
obligation itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mutuals import personalization
from mutuals.accounts.models import Boundaries, Intent, Topic, User
from mutuals.accounts.timezones import end_of_day, member_zone
from mutuals.accounts.topics import clean_topic_name, topic_slug
from mutuals.connections import invitations as invitation_rules
from mutuals.connections.models import Block, Connection
from mutuals.connections.services import connection_open, finding_as_dict
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused, json_datetime
from mutuals.core.tasks import enqueue_at, queue_in_transaction
from mutuals.core.transitions import transition_if
from mutuals.engagement.services import (
    connection_between,
    mentor_checkins_cancel,
    mentor_checkins_plan,
)
from mutuals.mentorship import tasks
from mutuals.mentorship.access import access_mentorship_by_id, access_offer_by_id
from mutuals.mentorship.models import (
    CADENCE_DAYS,
    MAX_GOAL_LENGTH,
    MAX_GOALS,
    MAX_NOTE_LENGTH,
    MAX_WEEKS,
    MIN_WEEKS,
    OPEN_STATES,
    Cadence,
    DeclineReason,
    EndReason,
    Format,
    Goal,
    MentorOffer,
    Mentorship,
    MentorshipEvent,
    MentorshipState,
)
from mutuals.mentorship.selectors import offer_active_count
from mutuals.mentorship.services._common import (
    _event,
    _expect,
    _notify,
    _topics,
    _transition,
    _url,
    transition_audit,
)
from mutuals.mentorship.services.progress import checkins_reconcile

CHOSEN_END_REASONS = (
    EndReason.GOALS_MET,
    EndReason.NO_TIME,
    EndReason.NOT_A_FIT,
    EndReason.OTHER,
)


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


_MENTORSHIP_NOTES = invitation_rules.HistorySource(Mentorship, "mentee_id", "mentor_id")


def _history(mentee: User) -> personalization.SenderHistory:
    """The mentee's earlier notes: invitations and mentorship requests, so the same note sent
    to a tenth mentor reads as mass outreach."""
    return invitation_rules.sender_history(
        mentee.pk, (invitation_rules.INVITATION_NOTES, _MENTORSHIP_NOTES)
    )


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
    active = offer_active_count(offer)
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
                minhash=personalization.pack_signature(report.signature),
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


def _ensure_connection(mentorship: Mentorship, at: datetime) -> Connection:
    """The pair's connection, opened (with the intent `mentorship`, and its pact, by
    `connection_open`) when they are not connected yet: agreeing to a mentorship is a mutual
    commitment of its own."""
    existing = connection_between(mentorship.mentor_id, mentorship.mentee_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            connection = connection_open(
                member=mentorship.mentor, other=mentorship.mentee, intent=Intent.MENTORSHIP, at=at
            )
    except Conflict:  # they connected through a request at the same moment
        found = connection_between(mentorship.mentor_id, mentorship.mentee_id)
        if found is None:  # and a block removed it again
            raise NotFound("No such mentorship.") from None
        return found
    return connection


@transaction.atomic
def mentorship_start(
    *, mentorship: Mentorship, actor: User | None, expected: str, at: datetime
) -> Mentorship:
    """Start a mentorship: its dates, the pair's connection, the agreed check-ins for both (one
    per cadence period up to the end date, planned by engagement), the end task. Shared by
    acceptance and a programme's publication; runs inside their transaction."""
    mentor_bounds = Boundaries.objects.get(user_id=mentorship.mentor_id)
    start_day = at.astimezone(member_zone(mentor_bounds)).date()
    ends_at = end_of_day(start_day + timedelta(weeks=mentorship.weeks), mentor_bounds)
    connection = _ensure_connection(mentorship, at)
    _transition(
        mentorship,
        actor=actor,
        expected=expected,
        to=MentorshipState.ACTIVE,
        at=at,
        started_at=at,
        ends_at=ends_at,
        responded_at=at,
        connection=connection,
    )
    mentor_checkins_plan(
        connection=connection,
        party_ids=mentorship.party_ids(),
        every_days=CADENCE_DAYS[mentorship.cadence],
        for_days=mentorship.weeks * 7,
        at=at,
    )
    mentorship_id = mentorship.pk
    queue_in_transaction(lambda: enqueue_at(tasks.mentorship_complete, ends_at, mentorship_id))
    return mentorship


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
    requested one: `state_changed`, 409). The offer's capacity is checked again under a lock
    on its row (`mentor_at_capacity`, 409), so two acceptances at once cannot exceed it. The
    mentor may confirm or change the check-in cadence; the pair is connected if they were not."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _receiver_only(member, mentorship, "accept")
    _expect(mentorship, MentorshipState.REQUESTED, "accepted")
    if cadence is not None and cadence not in Cadence.values:
        raise Refused.for_fields({"cadence": [f"Choose a cadence: {', '.join(Cadence.values)}."]})
    if mentorship.offer_id is not None:
        offer = MentorOffer.objects.select_for_update().get(pk=mentorship.offer_id)
        active = offer_active_count(offer)
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
    mentorship = mentorship_start(
        mentorship=mentorship, actor=member, expected=MentorshipState.REQUESTED, at=now
    )
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
    `only_mentor_answers`; only a requested one: 409 `state_changed`)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    _receiver_only(member, mentorship, "decline")
    _expect(mentorship, MentorshipState.REQUESTED, "declined")
    if reason not in DeclineReason.values:
        raise Refused.for_fields(
            {"reason": [f"Choose a reason: {', '.join(DeclineReason.values)}."]}
        )
    now = timezone.now()
    _transition(
        mentorship,
        actor=member,
        expected=MentorshipState.REQUESTED,
        to=MentorshipState.DECLINED,
        at=now,
        responded_at=now,
        ended_at=now,
        ended_by=member,
        reason=reason,
    )
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
    `only_mentee_withdraws`; only a requested one: 409 `state_changed`)."""
    mentorship = access_mentorship_by_id(member, mentorship_id)
    if mentorship.mentee_id != member.pk:
        raise NotAllowed("Only the mentee can withdraw a request.", code="only_mentee_withdraws")
    _expect(mentorship, MentorshipState.REQUESTED, "withdrawn")
    now = timezone.now()
    _transition(
        mentorship,
        actor=member,
        expected=MentorshipState.REQUESTED,
        to=MentorshipState.WITHDRAWN,
        at=now,
        ended_at=now,
        ended_by=member,
    )
    return mentorship


def _close_checkins(mentorship: Mentorship, at: datetime) -> int:
    """Cancel the check-ins of this mentorship not yet due; those already due stay as they
    are (met, or missed)."""
    if mentorship.connection_id is None or mentorship.started_at is None:
        return 0
    return mentor_checkins_cancel(
        connection_id=mentorship.connection_id,
        party_ids=mentorship.party_ids(),
        since=mentorship.started_at,
        at=at,
    )


@transaction.atomic
def mentorship_end(*, member: User, mentorship_id: int, reason: str, note: str = "") -> Mentorship:
    """Either side ends an active mentorship early, with a reason (`state_changed`, 409,
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
    _transition(
        mentorship,
        actor=member,
        expected=MentorshipState.ACTIVE,
        to=to,
        at=now,
        ended_at=now,
        ended_by=member,
        reason=reason,
        reason_note=note,
    )
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
    changes = {"ended_at": now, "reason": EndReason.END_DATE}
    if not transition_if(
        mentorship,
        expected=MentorshipState.ACTIVE,
        to=MentorshipState.COMPLETED,
        changes=changes,
        audit_model=MentorshipEvent,
        audit=transition_audit(mentorship, None, MentorshipState.COMPLETED, now, changes),
    ):
        return False
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
    changes = {"ended_at": now, "reason": EndReason.BLOCKED}
    if not transition_if(
        mentorship,
        expected=state,
        to=to,
        changes=changes,
        audit_model=MentorshipEvent,
        audit=transition_audit(mentorship, None, to, now, changes),
    ):
        return False
    if state == MentorshipState.ACTIVE:
        _close_checkins(mentorship, now)
    return True


def mentorships_sweep(*, now: datetime | None = None) -> int:
    """The periodic pass: end open mentorships a block came between, fulfil active ones'
    check-ins from the ledger, and complete those past their end date. Returns how many were
    completed. Every step is idempotent."""
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
