"""Messaging pages: the conversation list, a conversation, starting one. Thin: parse, call
the service the API calls, render.

HTMX only enhances: the conversation polls for messages after the last one it shows and
appends them; sending posts in place, appends, and clears the box. Without JavaScript the
same forms post and redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections.selectors import connected_ids
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form
from mutuals.core.htmx import is_htmx
from mutuals.core.pagination import keyset_page
from mutuals.messaging import services
from mutuals.messaging.access import access_conversation_by_id
from mutuals.messaging.forms import MessageForm, StartForm
from mutuals.messaging.models import Conversation, Message
from mutuals.messaging.selectors import (
    conversations_for,
    direct_conversation_between,
    messages_for,
    participants_of,
)

LIST_PAGE_SIZE = 20
THREAD_SIZE = 50


def _conversation(viewer: User, conversation_id: int) -> Conversation:
    conversation = access_conversation_by_id(viewer, conversation_id)
    conversation.seats = participants_of(conversation)  # type: ignore[attr-defined]
    return conversation


def _after(request: HttpRequest) -> int:
    raw = request.GET.get("after") or request.POST.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


@login_required
@require_GET
def conversations_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    rows, next_cursor = keyset_page(
        conversations_for(viewer),
        keys=("-last_message_at", "-id"),
        cursor=request.GET.get("cursor") or None,
        limit=LIST_PAGE_SIZE,
    )
    items = [
        {
            "conversation": row,
            "label": services.conversation_label(row, viewer.pk),
            # The face beside it: the other person's (a group's first other member's).
            "face": next(
                (s.member for s in getattr(row, "seats", []) if s.member_id != viewer.pk), None
            ),
            "latest": row.latest[0] if row.latest else None,  # type: ignore[attr-defined]
        }
        for row in rows
    ]
    return render(
        request,
        "messaging/conversations.html",
        {"items": items, "next_cursor": next_cursor, "first_page": not request.GET.get("cursor")},
    )


def _connections(viewer: User) -> list[tuple[int, str]]:
    return list(
        User.objects.filter(pk__in=connected_ids(viewer.pk), is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new_view(request: HttpRequest) -> HttpResponse:
    """Start a conversation: with one connection (`?to=`), or a small group of them. An
    existing one-to-one conversation opens instead of a new one."""
    viewer = member_for_request(request)
    connections = _connections(viewer)
    if request.method == "POST":
        form = StartForm(request.POST, connections=connections)
        if form.is_valid():
            try:
                started = services.conversation_start(creator=viewer, **form.start_kwargs())
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                return redirect(
                    reverse("conversation_detail", args=[started.conversation.pk])
                    + f"#message-{started.message.pk}"
                )
    else:
        to = request.GET.get("to", "")
        chosen = int(to) if to.isdigit() and int(to) in {pk for pk, _ in connections} else None
        existing = direct_conversation_between(viewer.pk, chosen) if chosen else None
        if existing is not None:
            return redirect("conversation_detail", conversation_id=existing.pk)
        # A suggested opening (`?text=`, e.g. from an accepted request's notification).
        initial = {"participants": [chosen], "text": request.GET.get("text", "")} if chosen else {}
        form = StartForm(initial=initial, connections=connections)
    context = {"has_connections": bool(connections), "max_group": services.MAX_GROUP_SIZE}
    return render(request, "messaging/new.html", {"form": form, **context})


def _thread(viewer: User, conversation: Conversation, before: int | None) -> list[Message]:
    rows = messages_for(viewer, conversation)
    if before:
        rows = rows.filter(pk__lt=before)
    newest_first = list(rows.order_by("-created_at", "-id")[: THREAD_SIZE + 1])
    return newest_first[::-1]


def _can_write(viewer: User, conversation: Conversation) -> bool:
    if conversation.is_group:
        return True
    return conversation.other_member_id(viewer.pk) in connected_ids(viewer.pk)


def _detail(
    request: HttpRequest, viewer: User, conversation: Conversation, form: MessageForm
) -> HttpResponse:
    """The conversation page: the latest messages (or those before `?before=`), read up to
    the last one shown when it is the latest."""
    before_raw = request.GET.get("before", "")
    before = int(before_raw) if before_raw.isdigit() else None
    thread = _thread(viewer, conversation, before)
    has_earlier = len(thread) > THREAD_SIZE
    thread = thread[-THREAD_SIZE:]
    if before is None:
        up_to = thread[-1].created_at if thread else None
        services.conversation_mark_read(member=viewer, conversation_id=conversation.pk, up_to=up_to)
    context = {
        "thread": thread,
        "has_earlier": has_earlier,
        "earliest_id": thread[0].pk if thread else None,
        "live": before is None,
        "last_id": thread[-1].pk if thread else 0,
        "form": form,
    }
    return render(
        request, "messaging/conversation.html", {**context, **_page(viewer, conversation)}
    )


def _page(viewer: User, conversation: Conversation) -> dict[str, Any]:
    seats = conversation.seats  # type: ignore[attr-defined]
    return {
        "conversation": conversation,
        "label": services.conversation_label(conversation, viewer.pk),
        "others": [seat for seat in seats if seat.member_id != viewer.pk],
        "can_write": _can_write(viewer, conversation),
        "viewer_id": viewer.pk,
    }


@login_required
@require_GET
def conversation_detail_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The conversation, newest messages last; opening it marks it read."""
    viewer = member_for_request(request)
    conversation = _conversation(viewer, conversation_id)
    return _detail(request, viewer, conversation, MessageForm())


def _since(
    request: HttpRequest, viewer: User, conversation: Conversation, after: int
) -> HttpResponse:
    """The fragment HTMX appends: messages after `after`, then a fresh poller."""
    new = list(messages_for(viewer, conversation).filter(pk__gt=after)[:THREAD_SIZE])
    if new:
        services.conversation_mark_read(
            member=viewer, conversation_id=conversation.pk, up_to=new[-1].created_at
        )
    return render(
        request,
        "messaging/_since.html",
        {
            "conversation": conversation,
            "thread": new,
            "last_id": new[-1].pk if new else after,
            "viewer_id": viewer.pk,
        },
    )


@login_required
@require_GET
def conversation_poll_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """New messages after `?after=<id>` as a fragment; 204 (nothing to swap) when none."""
    viewer = member_for_request(request)
    conversation = _conversation(viewer, conversation_id)
    after = _after(request)
    if not messages_for(viewer, conversation).filter(pk__gt=after).exists():
        return HttpResponse(status=204)
    return _since(request, viewer, conversation, after)


@login_required
@require_POST
def message_send_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    conversation = _conversation(viewer, conversation_id)
    form = MessageForm(request.POST)
    message = None
    if form.is_valid():
        try:
            message = services.message_send(
                sender=viewer, conversation_id=conversation.pk, text=form.cleaned_data["text"]
            )
        except NotFound:
            raise
        except MutualsError as error:
            refusal_to_form(form, error)
    if is_htmx(request):
        if message is None:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            response = render(request, "messaging/_compose_errors.html", {"errors": errors})
            return reswap(retarget(response, "#compose-errors"), "innerHTML")
        response = _since(request, viewer, conversation, _after(request))
        return trigger_client_event(response, "message-sent")
    if message is None:
        return _detail(request, viewer, conversation, form)
    return redirect(
        reverse("conversation_detail", args=[conversation.pk]) + f"#message-{message.pk}"
    )
