"""Every write on the engagement pact, the interaction ledger, ties and notifications.

The pact (docs/design.md §4): on acceptance each party owes the other a first message within 7
days, the pair owes a first real exchange (a message each way) within 30 days, and after that
each party owes keep-warm check-ins at the cadence of the tie's tier. Deadlines fall at the end
of the day in the owing member's time zone; low-bandwidth members get doubled deadlines.
Obligations are fulfilled by the interactions that satisfy them, never by hand.

Nudges are notifications with a unique key per obligation, member and due date, so a worker
that dies mid-batch and runs again neither loses nor repeats one; quiet periods move a nudge
to the end of the quiet period, never drop it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, User
from mutuals.accounts.timezones import zone_named
from mutuals.connections.models import Connection
from mutuals.connections.selectors import are_connected, is_blocked_between
from mutuals.core import graph_changes
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement import strength
from mutuals.engagement.models import (
    INTERACTION_WEIGHTS,
    Collaboration,
    CollaborationOrigin,
    CollaborationState,
    Collaborator,
    CollaboratorState,
    Interaction,
    InteractionKind,
    Notification,
    Obligation,
    ObligationKind,
    Tie,
    TieState,
)

FIRST_MESSAGE_DAYS = 7
FIRST_EXCHANGE_DAYS = 30
LOW_BANDWIDTH_FACTOR = 2
# Keep-warm cadence by tier (days), from the strength model; acquaintances owe no check-ins.
CHECK_IN_CADENCE = {
    tier: days for tier, days in strength.CADENCE_DAYS.items() if tier != strength.TIER_ACQUAINTANCE
}
NUDGE_AHEAD = timedelta(days=1)
CHECK_IN_MIN_GAP = timedelta(days=1)
LOGGABLE_KINDS = (InteractionKind.MEETING, InteractionKind.CALL, InteractionKind.OTHER)
LOG_BACKDATE_LIMIT = timedelta(days=365)


# --- Deadlines -----------------------------------------------------------------------------


def member_zone(boundaries: Boundaries) -> ZoneInfo:
    return zone_named(boundaries.time_zone)


def deadline(start: datetime, days: int, boundaries: Boundaries) -> datetime:
    """The end of the day, in the member's time zone, `days` days after `start` (doubled for a
    low-bandwidth member). Day arithmetic is on the calendar, so a deadline across a
    daylight-saving change still falls at 23:59:59 local time."""
    if boundaries.low_bandwidth:
        days *= LOW_BANDWIDTH_FACTOR
    zone = member_zone(boundaries)
    local_day = start.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(local_day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)


def nudge_time(obligation_due: datetime, boundaries: Boundaries) -> datetime:
    """When to remind: a day before the deadline, moved past a quiet period, never dropped."""
    when = obligation_due - NUDGE_AHEAD
    if boundaries.quiet_until and boundaries.quiet_until > when:
        when = boundaries.quiet_until
    return when


# --- The pact --------------------------------------------------------------------------------


def _boundaries(*members: User) -> dict[int, Boundaries]:
    return {b.user_id: b for b in Boundaries.objects.filter(user__in=members)}


@transaction.atomic
def pact_open(*, connection: Connection, at: datetime | None = None) -> list[Obligation]:
    """Open the pact of a new connection: a first message owed by each party within 7 days and
    a first real exchange owed by the pair within 30 (doubled for low-bandwidth members; the
    pair's deadline is the later of the two parties'). Idempotent: a second call returns the
    same three obligations and schedules no nudge again."""
    at = at or connection.created_at
    members = list(
        User.objects.filter(pk__in=[connection.member_low_id, connection.member_high_id])
    )
    bounds = _boundaries(*members)
    obligations = []
    created_ids = []
    for member in members:
        obligation, created = Obligation.objects.get_or_create(
            connection=connection,
            party=member,
            kind=ObligationKind.FIRST_MESSAGE,
            defaults={
                "opened_at": at,
                "due_at": deadline(at, FIRST_MESSAGE_DAYS, bounds[member.pk]),
            },
        )
        obligations.append(obligation)
        if created:
            created_ids.append(obligation.pk)
    exchange, created = Obligation.objects.get_or_create(
        connection=connection,
        party=None,
        kind=ObligationKind.FIRST_EXCHANGE,
        defaults={
            "opened_at": at,
            "due_at": max(deadline(at, FIRST_EXCHANGE_DAYS, bounds[m.pk]) for m in members),
        },
    )
    obligations.append(exchange)
    if created:
        created_ids.append(exchange.pk)
    for member in members:
        other = next(m for m in members if m.pk != member.pk)
        Tie.objects.get_or_create(member=member, connection=connection, defaults={"other": other})
    if created_ids:
        transaction.on_commit(lambda: _schedule_nudges(created_ids))
    return obligations


def _schedule_nudges(obligation_ids: list[int]) -> None:
    from mutuals.connections.tasks import enqueue_at
    from mutuals.engagement import tasks

    for obligation in Obligation.objects.filter(pk__in=obligation_ids).select_related("party"):
        owing = [obligation.party] if obligation.party else _pair(obligation.connection)
        for member in owing:
            if member is None:
                continue
            when = nudge_time(obligation.due_at, Boundaries.objects.get(user=member))
            enqueue_at(tasks.obligation_nudge, when, obligation.pk, member.pk)


def _pair(connection: Connection) -> list[User]:
    return list(User.objects.filter(pk__in=[connection.member_low_id, connection.member_high_id]))


def connection_between(member_id: int, other_id: int) -> Connection | None:
    low, high = sorted((member_id, other_id))
    return Connection.objects.filter(member_low_id=low, member_high_id=high).first()


# --- The ledger ------------------------------------------------------------------------------


@transaction.atomic
def interaction_record(
    *,
    actor: User,
    counterpart: User,
    kind: str,
    at: datetime,
    source_key: str,
    note: str = "",
) -> Interaction | None:
    """Record that `actor` did something with `counterpart`, and fulfil what it satisfies.

    Only interactions between connected members count for a relationship; others return None.
    Idempotent: the same `source_key` for the same pair is recorded once.
    """
    if kind not in INTERACTION_WEIGHTS:
        raise Refused.for_fields({"kind": [f"Unknown interaction kind {kind!r}."]})
    connection = connection_between(actor.pk, counterpart.pk)
    if connection is None:
        return None
    existing = Interaction.objects.filter(
        source_key=source_key, actor=actor, counterpart=counterpart
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                actor=actor,
                counterpart=counterpart,
                kind=kind,
                weight=INTERACTION_WEIGHTS[kind],
                at=at,
                note=note[:500],
                source_key=source_key,
            )
    except IntegrityError:
        return Interaction.objects.get(source_key=source_key, actor=actor, counterpart=counterpart)
    _fulfil(connection, interaction)
    Tie.objects.filter(connection=connection).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=at)
    ).update(last_interaction_at=at)
    member_ids = [actor.pk, counterpart.pk]
    transaction.on_commit(lambda: _schedule_recompute(member_ids))
    return interaction


def _schedule_recompute(member_ids: list[int]) -> None:
    from mutuals.engagement import tasks

    for member_id in member_ids:
        tasks.ties_recompute.enqueue(member_id)


_CONVERSATION_KINDS = (InteractionKind.MESSAGE, InteractionKind.REPLY)
# A mentorship check-in is a conversation of both: a logged check-in, a call or a meeting
# keeps both parties' check-ins; anything else keeps only its actor's.
MENTOR_CHECK_IN_JOINT_KINDS = (
    InteractionKind.MENTORSHIP_CHECKIN,
    InteractionKind.CALL,
    InteractionKind.MEETING,
)


def _fulfil(connection: Connection, interaction: Interaction) -> None:
    """Mark what this interaction satisfies: the actor's first message, the pair's first real
    exchange once messages went both ways, any open keep-warm check-in of either party, and
    open mentorship check-ins (both parties' for a joint kind, else the actor's)."""
    open_items = Obligation.objects.select_for_update().filter(
        connection=connection,
        fulfilled_at__isnull=True,
        cancelled_at__isnull=True,
        opened_at__lte=interaction.at,
    )
    fulfilled: list[Obligation] = []
    for obligation in open_items:
        satisfied = False
        if obligation.kind == ObligationKind.FIRST_MESSAGE:
            satisfied = obligation.party_id == interaction.actor_id
        elif obligation.kind == ObligationKind.FIRST_EXCHANGE:
            satisfied = interaction.kind in _CONVERSATION_KINDS and (
                Interaction.objects.filter(
                    actor_id=interaction.counterpart_id,
                    counterpart_id=interaction.actor_id,
                    kind__in=_CONVERSATION_KINDS,
                    at__gte=obligation.opened_at,
                ).exists()
            )
        elif obligation.kind == ObligationKind.CHECK_IN:
            # A check-in is the next contact, not more of the one that planned it.
            satisfied = interaction.at >= obligation.opened_at + CHECK_IN_MIN_GAP
        elif obligation.kind == ObligationKind.MENTOR_CHECK_IN:
            satisfied = (
                interaction.kind in MENTOR_CHECK_IN_JOINT_KINDS
                or obligation.party_id == interaction.actor_id
            )
        if satisfied:
            Obligation.objects.filter(pk=obligation.pk, fulfilled_at__isnull=True).update(
                fulfilled_at=interaction.at, fulfilled_by=interaction
            )
            fulfilled.append(obligation)
    if any(o.kind in (ObligationKind.FIRST_EXCHANGE, ObligationKind.CHECK_IN) for o in fulfilled):
        checkins_plan(connection=connection, after=interaction.at)


@transaction.atomic
def checkins_plan(*, connection: Connection, after: datetime) -> list[Obligation]:
    """After the first real exchange, and after each check-in, each party owes the next one at
    their tie's cadence (inner 14 days, close 30, active 90, wider 180; doubled when low on
    bandwidth). Not while a party lets the relationship rest, nor for acquaintances."""
    if not Obligation.objects.filter(
        connection=connection, kind=ObligationKind.FIRST_EXCHANGE, fulfilled_at__isnull=False
    ).exists():
        return []
    from mutuals.engagement.ties import ties_recompute

    # The cadence depends on the tie's tier, a rank within each member's network: bring both
    # up to date with this interaction first.
    for member_id in (connection.member_low_id, connection.member_high_id):
        ties_recompute(member_id=member_id, now=max(after, timezone.now()))
    planned = []
    ties = {t.member_id: t for t in Tie.objects.filter(connection=connection)}
    bounds = _boundaries(*_pair(connection))
    for member_id, boundaries in bounds.items():
        tie = ties.get(member_id)
        cadence = CHECK_IN_CADENCE.get(tie.tier if tie else "active")
        if cadence is None or (tie and tie.resting_since):
            continue
        Obligation.objects.filter(
            connection=connection,
            party_id=member_id,
            kind=ObligationKind.CHECK_IN,
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=after)
        due_at = deadline(after, cadence, boundaries)
        obligation = Obligation.objects.filter(
            connection=connection, party_id=member_id, kind=ObligationKind.CHECK_IN, due_at=due_at
        ).first()
        if obligation is None:
            obligation = Obligation.objects.create(
                connection=connection,
                party_id=member_id,
                kind=ObligationKind.CHECK_IN,
                due_at=due_at,
                opened_at=after,
            )
        elif obligation.cancelled_at is not None:  # rested and woken the same day
            Obligation.objects.filter(pk=obligation.pk).update(cancelled_at=None)
        planned.append(obligation)
    ids = [o.pk for o in planned]
    transaction.on_commit(lambda: _schedule_nudges(ids))
    return planned


@transaction.atomic
def interaction_log(
    *, member: User, connection_id: int, kind: str, at: datetime, note: str = ""
) -> Interaction:
    """Log an off-platform meeting, call or other interaction with a connection. It may not be
    in the future, nor more than a year back; the connection must be the member's own."""
    connection = _own_connection(member, connection_id)
    errors: dict[str, list[str]] = {}
    if kind not in LOGGABLE_KINDS:
        errors["kind"] = ["Log a meeting, a call or other."]
    now = timezone.now()
    if timezone.is_naive(at):
        errors["at"] = ["Give the time with a time zone offset."]
    elif at > now + timedelta(minutes=5):
        errors["at"] = ["That is in the future; log it once it has happened."]
    elif at < now - LOG_BACKDATE_LIMIT:
        errors["at"] = ["Only the last twelve months can be logged."]
    if len(note) > 500:
        errors["note"] = ["Keep the note to 500 characters."]
    if errors:
        raise Refused.for_fields(errors)
    other_id = connection.other_id(member.pk)
    other = User.objects.get(pk=other_id)
    count = Interaction.objects.filter(actor=member, counterpart=other).count()
    interaction = interaction_record(
        actor=member,
        counterpart=other,
        kind=kind,
        at=at,
        note=note.strip(),
        source_key=f"logged:{member.pk}:{at.isoformat()}:{kind}:{count}",
    )
    if interaction is None:  # a block removed the connection meanwhile
        raise NotFound("No such connection.")
    return interaction


