"""Background work on events (django.tasks, run by `mutuals worker`): take ids, call one
idempotent service; a task may run late, twice, or after the event moved."""

from __future__ import annotations

from django.tasks import task

from mutuals.events.services import reminders


@task()
def event_reminders(event_id: int) -> int:
    """Remind those going to the event, if a reminder is due now."""
    return reminders.event_reminders_send(event_id=event_id)
