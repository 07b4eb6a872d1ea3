"""Every write on conversations and messages, and the unread-messages digest.

- Starting: one-to-one only with a connection, never across a block (answered as not found);
  a second start with the same person reuses the conversation you already have. A small group
  (up to 8 people) only of members the creator is connected to.
- Writing: only participants, non-blank text up to 4,000 characters, at most 30 messages per
  10 minutes per sender. Every message records an interaction with each connected participant
  in the relationship ledger — in the same transaction — which is what fulfils the engagement
  pact's first message and first real exchange.
- Reading: opening a conversation moves the reader's read mark.
- The digest: a recipient of a message is e-mailed one digest of their unread conversations
  about 15 minutes later and never during a quiet period; keyed per member and window, so a
  retried task never sends twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import Boundaries, User
from mutuals.accounts.timezones import after_quiet
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.core.compiled import CompiledQuery
from mutuals.core.errors import NotFound, RateLimited, Refused
from mutuals.core.tasks import enqueue_at, queue_in_transaction
from mutuals.engagement.delivery import absolute_url, delivery_for, email_send
from mutuals.engagement.models import Delivery, NoticeKind
from mutuals.engagement.notifications import (
    notification_mark_read,
    notification_retitle,
    notification_withdraw,
    notify,
)
from mutuals.engagement.services import interaction_record
from mutuals.messaging.access import access_conversation_by_id
from mutuals.messaging.models import (
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Conversation,
    Message,
    Participant,
    UnreadDigest,
)
from mutuals.messaging.selectors import conversations_for, unread_messages

MAX_GROUP_SIZE = 8  # participants, the creator included
RATE_LIMIT_MESSAGES = 30
RATE_LIMIT_WINDOW = timedelta(minutes=10)
DIGEST_DELAY = timedelta(minutes=15)
# Digests are due at the next quarter hour after the delay, so every message arriving within
# one quarter hour shares a window (and a key).
DIGEST_GRANULARITY = timedelta(minutes=15)
DIGEST_MAX_CONVERSATIONS = 10


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    message: Message
    created: bool


def _clean_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise Refused.for_fields({"text": ["Write something: empty messages are not sent."]})
    if len(stripped) > MAX_TEXT_LENGTH:
        raise Refused.for_fields(
            {"text": [f"Keep a message to {MAX_TEXT_LENGTH} characters (now {len(stripped)})."]}
        )
    return stripped


# What every message sent reads: compiled once per process (issue 20).
_sender_locked: CompiledQuery[int] = CompiledQuery(
    lambda member_id: (
        User.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True)
    ),
    member_id=-730_833,
)
_recent_sent: CompiledQuery[datetime] = CompiledQuery(
    lambda sender_id, since: (
        Message.objects.filter(sender=sender_id, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:RATE_LIMIT_MESSAGES]
    ),
    sender_id=-730_834,
    since=datetime(2001, 1, 6, tzinfo=UTC),
)
_last_sender: CompiledQuery[int] = CompiledQuery(
    lambda conversation_id: (
        Message.objects.filter(conversation=conversation_id)
        .order_by("-created_at", "-id")
        .values_list("sender_id", flat=True)[:1]
    ),
    conversation_id=-730_835,
)
_other_seats: CompiledQuery[Participant] = CompiledQuery(
    lambda conversation_id, sender_id: (
        Participant.objects.filter(conversation=conversation_id)
        .exclude(member=sender_id)
        .select_related("member")
        .order_by("pk")
    ),
    conversation_id=-730_836,
    sender_id=-730_837,
)


def _check_rate(sender: User, now: datetime) -> None:
    """At most `RATE_LIMIT_MESSAGES` per `RATE_LIMIT_WINDOW` per sender. The sender's row is
    locked first so two simultaneous sends are counted one after the other."""
    _sender_locked.fetch(member_id=sender.pk)
    recent = _recent_sent.fetch(sender_id=sender.pk, since=now - RATE_LIMIT_WINDOW)
    if len(recent) >= RATE_LIMIT_MESSAGES:
        retry_at = recent[-1] + RATE_LIMIT_WINDOW
        raise RateLimited(
            f"You have sent {RATE_LIMIT_MESSAGES} messages in the last "
            f"{RATE_LIMIT_WINDOW.seconds // 60} minutes; take a breath and try again shortly.",
            code="message_rate_limited",
            retry_at=retry_at,
            detail={"limit": RATE_LIMIT_MESSAGES},
        )


@transaction.atomic
def conversation_start(
    *, creator: User, participant_ids: list[int], text: str, title: str = ""
) -> Started:
    """Start a conversation with its first message.

    One other member: they must be a connection (`not_connected`, 422) and not on either side
    of a block (not found, so the block is never revealed); if the two already have a
    one-to-one conversation the message goes there instead (`created` is False).
    Several: at most `MAX_GROUP_SIZE` people in all (`group_too_large`), every one of them a
    connection of the creator. Refusals change nothing.
    """
    text = _clean_text(text)
    title = title.strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise Refused.for_fields({"title": [f"Keep the title to {MAX_TITLE_LENGTH} characters."]})
    others_ids = sorted(set(participant_ids) - {creator.pk})
    if not others_ids:
        raise Refused.for_fields(
            {"participant_ids": ["Choose at least one other member to write to."]}
        )
    if len(others_ids) + 1 > MAX_GROUP_SIZE:
        raise Refused(
            f"A group conversation has at most {MAX_GROUP_SIZE} people, you included.",
            code="group_too_large",
            detail={"max_participants": MAX_GROUP_SIZE},
        )
    others = list(User.objects.filter(pk__in=others_ids, is_active=True).order_by("pk"))
    hidden = blocked_ids(creator.pk)
    if len(others) != len(others_ids) or hidden & set(others_ids):
        raise NotFound(
            "That member was not found." if len(others_ids) == 1 else "A member was not found."
        )
    connected = connected_ids(creator.pk)
    strangers = [other for other in others if other.pk not in connected]
    if strangers:
        names = ", ".join(other.name for other in strangers)
        raise Refused(
            f"You can write only to your connections; you are not connected to {names}.",
            code="not_connected",
            detail={"member_ids": [other.pk for other in strangers]},
        )
    now = timezone.now()
    if len(others) == 1:
        low, high = sorted((creator.pk, others[0].pk))
        existing = Conversation.objects.filter(pair_low=low, pair_high=high).first()
        if existing is None:
            try:
                with transaction.atomic():
                    conversation = _create(creator, others, now, title="", pair=(low, high))
            except IntegrityError:  # the other member started one at the same instant
                existing = Conversation.objects.get(pair_low=low, pair_high=high)
        if existing is not None:
            message = _post(sender=creator, conversation=existing, text=text, connected=connected)
            return Started(conversation=existing, message=message, created=False)
    else:
        conversation = _create(creator, others, now, title=title, pair=None)
    message = _post(
        sender=creator, conversation=conversation, text=text, now=now, connected=connected
    )
    return Started(conversation=conversation, message=message, created=True)


def _create(
    creator: User, others: list[User], now: datetime, *, title: str, pair: tuple[int, int] | None
) -> Conversation:
    conversation = Conversation.objects.create(
        title=title,
        is_group=pair is None,
        pair_low=pair[0] if pair else None,
        pair_high=pair[1] if pair else None,
        created_by=creator,
        created_at=now,
        last_message_at=now,
    )
    Participant.objects.bulk_create(
        Participant(conversation=conversation, member=member, joined_at=now)
        for member in [creator, *others]
    )
    return conversation


@transaction.atomic
def message_send(*, sender: User, conversation_id: int, text: str) -> Message:
    """Write in a conversation: participants only (others: not found), never across a block in
    a one-to-one conversation (not found), and only while the two are still connected
    (`not_connected`). Non-blank, at most 4,000 characters, within the rate limit."""
    conversation = access_conversation_by_id(sender, conversation_id)
    text = _clean_text(text)
    connected = connected_ids(sender.pk)
    if not conversation.is_group:
        other_id = conversation.other_member_id(sender.pk)
        if other_id not in connected:
            raise Refused(
                "You are no longer connected, so this conversation is closed.",
                code="not_connected",
                detail={"member_ids": [other_id]},
            )
    return _post(sender=sender, conversation=conversation, text=text, connected=connected)


def _post(
    *,
    sender: User,
    conversation: Conversation,
    text: str,
    now: datetime | None = None,
    connected: set[int] | None = None,
) -> Message:
    """Append a message (text already cleaned): rate limit, the ledger, read marks, digests."""
    now = now or timezone.now()
    _check_rate(sender, now)
    previous_sender = _last_sender.first(conversation_id=conversation.pk)
    message = Message.objects.create(
        conversation=conversation, sender=sender, text=text, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk, last_message_at__lt=now).update(
        last_message_at=now
    )
    conversation.last_message_at = max(conversation.last_message_at, now)
    # Writing in a conversation means having read it.
    Participant.objects.filter(conversation=conversation, member=sender).update(last_read_at=now)
    notification_mark_read(member=sender, key_prefix=message_key_prefix(conversation.pk, sender.pk))
    seats = _other_seats.fetch(conversation_id=conversation.pk, sender_id=sender.pk)
    kind = "reply" if previous_sender is not None and previous_sender != sender.pk else "message"
    if connected is None:
        connected = connected_ids(sender.pk)
    for seat in seats:
        if seat.member_id in connected:
            interaction_record(
                actor=sender,
                counterpart=seat.member,
                kind=kind,
                at=message.created_at,
                source_key=f"message:{message.pk}",
            )
    recipients = [seat.member_id for seat in seats if seat.member.is_active]
    for seat in seats:
        if seat.member.is_active:
            _notify_new_message(seat, conversation, sender)
    if recipients:
        queue_in_transaction(lambda: _schedule_digests(recipients, now))
    return message


def message_key_prefix(conversation_id: int, member_id: int) -> str:
    return f"message:{conversation_id}:{member_id}:"


_RECEIVED = "message_received"


def _received_title(conversation: Conversation, sender: User) -> str:
    in_group = f" in {conversation.title}" if conversation.is_group and conversation.title else ""
    return f"New message from {sender.name}{in_group}"


def _notify_new_message(seat: Participant, conversation: Conversation, sender: User) -> None:
    """One notification per conversation until the member reads it: keyed by their read
    mark, so messages arriving before they read add nothing and the first after does."""
    read_mark = f"{seat.last_read_at:%Y%m%d%H%M%S%f}" if seat.last_read_at else "never"
    notify(
        member=seat.member,
        key=message_key_prefix(conversation.pk, seat.member_id) + read_mark,
        kind=_RECEIVED,
        title=_received_title(conversation, sender),
        body="Reply when you can: every message keeps your pact.",
        url=reverse("conversation_detail", args=[conversation.pk]),
        about=None if conversation.is_group else sender,
    )


@transaction.atomic
def message_set_hidden(*, message_id: int, hidden: bool) -> bool:
    """Hide a message from everyone but its sender, or show it again; it stays in the
    conversation for the record. Who may, and the record of it, are moderation's
    (`moderation.services`). True when it changed; `not_found` for no such message."""
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound("That message was not found.")
    if (message.hidden_at is not None) == hidden:
        return False
    Message.objects.filter(pk=message_id).update(hidden_at=timezone.now() if hidden else None)
    if hidden:
        _withdraw_notices(message)
    return True


def _withdraw_notices(message: Message) -> None:
    """A hidden message is announced to nobody: each other participant's unread "new
    message" notice of its conversation is withdrawn when no other message they may see is
    unread there, or else names the sender of the newest one that is. The unread digest
    reads only what each member may see (`unread_messages`), so a digest still to come
    leaves the message out, and says nothing when it was the only one."""
    conversation = Conversation.objects.get(pk=message.conversation_id)
    seats = (
        Participant.objects.filter(conversation=conversation)
        .exclude(member_id=message.sender_id)
        .select_related("member")
    )
    for seat in seats:
        prefix = message_key_prefix(conversation.pk, seat.member_id)
        newest = (
            unread_messages(seat.member)
            .filter(conversation=conversation)
            .select_related("sender")
            .order_by("-created_at", "-id")
            .first()
        )
        if newest is None:
            notification_withdraw(member_id=seat.member_id, key_prefix=prefix, kind=_RECEIVED)
        else:
            notification_retitle(
                member_id=seat.member_id,
                key_prefix=prefix,
                kind=_RECEIVED,
                title=_received_title(conversation, newest.sender),
            )


@transaction.atomic
def conversation_mark_read(
    *, member: User, conversation_id: int, up_to: datetime | None = None
) -> bool:
    """Move the member's read mark forward to `up_to` (now by default); never backwards.
    Participants only (others: not found). Returns whether it moved."""
    conversation = access_conversation_by_id(member, conversation_id)
    up_to = up_to or timezone.now()
    moved = (
        Participant.objects.filter(conversation=conversation, member=member)
        .exclude(last_read_at__gte=up_to)
        .update(last_read_at=up_to)
    )
    notification_mark_read(member=member, key_prefix=message_key_prefix(conversation.pk, member.pk))
    return bool(moved)


# --- The unread digest -------------------------------------------------------------------


def digest_window(at: datetime) -> datetime:
    """The first quarter-hour boundary at or after `at` (UTC)."""
    step = DIGEST_GRANULARITY.total_seconds()
    return datetime.fromtimestamp(math.ceil(at.timestamp() / step) * step, tz=UTC)


def digest_due(arrived_at: datetime, boundaries: Boundaries) -> datetime:
    """When a recipient hears about a message arriving at `arrived_at`: the quarter hour after
    a 15-minute delay, or after their quiet period if that ends later."""
    return digest_window(after_quiet(arrived_at + DIGEST_DELAY, boundaries))


def _schedule_digests(member_ids: list[int], arrived_at: datetime) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.messaging import tasks

    for boundaries in Boundaries.objects.filter(user_id__in=member_ids):
        window = digest_due(arrived_at, boundaries)
        enqueue_at(tasks.unread_digest, window, boundaries.user_id, window.isoformat())


def digest_key(member_id: int, window: datetime) -> str:
    return f"messages:{member_id}:{window.astimezone(UTC):%Y%m%dT%H%M}"


def digest_send(*, member_id: int, window: datetime, now: datetime | None = None) -> str:
    """E-mail the member one digest of their unread conversations, at most once per window.

    Nothing is sent when everything was read meanwhile, or when every unread message was
    already in an earlier digest, nor when the member chose another delivery for messages
    (`engagement.delivery`). During a quiet period nothing is sent and the digest is
    deferred to the window after it ends. Returns what happened: `sent`, `deferred`,
    `nothing_unread`, `nothing_new`, `already_sent`, `not_wanted` or `no_member`.

    Not one transaction: the digest row is claimed (committed) before the e-mail leaves, so
    a retry after a crash never sends twice; a failed send releases the claim for the retry.
    """
    now = now or timezone.now()
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return "no_member"
    if delivery_for(member_id, "message_received") != Delivery.EMAIL:
        return "not_wanted"  # the member chose the daily digest, the app only, or nothing
    boundaries = Boundaries.objects.get(user=member)
    if boundaries.is_quiet(now):
        # Imported here: tasks.py imports this module (each task calls its service).
        from mutuals.messaging import tasks

        later = digest_window(after_quiet(now, boundaries))
        enqueue_at(tasks.unread_digest, later, member_id, later.isoformat())
        return "deferred"
    key = digest_key(member_id, window)
    if UnreadDigest.objects.filter(key=key).exists():
        return "already_sent"
    newest = unread_messages(member).aggregate(newest=Max("created_at"))["newest"]
    if newest is None:
        return "nothing_unread"
    covered = UnreadDigest.objects.filter(member=member).aggregate(c=Max("covered_until"))["c"]
    if covered is not None and newest <= covered:
        return "nothing_new"
    # Only the conversations with unread messages, filtered in the database.
    conversations = list(
        conversations_for(member).filter(unread_count__gt=0)  # type: ignore[misc]
    )
    try:
        with transaction.atomic():
            digest = UnreadDigest.objects.create(
                member=member,
                key=key,
                window=window,
                covered_until=newest,
                conversation_count=len(conversations),
                created_at=now,
            )
    except IntegrityError:
        return "already_sent"
    subject, lines = _digest_text(member, conversations)
    try:
        email_send(member=member, kinds=[NoticeKind.MESSAGES], subject=subject, lines=lines)
    except Exception:
        UnreadDigest.objects.filter(pk=digest.pk, sent_at__isnull=True).delete()
        raise
    UnreadDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return "sent"


def conversation_label(conversation: Conversation, viewer_id: int) -> str:
    """A group's title, or the names of the others in it (participants prefetched as
    `seats`)."""
    if conversation.title:
        return conversation.title
    seats: list[Participant] = getattr(conversation, "seats", [])
    names = [seat.member.name for seat in seats if seat.member_id != viewer_id]
    return ", ".join(names) or "Just you"


def _digest_text(member: User, conversations: list[Conversation]) -> tuple[str, list[str]]:
    total = sum(getattr(c, "unread_count", 0) for c in conversations)
    count = len(conversations)
    if count == 1:
        subject = f"Unread messages from {conversation_label(conversations[0], member.pk)}"
    else:
        subject = f"You have unread messages in {count} conversations"
    lines = [
        f"{total} message{'s' if total != 1 else ''} waiting for you on {settings.SITE_NAME}:",
        "",
    ]
    for conversation in conversations[:DIGEST_MAX_CONVERSATIONS]:
        unread = getattr(conversation, "unread_count", 0)
        latest: list[Message] = getattr(conversation, "latest", [])
        lines.append(f"• {conversation_label(conversation, member.pk)} — {unread} unread")
        if latest:
            excerpt = " ".join(latest[0].text.split())
            excerpt = excerpt if len(excerpt) <= 140 else excerpt[:139] + "…"
            lines.append(f"  {latest[0].sender.get_short_name()}: {excerpt}")
        lines.append(f"  {absolute_url(reverse('conversation_detail', args=[conversation.pk]))}")
    if count > DIGEST_MAX_CONVERSATIONS:
        lines.append(f"… and {count - DIGEST_MAX_CONVERSATIONS} more.")
    lines += [
        "",
        "You get at most one of these per quarter hour, never during your quiet period.",
    ]
    return subject, lines
