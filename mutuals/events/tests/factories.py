"""Events for tests: an upcoming event, a past one inside its follow-up window, members who
came, with typed helpers (factory_boy's class call is opaque to mypy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.events.models import Attendance, AttendanceStatus, CheckInMethod, Event
from mutuals.events.services.organizing import event_create


def make_event(
    organizer: User | None = None,
    *,
    starts_in: timedelta = timedelta(days=7),
    hours: float = 2,
    **fields: Any,
) -> Event:
    """An event through the service, starting `starts_in` from now (negative: in the past;
    the row is moved back after creation, since the service refuses past starts)."""
    organizer = organizer or make_member(name="Olu Organizer")
    now = timezone.now()
    starts_at = now + starts_in
    values: dict[str, Any] = {
        "title": "Risk workshop",
        "time_zone": "Europe/London",
        "place": "Chapter house, 12 Rail Street",
        "description": "An evening on schedule risk in supplier contracts.",
    }
    values.update(fields)
    event = event_create(
        organizer=organizer,
        starts_at=max(starts_at, now + timedelta(minutes=1)),
        ends_at=max(starts_at, now + timedelta(minutes=1)) + timedelta(hours=hours),
        **values,
    )
    if starts_at < now:
        move(event, starts_at=starts_at, hours=hours)
    return event


def move(event: Event, *, starts_at: datetime, hours: float = 2) -> None:
    """Put an event at another time, bypassing the service (tests of windows)."""
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours)
    )
    event.refresh_from_db()


def attend(
    event: Event, member: User, *, checked_in: bool = False, hidden: bool = False
) -> Attendance:
    """A member going (and possibly checked in), written directly for setting the scene."""
    now = timezone.now()
    attendance, _ = Attendance.objects.update_or_create(
        event=event,
        member=member,
        defaults={
            "status": AttendanceStatus.GOING,
            "queued_at": now,
            "updated_at": now,
            "hidden": hidden,
            "checked_in_at": now if checked_in else None,
            "check_in_method": CheckInMethod.ORGANIZER if checked_in else "",
        },
    )
    return attendance
