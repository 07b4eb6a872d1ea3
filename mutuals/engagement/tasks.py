"""Background work on the pact (django.tasks, run by `mutuals worker`). Each task takes ids,
calls one idempotent service, and may run late, twice, or after the state moved on."""

from __future__ import annotations

from django.tasks import task

from mutuals.engagement import delivery, notifications, services
from mutuals.engagement.ties import ties_recompute as recompute


@task()
def obligation_nudge(obligation_id: int, member_id: int) -> bool:
    """Remind one member of one open obligation (deferred to a day before it is due, and past
    any quiet period)."""
    return services.obligation_nudge(obligation_id=obligation_id, member_id=member_id) is not None


@task()
def nudges_sweep() -> int:
    """Nudge everything falling due within a day; `mutuals sweep` enqueues it."""
    return services.nudges_send_due()


@task()
def obligation_missed(obligation_id: int) -> int:
    """Tell the owing members of a pact item that its deadline passed while it was open
    (planned for just after the deadline; nothing once it is met)."""
    return notifications.obligation_missed_notify(obligation_id=obligation_id)


@task()
def notification_email(notification_id: int) -> bool:
    """E-mail a notification at most once."""
    return delivery.notification_email_send(notification_id=notification_id)


@task()
def notification_digest(member_id: int) -> str:
    """Send the member's daily digest, at most once per local day."""
    return delivery.notification_digest_send(member_id=member_id)


@task()
def ties_recompute(member_id: int) -> int:
    """Recompute strength, tier and state of every tie of one member."""
    return recompute(member_id=member_id)
