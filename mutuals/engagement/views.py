"""Connections pages: the list by closeness and state, one connection with its pact (both
parties' items), logging an off-platform interaction, letting a relationship rest; the
notifications page; and collaborations (the list, proposing one, one with everyone's answer,
confirming, declining, completing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections.selectors import blocked_ids, connected_ids
from mutuals.core.errors import MutualsError, NotFound, Refused
from mutuals.engagement import collaborations, notifications, selectors, services
from mutuals.engagement.access import access_collaboration_by_id
from mutuals.engagement.models import Collaboration, Notification, ObligationKind
from mutuals.engagement.ties import ties_ensure

CONNECTIONS_PAGE_SIZE = 30
OBLIGATION_LABELS = dict(ObligationKind.choices)


class InteractionForm(MemberForm):
    kind = forms.ChoiceField(
        choices=[("meeting", "Meeting"), ("call", "Call"), ("other", "Other")], label="What"
    )
    at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        required=False, max_length=500, label="Note (only you see it)", widget=forms.TextInput
    )


@login_required
def connections_list_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    ties_ensure(member_id=viewer.pk)
    state = request.GET.get("state", "")
    ties = selectors.ties_for(viewer)
    if state:
        ties = ties.filter(state=state)
    page = Paginator(ties, CONNECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/connections.html",
        {
            "page": page,
            "state": state,
            "states": ["engaged", "warm", "fading", "stagnant", "resting"],
        },
    )


@login_required
def connection_detail_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        tie = selectors.access_tie_by_connection_id(viewer, connection_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = InteractionForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST":
        form = InteractionForm(request.POST)
        if form.is_valid():
            try:
                services.interaction_log(
                    member=viewer,
                    connection_id=connection_id,
                    kind=form.cleaned_data["kind"],
                    at=form.cleaned_data["at"],
                    note=form.cleaned_data["note"],
                )
            except MutualsError as error:
                fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
                for field, problems in fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not fields:
                    form.add_error(None, error.message)
            else:
                messages.success(request, "Logged. It counts towards your pact and this tie.")
                return redirect("connection_detail", connection_id=connection_id)
    pact = selectors.pact_of([connection_id])[connection_id]
    now = timezone.now()
    items = [
        {
            "label": OBLIGATION_LABELS[o.kind],
            "who": "You both"
            if o.party_id is None
            else "You"
            if o.party_id == viewer.pk
            else tie.other.get_short_name(),
            "due_at": o.due_at,
            "fulfilled_at": o.fulfilled_at,
            "status": o.status(now),
        }
        for o in pact
    ]
    return render(
        request,
        "engagement/connection_detail.html",
        {
            "tie": tie,
            "pact": items,
            "interactions": selectors.recent_interactions(viewer, tie.other_id),
            "form": form,
            "viewer": viewer,
        },
    )


@login_required
@require_POST
def connection_rest_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    resting = request.POST.get("resting", "1") == "1"
    try:
        services.connection_rest(member=viewer, connection_id=connection_id, resting=resting)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(
        request,
        "Resting: no more nudges or check-ins from you on this one. It stays a connection."
        if resting
        else "Welcome back: check-ins resume at this tie's cadence.",
    )
    return redirect("connection_detail", connection_id=connection_id)


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    page = Paginator(Notification.objects.filter(member=viewer), 30).get_page(
        request.GET.get("page")
    )
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(
        request, "engagement/notifications.html", {"page": page, "unread_ids": unread_ids}
    )
    notifications.notification_mark_read(member=viewer, notification_ids=unread_ids)
    return response


# --- Collaborations ----------------------------------------------------------------------------

COLLABORATIONS_PAGE_SIZE = 20
ORIGIN_CHOICES_LIMIT = 30
ANSWERS = {
    "confirm": (collaborations.collaboration_confirm, "Confirmed. It now shows on your profile."),
    "decline": (collaborations.collaboration_decline, "Declined. The proposer has been told."),
    "complete": (collaborations.collaboration_complete, "Marked completed. Well done, all of you."),
    "withdraw": (
        collaborations.collaboration_withdraw,
        "Withdrawn. Those you invited have been told.",
    ),
}


class CollaborationForm(MemberForm):
    title = forms.CharField(
        max_length=collaborations.COLLABORATION_TITLE_MAX,
        label="Project title",
        help_text="What you are working on together, in a few words.",
        error_messages={"required": "Give the project a title of a few words."},
    )
    description = forms.CharField(
        required=False,
        max_length=collaborations.COLLABORATION_DESCRIPTION_MAX,
        label="Short description",
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": collaborations.COLLABORATION_DESCRIPTION_MAX}
        ),
        help_text="What it is and who does what; shown on your profiles.",
    )
    member_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="With",
        error_messages={"required": "Choose at least one person to collaborate with."},
    )
    origin = forms.ChoiceField(
        label="Where it started",
        help_text="A conversation you are all in, or an event you all checked in at.",
        error_messages={"required": "Say where it started."},
    )

    def __init__(
        self,
        *args: Any,
        connections: list[tuple[int, str]],
        origins: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_ids"].choices = connections  # type: ignore[attr-defined]
        self.fields["origin"].choices = [("", "Choose…"), *origins]  # type: ignore[attr-defined]

    def origin_kwargs(self) -> dict[str, int | None]:
        kind, _, ref = self.cleaned_data["origin"].partition(":")
        return {
            "conversation_id": int(ref) if kind == "conversation" else None,
            "event_id": int(ref) if kind == "event" else None,
        }


def _origins(viewer: User) -> list[tuple[str, str]]:
    """What a collaboration can start from: events the viewer checked in at, then their
    conversations, latest first."""
    from mutuals.events.models import Event
    from mutuals.messaging.selectors import conversations_for
    from mutuals.messaging.services import conversation_label

    events = Event.objects.filter(
        attendances__member=viewer, attendances__checked_in_at__isnull=False
    ).order_by("-starts_at", "-id")[:ORIGIN_CHOICES_LIMIT]
    return [
        *((f"event:{e.pk}", f"Event: {e.title} ({e.starts_at:%d %b %Y})") for e in events),
        *(
            (f"conversation:{c.pk}", f"Conversation: {conversation_label(c, viewer.pk)}")
            for c in conversations_for(viewer).order_by("-last_message_at", "-id")[
                :ORIGIN_CHOICES_LIMIT
            ]
        ),
    ]


def _origin_members(
    viewer: User, request: HttpRequest, origins: list[tuple[str, str]]
) -> dict[str, Any]:
    """Initial origin and members from `?conversation=` or `?event=`: the other people in it
    who are the viewer's connections. Not found for a conversation or event they may not see."""
    from mutuals.events.models import Attendance
    from mutuals.messaging.access import access_conversation_by_id
    from mutuals.messaging.models import Participant

    conversation = request.GET.get("conversation", "")
    event = request.GET.get("event", "")
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


