"""Notifications: the in-app list and its e-mails.

A notification is created once per key (a retried worker never repeats one); its e-mail follows
after the commit, or when the member's quiet period ends: quiet moves e-mail, never drops it.
Each e-mail is claimed with a conditional update before it is sent, so it goes at most once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Intent, User
from mutuals.connections.models import ContextKind, DeclineReason, Invitation
from mutuals.connections.moments import InvitationMoment
from mutuals.connections.selectors import is_blocked_between, shared_topics
from mutuals.core.tasks import enqueue_at
from mutuals.engagement.models import Notification, Tie


def notify(
    *,
    member: User,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> Notification | None:
    """Create a notification once per key; None when it already exists. Its e-mail follows
    after the commit, or when the member's quiet period ends: quiet moves e-mail, never
    drops it (except the kinds e-mailed another way, `EMAILED_ELSEWHERE`)."""
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
    if kind in EMAILED_ELSEWHERE:
        return notification
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


# Kinds whose e-mail is sent another way: new messages go out in messaging's unread digest.
EMAILED_ELSEWHERE = frozenset({"message_received"})

# How far back the sweep still e-mails a notification whose e-mail was never sent (a worker
# that was down, a quiet period that ended): older news is left to the in-app list.
EMAIL_CATCH_UP = timedelta(days=7)


def notification_mark_read(
    *, member: User, notification_ids: list[int] | None = None, key_prefix: str = ""
) -> int:
    """Mark the member's notifications read: the ids given, those whose key starts with
    `key_prefix` (what a page that shows the thing itself has answered), or all."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    if key_prefix:
        unread = unread.filter(key__startswith=key_prefix)
    return unread.update(read_at=timezone.now())


# --- What is waiting on a member: one source for the bell, the page, the API and home ---------


def notifications_for(
    member: User, *, kind: str = "", unread: bool | None = None
) -> QuerySet[Notification]:
    """The member's notifications, newest first, optionally of one kind (a prefix ending in
    `_` names a family: `invitation_`, `nudge_`) and read or unread."""
    rows = Notification.objects.filter(member=member)
    if kind:
        rows = rows.filter(kind__startswith=kind) if kind.endswith("_") else rows.filter(kind=kind)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows.order_by("-created_at", "-id")


def unread_count(member: User) -> int:
    """What the header's bell shows: the member's unread notifications."""
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


# --- Requests: delivered, accepted, declined (connections.moments, registered in apps.py) -----

_INTENT_LABELS = dict(Intent.choices)
_DECLINE_LABELS = dict(DeclineReason.choices)
_CONTEXT_LABELS = dict(ContextKind.choices)


def suggested_opening(*, to: User, intent: str = "") -> str:
    """A first line to edit, not to send as it is: thanks, and what the request was about."""
    about = _INTENT_LABELS.get(intent, "").lower()
    return f"Thank you for connecting, {to.get_short_name()}! " + (
        f"I'd love to hear how you think about {about}: " if about else ""
    )


def thank_url(*, to: User, intent: str = "") -> str:
    """A new message to `to` with a suggested opening (the messaging page reads `to` and
    `text`)."""
    query = urlencode({"to": to.pk, "text": suggested_opening(to=to, intent=intent)})
    return f"{reverse('conversation_new')}?{query}"


def invitation_notify(*, invitation: Invitation, moment: InvitationMoment) -> None:
    """Tell the member a request's moment concerns, once per request and moment: the
    recipient when it arrives (out of the queue), the sender when it is accepted (with a way
    to thank them) or declined (with the reason the recipient chose). A report is never told
    to the sender."""
    sender, recipient = invitation.sender, invitation.recipient
    key = f"invitation:{invitation.pk}:{moment}"
    if moment == InvitationMoment.DELIVERED:
        intent = _INTENT_LABELS.get(invitation.intent, invitation.intent).lower()
        context = _CONTEXT_LABELS.get(invitation.context_kind, "")
        notify(
            member=recipient,
            key=key,
            kind="invitation_received",
            title=f"{sender.name} asked to connect",
            body=f"For {intent}"
            + (f" · {context}: {invitation.context_label}" if invitation.context_label else "")
            + ". Accept, decline with a reason, or set it aside.",
            url=reverse("invitations_received"),
        )
    elif moment == InvitationMoment.ACCEPTED:
        notify(
            member=sender,
            key=key,
            kind="invitation_accepted",
            title=f"{recipient.name} accepted your request",
            body=f"Your pact is open: thank {recipient.get_short_name()} for connecting "
            "within a week.",
            url=thank_url(to=recipient, intent=invitation.intent),
        )
    elif moment == InvitationMoment.DECLINED:
        reason = _DECLINE_LABELS.get(invitation.decline_reason, "")
        notify(
            member=sender,
            key=key,
            kind="invitation_declined",
            title=f"{recipient.name} declined your request",
            body=(f"Their reason: {reason}. " if reason else "")
            + "You may ask again in three weeks.",
            url=reverse("invitations_sent"),
        )


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
        .exclude(kind__in=EMAILED_ELSEWHERE)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk, now=now) for pk in list(due))


# --- A tie gone stagnant (docs/design.md §4: both parties are told, once) ---------------------


def tie_stagnant_notify(*, tie: Tie) -> None:
    """Tell both members that their relationship has gone quiet, once per quiet spell (the key
    names the last interaction, so a tie revived and quiet again is told again), with a
    suggestion drawn from what they share. Whichever side's tie turns stagnant first tells
    both; the other side's turn later adds nothing. Nothing across a block."""
    first, second = tie.member, tie.other
    if is_blocked_between(first.pk, second.pk):
        return
    spell = f"{tie.last_interaction_at:%Y%m%d%H%M%S}" if tie.last_interaction_at else "never"
    topics = [name for _, name in shared_topics(first.pk, second.pk)]
    for member, other in ((first, second), (second, first)):
        about = f"You both follow {topics[0]}: ask how it is going for them. " if topics else ""
        notify(
            member=member,
            key=f"tie:stagnant:{tie.connection_id}:{member.pk}:{spell}",
            kind="tie_stagnant",
            title=f"It has gone quiet with {other.name}",
            body=f"{about}A short message keeps the relationship from fading, or let it rest "
            "if it has run its course.",
            url=f"{reverse('conversation_new')}?"
            + urlencode(
                {"to": other.pk, "text": f"Hi {other.get_short_name()}, it has been a while! "}
            ),
        )
