"""Notifications: the in-app list and its e-mails.

A notification is created once per key (a retried worker never repeats one); its e-mail follows
after the commit, or when the member's quiet period ends: quiet moves e-mail, never drops it.
Each e-mail is claimed with a conditional update before it is sent, so it goes at most once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import Boundaries, User
from mutuals.core.tasks import enqueue_at
from mutuals.engagement.models import Notification


def notify(
    *, member: User, key: str, kind: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Create a notification once per key; None when it already exists. Its e-mail follows
    after the commit, or when the member's quiet period ends: quiet moves e-mail, never
    drops it."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                member=member,
                key=key,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None
    notification_id = notification.pk
    quiet_until = (
        Boundaries.objects.filter(user=member).values_list("quiet_until", flat=True).first()
    )
    transaction.on_commit(lambda: _email_later(notification_id, quiet_until))
    return notification


def _email_later(notification_id: int, quiet_until: datetime | None = None) -> None:
    from mutuals.engagement import tasks

    now = timezone.now()
    enqueue_at(tasks.notification_email, max(now, quiet_until or now), notification_id)


# How far back the sweep still e-mails a notification whose e-mail was never sent (a worker
# that was down, a quiet period that ended): older news is left to the in-app list.
EMAIL_CATCH_UP = timedelta(days=7)


def notification_mark_read(*, member: User, notification_ids: list[int] | None = None) -> int:
    """Mark the member's notifications read (all when no ids are given)."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_email_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """E-mail a notification once: claim it with a conditional update, then send. A crash
    between claim and send loses the e-mail, never the in-app notification, and never sends
    twice; a failed send releases the claim for a retry. Not while the member is quiet (the
    e-mail waits for the end of the quiet period, re-planned if it was extended), and not
    once they have read it in the app."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    quiet_until = (
        Boundaries.objects.filter(user__notifications=notification_id)
        .values_list("quiet_until", flat=True)
        .first()
    )
    if quiet_until is not None and quiet_until > now:
        _email_later(notification_id, quiet_until)
        return False
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=claimed_at)
    if not claimed:
        return False
    notification = Notification.objects.select_related("member").get(pk=notification_id)
    try:
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{notification.url}".strip(),
            from_email=None,
            recipient_list=[notification.member.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def notification_emails_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep's catch-up: e-mail the unread notifications of the last week whose e-mail
    never went (a stopped worker, a quiet period that has ended). Idempotent: each e-mail is
    claimed before it is sent."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__gte=now - EMAIL_CATCH_UP
        )
        .exclude(member__boundaries__quiet_until__gt=now)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk, now=now) for pk in list(due))
