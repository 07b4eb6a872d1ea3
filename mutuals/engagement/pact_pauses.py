"""The pact when a relationship stops, for good or for a while: a connection that ends keeps
its items, closed with the reason (`pact_close`, registered with `connections.endings`), and
a suspension pauses them until the member is restored (`pact_pause`, `pact_resume`, called
by moderation), as does a member's deletion grace period until they cancel it
(`pact_leaving`, registered with `accounts.deletion`). docs/design.md §4."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from mutuals.connections.models import Connection
from mutuals.core.tasks import queue_in_transaction
from mutuals.engagement.models import Obligation, ObligationClosed
from mutuals.engagement.services import schedule_nudges

# Why an item may be paused rather than closed for good; a restore or a cancelled deletion
# reopens either, once both members are active again.
PAUSED = (ObligationClosed.SUSPENDED, ObligationClosed.LEAVING)


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
    # Paused while a member was leaving, now ended for good: the ending's reason (kept
    # closed at the pause, which is when its deadline was judged).
    Obligation.objects.filter(
        connection=connection, fulfilled_at__isnull=True, closed_reason=ObligationClosed.LEAVING
    ).update(closed_reason=reason)
    return _open_items().filter(connection=connection).update(cancelled_at=at, closed_reason=reason)


def _connections_of(member_id: int) -> QuerySet[Connection]:
    return Connection.objects.filter(Q(member_low_id=member_id) | Q(member_high_id=member_id))


@transaction.atomic
def pact_pause(*, member_id: int, at: datetime, reason: str = ObligationClosed.SUSPENDED) -> int:
    """A member is suspended (or, `reason="leaving"`, in their deletion grace period): every
    open item on their connections — theirs, the other side's and the pair's — closes with
    the reason, so nobody is scored for a pact they could not keep with someone suspended or
    leaving, nor nudged about it. An item already past its deadline still counts as missed,
    as when a connection ends. Returns how many paused."""
    return (
        _open_items()
        .filter(connection__in=_connections_of(member_id))
        .update(cancelled_at=at, closed_reason=reason)
    )


@transaction.atomic
def pact_leaving(*, member_id: int, leaving: bool, at: datetime) -> int:
    """A member asked to delete their account (`leaving`): their pact pauses as a
    suspension's does, closed as `leaving`. They cancelled it (signed in during the grace
    period): it resumes as after a restore. Registered with `accounts.deletion`; returns how
    many items paused or reopened."""
    if leaving:
        return pact_pause(member_id=member_id, at=at, reason=ObligationClosed.LEAVING)
    return pact_resume(member_id=member_id, at=at)


@transaction.atomic
def pact_resume(*, member_id: int, at: datetime) -> int:
    """The member is restored (or stays, cancelling their deletion): the items paused on
    their connections (`PAUSED`: a suspension or a member leaving, either one's) reopen on
    each connection whose other member is active (a pair both paused waits for the second to
    come back), each deadline pushed back by the time it was paused, and their nudges are
    planned again. An item whose new deadline another item already holds stays closed.
    Returns how many reopened."""
    paused = Obligation.objects.select_for_update().filter(
        connection__in=_connections_of(member_id).filter(
            member_low__is_active=True, member_high__is_active=True
        ),
        closed_reason__in=PAUSED,
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
        queue_in_transaction(lambda: schedule_nudges(reopened))
    return len(reopened)