def _own_connection(member: User, connection_id: int) -> Connection:
    connection = (
        Connection.objects.filter(pk=connection_id)
        .filter(Q(member_low=member) | Q(member_high=member))
        .first()
    )
    if connection is None:
        raise NotFound("No such connection.")
    return connection


@transaction.atomic
def connection_rest(*, member: User, connection_id: int, resting: bool = True) -> Tie:
    """ "Let this one rest": no more nudges or check-ins from this member on this relationship,
    which stays a connection. Resting again, or waking it, is harmless."""
    connection = _own_connection(member, connection_id)
    other = User.objects.get(pk=connection.other_id(member.pk))
    tie, _ = Tie.objects.get_or_create(
        member=member, connection=connection, defaults={"other": other}
    )
    now = timezone.now()
    if resting and not tie.resting_since:
        tie.resting_since = now
        tie.state = TieState.RESTING
        Obligation.objects.filter(
            connection=connection,
            party=member,
            kind=ObligationKind.CHECK_IN,
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=now)
    elif not resting and tie.resting_since:
        tie.resting_since = None
        tie.state = TieState.WARM
    tie.save(update_fields=["resting_since", "state"])
    # A resting tie carries no introduction: the graph snapshot must not answer with it.
    graph_changes.connections_changed()
    if not resting:
        checkins_plan(connection=connection, after=now)
    return tie


