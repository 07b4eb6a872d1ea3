"""Reads about who is connected to whom, used by profiles, the directory and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from mutuals.accounts.models import TOPIC_ORDER, Profile, Topic, User
from mutuals.connections.models import (
    UNANSWERED_STATES,
    Block,
    Connection,
    Invitation,
    InvitationState,
)
from mutuals.core.compiled import CompiledQuery, ids_text, in_ids


def connected_ids(member_id: int) -> set[int]:
    """Ids of everyone directly connected to `member_id` (one query, compiled once per
    process: every message sent and every request with a mutual connection as its context
    asks it)."""
    pairs = _pairs_of.fetch(member_id=member_id)
    return {high if low == member_id else low for low, high in pairs}


_pairs_of: CompiledQuery[tuple[int, int]] = CompiledQuery(
    lambda member_id: Connection.objects.filter(
        Q(member_low_id=member_id) | Q(member_high_id=member_id)
    ).values_list("member_low_id", "member_high_id"),
    member_id=-730_813,
)


def sees_private_profile_of(viewer_id: int) -> Q:
    """A filter on members: those whose connections-only profile the viewer sees, because
    the two are connected or a request between them waits for an answer, either way. A
    subquery, so a list filtered by it costs no extra query."""
    connected = Connection.objects.filter(
        Q(member_low_id=viewer_id, member_high_id=OuterRef("pk"))
        | Q(member_high_id=viewer_id, member_low_id=OuterRef("pk"))
    )
    asked = Invitation.objects.filter(
        Q(sender_id=viewer_id, recipient_id=OuterRef("pk"))
        | Q(recipient_id=viewer_id, sender_id=OuterRef("pk")),
        state__in=UNANSWERED_STATES,
    )
    return Q(Exists(connected)) | Q(Exists(asked))


# Asked on most requests about another member: compiled once per process (issue 20).
_blocks_of: CompiledQuery[tuple[int, int]] = CompiledQuery(
    lambda member_id: Block.objects.filter(
        Q(blocker_id=member_id) | Q(blocked_id=member_id)
    ).values_list("blocker_id", "blocked_id"),
    member_id=-730_021,
)
_block_between: CompiledQuery[int] = CompiledQuery(
    lambda member_id, other_id: Block.objects.filter(
        Q(blocker_id=member_id, blocked_id=other_id) | Q(blocker_id=other_id, blocked_id=member_id)
    ).values_list("pk", flat=True)[:1],
    member_id=-730_022,
    other_id=-730_023,
)


def blocked_ids(member_id: int) -> set[int]:
    """Ids the member may not see or reach: blocked by them or blocking them (one query)."""
    pairs = _blocks_of.fetch(member_id=member_id)
    return {blocked if blocker == member_id else blocker for blocker, blocked in pairs}


def not_blocked_with(member_id: int, field: str = "pk") -> Q:
    """A filter: rows whose member `field` is on neither side of a block with `member_id`
    (the members of `blocked_ids`, as two subqueries: it costs the list no query of its
    own)."""
    blocked = Block.objects.filter(blocker_id=member_id).values("blocked_id")
    blocking = Block.objects.filter(blocked_id=member_id).values("blocker_id")
    return ~Q(**{f"{field}__in": blocked}) & ~Q(**{f"{field}__in": blocking})


def connected_with(member_id: int, field: str = "pk") -> Q:
    """A filter: rows whose member `field` is connected to `member_id` (the members of
    `connected_ids`, as two subqueries)."""
    high = Connection.objects.filter(member_low_id=member_id).values("member_high_id")
    low = Connection.objects.filter(member_high_id=member_id).values("member_low_id")
    return Q(**{f"{field}__in": high}) | Q(**{f"{field}__in": low})


def blocks_made_by(member: User) -> QuerySet[Block]:
    """The blocks a member made, newest first, each with the blocked member and their
    profile (for the blocked members page and `GET /api/blocks`)."""
    return (
        Block.objects.filter(blocker=member)
        .select_related("blocked__profile")
        .order_by("-created_at", "-id")
    )


def is_blocked_between(member_id: int, other_id: int) -> bool:
    return bool(_block_between.fetch(member_id=member_id, other_id=other_id))


def are_connected(member_id: int, other_id: int) -> bool:
    """Whether the two are connected (one statement, compiled once per process: every
    request sent and every pair page asks it)."""
    low, high = sorted((member_id, other_id))
    return bool(_connection_of_pair.fetch(low=low, high=high))


_connection_of_pair: CompiledQuery[int] = CompiledQuery(
    lambda low, high: Connection.objects.filter(member_low_id=low, member_high_id=high).values_list(
        "pk", flat=True
    )[:1],
    low=-730_801,
    high=-730_802,
)


def shared_topics(member_id: int, other_id: int) -> list[tuple[str, str]]:
    """(slug, name) of the topics both members list, by name."""
    return list(
        Topic.objects.filter(profiles__user_id=member_id)
        .filter(profiles__user_id=other_id)
        .order_by(*TOPIC_ORDER)
        .values_list("slug", "name")
    )


def _shared_topics_with(member_id: int, other_ids: str) -> QuerySet[Any, tuple[int, str, str]]:
    mine = Profile.topics.through.objects.filter(profile__user_id=member_id).values("topic_id")
    return (
        Profile.topics.through.objects.filter(
            in_ids("profile__user_id", other_ids), topic_id__in=mine
        )
        .order_by(Lower("topic__name"), "topic_id")
        .values_list("profile__user_id", "topic__slug", "topic__name")
    )


# Read on every health answer (the ties going cold): compiled once per process (issue 20).
_shared_topics_compiled: CompiledQuery[tuple[int, str, str]] = CompiledQuery(
    _shared_topics_with, member_id=-730_031, other_ids="-730032,-730033"
)


def shared_topics_with(member_id: int, other_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """`shared_topics` of the member with each of several others, in one query (compiled once
    per process, whatever the number of others)."""
    found: dict[int, list[tuple[str, str]]] = {}
    if not other_ids:
        return found
    rows = _shared_topics_compiled.fetch(member_id=member_id, other_ids=ids_text(other_ids))
    for other_id, slug, name in rows:
        found.setdefault(other_id, []).append((slug, name))
    return found


def mutual_connections(member_id: int, other_id: int) -> list[tuple[int, str]]:
    """(id, name) of the members connected to both, by name."""
    mutual = connected_ids(member_id) & connected_ids(other_id)
    if not mutual:
        return []
    return _active_names.fetch(ids=ids_text(mutual))


_active_names: CompiledQuery[tuple[int, str]] = CompiledQuery(
    lambda ids: (
        User.objects.filter(in_ids("id", ids), is_active=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    ),
    ids="-730814,-730815",
)


def invitations_for(viewer: User, *, box: str, state: str | None = None) -> QuerySet[Invitation]:
    """The viewer's received (delivered: not queued) or sent requests, with both members'
    profiles loaded. A sender filtering by `pending` also sees those the recipient ignored,
    since to the sender they are still pending."""
    rows = Invitation.objects.select_related("sender__profile", "recipient__profile")
    if box == "sent":
        rows = rows.filter(sender=viewer)
        if state == InvitationState.PENDING:
            return rows.filter(state__in=[InvitationState.PENDING, InvitationState.IGNORED])
        if state == InvitationState.IGNORED:
            return rows.none()
    else:
        rows = rows.filter(recipient=viewer).exclude(state=InvitationState.QUEUED)
    return rows.filter(state=state) if state else rows
