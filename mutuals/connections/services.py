"""Writes on connections and blocks. Invitations, which open connections, arrive later."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mutuals.accounts.models import Intent, User
from mutuals.connections.models import Block, Connection
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import Conflict, NotFound, Refused


@transaction.atomic
def connection_create(
    *, member: User, other: User, intent: str = Intent.PEER, at: datetime | None = None
) -> Connection:
    """Connect two members. Refuses self-connection, an existing connection and blocked pairs
    (blocked answers as not found, so a block is never revealed)."""
    if member.pk == other.pk:
        raise Refused("You cannot connect to yourself.", code="cannot_connect_self")
    if is_blocked_between(member.pk, other.pk):
        raise NotFound("That member was not found.")
    low, high = sorted((member.pk, other.pk))
    try:
        with transaction.atomic():
            return Connection.objects.create(
                member_low_id=low,
                member_high_id=high,
                intent=intent,
                created_at=at or timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict("You are already connected.", code="already_connected") from exc


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Block a member: removes any connection between the two, and from then on neither can
    see or reach the other. Blocking twice is harmless."""
    if blocker.pk == blocked.pk:
        raise Refused("You cannot block yourself.", code="cannot_block_self")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    low, high = sorted((blocker.pk, blocked.pk))
    Connection.objects.filter(member_low_id=low, member_high_id=high).delete()
    return block


@transaction.atomic
def block_remove(*, blocker: User, blocked: User) -> None:
    """Lift a block the member made. Connections removed by the block stay removed."""
    Block.objects.filter(Q(blocker=blocker) & Q(blocked=blocked)).delete()