# --- Nudges and notifications ------------------------------------------------------------------


def notify(
    *, member: User, key: str, kind: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Create a notification once per key; None when it already exists. Its e-mail follows
    after the commit, or when the member's quiet period ends: quiet moves e-mail, never
    drops it."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                member=member,
                key=key,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None
    notification_id = notification.pk
    quiet_until = (
        Boundaries.objects.filter(user=member).values_list("quiet_until", flat=True).first()
    )
    transaction.on_commit(lambda: _email_later(notification_id, quiet_until))
    return notification


def _email_later(notification_id: int, quiet_until: datetime | None = None) -> None:
    from mutuals.connections.tasks import enqueue_at
    from mutuals.engagement import tasks

    now = timezone.now()
    enqueue_at(tasks.notification_email, max(now, quiet_until or now), notification_id)


# How far back the sweep still e-mails a notification whose e-mail was never sent (a worker
# that was down, a quiet period that ended): older news is left to the in-app list.
EMAIL_CATCH_UP = timedelta(days=7)


_NUDGE_TEXT = {
    ObligationKind.FIRST_MESSAGE: (
        "Say hello to {name}",
        "You connected with {name}. A short thank-you or hello keeps your pact.",
    ),
    ObligationKind.FIRST_EXCHANGE: (
        "Start a real conversation with {name}",
        "You and {name} agreed to exchange a few messages within a month of connecting.",
    ),
    ObligationKind.CHECK_IN: (
        "Time to check in with {name}",
        "It has been a while: a message, a call or a coffee keeps this relationship warm.",
    ),
    ObligationKind.MENTOR_CHECK_IN: (
        "Mentorship check-in with {name}",
        "You and {name} agreed to check in regularly: a call, a message or a logged check-in "
        "keeps your mentorship on track.",
    ),
}


@transaction.atomic
def obligation_nudge(
    *, obligation_id: int, member_id: int, now: datetime | None = None
) -> Notification | None:
    """Nudge one owing member about one open obligation, once per due date. Runs late during a
    quiet period (the task is deferred past it); does nothing once the obligation is met, the
    relationship rests, or a block came between the two."""
    now = now or timezone.now()
    obligation = Obligation.objects.select_related("connection").filter(pk=obligation_id).first()
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if obligation is None or member is None or not obligation.is_open:
        return None
    boundaries = Boundaries.objects.get(user=member)
    if boundaries.is_quiet(now):
        from mutuals.connections.tasks import enqueue_at
        from mutuals.engagement import tasks

        quiet_until = boundaries.quiet_until or now
        transaction.on_commit(
            lambda: enqueue_at(tasks.obligation_nudge, quiet_until, obligation_id, member_id)
        )
        return None
    connection = obligation.connection
    other_id = connection.other_id(member.pk)
    if is_blocked_between(member.pk, other_id) or not are_connected(member.pk, other_id):
        return None
    if Tie.objects.filter(
        member=member, connection=connection, resting_since__isnull=False
    ).exists():
        return None
    other = User.objects.get(pk=other_id)
    title, body = _NUDGE_TEXT[ObligationKind(obligation.kind)]
    return notify(
        member=member,
        key=f"nudge:{obligation.pk}:{member.pk}:{obligation.due_at:%Y%m%d%H%M}",
        kind=f"nudge_{obligation.kind}",
        title=title.format(name=other.name),
        body=body.format(name=other.get_short_name())
        + f" Due {timezone.localtime(obligation.due_at, member_zone(boundaries)):%a %d %b}.",
        url=reverse("connection_detail", args=[connection.pk]),
    )


def nudges_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: nudge every owing member whose obligation falls due within a day. Safe to run
    any number of times, and to kill half-way: notifications are keyed per obligation, member
    and due date."""
    now = now or timezone.now()
    due = (
        Obligation.objects.filter(
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lte=now + NUDGE_AHEAD,
            due_at__gte=now - timedelta(days=30),
        )
        .select_related("connection")
        .order_by("due_at", "id")[:limit]
    )
    created = 0
    for obligation in due:
        owing = (
            [obligation.party_id]
            if obligation.party_id
            else [obligation.connection.member_low_id, obligation.connection.member_high_id]
        )
        for member_id in owing:
            if member_id is not None and obligation_nudge(
                obligation_id=obligation.pk, member_id=member_id, now=now
            ):
                created += 1
    return created


def notification_mark_read(*, member: User, notification_ids: list[int] | None = None) -> int:
    """Mark the member's notifications read (all when no ids are given)."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_email_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """E-mail a notification once: claim it with a conditional update, then send. A crash
    between claim and send loses the e-mail, never the in-app notification, and never sends
    twice; a failed send releases the claim for a retry. Not while the member is quiet (the
    e-mail waits for the end of the quiet period, re-planned if it was extended), and not
    once they have read it in the app."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    quiet_until = (
        Boundaries.objects.filter(user__notifications=notification_id)
        .values_list("quiet_until", flat=True)
        .first()
    )
    if quiet_until is not None and quiet_until > now:
        _email_later(notification_id, quiet_until)
        return False
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=claimed_at)
    if not claimed:
        return False
    notification = Notification.objects.select_related("member").get(pk=notification_id)
    try:
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{notification.url}".strip(),
            from_email=None,
            recipient_list=[notification.member.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def notification_emails_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep's catch-up: e-mail the unread notifications of the last week whose e-mail
    never went (a stopped worker, a quiet period that has ended). Idempotent: each e-mail is
    claimed before it is sent."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__gte=now - EMAIL_CATCH_UP
        )
        .exclude(member__boundaries__quiet_until__gt=now)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk, now=now) for pk in list(due))


