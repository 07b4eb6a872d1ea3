"""Every write on the engagement pact and the interaction ledger (notifications are in
`notifications.py`, collaborations in `collaborations.py`).

The pact (docs/design.md §4): on acceptance each party owes the other a first message within 7
days, the pair owes a first real exchange (a message each way) within 30 days, and after that
each party owes keep-warm check-ins at the cadence of the tie's tier. Deadlines fall at the end
of the day in the owing member's time zone; low-bandwidth members get doubled deadlines.
Obligations are fulfilled by the interactions that satisfy them, never by hand; which
interaction meets which obligation is one rule, `obligation_met_by`. Mentorship check-ins are
obligations too (`mentor_check_in`): the mentorship app plans, reconciles and cancels them
through the `mentor_checkins_*` services here, and writes no obligation itself.

A new connection's pact opens through `connections.services.connection_open`: this app
registers `pact_open` with it when it starts (`EngagementConfig.ready`).

Nudges are notifications with a unique key per obligation, member and due date, so a worker
that dies mid-batch and runs again neither loses nor repeats one; quiet periods move a nudge
to the end of the quiet period, never drop it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, User
from mutuals.accounts.timezones import NUDGE_AHEAD, deadline, end_of_day, member_zone, nudge_time
from mutuals.connections.models import Connection
from mutuals.connections.selectors import are_connected, is_blocked_between
from mutuals.core import graph_changes
from mutuals.core.errors import NotFound, Refused
from mutuals.core.tasks import enqueue_at, queue_in_transaction
from mutuals.engagement import notifications, selectors
from mutuals.engagement.models import (
    INTERACTION_WEIGHTS,
    Interaction,
    InteractionKind,
    Notification,
    Obligation,
    ObligationKind,
    Tie,
    TieState,
)
from mutuals.engagement.ties import tie_state, ties_recompute
from mutuals.strength import model as strength

FIRST_MESSAGE_DAYS = 7
FIRST_EXCHANGE_DAYS = 30
# Keep-warm cadence by tier (days), from the strength model; acquaintances owe no check-ins.
CHECK_IN_CADENCE = {
    tier: days for tier, days in strength.CADENCE_DAYS.items() if tier != strength.TIER_ACQUAINTANCE
}
CHECK_IN_MIN_GAP = timedelta(days=1)
# A missed item is told this long after its deadline.
MISSED_AFTER = timedelta(minutes=1)
LOGGABLE_KINDS = (InteractionKind.MEETING, InteractionKind.CALL, InteractionKind.OTHER)
LOG_BACKDATE_LIMIT = timedelta(days=365)


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
    # Both ties start in the model's state for a tie just begun (the same for both members),
    # not the column's default, until their first recompute.
    state = tie_state(
        Tie(connection=connection), their_tier=strength.TIER_ACQUAINTANCE, now=timezone.now()
    )
    for member in members:
        other = next(m for m in members if m.pk != member.pk)
        Tie.objects.get_or_create(
            member=member, connection=connection, defaults={"other": other, "state": state}
        )
    if created_ids:
        queue_in_transaction(lambda: schedule_nudges(created_ids))
    return obligations


def schedule_nudges(obligation_ids: list[int]) -> None:
    """One nudge task per owing member of each obligation, a day before it is due (past any
    quiet period), and one to tell of it if it is missed."""
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.engagement import tasks

    obligations = list(
        Obligation.objects.filter(pk__in=obligation_ids).select_related("connection")
    )
    owing = {o.pk: [o.party_id] if o.party_id else list(o.pair_ids()) for o in obligations}
    bounds = {
        b.user_id: b
        for b in Boundaries.objects.filter(user_id__in={m for ids in owing.values() for m in ids})
    }
    for obligation in obligations:
        for member_id in owing[obligation.pk]:
            if member_id in bounds:
                when = nudge_time(obligation.due_at, bounds[member_id])
                enqueue_at(tasks.obligation_nudge, when, obligation.pk, member_id)
        # Told once when the deadline passes with the item open (`obligation_missed_notify`).
        enqueue_at(tasks.obligation_missed, obligation.due_at + MISSED_AFTER, obligation.pk)


def _pair(connection: Connection) -> list[User]:
    return list(User.objects.filter(pk__in=[connection.member_low_id, connection.member_high_id]))


def connection_between(member_id: int, other_id: int) -> Connection | None:
    """The two members' connection, or None (compiled once per process: every interaction
    recorded asks it)."""
    low, high = sorted((member_id, other_id))
    return selectors.pair_connection.first(low=low, high=high)


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
    existing = selectors.recorded_interaction.first(
        source_key=source_key, actor_id=actor.pk, counterpart_id=counterpart.pk
    )
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
    # The pair's two tie rows locked in the order every writer of ties locks them (by member,
    # then row: `ties_recompute` of the lower member before the higher's in `checkins_plan`),
    # not in whatever order an UPDATE meets them: two requests of one pair cannot deadlock.
    pair_tie_ids = selectors.pair_tie_ids_locked.fetch(connection_id=connection.pk)
    Tie.objects.filter(pk__in=pair_tie_ids).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=at)
    ).update(last_interaction_at=at)
    member_ids = [actor.pk, counterpart.pk]
    queue_in_transaction(lambda: _schedule_recompute(member_ids))
    return interaction


def _schedule_recompute(member_ids: list[int]) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
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


def obligation_met_by(obligation: Obligation, interaction: Interaction) -> bool:
    """Whether `interaction`, between the two members of the obligation's connection, meets
    `obligation`: the one rule for the pact and for mentorship check-ins. Nothing before the
    obligation opened meets it. A first message is met by its party's interaction; the first
    real exchange once messages went both ways; a keep-warm check-in by the next contact (a
    day or more after the one that planned it); a mentorship check-in by a conversation of
    both (a logged check-in, a call or a meeting) or by an interaction of its party."""
    if interaction.at < obligation.opened_at:
        return False
    if obligation.kind == ObligationKind.FIRST_MESSAGE:
        return obligation.party_id == interaction.actor_id
    if obligation.kind == ObligationKind.FIRST_EXCHANGE:
        return interaction.kind in _CONVERSATION_KINDS and (
            Interaction.objects.filter(
                actor_id=interaction.counterpart_id,
                counterpart_id=interaction.actor_id,
                kind__in=_CONVERSATION_KINDS,
                at__gte=obligation.opened_at,
            ).exists()
        )
    if obligation.kind == ObligationKind.CHECK_IN:
        # A check-in is the next contact, not more of the one that planned it.
        return interaction.at >= obligation.opened_at + CHECK_IN_MIN_GAP
    if obligation.kind == ObligationKind.MENTOR_CHECK_IN:
        return (
            interaction.kind in MENTOR_CHECK_IN_JOINT_KINDS
            or obligation.party_id == interaction.actor_id
        )
    return False


def _mark_fulfilled(obligation: Obligation, interaction: Interaction) -> int:
    return Obligation.objects.filter(pk=obligation.pk, fulfilled_at__isnull=True).update(
        fulfilled_at=interaction.at, fulfilled_by=interaction
    )


def _fulfil(connection: Connection, interaction: Interaction) -> None:
    """Mark what this interaction meets (`obligation_met_by`) among the connection's open
    obligations, and plan the next keep-warm check-ins after a first exchange or a check-in."""
    open_items = selectors.open_obligations_locked.fetch(
        connection_id=connection.pk, at=interaction.at
    )
    fulfilled = [o for o in open_items if obligation_met_by(o, interaction)]
    for obligation in fulfilled:
        _mark_fulfilled(obligation, interaction)
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
    queue_in_transaction(lambda: schedule_nudges(ids))
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
        tie.state = tie_state(tie, their_tier=tie.tier, now=now)  # the model's, not "warm"
    tie.save(update_fields=["resting_since", "state"])
    # Resting takes the tie out of the member's ranks and waking puts it back: their tiers are
    # recomputed by a task queued with the commit, like after an interaction.
    queue_in_transaction(lambda: _schedule_recompute([member.pk]))
    # A resting tie carries no introduction: the graph snapshot must not answer with it.
    graph_changes.connections_changed(between=(member.pk, other.pk))
    if not resting:
        checkins_plan(connection=connection, after=now)
    return tie


# --- Mentorship check-ins ------------------------------------------------------------------------


@transaction.atomic
def mentor_checkins_plan(
    *,
    connection: Connection,
    party_ids: tuple[int, int],
    every_days: int,
    for_days: int,
    at: datetime,
) -> list[Obligation]:
    """A mentorship's agreed check-ins: one `mentor_check_in` per `every_days` for each party,
    due at the end of that day in their own time zone, up to `for_days` after `at`. The first
    opens at `at`, each next one when the previous falls due. Idempotent (a check-in once per
    party and due date); each is nudged like any obligation."""
    bounds = {b.user_id: b for b in Boundaries.objects.filter(user_id__in=party_ids)}
    planned: list[Obligation] = []
    for party_id in party_ids:
        boundaries = bounds[party_id]
        start_day = at.astimezone(member_zone(boundaries)).date()
        opened = at
        for offset in range(every_days, for_days + 1, every_days):
            due = end_of_day(start_day + timedelta(days=offset), boundaries)
            obligation, _ = Obligation.objects.get_or_create(
                connection=connection,
                party_id=party_id,
                kind=ObligationKind.MENTOR_CHECK_IN,
                due_at=due,
                defaults={"opened_at": opened},
            )
            planned.append(obligation)
            opened = due
    ids = [o.pk for o in planned]
    queue_in_transaction(lambda: schedule_nudges(ids))
    return planned


def _open_mentor_checkins(
    connection_id: int, party_ids: tuple[int, int], since: datetime
) -> QuerySet[Obligation]:
    return Obligation.objects.filter(
        connection_id=connection_id,
        kind=ObligationKind.MENTOR_CHECK_IN,
        party_id__in=party_ids,
        opened_at__gte=since,
        fulfilled_at__isnull=True,
        cancelled_at__isnull=True,
    )


@transaction.atomic
def mentor_checkins_reconcile(
    *, connection_id: int, party_ids: tuple[int, int], since: datetime
) -> int:
    """Fulfil the pair's open check-ins opened since `since` from the ledger: each by the
    earliest interaction between the two that meets it (`obligation_met_by`). Idempotent;
    returns how many it fulfilled."""
    open_items = list(_open_mentor_checkins(connection_id, party_ids, since).select_for_update())
    if not open_items:
        return 0
    earliest = min(o.opened_at for o in open_items)
    first, second = party_ids
    interactions = list(
        Interaction.objects.filter(
            Q(actor_id=first, counterpart_id=second) | Q(actor_id=second, counterpart_id=first),
            at__gte=earliest,
        ).order_by("at", "id")
    )
    fulfilled = 0
    for obligation in open_items:
        match = next((i for i in interactions if obligation_met_by(obligation, i)), None)
        if match is not None:
            fulfilled += _mark_fulfilled(obligation, match)
    return fulfilled


@transaction.atomic
def mentor_checkins_cancel(
    *, connection_id: int, party_ids: tuple[int, int], since: datetime, at: datetime
) -> int:
    """Cancel the pair's check-ins opened since `since` that are not yet due at `at`; those
    already due stay as they are (met, or missed). Returns how many it cancelled."""
    return (
        _open_mentor_checkins(connection_id, party_ids, since)
        .filter(due_at__gt=at)
        .update(cancelled_at=at)
    )


# --- Nudges and notifications ------------------------------------------------------------------


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
        # Imported here: tasks.py imports this module (each task calls its service).
        from mutuals.engagement import tasks

        quiet_until = boundaries.quiet_until or now
        queue_in_transaction(
            lambda: enqueue_at(tasks.obligation_nudge, quiet_until, obligation_id, member_id)
        )
        return None
    connection = obligation.connection
    if connection is None:  # ended: its items are closed
        return None
    other_id = connection.other_id(member.pk)
    if is_blocked_between(member.pk, other_id) or not are_connected(member.pk, other_id):
        return None
    if Tie.objects.filter(
        member=member, connection=connection, resting_since__isnull=False
    ).exists():
        return None
    other = User.objects.get(pk=other_id)
    title, body = _NUDGE_TEXT[ObligationKind(obligation.kind)]
    return notifications.notify(
        member=member,
        key=f"nudge:{obligation.pk}:{member.pk}:{obligation.due_at:%Y%m%d%H%M}",
        kind=f"nudge_{obligation.kind}",
        title=title.format(name=other.name),
        body=body.format(name=other.get_short_name())
        + f" Due {timezone.localtime(obligation.due_at, member_zone(boundaries)):%a %d %b}.",
        url=reverse("connection_detail", args=[connection.pk]),
        about=other,
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
        owing = [obligation.party_id] if obligation.party_id else list(obligation.pair_ids())
        for member_id in owing:
            if member_id is not None and obligation_nudge(
                obligation_id=obligation.pk, member_id=member_id, now=now
            ):
                created += 1
    return created
