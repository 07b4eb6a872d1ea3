"""Event reminders (issue 17): everyone going is reminded a day before and an hour before the
start. A task is queued for each moment when the event is organized or moved, and `mutuals
sweep` sends whatever a stopped worker missed. Each reminder is keyed by the event, the member,
the lead and the start time, so it goes once, and once more only if the event moves."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from mutuals.core.tasks import enqueue_at, queue_in_transaction
from mutuals.engagement.notifications import notify
from mutuals.events.models import Attendance, AttendanceStatus, Event

# Leads, longest first: within the last hour only the hour's reminder is due, so a sweep that
# first sees an event then sends one reminder, not both.
REMINDER_LEADS = (("day", timedelta(days=1)), ("hour", timedelta(hours=1)))


def _due_lead(event: Event, now: datetime) -> str | None:
    """The reminder due now for this event, if any: the shortest lead already reached before
    the start ("day" or "hour")."""
    if event.cancelled_at is not None or now >= event.starts_at:
        return None
    due = [name for name, lead in REMINDER_LEADS if event.starts_at - lead <= now]
    return due[-1] if due else None


def event_reminders_send(*, event_id: int, now: datetime | None = None) -> int:
    """Remind everyone going to one event, if a reminder is due now (idempotent: keyed per
    member, lead and start time). Returns how many reminders it created."""
    now = now or timezone.now()
    event = Event.objects.filter(pk=event_id).first()
    if event is None or (name := _due_lead(event, now)) is None:
        return 0
    local = timezone.localtime(event.starts_at, event.zone)
    where = event.place or "online"
    title = (
        f"Reminder: {event.title}, {local:%a %d %b, %H:%M}"
        if name == "day"
        else f"{event.title} starts in an hour"
    )
    created = 0
    for attendance in Attendance.objects.filter(
        event=event, status=AttendanceStatus.GOING, member__is_active=True
    ).select_related("member"):
        created += (
            notify(
                member=attendance.member,
                key=f"event:{event.pk}:reminder:{name}:{attendance.member_id}:"
                f"{event.starts_at:%Y%m%d%H%M}",
                kind="event_reminder",
                title=title,
                body=f"{local:%A %d %B at %H:%M} ({event.time_zone}), {where}. Can no longer "
                "come? Give your place back so the first on the waitlist can.",
                url=reverse("event_detail", args=[event.pk]),
            )
            is not None
        )
    return created


def event_reminders_send_due(*, now: datetime | None = None) -> int:
    """The sweep's catch-up: remind those going to every event starting within a day."""
    now = now or timezone.now()
    upcoming = Event.objects.filter(
        cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=now + REMINDER_LEADS[0][1]
    ).values_list("pk", flat=True)
    return sum(event_reminders_send(event_id=pk, now=now) for pk in list(upcoming))


def event_reminders_schedule(event: Event) -> None:
    """Queue the event's reminders for their moments, after the commit (a moved event queues
    new ones; the old ones find no reminder due, or one already sent)."""
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.events import tasks

    event_id, starts_at = event.pk, event.starts_at

    def enqueue() -> None:
        for _, lead in REMINDER_LEADS:
            enqueue_at(tasks.event_reminders, starts_at - lead, event_id)

    queue_in_transaction(enqueue)
