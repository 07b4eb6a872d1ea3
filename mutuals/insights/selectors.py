"""Network health (docs/design.md §1 "too many connections, too few relationships"): quality
rather than a count — ties by state and tier, give and take, pact completion over time, and
at most five suggested actions for today, each with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.timezones import zone_named
from mutuals.connections.invitations import acceptance_rate_of
from mutuals.connections.models import Connection
from mutuals.connections.selectors import shared_topics_with
from mutuals.core.compiled import CompiledQuery
from mutuals.engagement import selectors as engagement
from mutuals.engagement.models import (
    Obligation,
    ObligationKind,
    ObligationStatus,
    Tie,
    TieState,
)
from mutuals.engagement.ties import tie_state_unmeasured
from mutuals.messaging import selectors as messaging

STATES = [s.value for s in TieState]
TIERS = ["inner", "close", "active", "wider", "acquaintance"]
MAX_SUGGESTIONS = 5
PACT_WEEKS = 12
# Past this many active ties the dashboard gently suggests a review (Dunbar's ~150).
REVIEW_ABOVE = 150


@dataclass(frozen=True)
class Suggestion:
    kind: str
    member_id: int
    member_name: str
    text: str
    reason: str
    url: str


@dataclass(frozen=True)
class PactWeek:
    week_start: datetime
    on_time: int
    late: int
    missed: int


@dataclass
class Health:
    connections: int
    by_state: dict[str, int]
    by_tier: dict[str, int]
    follow_through_rate: float | None
    acceptance_rate: float | None
    given: int
    received: int
    # (accepted, decided) of the recent requests: "1 of 1 so far" before the rate is known.
    requests_accepted: tuple[int, int] = (0, 0)
    suggestions: list[Suggestion] = field(default_factory=list)
    pact_weeks: list[PactWeek] = field(default_factory=list)
    review_prompt: bool = False
    # Confirmed collaborations by state (active, completed).
    collaborations: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TieRow:
    """What the dashboard reads of one of the member's ties (one row of one query)."""

    other_id: int
    other_name: str
    connection_id: int
    state: str
    tier: str
    strength: float
    resting_since: datetime | None


def _stored_ties(member_id: int) -> QuerySet[Tie, tuple[Any, ...]]:
    return (
        Tie.objects.filter(member=member_id, other__is_active=True)
        .order_by("-strength", "-id")
        .values_list(
            "other_id",
            "other__name",
            "connection_id",
            "state",
            "tier",
            "strength",
            "resting_since",
        )
    )


def _untied_connections(member_id: int) -> QuerySet[Connection, tuple[Any, ...]]:
    return (
        Connection.objects.filter(Q(member_low=member_id) | Q(member_high=member_id))
        .exclude(ties__member=member_id)
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "created_at",
            "member_low_id",
            "member_low__name",
            "member_low__is_active",
            "member_high_id",
            "member_high__name",
            "member_high__is_active",
        )
    )


# Read on every health answer and home page: compiled once per process (issue 20).
_stored_ties_compiled: CompiledQuery[tuple[Any, ...]] = CompiledQuery(
    _stored_ties, member_id=-730_201
)
_untied_compiled: CompiledQuery[tuple[Any, ...]] = CompiledQuery(
    _untied_connections, member_id=-730_202
)


