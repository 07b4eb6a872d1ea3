"""The unread-conversations count in the navigation: one query, only for signed-in members,
and only when a template actually shows it (the count is a callable the template calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.messaging.selectors import unread_conversation_count


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    member = user

    def count() -> int:
        return unread_conversation_count(member)

    counter: Callable[[], int] = count
    return {"unread_conversations": counter}
