"""Background work on invitations (django.tasks, run by `mutuals worker`). Each task takes an
id, calls one idempotent service, and may run late, twice, or after the state moved on."""

from __future__ import annotations

from django.tasks import task

from mutuals.connections import services


@task()
def invitation_deliver(invitation_id: int) -> bool:
    """Deliver a queued request once its week has room."""
    return services.invitation_deliver_if_due(invitation_id=invitation_id)


@task()
def invitation_expire(invitation_id: int) -> bool:
    """Expire a request left unanswered for 30 days."""
    return services.invitation_expire_if_due(invitation_id=invitation_id)
