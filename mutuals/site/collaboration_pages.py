"""Proposing a collaboration: the page starts it from an event the member checked in at or a
conversation they are in, so it composes engagement (the collaboration), events and
messaging, and stands here, above all three."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections.selectors import connected_ids
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form
from mutuals.engagement.collaborations import collaboration_propose
from mutuals.engagement.forms import CollaborationForm
from mutuals.events.models import Attendance, Event
from mutuals.messaging.access import access_conversation_by_id
from mutuals.messaging.models import Participant
from mutuals.messaging.selectors import conversations_for
from mutuals.messaging.services import conversation_label

ORIGIN_CHOICES_LIMIT = 30
# A refusal that names no field, shown on the field it is about.
FIELD_FOR_CODE = {"not_connected": "member_ids", "origin_not_shared": "origin"}


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_new_view(request: HttpRequest) -> HttpResponse:
    """Propose a collaboration; `?conversation=` or `?event=` starts it from there, with the
    other people in it who are your connections already chosen."""
    viewer = member_for_request(request)
    connections = _connections(viewer)
    origins = _origins(viewer)
    if request.method == "POST":
        form = CollaborationForm(request.POST, connections=connections, origins=origins)
        if form.is_valid():
            try:
                collaboration = collaboration_propose(proposer=viewer, **form.propose_kwargs())
            except MutualsError as error:
                refusal_to_form(form, error, field_for_code=FIELD_FOR_CODE)
            else:
                messages.success(
                    request, "Proposed. It counts once someone confirms; they have been asked."
                )
                return redirect("collaboration_detail", collaboration_id=collaboration.pk)
    else:
        initial = _started_from(viewer, request.GET, origins)
        form = CollaborationForm(initial=initial, connections=connections, origins=origins)
    context = {"form": form, "has_connections": bool(connections), "has_origins": bool(origins)}
    return render(request, "engagement/collaboration_new.html", context)


def _connections(viewer: User) -> list[tuple[int, str]]:
    return list(
        User.objects.filter(pk__in=connected_ids(viewer.pk), is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def _origins(viewer: User) -> list[tuple[str, str]]:
    """What a collaboration can start from: events the viewer checked in at, then their
    conversations, latest first."""
    events = Event.objects.filter(
        attendances__member=viewer, attendances__checked_in_at__isnull=False
    ).order_by("-starts_at", "-id")[:ORIGIN_CHOICES_LIMIT]
    conversations = conversations_for(viewer).order_by("-last_message_at", "-id")
    return [
        *((f"event:{e.pk}", f"Event: {e.title} ({e.starts_at:%d %b %Y})") for e in events),
        *(
            (f"conversation:{c.pk}", f"Conversation: {conversation_label(c, viewer.pk)}")
            for c in conversations[:ORIGIN_CHOICES_LIMIT]
        ),
    ]


def _started_from(viewer: User, query: QueryDict, origins: list[tuple[str, str]]) -> dict[str, Any]:
    """Initial origin and members from `?conversation=` or `?event=`: the other people in it
    who are the viewer's connections. Not found for a conversation or event they may not see."""
    conversation = query.get("conversation", "")
    event = query.get("event", "")
    if conversation.isdigit():
        found = access_conversation_by_id(viewer, int(conversation))
        key = f"conversation:{found.pk}"
        people = list(
            Participant.objects.filter(conversation=found).values_list("member_id", flat=True)
        )
    elif event.isdigit():
        key = f"event:{event}"
        if key not in {k for k, _ in origins}:
            raise NotFound("You were not checked in at that event.")
        people = list(
            Attendance.objects.filter(event_id=int(event), checked_in_at__isnull=False).values_list(
                "member_id", flat=True
            )
        )
    else:
        return {}
    if key not in {k for k, _ in origins}:
        origins.append((key, "This conversation"))
    mine = connected_ids(viewer.pk)
    return {"origin": key, "member_ids": [pk for pk in people if pk in mine]}
