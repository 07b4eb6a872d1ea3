"""What the feed needs from the events app, in one place.

A member *attended* an event when they organized it or checked in at it (as invitations'
event context counts attendance): that is what makes a recap theirs to write.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from mutuals.events.models import Attendance, Event


def _attended(member_id: int) -> QuerySet[Event]:
    went = Attendance.objects.filter(member_id=member_id, checked_in_at__isnull=False)
    return Event.objects.filter(starts_at__lte=timezone.now()).filter(
        Q(organizer_id=member_id) | Q(pk__in=went.values("event_id"))
    )


def attended(member_id: int, event_id: int) -> bool:
    """Whether the member attended the event (see the module docstring)."""
    return _attended(member_id).filter(pk=event_id).exists()


def recappable(member_id: int, limit: int = 30) -> list[tuple[int, str]]:
    """(id, "title, date") of events the member attended, most recent first."""
    return [
        (pk, f"{title} ({starts:%d %b %Y})")
        for pk, title, starts in _attended(member_id)
        .order_by("-starts_at")
        .values_list("pk", "title", "starts_at")[:limit]
    ]
