"""Fetch-with-permission for introductions: not found for anyone who may not see one."""

from __future__ import annotations

from django.db.models import Q

from mutuals.accounts.models import User
from mutuals.core.errors import NotFound
from mutuals.introductions.models import Introduction, IntroductionState


def visible_introductions(viewer: User) -> Q:
    """The requester and the introducer always see an introduction; the target only once the
    introducer has forwarded it (a request declined by the introducer never reaches them)."""
    return (
        Q(requester=viewer)
        | Q(introducer=viewer)
        | (
            Q(target=viewer)
            & ~Q(state__in=[IntroductionState.REQUESTED, IntroductionState.DECLINED_BY_INTRODUCER])
            & Q(forwarded_at__isnull=False)
        )
    )


def access_introduction_by_id(
    viewer: User, introduction_id: int, *, lock: bool = False
) -> Introduction:
    queryset = Introduction.objects.select_related(
        "requester__profile", "introducer__profile", "target__profile"
    ).filter(visible_introductions(viewer), pk=introduction_id)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    introduction = queryset.first()
    if introduction is None:
        raise NotFound("No such introduction.")
    return introduction
