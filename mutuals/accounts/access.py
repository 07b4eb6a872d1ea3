"""Fetch-with-permission: the only way views and endpoints load a member."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.accounts.providers import is_blocked_between
from mutuals.core.errors import NotFound


def access_member_by_id(viewer: User, member_id: int) -> User:
    """An active member the viewer may see; not found when missing, inactive, or when either
    has blocked the other (so a block is never revealed)."""
    member = (
        User.objects.select_related("profile")
        .prefetch_related("profile__topics")
        .filter(pk=member_id, is_active=True)
        .first()
    )
    if member is None or (member.pk != viewer.pk and is_blocked_between(viewer.pk, member.pk)):
        raise NotFound("That member was not found.")
    return member
