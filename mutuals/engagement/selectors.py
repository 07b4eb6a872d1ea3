"""Reads on the pact, the ledger and ties, shared by pages, the API and insights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.models import Connection, Invitation, InvitationState
from mutuals.core.errors import NotFound
from mutuals.engagement.models import Interaction, Obligation, Tie


def ties_for(member: User) -> QuerySet[Tie]:
    """The member's ties with the other member's profile and the connection, strongest first."""
    return (
        Tie.objects.filter(member=member, other__is_active=True)
        .select_related("other__profile", "connection")
        .order_by("-strength", "-id")
    )


def access_tie_by_connection_id(member: User, connection_id: int) -> Tie:
    """The member's tie on one of their own connections; not found for anyone else's."""
    from mutuals.engagement.ties import ties_ensure

    if (
        not Connection.objects.filter(pk=connection_id)
        .filter(Q(member_low=member) | Q(member_high=member))
        .exists()
    ):
        raise NotFound("No such connection.")
    ties_ensure(member_id=member.pk)
    return Tie.objects.select_related("other__profile", "connection").get(
        member=member, connection_id=connection_id
    )


def pact_of(connection_ids: list[int]) -> dict[int, list[Obligation]]:
    """Every obligation of these connections, grouped, in due order (one query)."""
    pact: dict[int, list[Obligation]] = {cid: [] for cid in connection_ids}
    for obligation in Obligation.objects.filter(
        connection_id__in=connection_ids, cancelled_at__isnull=True
    ).order_by("due_at", "id"):
        pact[obligation.connection_id].append(obligation)
    return pact


def recent_interactions(member: User, other_id: int, limit: int = 20) -> list[Interaction]:
    return list(
        Interaction.objects.filter(
            Q(actor=member, counterpart_id=other_id) | Q(actor_id=other_id, counterpart=member)
        ).order_by("-at", "-id")[:limit]
    )


def follow_through_rate(member: User, now: datetime | None = None) -> float | None:
    """Obligations the member owed (their own, and their pairs') that fell due, met on time /
    all that fell due (DESIGN.md §4). None before anything fell due."""
    now = now or timezone.now()
    connection_ids = Connection.objects.filter(Q(member_low=member) | Q(member_high=member)).values(
        "pk"
    )
    due = Obligation.objects.filter(
        Q(party=member) | Q(party__isnull=True, connection_id__in=connection_ids),
        due_at__lte=now,
        cancelled_at__isnull=True,
    )
    total = due.count()
    if not total:
        return None
    on_time = sum(
        1
        for fulfilled, deadline in due.values_list("fulfilled_at", "due_at")
        if fulfilled is not None and fulfilled <= deadline
    )
    return on_time / total


def acceptance_rate_shown(member: User) -> float | None:
    """Accepted share of the member's decided requests (shown to them)."""
    from mutuals.connections.invitations import acceptance_rate

    return acceptance_rate(member)


@dataclass(frozen=True)
class GiveTake:
    given: int
    received: int


def give_take(member: User, since: datetime | None = None) -> GiveTake:
    """Interactions the member started with connections against those others started."""
    interactions = Interaction.objects.all()
    if since:
        interactions = interactions.filter(at__gte=since)
    return GiveTake(
        given=interactions.filter(actor=member).count(),
        received=interactions.filter(counterpart=member).count(),
    )


def pending_requests_count(member: User) -> int:
    return Invitation.objects.filter(recipient=member, state=InvitationState.PENDING).count()
