"""Fetch-with-permission: the only way views and endpoints load a member."""

from __future__ import annotations

from mutuals.accounts.models import ProfileVisibility, User
from mutuals.accounts.providers import is_blocked_between, sees_private_profile_of
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


def access_profile_by_id(viewer: User, member_id: int) -> User:
    """A member whose profile the viewer may see: `access_member_by_id`, and not found either
    when the member shows their profile to their connections only and the viewer is not one
    (nor has a request open with them). For the member page and the members API; actions
    that only need the member to exist (blocking, asking for a path) use the one above."""
    member = access_member_by_id(viewer, member_id)
    if (
        member.pk != viewer.pk
        and member.profile.visibility == ProfileVisibility.CONNECTIONS
        and not User.objects.filter(sees_private_profile_of(viewer.pk), pk=member.pk).exists()
    ):
        raise NotFound("That member was not found.")
    return member
