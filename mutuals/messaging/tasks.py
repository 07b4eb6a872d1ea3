"""Background work on messages (django.tasks, run by `mutuals worker`). Each task takes ids,
calls one idempotent service, and may run late, twice, or after the messages were read."""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from mutuals.messaging import services


@task()
def unread_digest(member_id: int, window: str) -> str:
    """E-mail one member a digest of their unread conversations, once per window (deferred
    ~15 minutes after a message arrives, and past any quiet period)."""
    return services.digest_send(member_id=member_id, window=datetime.fromisoformat(window))
