"""Removing a connection: a member ends one of their connections from its page or the API
(docs/design.md §4 "When a connection ends", docs/api.md `DELETE /api/connections/{id}`).
It stands here, above connections, since it composes the ending (`connections.endings`),
the pair's 21-day wait (`connections.models.ConnectionRemoval`) and the ties of both
members (this app's)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.endings import connection_end
from mutuals.connections.models import Connection, ConnectionEnd, ConnectionRemoval
from mutuals.core import graph_changes, replicas
from mutuals.core.errors import NotFound
from mutuals.core.tasks import queue_in_transaction
from mutuals.engagement import tasks
from mutuals.engagement.notifications import notifications_withdraw_linking


@transaction.atomic
def connection_remove(*, member: User, connection_id: int) -> None:
    """A member ends one of their connections ("Remove connection"): the one way a member
    removes a connection without blocking. It goes as every ending goes
    (`connections.endings.connection_end`, reason `removed`): the pact's open items close as
    `removed` and what was met stays, in both members' history; both members' ties go with
    it and their other ties are ranked again. The other member is not told (as LinkedIn does
    not). Either may ask the other again 21 days after, as after a closed request
    (`connections.invitations.last_removal_between`). The graph answers without the pair at
    once (its overlay), and the next answer from any server no longer has the connection;
    open introductions the two are both part of close, as after a block
    (`introductions.hooks.introductions_close_between`). Unread nudges about the connection
    are withdrawn; its page then says it ended (`connection_ended`), for links already read
    or e-mailed. Another member's connection, or one already gone, is `not_found`."""
    connection = (
        Connection.objects.select_for_update()
        .filter(Q(member_low=member) | Q(member_high=member), pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound("No such connection.")
    now = timezone.now()
    pair = (connection.member_low_id, connection.member_high_id)
    ConnectionRemoval.objects.create(
        pair_low=pair[0],
        pair_high=pair[1],
        removed_by=member,
        connected_at=connection.created_at,
        at=now,
        connection_id=connection.pk,
    )
    connection_end(member_id=pair[0], other_id=pair[1], reason=ConnectionEnd.REMOVED, at=now)
    # Nudges and missed-item notices not yet read asked for what can no longer be done; read
    # ones, and e-mails already sent, lead to the page that says the connection ended.
    notifications_withdraw_linking(
        member_ids=pair, url=reverse("connection_detail", args=[connection.pk])
    )
    # The overlay drops the pair, and the open introductions through it close (as a block's).
    graph_changes.connection_removed(remover_id=member.pk, other_id=connection.other_id(member.pk))
    # Tiers are ranks within each member's network: both are ranked again without this tie.
    queue_in_transaction(lambda: _recompute(pair))
    transaction.on_commit(replicas.replicas_catch_up, robust=True)


def _recompute(member_ids: tuple[int, int]) -> None:
    for member_id in member_ids:
        tasks.ties_recompute.enqueue(member_id)
