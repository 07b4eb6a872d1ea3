"""Network health (docs/design.md §1 "too many connections, too few relationships"): quality
rather than a count — ties by state and tier, give and take, pact completion over time, and
at most five suggested actions for today, each with its reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.timezones import zone_named
from mutuals.connections.models import Connection
from mutuals.connections.selectors import shared_topics
from mutuals.engagement import selectors as engagement
from mutuals.engagement import tasks as engagement_tasks
from mutuals.engagement.models import (
    Collaboration,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Tie,
    TieState,
)
from mutuals.messaging import selectors as messaging

STATES = [s.value for s in TieState]
TIERS = ["inner", "close", "active", "wider", "acquaintance"]
MAX_SUGGESTIONS = 5
PACT_WEEKS = 12
# Ties recomputed longer ago than this are queued for the worker when the dashboard is read.
STALE_AFTER = timedelta(hours=6)
# One queued recompute per member in this many seconds, however often the page is read.
RECOMPUTE_QUEUED_FOR = 60
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
    # Confirmed collaborations by state (active, completed) and the active ones, newest first.
    collaborations: dict[str, int] = field(default_factory=dict)
    active_collaborations: list[Collaboration] = field(default_factory=list)


def health_for(member: User, now: datetime | None = None) -> Health:
    now = now or timezone.now()
    ties_refresh_when_stale(member, now)
    ties = list(engagement.ties_for(member))
    states = Counter(t.state for t in ties)
    tiers = Counter(t.tier for t in ties)
    give_take = engagement.give_take(member)
    active = sum(1 for t in ties if t.state in (TieState.ENGAGED, TieState.WARM))
    return Health(
        connections=len(ties),
        by_state={state: states.get(state, 0) for state in STATES},
        by_tier={tier: tiers.get(tier, 0) for tier in TIERS},
        follow_through_rate=engagement.follow_through_rate(member, now),
        acceptance_rate=engagement.acceptance_rate_shown(member),
        requests_accepted=engagement.acceptance_counts_shown(member),
        given=give_take.given,
        received=give_take.received,
        suggestions=suggestions_for(member, ties, now),
        pact_weeks=pact_weeks(member, now),
        review_prompt=active > REVIEW_ABOVE,
        collaborations=engagement.collaboration_counts(member),
        active_collaborations=engagement.collaborations_active(member),
    )


def ties_refresh_when_stale(member: User, now: datetime) -> bool:
    """Reading the dashboard writes nothing: when the member's ties are stale, or a
    connection has no tie row yet, queue their recompute for the worker (at most once a
    minute per member) and answer from the stored ties. Returns whether it queued one."""
    stale = (
        Tie.objects.filter(member=member)
        .filter(Q(computed_at__isnull=True) | Q(computed_at__lt=now - STALE_AFTER))
        .exists()
        or Connection.objects.filter(Q(member_low=member) | Q(member_high=member))
        .exclude(ties__member=member)
        .exists()
    )
    if not stale or not cache.add(f"insights:ties-queued:{member.pk}", 1, RECOMPUTE_QUEUED_FOR):
        return False
    engagement_tasks.ties_recompute.enqueue(member.pk)
    return True


def suggestions_for(member: User, ties: list[Tie], now: datetime) -> list[Suggestion]:
    """Today's few actions, most time-sensitive first: unanswered messages, thank-yous owed to
    new connections, first conversations due, check-ins due, then ties going cold — each with
    the reason drawn from what the two share."""
    by_other = {t.other_id: t for t in ties}
    out: list[Suggestion] = []
    seen: set[int] = set()

    def add(kind: str, tie: Tie, text: str, reason: str, url: str) -> None:
        if tie.other_id in seen or len(out) >= MAX_SUGGESTIONS:
            return
        seen.add(tie.other_id)
        out.append(Suggestion(kind, tie.other_id, tie.other.name, text, reason, url))

    for other_id, url in messaging.unanswered_for(member, now=now):
        if other_id in by_other:
            tie = by_other[other_id]
            add(
                "reply", tie, f"Reply to {tie.other.name}", "Their message is waiting for you.", url
            )
    open_items = Obligation.objects.filter(
        Q(party=member) | Q(party__isnull=True),
        connection_id__in=[t.connection_id for t in ties],
        fulfilled_at__isnull=True,
        cancelled_at__isnull=True,
    ).order_by("due_at")
    by_connection = {t.connection_id: t for t in ties}
    zone = zone_named(member.boundaries.time_zone)
    for obligation in open_items:
        if obligation.connection_id is None:
            continue
        tie = by_connection[obligation.connection_id]
        if tie.resting_since:
            continue
        url = reverse("connection_detail", args=[tie.connection_id])
        # The member's own calendar day: a deadline at the end of their Sunday is "due Sun".
        local_due = timezone.localtime(obligation.due_at, zone)
        overdue = obligation.status(now) == ObligationStatus.OVERDUE
        due = "overdue" if overdue else f"due {local_due:%a %d %b}"
        if obligation.kind == ObligationKind.FIRST_MESSAGE:
            add(
                "thank", tie, f"Thank {tie.other.name} for connecting", f"Your hello is {due}.", url
            )
        elif obligation.kind == ObligationKind.FIRST_EXCHANGE:
            add(
                "converse",
                tie,
                f"Start a real conversation with {tie.other.name}",
                f"Your first exchange is {due}.",
                url,
            )
        elif obligation.due_at < now + timedelta(days=7):
            add("check_in", tie, f"Check in with {tie.other.name}", f"Your check-in is {due}.", url)
    cold = [t for t in ties if t.state in (TieState.STAGNANT, TieState.FADING)]
    cold.sort(key=lambda t: -t.strength)
    for tie in cold:
        if len(out) >= MAX_SUGGESTIONS:
            break
        topics = [name for _, name in shared_topics(member.pk, tie.other_id)]
        reason = (
            f"You both care about {topics[0]}."
            if topics
            else "You have not been in touch in a while."
        )
        add(
            "reconnect",
            tie,
            f"Reconnect with {tie.other.name}",
            reason,
            reverse("connection_detail", args=[tie.connection_id]),
        )
    return out


def pact_weeks(member: User, now: datetime) -> list[PactWeek]:
    """For each of the last 12 weeks, Monday to Sunday in the member's own time zone: the
    member's obligations (and their pairs') that fell due that week, met on time, met late,
    or missed. Deadlines fall at the end of a local day, so a week in UTC would count a Sunday
    deadline west of Greenwich in the next week."""
    local_now = timezone.localtime(now, zone_named(member.boundaries.time_zone))
    monday = local_now.date() - timedelta(days=local_now.weekday())
    first_day = monday - timedelta(weeks=PACT_WEEKS - 1)
    first = datetime.combine(first_day, time.min, tzinfo=local_now.tzinfo)
    rows = Obligation.objects.filter(
        engagement.pact_counted(member), due_at__gte=first, due_at__lte=now
    ).only("due_at", "fulfilled_at", "cancelled_at")
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
