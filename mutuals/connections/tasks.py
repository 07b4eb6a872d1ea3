"""Background work on invitations (django.tasks, run by `mutuals worker`). Each task takes an
id, calls one idempotent service, and may run late, twice, or after the state moved on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.tasks import Task, task
from django.utils import timezone

from mutuals.connections import services


@task()
def invitation_deliver(invitation_id: int) -> bool:
    """Deliver a queued request once its week has room."""
    return services.invitation_deliver_if_due(invitation_id=invitation_id)


@task()
def invitation_expire(invitation_id: int) -> bool:
    """Expire a request left unanswered for 30 days."""
    return services.invitation_expire_if_due(invitation_id=invitation_id)


def enqueue_at(work: Task[Any, Any], when: datetime, *args: Any) -> None:
    """Run `work` at `when` on backends that can defer; on those that cannot (the immediate
    backend of tests), run it now only if it is already due."""
    if work.get_backend().supports_defer:
        work.using(run_after=when).enqueue(*args)
    elif when <= timezone.now():
        work.enqueue(*args)