def _open_pact(member_id: int) -> QuerySet[Obligation, tuple[int, str, datetime]]:
    """The items of the member's connections still open that are theirs or the pair's, soonest
    due first: (connection id, kind, deadline), no model instances."""
    theirs = Connection.objects.filter(Q(member_low=member_id) | Q(member_high=member_id))
    return (
        Obligation.objects.filter(
            Q(party=member_id) | Q(party__isnull=True),
            connection_id__in=theirs.values("pk"),
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("due_at", "id")
        .values_list("connection_id", "kind", "due_at")
    )


def _pact_fell_due(member_id: int, first: datetime, now: datetime) -> QuerySet[Obligation]:
    """The items counted in the member's follow-through that fell due between two moments."""
    return Obligation.objects.filter(
        engagement.pact_counted(member_id), due_at__gte=first, due_at__lte=now
    ).only("due_at", "fulfilled_at", "cancelled_at")


# Read on every health answer (and the home page's suggestions): compiled once per process.
_open_pact_compiled: CompiledQuery[tuple[int, str, datetime]] = CompiledQuery(
    _open_pact, member_id=-730_203
)
_pact_fell_due_compiled: CompiledQuery[Obligation] = CompiledQuery(
    _pact_fell_due,
    member_id=-730_204,
    first=datetime(2001, 1, 1, tzinfo=UTC),
    now=datetime(2001, 2, 1, tzinfo=UTC),
)


def tie_rows(member: User, now: datetime) -> list[TieRow]:
    """The member's ties with active members, strongest first, as last computed: the stored
    values only (no model instances, no joined profile). A connection with no tie row of the
    member yet (made without the pact, or written in bulk) reads as a tie just begun would
    (`Tie`'s defaults, its state by the clock), until the worker computes it."""
    rows = [TieRow(*row) for row in _stored_ties_compiled.fetch(member_id=member.pk)]
    missing = _untied_compiled.fetch(member_id=member.pk)
    for row in missing:
        connection_id, created_at = row[0], row[1]
        low, high = (row[2], row[3], row[4]), (row[5], row[6], row[7])
        other = high if low[0] == member.pk else low
        if other[2]:
            unmeasured = Tie()
            state = tie_state_unmeasured(connected_at=created_at, now=now)
            rows.append(
                TieRow(
                    other[0],
                    other[1],
                    connection_id,
                    state,
                    unmeasured.tier,
                    unmeasured.strength,
                    None,
                )
            )
    return rows


def health_for(member: User, now: datetime | None = None) -> Health:
    """The dashboard from stored rows: reading it writes nothing and queues nothing (issue 20).
    Ties are as last computed: on each interaction (both members, by the worker) and by
    `mutuals sweep` once a day old (`engagement.ties.ties_refresh_stale`). The counts are one
    statement (`engagement.health_counts`), the member's time zone among them."""
    now = now or timezone.now()
    ties = tie_rows(member, now)
    states = Counter(t.state for t in ties)
    tiers = Counter(t.tier for t in ties)
    counts = engagement.health_counts(member, now)
    zone = zone_named(counts.time_zone)
    active = sum(1 for t in ties if t.state in (TieState.ENGAGED, TieState.WARM))
    requests_accepted = (counts.requests_accepted, counts.requests_decided)
    return Health(
        connections=len(ties),
        by_state={state: states.get(state, 0) for state in STATES},
        by_tier={tier: tiers.get(tier, 0) for tier in TIERS},
        follow_through_rate=counts.follow_through_rate,
        acceptance_rate=acceptance_rate_of(*requests_accepted),
        requests_accepted=requests_accepted,
        given=counts.given,
        received=counts.received,
        suggestions=suggestions_for(member, ties, now, zone),
        pact_weeks=pact_weeks(member, now, zone),
        review_prompt=active > REVIEW_ABOVE,
        collaborations={
            "active": counts.collaborations_active,
            "completed": counts.collaborations_completed,
        },
    )


def _zone_of(member: User) -> tzinfo:
    return zone_named(member.boundaries.time_zone)


def health_suggestions(member: User, now: datetime | None = None) -> list[Suggestion]:
    """Today's few actions alone (the home page's "For today"), without the rest of the
    dashboard."""
    now = now or timezone.now()
    return suggestions_for(member, tie_rows(member, now), now)


def suggestions_for(
    member: User, ties: list[TieRow], now: datetime, zone: tzinfo | None = None
) -> list[Suggestion]:
    """Today's few actions, most time-sensitive first: unanswered messages, thank-yous owed to
    new connections, first conversations due, check-ins due, then ties going cold — each with
    the reason drawn from what the two share. Due dates are told in `zone`, the member's own
    time zone (read from their boundaries when not given)."""
    by_other = {t.other_id: t for t in ties}
    out: list[Suggestion] = []
    seen: set[int] = set()

    def add(kind: str, tie: TieRow, text: str, reason: str, url: str | None = None) -> bool:
        """Add one unless its member has one already; False once the list is full. Without a
        `url`, the connection's page, worked out only for a suggestion kept (`reverse` was a
        tenth of a health answer when it ran for every open item)."""
        if tie.other_id not in seen and len(out) < MAX_SUGGESTIONS:
            seen.add(tie.other_id)
            url = url or reverse("connection_detail", args=[tie.connection_id])
            out.append(Suggestion(kind, tie.other_id, tie.other_name, text, reason, url))
        return len(out) < MAX_SUGGESTIONS

    for other_id, url in messaging.unanswered_for(member, now=now):
        if other_id in by_other:
            tie = by_other[other_id]
            add(
                "reply", tie, f"Reply to {tie.other_name}", "Their message is waiting for you.", url
            )
    if len(out) < MAX_SUGGESTIONS:
        _pact_suggestions(member, ties, now, zone or _zone_of(member), add)
    cold = [
        t
        for t in ties
        if t.state in (TieState.STAGNANT, TieState.FADING) and t.other_id not in seen
    ]
    cold.sort(key=lambda t: -t.strength)
    cold = cold[: MAX_SUGGESTIONS - len(out)]
    # The topics of every tie that can still be suggested, in one read.
    topics = shared_topics_with(member.pk, [t.other_id for t in cold]) if cold else {}
    for tie in cold:
        shared = [name for _, name in topics.get(tie.other_id, [])]
        reason = (
            f"You both care about {shared[0]}."
            if shared
            else "You have not been in touch in a while."
        )
        add("reconnect", tie, f"Reconnect with {tie.other_name}", reason)
    return out


def _pact_suggestions(
    member: User,
    ties: list[TieRow],
    now: datetime,
    zone: tzinfo,
    add: Callable[[str, TieRow, str, str], bool],
) -> None:
    """Thank-yous, first conversations and check-ins owed, soonest due first, until `add` says
    the list is full (a member with hundreds of connections has hundreds of open items)."""
    by_connection = {t.connection_id: t for t in ties}
    for connection_id, kind, due_at in _open_pact_compiled.fetch(member_id=member.pk):
        tie = by_connection.get(connection_id)  # theirs: never None
        if tie is None or tie.resting_since:  # a connection with an inactive member
            continue
        # The member's own calendar day: a deadline at the end of their Sunday is "due Sun".
        # Open items only (neither met nor cancelled), so `Obligation.status` is overdue
        # exactly when the deadline has passed.
        due = "overdue" if due_at < now else f"due {timezone.localtime(due_at, zone):%a %d %b}"
        room = True
        if kind == ObligationKind.FIRST_MESSAGE:
            room = add(
                "thank", tie, f"Thank {tie.other_name} for connecting", f"Your hello is {due}."
            )
        elif kind == ObligationKind.FIRST_EXCHANGE:
            room = add(
                "converse",
                tie,
                f"Start a real conversation with {tie.other_name}",
                f"Your first exchange is {due}.",
            )
        elif due_at < now + timedelta(days=7):
            room = add(
                "check_in", tie, f"Check in with {tie.other_name}", f"Your check-in is {due}."
            )
        if not room:
            return


def pact_weeks(member: User, now: datetime, zone: tzinfo | None = None) -> list[PactWeek]:
    """For each of the last 12 weeks, Monday to Sunday in the member's own time zone: the
    member's obligations (and their pairs') that fell due that week, met on time, met late,
    or missed. Deadlines fall at the end of a local day, so a week in UTC would count a Sunday
    deadline west of Greenwich in the next week."""
    local_now = timezone.localtime(now, zone or _zone_of(member))
    monday = local_now.date() - timedelta(days=local_now.weekday())
    first_day = monday - timedelta(weeks=PACT_WEEKS - 1)
    first = datetime.combine(first_day, time.min, tzinfo=local_now.tzinfo)
    rows = _pact_fell_due_compiled.fetch(member_id=member.pk, first=first, now=now)
    # Each fell due by now: met on time, met late, or missed (overdue).
    column = {ObligationStatus.MET: 0, ObligationStatus.LATE: 1, ObligationStatus.OVERDUE: 2}
    weeks = [[0, 0, 0] for _ in range(PACT_WEEKS)]
    for obligation in rows:
        local_day = timezone.localtime(obligation.due_at, local_now.tzinfo).date()
        index = min(PACT_WEEKS - 1, (local_day - first_day).days // 7)
        weeks[index][column.get(ObligationStatus(obligation.status(now)), 2)] += 1
    return [
        PactWeek(first + timedelta(weeks=i), on_time, late, missed)
        for i, (on_time, late, missed) in enumerate(weeks)
    ]
