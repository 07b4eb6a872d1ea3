"""Fetch-with-permission: the only way views and endpoints load a member."""

from __future__ import annotations

from mutuals.accounts.models import ProfileVisibility, Topic, User
from mutuals.accounts.providers import is_blocked_between, sees_private_profile_of
from mutuals.core.compiled import CompiledQuery, prefetched
from mutuals.core.errors import NotFound

# One answer for a member missing, inactive, hidden by a block or private: none is revealed.
MEMBER_NOT_FOUND = "That member was not found."

# Read by every endpoint and page about one member (a path, the check, a profile): compiled
# once per process (issue 20).
_active_member: CompiledQuery[User] = CompiledQuery(
    lambda member_id: User.objects.select_related("profile").filter(pk=member_id, is_active=True),
    member_id=-730_011,
)
_active_member_id: CompiledQuery[int] = CompiledQuery(
    lambda member_id: User.objects.filter(pk=member_id, is_active=True).values_list(
        "pk", flat=True
    ),
    member_id=-730_013,
)
_topics: CompiledQuery[Topic] = CompiledQuery(
    lambda profile_id: Topic.objects.filter(profiles=profile_id), profile_id=-730_012
)


def access_member_by_id(viewer: User, member_id: int) -> User:
    """An active member the viewer may see, with their profile and its topics; not found when
    missing, inactive, or when either has blocked the other (so a block is never revealed)."""
    member = _active_member.first(member_id=member_id)
    if member is None or _hidden_by_block(viewer, member.pk):
        raise NotFound(MEMBER_NOT_FOUND)
    if hasattr(member, "profile"):
        prefetched(member.profile, "topics", _topics.fetch(profile_id=member.profile.pk))
    return member


def access_member_id(viewer: User, member_id: int) -> int:
    """The id of an active member the viewer may see, found as `access_member_by_id` finds
    them, for what needs only that they exist (a path to them): two statements, no profile."""
    found = _active_member_id.first(member_id=member_id)
    if found is None or _hidden_by_block(viewer, found):
        raise NotFound(MEMBER_NOT_FOUND)
    return found


def _hidden_by_block(viewer: User, member_id: int) -> bool:
    """Whether either of the two has blocked the other: the member is then not found, the
    same answer as for no member, so a block is never revealed."""
    return member_id != viewer.pk and is_blocked_between(viewer.pk, member_id)


def access_profile_by_id(viewer: User, member_id: int) -> User:
    """A member whose profile the viewer may see: `access_member_by_id`, and not found either
    when the member shows their profile to their connections only and the viewer is not one
    (nor has a request open with them). For the member page and the members API; actions
    that only need the member to exist (blocking; a path: `access_member_id`) use the one
    above."""
    member = access_member_by_id(viewer, member_id)
    if (
        member.pk != viewer.pk
        and member.profile.visibility == ProfileVisibility.CONNECTIONS
        and not User.objects.filter(sees_private_profile_of(viewer.pk), pk=member.pk).exists()
    ):
        raise NotFound(MEMBER_NOT_FOUND)
    return member
