"""The unread-notifications count on the header's bell: one query, only for signed-in
members, and only when a template shows it (the count is a callable the template calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.engagement.notifications import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    member = user

    def count() -> int:
        return unread_count(member)

    counter: Callable[[], int] = count
    return {"unread_notifications": counter}