def _refusal_to_form(form: forms.Form, error: MutualsError) -> None:
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    for field, problems in fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not fields:
        target = {"not_connected": "member_ids", "origin_not_shared": "origin"}.get(error.code)
        form.add_error(target, error.message)


@login_required
def collaborations_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    page = Paginator(selectors.collaborations_for(viewer), COLLABORATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    hidden = blocked_ids(viewer.pk)
    rows = [_collaboration_row(c, viewer, hidden) for c in page]
    return render(
        request,
        "engagement/collaborations.html",
        {
            "page": page,
            "waiting": [r for r in rows if r["my_state"] == "invited" and r["open"]],
            "rows": [r for r in rows if not (r["my_state"] == "invited" and r["open"])],
        },
    )


def _collaboration_row(
    collaboration: Collaboration, viewer: User, hidden: set[int]
) -> dict[str, Any]:
    seats = [s for s in collaboration.seats if s.member_id not in hidden]  # type: ignore[attr-defined]
    mine = next(s for s in collaboration.seats if s.member_id == viewer.pk)  # type: ignore[attr-defined]
    return {
        "collaboration": collaboration,
        "seats": seats,
        "others": [s for s in seats if s.member_id != viewer.pk],
        "my_state": mine.state,
        "is_proposer": collaboration.proposer_id == viewer.pk,
        "open": collaboration.is_open,
    }


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_new_view(request: HttpRequest) -> HttpResponse:
    """Propose a collaboration; `?conversation=` or `?event=` starts it from there, with the
    other people in it who are your connections already chosen."""
    viewer = member_for_request(request)
    connections = list(
        User.objects.filter(pk__in=connected_ids(viewer.pk), is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )
    origins = _origins(viewer)
    if request.method == "POST":
        form = CollaborationForm(request.POST, connections=connections, origins=origins)
        if form.is_valid():
            try:
                collaboration = collaborations.collaboration_propose(
                    proposer=viewer,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    member_ids=form.cleaned_data["member_ids"],
                    **form.origin_kwargs(),
                )
            except NotFound as exc:
                form.add_error(None, exc.message)
            except MutualsError as error:
                _refusal_to_form(form, error)
            else:
                messages.success(
                    request,
                    "Proposed. It counts once someone confirms; they have been asked.",
                )
                return redirect("collaboration_detail", collaboration_id=collaboration.pk)
    else:
        try:
            initial = _origin_members(viewer, request, origins)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        form = CollaborationForm(initial=initial, connections=connections, origins=origins)
    return render(
        request,
        "engagement/collaboration_new.html",
        {"form": form, "has_connections": bool(connections), "has_origins": bool(origins)},
    )


@login_required
def collaboration_detail_view(request: HttpRequest, collaboration_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        access_collaboration_by_id(viewer, collaboration_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    collaboration = selectors.collaborations_for(viewer).get(pk=collaboration_id)
    row = _collaboration_row(collaboration, viewer, blocked_ids(viewer.pk))
    return render(request, "engagement/collaboration_detail.html", row)


@login_required
@require_POST
def collaboration_answer_view(
    request: HttpRequest, collaboration_id: int, action: str
) -> HttpResponse:
    viewer = member_for_request(request)
    if action not in ANSWERS:
        raise Http404("No such action.")
    service, done = ANSWERS[action]
    try:
        service(member=viewer, collaboration_id=collaboration_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except MutualsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("collaboration_detail", collaboration_id=collaboration_id)
