"""Reads about who is connected to whom, used by profiles, the directory and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mutuals.accounts.models import User
from mutuals.connections.models import Block, Connection, Invitation, InvitationState


def connected_ids(member_id: int) -> set[int]:
    """Ids of everyone directly connected to `member_id` (one query)."""
    pairs = Connection.objects.filter(
        Q(member_low_id=member_id) | Q(member_high_id=member_id)
    ).values_list("member_low_id", "member_high_id")
    return {high if low == member_id else low for low, high in pairs}


def blocked_ids(member_id: int) -> set[int]:
    """Ids the member may not see or reach: blocked by them or blocking them (one query)."""
    pairs = Block.objects.filter(Q(blocker_id=member_id) | Q(blocked_id=member_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {blocked if blocker == member_id else blocker for blocker, blocked in pairs}


def is_blocked_between(member_id: int, other_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=member_id, blocked_id=other_id) | Q(blocker_id=other_id, blocked_id=member_id)
    ).exists()


def are_connected(member_id: int, other_id: int) -> bool:
    low, high = sorted((member_id, other_id))
    return Connection.objects.filter(member_low_id=low, member_high_id=high).exists()


@dataclass(frozen=True)
class Proximity:
    """How far a member is from the viewer: degree 1, 2 or 3 (3rd+ within three hops), or
    None when further or unreachable; `mutual_count` is the connections they share."""

    degree: int | None
    mutual_count: int


class ProximityIndex:
    """The viewer's first- and second-degree sets, loaded once, answering every badge on a
    page without a search per row (DESIGN §6: degree of separation on every profile)."""

    def __init__(self, viewer_id: int) -> None:
        self.viewer_id = viewer_id
        self.first = connected_ids(viewer_id)
        self.second: set[int] = set()
        if self.first:
            pairs = Connection.objects.filter(
                Q(member_low_id__in=self.first) | Q(member_high_id__in=self.first)
            ).values_list("member_low_id", "member_high_id")
            for low, high in pairs:
                self.second.add(low)
                self.second.add(high)
            self.second -= self.first
            self.second.discard(viewer_id)

    def for_members(self, member_ids: Iterable[int]) -> dict[int, Proximity]:
        """Degree and mutual count for each member, in one query for the whole page."""
        ids = set(member_ids)
        neighbours: dict[int, set[int]] = {member_id: set() for member_id in ids}
        if ids:
            pairs = Connection.objects.filter(
                Q(member_low_id__in=ids) | Q(member_high_id__in=ids)
            ).values_list("member_low_id", "member_high_id")
            for low, high in pairs:
                if low in neighbours:
                    neighbours[low].add(high)
                if high in neighbours:
                    neighbours[high].add(low)
        result: dict[int, Proximity] = {}
        for member_id in ids:
            theirs = neighbours[member_id]
            mutual = len(theirs & self.first)
            if member_id == self.viewer_id:
                degree = None
            elif member_id in self.first:
                degree = 1
            elif member_id in self.second:
                degree = 2
            elif theirs & self.second:
                degree = 3
            else:
                degree = None
            result[member_id] = Proximity(degree=degree, mutual_count=mutual)
        return result


def shared_topics(member_id: int, other_id: int) -> list[tuple[str, str]]:
    """(slug, name) of the topics both members list, by name."""
    from mutuals.accounts.models import Topic

    return list(
        Topic.objects.filter(profiles__user_id=member_id)
        .filter(profiles__user_id=other_id)
        .order_by("name")
        .values_list("slug", "name")
    )


def mutual_connections(member_id: int, other_id: int) -> list[tuple[int, str]]:
    """(id, name) of the members connected to both, by name."""
    mutual = connected_ids(member_id) & connected_ids(other_id)
    return list(
        User.objects.filter(pk__in=mutual, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
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
