"""The pact when a relationship stops, for good or for a while: a connection that ends keeps
its items, closed with the reason (`pact_close`, registered with `connections.endings`), and
a suspension pauses them until the member is restored (`pact_pause`, `pact_resume`, called
by moderation). docs/design.md §4."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from mutuals.connections.models import Connection
from mutuals.engagement.models import Obligation, ObligationClosed
from mutuals.engagement.services import schedule_nudges


def _open_items() -> QuerySet[Obligation]:
    return Obligation.objects.filter(fulfilled_at__isnull=True, cancelled_at__isnull=True)


@transaction.atomic
def pact_close(*, connection: Connection, reason: str, at: datetime) -> int:
    """The connection is ending (`connections.endings.connection_end`, registered when this
    app starts): its items are kept for both members' history, not deleted. Each records the
    pair (the connection's row is about to go); what was met stays met, what was still open
    closes with `reason`. An item closed before its deadline counts for nobody's
    follow-through; one already past it when it closed still counts as missed (it was missed
    while the connection stood: `selectors.pact_counted`). Returns how many closed."""
    Obligation.objects.filter(connection=connection).update(
        member_low_id=connection.member_low_id, member_high_id=connection.member_high_id
    )
    return _open_items().filter(connection=connection).update(cancelled_at=at, closed_reason=reason)


def _connections_of(member_id: int) -> QuerySet[Connection]:
    return Connection.objects.filter(Q(member_low_id=member_id) | Q(member_high_id=member_id))


@transaction.atomic
def pact_pause(*, member_id: int, at: datetime) -> int:
    """A member is suspended: every open item on their connections — theirs, the other
    side's and the pair's — closes as `suspended`, so nobody is scored for a pact they could
    not keep with someone suspended, nor nudged about it. An item already past its deadline
    still counts as missed, as when a connection ends. Returns how many paused."""
    return (
        _open_items()
        .filter(connection__in=_connections_of(member_id))
        .update(cancelled_at=at, closed_reason=ObligationClosed.SUSPENDED)
    )


@transaction.atomic
def pact_resume(*, member_id: int, at: datetime) -> int:
    """The member is restored: the items their suspension paused reopen on each connection
    whose other member is active (a pair both suspended waits for the second restore), each
    deadline pushed back by the time it was paused, and their nudges are planned again. An
    item whose new deadline another item already holds stays closed. Returns how many
    reopened."""
    paused = Obligation.objects.select_for_update().filter(
        connection__in=_connections_of(member_id).filter(
            member_low__is_active=True, member_high__is_active=True
        ),
        closed_reason=ObligationClosed.SUSPENDED,
        cancelled_at__isnull=False,
    )
    reopened: list[int] = []
    for obligation in paused:
        if obligation.cancelled_at is None:
            continue
        due_at = obligation.due_at + (at - obligation.cancelled_at)
        try:
            with transaction.atomic():
                Obligation.objects.filter(pk=obligation.pk).update(
                    cancelled_at=None, closed_reason="", due_at=due_at
                )
        except IntegrityError:
            continue
        reopened.append(obligation.pk)
    if reopened:
        transaction.on_commit(lambda: schedule_nudges(reopened))
    return len(reopened)
