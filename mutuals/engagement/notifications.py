"""Notifications: what a member is told, and what is waiting on them.

A notification is created once per key (a retried worker never repeats one); how it reaches
the member beyond the app (their choice per kind, e-mail at once, the daily digest, the
one-click unsubscribe) is `delivery.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Intent, User
from mutuals.accounts.timezones import after_quiet, member_zone
from mutuals.connections.models import ContextKind, DeclineReason, Invitation
from mutuals.connections.moments import InvitationMoment
from mutuals.connections.selectors import is_blocked_between, shared_topics
from mutuals.core.compiled import CompiledQuery
from mutuals.core.tasks import queue_in_transaction
from mutuals.engagement import delivery
from mutuals.engagement.models import (
    Delivery,
    Notification,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Tie,
)


def notify(
    *,
    member: User,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    about: User | None = None,
) -> Notification | None:
    """Create a notification once per key; None when it already exists, or when the member
    turned this kind off. It then reaches them as they chose for its kind
    (`delivery.delivery_for`): in the app only, by e-mail after the commit (or when their
    quiet period ends: quiet moves e-mail, never drops it), or in the next daily digest.
    `about` is the other member of a relationship's moment."""
    wanted = delivery.delivery_for(member.pk, kind)
    if wanted == Delivery.OFF:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                member=member,
                key=key,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                about=about,
                delivery=wanted,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None
    at_once_elsewhere = wanted == Delivery.EMAIL and kind in delivery.EMAILED_ELSEWHERE
    if wanted == Delivery.APP or at_once_elsewhere:
        return notification
    notification_id, at = notification.pk, notification.created_at
    boundaries = _boundaries_of.first(member_id=member.pk)
    if wanted == Delivery.EMAIL:
        when = after_quiet(at, boundaries) if boundaries else at
        queue_in_transaction(lambda: delivery.email_later(notification_id, when))
    elif boundaries is not None:
        queue_in_transaction(lambda: delivery.digest_later(member.pk, boundaries, after=at))
    return notification


# Read for every notification that reaches the member beyond the app: compiled once per
# process (issue 20).
_boundaries_of: CompiledQuery[Boundaries] = CompiledQuery(
    lambda member_id: Boundaries.objects.filter(user=member_id).order_by("pk")[:1],
    member_id=-730_811,
)


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


def notification_withdraw(*, member_id: int, key_prefix: str, kind: str) -> int:
    """Withdraw the member's unread notifications of `kind` whose key starts with
    `key_prefix`: what they announced is no longer theirs to see (a message a moderator hid).
    Deleted, so neither the bell, the page, an e-mail still waiting nor the daily digest
    carries them; one already read stays as it was. Returns how many went."""
    deleted, _ = Notification.objects.filter(
        member_id=member_id, kind=kind, key__startswith=key_prefix, read_at__isnull=True
    ).delete()
    return deleted


def notifications_withdraw_linking(*, member_ids: Iterable[int], url: str) -> int:
    """Withdraw the members' unread notifications that send them to `url`: the page went
    (a connection removed), so what they asked is no longer theirs to do. Deleted as
    `notification_withdraw` deletes; one already read stays, and its link must still lead
    somewhere that says what happened. Returns how many went."""
    deleted, _ = Notification.objects.filter(
        member_id__in=list(member_ids), url=url, read_at__isnull=True
    ).delete()
    return deleted


def notification_retitle(*, member_id: int, key_prefix: str, kind: str, title: str) -> int:
    """Give the member's unread notifications of `kind` under `key_prefix` a new title (what
    they announce changed: the message they named was hidden, others remain)."""
    return Notification.objects.filter(
        member_id=member_id, kind=kind, key__startswith=key_prefix, read_at__isnull=True
    ).update(title=title[:200])


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
            about=sender,
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
            about=recipient,
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
            about=recipient,
        )


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
            about=other,
        )


# --- A pact item missed ------------------------------------------------------------------------

_MISSED_TEXT = {
    ObligationKind.FIRST_MESSAGE: (
        "Your hello to {name} is overdue",
        "The week to thank {short} for connecting has passed. A message now still counts, late.",
    ),
    ObligationKind.FIRST_EXCHANGE: (
        "Your first conversation with {name} is overdue",
        "You and {short} agreed to exchange a few messages within a month of connecting. It is "
        "not too late: write now.",
    ),
    ObligationKind.CHECK_IN: (
        "Your check-in with {name} is overdue",
        "A message, a call or a coffee with {short} still keeps the relationship warm; or let "
        "it rest if it has run its course.",
    ),
    ObligationKind.MENTOR_CHECK_IN: (
        "A mentorship check-in with {name} was missed",
        "Log a check-in or send {short} a message to get your mentorship back on track.",
    ),
}
# How far back the sweep still tells of a missed item a stopped worker did not.
MISSED_CATCH_UP = timedelta(days=7)


def obligation_missed_notify(*, obligation_id: int, now: datetime | None = None) -> int:
    """Tell each member owing a pact item, once, that its deadline passed while it was open
    (meeting it late still counts, so the notice links to the relationship). Nothing for an
    item met, cancelled or not yet due, for a member letting the relationship rest, or across
    a block. Returns how many were told."""
    now = now or timezone.now()
    obligation = Obligation.objects.select_related("connection").filter(pk=obligation_id).first()
    if obligation is None or obligation.status(now) != ObligationStatus.OVERDUE:
        return 0
    connection = obligation.connection
    if connection is None:  # an ended connection's items are closed, never overdue
        return 0
    pair = (connection.member_low_id, connection.member_high_id)
    if is_blocked_between(*pair):
        return 0
    owing = [obligation.party_id] if obligation.party_id else list(pair)
    resting = set(
        Tie.objects.filter(connection=connection, resting_since__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    members = {m.pk: m for m in User.objects.filter(pk__in=pair, is_active=True)}
    title, body = _MISSED_TEXT[ObligationKind(obligation.kind)]
    told = 0
    for member_id in owing:
        member = members.get(member_id) if member_id not in resting else None
        other = members.get(connection.other_id(member_id)) if member_id else None
        if member is None or other is None:
            continue
        zone = member_zone(member.boundaries)
        told += (
            notify(
                member=member,
                key=f"pact:missed:{obligation.pk}:{member.pk}:{obligation.due_at:%Y%m%d%H%M}",
                kind="pact_missed",
                title=title.format(name=other.name),
                body=body.format(short=other.get_short_name())
                + f" It was due {timezone.localtime(obligation.due_at, zone):%a %d %b}.",
                url=reverse("connection_detail", args=[connection.pk]),
                about=other,
            )
            is not None
        )
    return told


def obligations_missed_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: tell of every pact item missed in the last week (each notice is keyed per
    item, member and deadline, so running it again tells nobody twice)."""
    now = now or timezone.now()
    missed = (
        Obligation.objects.filter(
            fulfilled_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lt=now,
            due_at__gte=now - MISSED_CATCH_UP,
        )
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(obligation_missed_notify(obligation_id=pk, now=now) for pk in list(missed))