def as_detail(obligation: Obligation) -> dict[str, Any]:
    return {
        "party_id": obligation.party_id,
        "kind": obligation.kind,
        "due_at": obligation.due_at,
        "fulfilled_at": obligation.fulfilled_at,
    }


# --- Collaborations ----------------------------------------------------------------------------

COLLABORATION_TITLE_MIN = 3
COLLABORATION_TITLE_MAX = 120
COLLABORATION_DESCRIPTION_MAX = 600
# People in one collaboration, the proposer included (a small team, like a group conversation).
COLLABORATION_MAX_MEMBERS = 8


def _collaboration_url(collaboration_id: int) -> str:
    return reverse("collaboration_detail", args=[collaboration_id])


def _collaboration_fields(
    title: str, description: str, member_ids: list[int], proposer: User
) -> str:
    errors: dict[str, list[str]] = {}
    title = " ".join(title.split())
    if len(title) < COLLABORATION_TITLE_MIN:
        errors["title"] = ["Give the project a title of a few words."]
    elif len(title) > COLLABORATION_TITLE_MAX:
        errors["title"] = [f"Keep the title to {COLLABORATION_TITLE_MAX} characters."]
    if len(description.strip()) > COLLABORATION_DESCRIPTION_MAX:
        errors["description"] = [
            f"Keep the description to {COLLABORATION_DESCRIPTION_MAX} characters "
            f"(now {len(description.strip())})."
        ]
    if not member_ids:
        errors["member_ids"] = ["Choose at least one person to collaborate with."]
    elif proposer.pk in member_ids:
        errors["member_ids"] = ["You are in it already; choose the others."]
    elif len(set(member_ids)) + 1 > COLLABORATION_MAX_MEMBERS:
        errors["member_ids"] = [
            f"A collaboration has at most {COLLABORATION_MAX_MEMBERS} people, you included."
        ]
    if errors:
        raise Refused.for_fields(errors)
    return title


