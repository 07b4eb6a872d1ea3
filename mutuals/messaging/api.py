"""Conversation and message endpoints (docs/api.md "Connections, messages, engagement"). Thin:
check access, call one service, shape the answer."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuals.accounts.api_auth import member
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.messaging import services
from mutuals.messaging.access import access_conversation_by_id
from mutuals.messaging.schemas import (
    ConversationIn,
    ConversationOut,
    ConversationPage,
    ConversationStartedOut,
    MessageIn,
    MessageOut,
    MessagePage,
)
from mutuals.messaging.selectors import conversations_for, messages_for

router = Router(tags=["messages"])


@router.post(
    "/conversations",
    response={200: ConversationStartedOut, 201: ConversationStartedOut},
    operation_id="conversations_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            422: ["group_too_large", "not_connected"],
            429: ["message_rate_limited"],
        }
    ),
)
def conversations_create(
    request: HttpRequest, payload: ConversationIn
) -> Status[ConversationStartedOut]:
    """Start a conversation with its first message: one-to-one with a connection, or a group of
    up to 8 people, all your connections. `201` when created; `200` when your one-to-one
    conversation with that member already existed and the message went there. Refusals:
    `not_connected`, `group_too_large`, `invalid_fields` (422), `not_found` (404),
    `message_rate_limited` (429)."""
    viewer = member(request)
    started = services.conversation_start(
        creator=viewer,
        participant_ids=payload.participant_ids,
        text=payload.text,
        title=payload.title,
    )
    row = conversations_for(viewer).get(pk=started.conversation.pk)
    out = ConversationStartedOut(
        **ConversationOut.build(row).model_dump(),
        message=MessageOut.build(started.message),
        created=started.created,
    )
    return Status(201 if started.created else 200, out)


@router.get("/conversations", response=ConversationPage, operation_id="conversations_list")
def conversations_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ConversationPage:
    """Your conversations, latest activity first, each with its participants, unread count and
    last message."""
    rows, next_cursor = keyset_page(
        conversations_for(member(request)),
        keys=("-last_message_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return ConversationPage(items=[ConversationOut.build(row) for row in rows], next=next_cursor)


@router.post(
    "/conversations/{conversation_id}/messages",
    response={201: MessageOut},
    operation_id="messages_create",
    openapi_extra=refusals(
        {404: ["not_found"], 422: ["not_connected"], 429: ["message_rate_limited"]}
    ),
)
def messages_create(
    request: HttpRequest, conversation_id: int, payload: MessageIn
) -> Status[MessageOut]:
    """Write in a conversation you take part in. Refusals: `invalid_fields`, `not_connected`
    (422), `not_found` (404), `message_rate_limited` (429, `detail.retry_at`)."""
    message = services.message_send(
        sender=member(request), conversation_id=conversation_id, text=payload.text
    )
    return Status(201, MessageOut.build(message))


@router.get(
    "/conversations/{conversation_id}/messages",
    response=MessagePage,
    operation_id="messages_list",
    openapi_extra=refusals({404: ["not_found"]}),
)
def messages_list(
    request: HttpRequest,
    conversation_id: int,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> MessagePage:
    """The conversation's messages, newest first. Fetching the first page (no cursor) marks
    the conversation read for you."""
    viewer = member(request)
    conversation = access_conversation_by_id(viewer, conversation_id)
    rows, next_cursor = keyset_page(
        messages_for(viewer, conversation),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    if cursor is None:
        services.conversation_mark_read(
            member=viewer,
            conversation_id=conversation.pk,
            up_to=rows[0].created_at if rows else None,
        )
    return MessagePage(items=[MessageOut.build(row) for row in rows], next=next_cursor)
