"""Reads about conversations: a member's list with unread counts, the messages they may see,
and the unread total for the navigation.

Visibility: a member never sees messages from someone on either side of a block with them
(in a group the rest of the conversation goes on), nor messages a moderator hid (their
sender still does), and a one-to-one conversation across a
block is not theirs to see at all (`messaging.access`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.models import Block
from mutuals.core.compiled import CompiledQuery
from mutuals.messaging.models import Conversation, Message, Participant

# "Never read" compares as read up to the beginning of time.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
# A message waits for an answer this long; older silences are a tie going cold, not a reply owed.
ANSWER_WINDOW = timedelta(days=14)


def _blocked_either_way(member_id: int) -> tuple[QuerySet[Block, Any], QuerySet[Block, Any]]:
    """Subqueries (not loaded) of the ids the member blocked and of those who blocked them."""
    return (
        Block.objects.filter(blocker_id=member_id).values("blocked_id"),
        Block.objects.filter(blocked_id=member_id).values("blocker_id"),
    )


def visible_to(member_id: int) -> Q:
    """Messages the member may see: none from anyone on either side of a block with them,
    and none a moderator hid unless the member sent it."""
    blocked, blocking = _blocked_either_way(member_id)
    return (
        ~Q(sender_id__in=blocked)
        & ~Q(sender_id__in=blocking)
        & (Q(hidden_at__isnull=True) | Q(sender_id=member_id))
    )


def hidden_direct(member_id: int) -> Q:
    """One-to-one conversations across a block with the member."""
    blocked, blocking = _blocked_either_way(member_id)
    return Q(is_group=False) & (
        Q(pair_low__in=blocked)
        | Q(pair_low__in=blocking)
        | Q(pair_high__in=blocked)
        | Q(pair_high__in=blocking)
    )


def _read_until(member_id: int) -> Coalesce:
    return Coalesce(
        Subquery(
            Participant.objects.filter(
                conversation_id=OuterRef("conversation_id"), member_id=member_id
            ).values("last_read_at")[:1]
        ),
        Value(NEVER),
        output_field=DateTimeField(),
    )


def messages_visible_to(member: User) -> QuerySet[Message]:
    """Every message the member may see: in conversations they take part in, not one-to-one
    across a block, not sent by anyone on either side of a block with them (search's rule;
    a conversation's page applies the same two through `access` and `messages_for`)."""
    return Message.objects.filter(
        conversation_id__in=Participant.objects.filter(member=member).values("conversation_id")
    ).filter(
        visible_to(member.pk),
        ~Q(conversation_id__in=Conversation.objects.filter(hidden_direct(member.pk)).values("pk")),
    )


def unread_messages(member: User) -> QuerySet[Message]:
    """Messages from others, visible to the member, newer than their read mark, in their
    conversations."""
    return (
        Message.objects.filter(
            conversation_id__in=Participant.objects.filter(member=member).values("conversation_id")
        )
        .exclude(sender_id=member.pk)
        .filter(visible_to(member.pk))
        .alias(read_until=_read_until(member.pk))
        .filter(created_at__gt=F("read_until"))
    )


def unread_conversation_count(member: User) -> int:
    """How many of the member's conversations hold unread messages (one query)."""
    return unread_messages(member).values("conversation_id").distinct().count()


def conversations_for(member: User) -> QuerySet[Conversation]:
    """The member's conversations, each annotated with `unread_count`, with `participants`
    (and their members' profiles) and `latest` (a list of at most one message, the newest the
    member may see) prefetched: three queries for a whole page, whatever its size. Newest
    activity first."""
    unread = (
        Message.objects.filter(
            conversation_id=OuterRef("pk"), created_at__gt=OuterRef("read_until")
        )
        .exclude(sender_id=member.pk)
        .filter(visible_to(member.pk))
        .order_by()
        .values("conversation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Conversation.objects.annotate(
            mine=FilteredRelation("participants", condition=Q(participants__member=member))
        )
        .filter(mine__isnull=False)
        .exclude(hidden_direct(member.pk))
        .annotate(
            read_until=Coalesce("mine__last_read_at", Value(NEVER), output_field=DateTimeField()),
            unread_count=Coalesce(Subquery(unread), Value(0), output_field=IntegerField()),
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member__profile"),
                to_attr="seats",
            ),
            Prefetch(
                "messages",
                queryset=Message.objects.filter(visible_to(member.pk))
                .select_related("sender")
                .order_by("-created_at", "-id")[:1],
                to_attr="latest",
            ),
        )
        .order_by("-last_message_at", "-id")
    )


def messages_for(member: User, conversation: Conversation) -> QuerySet[Message]:
    """The messages of a conversation the member may see, senders loaded, oldest first."""
    return (
        Message.objects.filter(conversation=conversation)
        .filter(visible_to(member.pk))
        .select_related("sender")
        .order_by("created_at", "id")
    )


def participants_of(conversation: Conversation) -> list[Participant]:
    return list(
        Participant.objects.filter(conversation=conversation).select_related("member__profile")
    )


def direct_conversation_between(member_id: int, other_id: int) -> Conversation | None:
    """The one-to-one conversation of two members, if they have one."""
    low, high = sorted((member_id, other_id))
    return Conversation.objects.filter(pair_low=low, pair_high=high).first()


def _unanswered(
    member_id: int, since: datetime
) -> QuerySet[Any, tuple[int, int | None, int | None]]:
    newest = (
        Message.objects.filter(conversation_id=OuterRef("pk"))
        .filter(visible_to(member_id))
        .order_by("-created_at", "-id")
    )
    return (
        Conversation.objects.filter(is_group=False)
        .filter(Q(pair_low=member_id) | Q(pair_high=member_id))
        .exclude(hidden_direct(member_id))
        .annotate(
            newest_sender=Subquery(newest.values("sender_id")[:1]),
            newest_at=Subquery(newest.values("created_at")[:1]),
        )
        .filter(newest_at__gte=since)
        .exclude(newest_sender=member_id)
        .order_by("-newest_at", "-id")
        .values_list("pk", "pair_low", "pair_high")
    )


# Read on every network health answer and home page: compiled once per process (issue 20;
# building and compiling its subqueries was a third of the health endpoint's CPU).
_unanswered_compiled: CompiledQuery[tuple[int, int | None, int | None]] = CompiledQuery(
    _unanswered, member_id=-730_101, since=datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
)


def unanswered_for(
    member: User, *, now: datetime | None = None, within: timedelta = ANSWER_WINDOW
) -> list[tuple[int, str]]:
    """(other member's id, conversation url) of the member's one-to-one conversations whose
    newest message the member may see was sent by the other side within `within`: a reply is
    owed, read or not. Newest first; one query. Conversations across a block are not the
    member's to see, so they never appear."""
    now = now or timezone.now()
    found = []
    for pk, low, high in _unanswered_compiled.fetch(member_id=member.pk, since=now - within):
        other = high if low == member.pk else low
        if other is not None:  # always set on one-to-one conversations (a check constraint)
            found.append((other, reverse("conversation_detail", args=[pk])))
    return found