def _collaboration_origin(
    proposer: User, members: list[User], conversation_id: int | None, event_id: int | None
) -> tuple[str, Any]:
    """Resolve the origin, which every member must share with the proposer: a conversation they
    are all in, or an event they all checked in at (a verified attendance, not an RSVP)."""
    if (conversation_id is None) == (event_id is None):
        raise Refused(
            "Say where it started: a conversation you are all in, or an event you all attended.",
            code="origin_required",
        )
    if event_id is not None:
        return CollaborationOrigin.EVENT, _event_origin(proposer, members, event_id)
    from mutuals.messaging.access import access_conversation_by_id
    from mutuals.messaging.models import Participant

    conversation = access_conversation_by_id(proposer, conversation_id or 0)
    in_it = set(
        Participant.objects.filter(conversation=conversation).values_list("member_id", flat=True)
    )
    _all_share(
        [m for m in members if m.pk not in in_it],
        "is not in that conversation",
        "are not in that conversation",
    )
    return CollaborationOrigin.CONVERSATION, conversation


def _event_origin(proposer: User, members: list[User], event_id: int) -> Any:
    from mutuals.events.models import Attendance, Event

    event = Event.objects.filter(pk=event_id, organizer__is_active=True).first()
    if event is None or (
        event.organizer_id != proposer.pk and is_blocked_between(proposer.pk, event.organizer_id)
    ):
        raise NotFound("No such event.")
    there = set(
        Attendance.objects.filter(event=event, checked_in_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    if proposer.pk not in there:
        raise Refused(
            "You were not checked in at that event; a collaboration starts from something you "
            "all share.",
            code="origin_not_shared",
            detail={"member_ids": [proposer.pk]},
        )
    _all_share(
        [m for m in members if m.pk not in there],
        "was not checked in at that event",
        "were not checked in at that event",
    )
    return event


def _all_share(outside: list[User], one: str, many: str) -> None:
    """Refuse naming the members outside the origin (`one`/`many`: the verb phrase)."""
    if outside:
        raise Refused(
            f"{', '.join(m.name for m in outside)} {one if len(outside) == 1 else many}; "
            "a collaboration starts from something you all share.",
            code="origin_not_shared",
            detail={"member_ids": [m.pk for m in outside]},
        )


@transaction.atomic
def collaboration_propose(
    *,
    proposer: User,
    title: str,
    member_ids: list[int],
    description: str = "",
    conversation_id: int | None = None,
    event_id: int | None = None,
) -> Collaboration:
    """Propose a collaboration: a project with a title (and a short description) with some of
    the proposer's connections (up to 8 people in all), started from something they all share —
    a conversation they are all in, or an event they all attended. Members the proposer may not
    see (missing, inactive, blocked either way) are not found; members who are not the
    proposer's connections are refused. Each invitee is asked to confirm; nothing counts until
    one does. The same open title twice from one proposer is a conflict."""
    title = _collaboration_fields(title, description, member_ids, proposer)
    wanted = list(dict.fromkeys(member_ids))
    members = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    from mutuals.connections.selectors import blocked_ids, connected_ids

    hidden = blocked_ids(proposer.pk)
    if any(pk not in members or pk in hidden for pk in wanted):
        raise NotFound("That member was not found.")
    connections = connected_ids(proposer.pk)
    strangers = [members[pk] for pk in wanted if pk not in connections]
    if strangers:
        raise Refused(
            f"You can only collaborate with your connections; "
            f"{', '.join(m.name for m in strangers)} "
            f"{'is' if len(strangers) == 1 else 'are'} not connected to you.",
            code="not_connected",
            detail={"member_ids": [m.pk for m in strangers]},
        )
    ordered = [members[pk] for pk in wanted]
    origin, source = _collaboration_origin(proposer, ordered, conversation_id, event_id)
    if Collaboration.objects.filter(
        proposer=proposer,
        title__iexact=title,
        state__in=[CollaborationState.PROPOSED, CollaborationState.ACTIVE],
    ).exists():
        raise Conflict(
            "You already have an open collaboration with that title.",
            code="collaboration_exists",
        )
    now = timezone.now()
    collaboration = Collaboration.objects.create(
        title=title,
        description=description.strip(),
        proposer=proposer,
        origin=origin,
        conversation=source if origin == CollaborationOrigin.CONVERSATION else None,
        event=source if origin == CollaborationOrigin.EVENT else None,
        created_at=now,
    )
    Collaborator.objects.bulk_create(
        [
            Collaborator(
                collaboration=collaboration,
                member=proposer,
                state=CollaboratorState.CONFIRMED,
                invited_at=now,
                responded_at=now,
            ),
            *(Collaborator(collaboration=collaboration, member=m, invited_at=now) for m in ordered),
        ]
    )
    for invitee in ordered:
        notify(
            member=invitee,
            key=f"collaboration:{collaboration.pk}:invited:{invitee.pk}",
            kind="collaboration_invited",
            title=f"{proposer.name} proposes a collaboration: {title}",
            body="Confirm if you are working on it together; it will show on your profile.",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration


def _own_seat(member: User, collaboration_id: int) -> tuple[Collaboration, Collaborator]:
    """The collaboration (locked) and the member's seat in it; not found for anyone else."""
    from mutuals.engagement.access import access_collaboration_by_id

    access_collaboration_by_id(member, collaboration_id)
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration_id)
    seat = Collaborator.objects.select_for_update().get(collaboration=collaboration, member=member)
    return collaboration, seat


def _closed(collaboration: Collaboration) -> Conflict:
    return Conflict(
        f"This collaboration is {collaboration.get_state_display().lower()}; "
        "it no longer takes answers.",
        code="collaboration_closed",
    )


def collaboration_record(*, collaboration: Collaboration) -> list[Interaction]:
    """A `collaboration` interaction between each pair of confirmed members who are connected
    (the ledger counts only relationships): the one who confirmed later is the actor, at the
    moment they confirmed. Keyed by the collaboration, so recording again adds nothing."""
    seats = list(
        Collaborator.objects.filter(collaboration=collaboration, state=CollaboratorState.CONFIRMED)
        .select_related("member")
        .order_by("responded_at", "id")
    )
    recorded = []
    for index, later in enumerate(seats):
        for earlier in seats[:index]:
            interaction = interaction_record(
                actor=later.member,
                counterpart=earlier.member,
                kind=InteractionKind.COLLABORATION,
                at=later.responded_at or collaboration.created_at,
                source_key=f"collaboration:{collaboration.pk}",
                note=collaboration.title[:500],
            )
            if interaction is not None:
                recorded.append(interaction)
    return recorded


@transaction.atomic
def collaboration_confirm(*, member: User, collaboration_id: int) -> Collaboration:
    """An invitee confirms they work on it together. The first confirmation makes the
    collaboration active; each confirmation records a collaboration interaction with every
    other confirmed member. Only invitees confirm (the proposer stands behind it already);
    confirming twice is harmless; a declined invitation or a closed collaboration is a
    conflict."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if collaboration.proposer_id == member.pk:
        raise NotAllowed("You proposed it; the people you invited confirm.", code="not_an_invitee")
    if seat.state == CollaboratorState.CONFIRMED:
        return collaboration
    if not collaboration.is_open:
        raise _closed(collaboration)
    if seat.state == CollaboratorState.DECLINED:
        raise Conflict("You declined this collaboration.", code="already_declined")
    now = timezone.now()
    seat.state = CollaboratorState.CONFIRMED
    seat.responded_at = now
    seat.save(update_fields=["state", "responded_at"])
    if collaboration.state == CollaborationState.PROPOSED:
        collaboration.state = CollaborationState.ACTIVE
        collaboration.started_at = now
        collaboration.save(update_fields=["state", "started_at"])
    collaboration_record(collaboration=collaboration)
    notify(
        member=collaboration.proposer,
        key=f"collaboration:{collaboration.pk}:confirmed:{member.pk}",
        kind="collaboration_confirmed",
        title=f"{member.name} confirmed your collaboration: {collaboration.title}",
        body="It now shows on both your profiles.",
        url=_collaboration_url(collaboration.pk),
    )
    return collaboration


@transaction.atomic
def collaboration_decline(*, member: User, collaboration_id: int) -> Collaboration:
    """An invitee declines; the proposer is told. When nobody invited is left to confirm and
    nobody confirmed, the collaboration is declined. Only invitees decline; declining twice is
    harmless; after confirming, or once it is closed, it is a conflict."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if collaboration.proposer_id == member.pk:
        raise NotAllowed("You proposed it; the people you invited answer.", code="not_an_invitee")
    if seat.state == CollaboratorState.DECLINED:
        return collaboration
    if seat.state == CollaboratorState.CONFIRMED:
        raise Conflict("You confirmed this collaboration already.", code="already_confirmed")
    if not collaboration.is_open:
        raise _closed(collaboration)
    seat.state = CollaboratorState.DECLINED
    seat.responded_at = timezone.now()
    seat.save(update_fields=["state", "responded_at"])
    others = Collaborator.objects.filter(collaboration=collaboration).exclude(
        member_id=collaboration.proposer_id
    )
    if (
        collaboration.state == CollaborationState.PROPOSED
        and not others.exclude(state=CollaboratorState.DECLINED).exists()
    ):
        collaboration.state = CollaborationState.DECLINED
        collaboration.save(update_fields=["state"])
    notify(
        member=collaboration.proposer,
        key=f"collaboration:{collaboration.pk}:declined:{member.pk}",
        kind="collaboration_declined",
        title=f"{member.name} declined the collaboration: {collaboration.title}",
        url=_collaboration_url(collaboration.pk),
    )
    return collaboration


@transaction.atomic
def collaboration_complete(*, member: User, collaboration_id: int) -> Collaboration:
    """Any confirmed member marks an active collaboration completed; it stays on their
    profiles as done. Completing again is harmless; a proposal nobody has confirmed yet, or a
    declined one, cannot be completed; invitees who have not confirmed may not complete it."""
    collaboration, seat = _own_seat(member, collaboration_id)
    if seat.state != CollaboratorState.CONFIRMED:
        raise NotAllowed(
            "Only the people who confirmed this collaboration can complete it.",
            code="not_a_collaborator",
        )
    if collaboration.state == CollaborationState.COMPLETED:
        return collaboration
    if collaboration.state != CollaborationState.ACTIVE:
        if collaboration.state == CollaborationState.PROPOSED:
            raise Conflict(
                "Nobody has confirmed it yet, so there is nothing to complete.",
                code="collaboration_not_started",
            )
        raise _closed(collaboration)
    collaboration.state = CollaborationState.COMPLETED
    collaboration.completed_at = timezone.now()
    collaboration.completed_by = member
    collaboration.save(update_fields=["state", "completed_at", "completed_by"])
    for other in (
        Collaborator.objects.filter(collaboration=collaboration, state=CollaboratorState.CONFIRMED)
        .exclude(member=member)
        .select_related("member")
    ):
        notify(
            member=other.member,
            key=f"collaboration:{collaboration.pk}:completed:{other.member_id}",
            kind="collaboration_completed",
            title=f"{member.name} marked {collaboration.title} completed",
            body="Well done, all of you.",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration


@transaction.atomic
def collaboration_withdraw(*, member: User, collaboration_id: int) -> Collaboration:
    """The proposer takes a proposal back while nobody has confirmed it; the invitees who have
    not answered are told. Only the proposer withdraws (`not_the_proposer`); once someone
    confirmed it is theirs too and stays (`collaboration_confirmed`); withdrawing again is
    harmless."""
    collaboration, _ = _own_seat(member, collaboration_id)
    if collaboration.proposer_id != member.pk:
        raise NotAllowed(
            "Only the person who proposed it can withdraw it.", code="not_the_proposer"
        )
    if collaboration.state == CollaborationState.WITHDRAWN:
        return collaboration
    if collaboration.state != CollaborationState.PROPOSED:
        if collaboration.state in (CollaborationState.ACTIVE, CollaborationState.COMPLETED):
            raise Conflict(
                "Someone confirmed it, so it is theirs too; mark it completed instead.",
                code="collaboration_confirmed",
            )
        raise _closed(collaboration)
    collaboration.state = CollaborationState.WITHDRAWN
    collaboration.save(update_fields=["state"])
    for seat in Collaborator.objects.filter(
        collaboration=collaboration, state=CollaboratorState.INVITED
    ).select_related("member"):
        notify(
            member=seat.member,
            key=f"collaboration:{collaboration.pk}:withdrawn:{seat.member_id}",
            kind="collaboration_withdrawn",
            title=f"{member.name} withdrew the collaboration: {collaboration.title}",
            url=_collaboration_url(collaboration.pk),
        )
    return collaboration
