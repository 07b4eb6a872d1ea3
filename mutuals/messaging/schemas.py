"""API shapes for conversations and messages (docs/api.md "Connections, messages, engagement")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.messaging.models import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, Conversation, Message


class ConversationIn(Schema):
    participant_ids: list[int] = Field(
        min_length=1, max_length=20, description="the other members (your connections)"
    )
    text: str = Field(max_length=MAX_TEXT_LENGTH * 2, description="the first message")
    title: str = Field(default="", max_length=MAX_TITLE_LENGTH, description="groups only")


class MessageIn(Schema):
    text: str = Field(max_length=MAX_TEXT_LENGTH * 2)


class MessageOut(Schema):
    id: int
    conversation_id: int
    sender_id: int
    sender_name: str
    text: str
    created_at: datetime
    hidden: bool = Field(
        description="hidden by a moderator: only its sender is shown it, marked so"
    )

    @staticmethod
    def build(message: Message) -> MessageOut:
        return MessageOut(
            id=message.pk,
            conversation_id=message.conversation_id,
            sender_id=message.sender_id,
            sender_name=message.sender.name,
            text=message.text,
            created_at=message.created_at,
            hidden=message.hidden_at is not None,
        )


class ConversationOut(Schema):
    id: int
    title: str
    is_group: bool
    participants: list[MemberRefOut]
    unread_count: int
    last_message: MessageOut | None
    created_at: datetime
    last_message_at: datetime

    @staticmethod
    def build(conversation: Conversation) -> ConversationOut:
        """From a row of `selectors.conversations_for` (annotated and prefetched)."""
        latest: list[Message] = getattr(conversation, "latest", [])
        return ConversationOut(
            id=conversation.pk,
            title=conversation.title,
            is_group=conversation.is_group,
            participants=[
                MemberRefOut.build(seat.member) for seat in getattr(conversation, "seats", [])
            ],
            unread_count=getattr(conversation, "unread_count", 0),
            last_message=MessageOut.build(latest[0]) if latest else None,
            created_at=conversation.created_at,
            last_message_at=conversation.last_message_at,
        )


class ConversationStartedOut(ConversationOut):
    message: MessageOut = Field(description="the message just sent")
    created: bool = Field(description="false when your one-to-one conversation already existed")


class ConversationPage(Schema):
    items: list[ConversationOut]
    next: str | None


class MessagePage(Schema):
    items: list[MessageOut]
    next: str | None
