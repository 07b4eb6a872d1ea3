"""How a connection ends: the one way its row goes (a block, a member leaving, a removal),
with what the apps above close first (the pact's items, kept closed with the reason)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from mutuals.connections.models import Connection


class ConnectionCloser(Protocol):
    """What closes when a connection ends; called inside the ending transaction, before the
    connection's row goes."""

    def __call__(self, *, connection: Connection, reason: str, at: datetime) -> object: ...


# Engagement registers `pact_close`: the pact's items are kept, closed, not deleted.
_closers: list[ConnectionCloser] = []


def connection_closer_register(closer: ConnectionCloser) -> None:
    """Add what an ending connection closes (once per closer), from `AppConfig.ready()`."""
    if closer not in _closers:
        _closers.append(closer)


@transaction.atomic
def connection_end(
    *, member_id: int, other_id: int, reason: str, at: datetime | None = None
) -> bool:
    """End the connection of two members (`ConnectionEnd`: a block, a member leaving, a
    removal), the one way a connection's row goes. What it opened is closed by each
    registered closer first, so the pact's items stay in both members' history, closed with
    `reason`. The graph is the caller's to tell (a block and an erasure tell it more). False
    when they were not connected."""
    low, high = sorted((member_id, other_id))
    connection = (
        Connection.objects.select_for_update()
        .filter(member_low_id=low, member_high_id=high)
        .first()
    )
    if connection is None:
        return False
    at = at or timezone.now()
    for closer in _closers:
        closer(connection=connection, reason=reason, at=at)
    connection.delete()
    return True
