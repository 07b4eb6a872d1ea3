"""Event pages: the list, an event, organizing and editing, the organizer's check-in desk,
people to meet, the follow-up after the event, `.ics` downloads and the calendar feed.
Thin: fetch through `access`, call the service the API calls, render.

HTMX only enhances: RSVP, self check-in, hiding from the list and the organizer's check-in
buttons swap their panel or row in place; without JavaScript the same forms post and
redirect back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.connections.selectors import connected_ids
from mutuals.core.errors import MutualsError, NotAllowed, NotFound, Refused
from mutuals.core.pagination import InvalidCursor, keyset_page
from mutuals.events import selectors
from mutuals.events.access import access_event_as_organizer, access_event_by_id
from mutuals.events.forms import CheckInForm, EventForm, ThankYouForm
from mutuals.events.ics import calendar_for
from mutuals.events.models import Attendance, AttendanceStatus, CalendarFeed, Event
from mutuals.events.services import checkin, organizing, rsvp
from mutuals.messaging.models import Conversation

LIST_PAGE_SIZE = 20


def conversations_with(viewer: User, member_ids: list[int]) -> dict[int, Conversation]:
    """The viewer's one-to-one conversation with each of these members, in one query."""
    if not member_ids:
        return {}
    query = Q()
    for other in member_ids:
        low, high = sorted((viewer.pk, other))
        query |= Q(pair_low=low, pair_high=high)
    return {
        conversation.other_member_id(viewer.pk): conversation
        for conversation in Conversation.objects.filter(query)
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with the viewer's zone named (times are already in it: `MemberTimeZoneMiddleware`)."""
    zone = timezone.get_current_timezone_name()
    return render(request, template, {**context, "viewer_zone": zone}, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _event(viewer: User, event_id: int) -> Event:
    try:
        return access_event_by_id(viewer, event_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _organized(viewer: User, event_id: int) -> Event:
    try:
        return access_event_as_organizer(viewer, event_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form_errors(form: Any, error: MutualsError) -> None:
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    for field, problems in fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not fields:
        form.add_error(None, error.message)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- The list ----------------------------------------------------------------------------


@login_required
@require_GET
def events_view(request: HttpRequest) -> HttpResponse:
    """Upcoming (soonest first), past or mine; cursor pages."""
    viewer = member_for_request(request)
    try:
        scope = selectors.Scope(request.GET.get("scope") or "upcoming")
    except ValueError:
        scope = selectors.Scope.UPCOMING
    cursor = request.GET.get("cursor") or None
    try:
        rows, next_cursor = keyset_page(
            selectors.events_for(viewer, scope),
            keys=selectors.SCOPE_KEYS[scope],
            cursor=cursor,
            limit=LIST_PAGE_SIZE,
        )
    except InvalidCursor:
        return redirect(f"{reverse('events')}?scope={scope}")
    return _render(
        request,
        "events/list.html",
        {
            "events": rows,
            "scope": scope,
            "scopes": [
                (selectors.Scope.UPCOMING, "Upcoming"),
                (selectors.Scope.PAST, "Past"),
                (selectors.Scope.MINE, "Mine"),
            ],
            "next_cursor": next_cursor,
            "first_page": cursor is None,
            "now": timezone.now(),
        },
    )


# --- Organizing --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_new_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event = organizing.event_create(organizer=viewer, **form.values())
            except MutualsError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    "Your event is up. Members can now say they are going; "
                    "your check-in desk is under “Manage”.",
                )
                return redirect("event_detail", event_id=event.pk)
    else:
        form = EventForm(initial={"time_zone": timezone.get_current_timezone_name()})
    return _render(request, "events/form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        event = _organized(viewer, event_id)
    except NotAllowed as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                organizing.event_update(editor=viewer, event_id=event.pk, **form.values())
            except MutualsError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("event_detail", event_id=event.pk)
    else:
        form = EventForm(initial=EventForm.initial_for(event))
    return _render(request, "events/form.html", {"form": form, "event": event})


# --- One event ---------------------------------------------------------------------------


def _detail_context(viewer: User, event: Event) -> dict[str, Any]:
    now = timezone.now()
    mine = selectors.attendance_of(viewer, event)
    going, waitlisted = selectors.counts_for(event)
    can_see = selectors.may_see_attendees(viewer, event, mine)
    attendees = list(selectors.attendees_visible(viewer, event)) if can_see else []
    position = None
    if mine is not None and mine.status == AttendanceStatus.WAITLISTED:
        position = (
            Attendance.objects.filter(
                event=event, status=AttendanceStatus.WAITLISTED, queued_at__lte=mine.queued_at
            )
            .exclude(queued_at=mine.queued_at, pk__gt=mine.pk)
            .count()
        )
    return {
        "event": event,
        "mine": mine,
        "going": going,
        "waitlisted": waitlisted,
        "spaces_left": None if event.capacity is None else max(event.capacity - going, 0),
        "can_see_attendees": can_see,
        "attendees": attendees,
        "connected": connected_ids(viewer.pk) if attendees else set(),
        "is_organizer": event.organizer_id == viewer.pk,
        "is_over": event.is_past(now),
        "code_open": event.code_opens_at <= now <= event.code_closes_at,
        "follow_up": selectors.follow_up_state(event, now),
        "waitlist_position": position,
        "checkin_form": CheckInForm(),
        "now": now,
    }


@login_required
@require_GET
def event_detail_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _event(viewer, event_id)
    return _render(request, "events/detail.html", _detail_context(viewer, event))


def _panel(request: HttpRequest, viewer: User, event_id: int, **extra: Any) -> HttpResponse:
    """After an action: the RSVP panel for HTMX, otherwise back to the event."""
    if _is_htmx(request):
        event = _event(viewer, event_id)
        return _render(request, "events/_rsvp.html", {**_detail_context(viewer, event), **extra})
    return redirect("event_detail", event_id=event_id)


@login_required
@require_POST
def event_rsvp_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    _event(viewer, event_id)
    try:
        attendance = rsvp.event_rsvp(member=viewer, event_id=event_id)
    except MutualsError as error:
        messages.error(request, error.message)
        return _panel(request, viewer, event_id, error=error.message)
    if attendance.status == AttendanceStatus.GOING:
        messages.success(request, "You are going. It is in your calendar feed too.")
    else:
        messages.info(
            request,
            "The event is full, so you are on the waitlist; you will be told if a place opens up.",
        )
    return _panel(request, viewer, event_id)


@login_required
@require_POST
def event_rsvp_cancel_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    _event(viewer, event_id)
    try:
        rsvp.event_rsvp_cancel(member=viewer, event_id=event_id)
    except MutualsError as error:
        messages.error(request, error.message)
        return _panel(request, viewer, event_id, error=error.message)
    messages.success(request, "Your RSVP is cancelled; thank you for freeing the place.")
    return _panel(request, viewer, event_id)


@login_required
@require_POST
def event_check_in_view(request: HttpRequest, event_id: int) -> HttpResponse:
    """Self check-in with the code shown at the venue."""
    viewer = member_for_request(request)
    _event(viewer, event_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkin.attendance_self_check_in(
                member=viewer, event_id=event_id, code=form.cleaned_data["code"]
            )
        except MutualsError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "You are checked in. Enjoy the event!")
            return _panel(request, viewer, event_id)
    if _is_htmx(request):
        return _panel(request, viewer, event_id, checkin_form=form)
    event = _event(viewer, event_id)
    return _render(
        request,
        "events/detail.html",
        {**_detail_context(viewer, event), "checkin_form": form},
        status=422,
    )


@login_required
@require_POST
def event_visibility_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    _event(viewer, event_id)
    hidden = request.POST.get("hidden") == "1"
    try:
        checkin.attendance_set_hidden(member=viewer, event_id=event_id, hidden=hidden)
    except MutualsError as error:
        messages.error(request, error.message)
        return _panel(request, viewer, event_id, error=error.message)
    messages.success(
        request,
        "You are hidden from the attendee list; the organizer still sees you."
        if hidden
        else "You are shown on the attendee list again.",
    )
    return _panel(request, viewer, event_id)


@login_required
@require_GET
def event_ics_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _event(viewer, event_id)
    body = calendar_for([event], base_url=_base_url(request), name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# --- The organizer's desk ----------------------------------------------------------------


def _manage_context(viewer: User, event: Event) -> dict[str, Any]:
    now = timezone.now()
    going, waitlisted = selectors.counts_for(event)
    attendees = list(selectors.attendees_visible(viewer, event))
    return {
        "event": event,
        "attendees": attendees,
        "checked_in": sum(1 for a in attendees if a.checked_in_at),
        "waitlist": list(selectors.waitlist_of(event)),
        "going": going,
        "waitlisted": waitlisted,
        "marking_open": event.code_opens_at <= now <= event.follow_up_closes_at
        and not event.is_cancelled,
        "code_open": event.code_opens_at <= now <= event.code_closes_at,
        "is_over": event.is_past(now),
    }


@login_required
@require_GET
def event_manage_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        event = _organized(viewer, event_id)
    except NotAllowed as exc:
        raise Http404(exc.message) from exc
    return _render(request, "events/manage.html", _manage_context(viewer, event))


@login_required
@require_POST
def event_mark_view(request: HttpRequest, event_id: int, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        event = _organized(viewer, event_id)
    except NotAllowed as exc:
        raise Http404(exc.message) from exc
    error = ""
    try:
        checkin.attendance_mark(organizer=viewer, event_id=event.pk, member_id=member_id)
    except MutualsError as exc:
        error = exc.message
        if not _is_htmx(request):
            messages.error(request, error)
    if _is_htmx(request):
        row = selectors.attendees_visible(viewer, event).filter(member_id=member_id).first()
        if row is None:
            return HttpResponse(
                format_html('<p class="message message-error" role="alert">{}</p>', error)
                if error
                else "",
            )
        return _render(
            request,
            "events/_checkin_row.html",
            {
                "row": row,
                "event": event,
                "error": error,
                "marking_open": True,
                "count": selectors.checked_in_counts(event),
            },
        )
    return redirect("event_manage", event_id=event.pk)


@login_required
@require_POST
def event_cancel_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        organizing.event_cancel(
            organizer=viewer, event_id=event_id, note=request.POST.get("note", "")
        )
    except (NotFound, NotAllowed) as exc:
        raise Http404(exc.message) from exc
    except MutualsError as error:
        messages.error(request, error.message)
        return redirect("event_manage", event_id=event_id)
    messages.success(request, "The event is cancelled; everyone who was coming has been told.")
    return redirect("event_detail", event_id=event_id)


@login_required
@require_POST
def event_code_reset_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        organizing.event_code_reset(organizer=viewer, event_id=event_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "A new check-in code is ready; the old one no longer works.")
    return redirect("event_manage", event_id=event_id)


# --- People to meet and the follow-up ----------------------------------------------------


@login_required
@require_GET
def event_people_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _event(viewer, event_id)
    mine = selectors.attendance_of(viewer, event)
    allowed = selectors.may_see_attendees(viewer, event, mine)
    suggestions = selectors.people_to_meet(viewer, event) if allowed else []
    return _render(
        request,
        "events/people.html",
        {"event": event, "allowed": allowed, "suggestions": suggestions},
    )


@login_required
@require_GET
def event_follow_up_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _event(viewer, event_id)
    mine = selectors.attendance_of(viewer, event)
    checked_in = mine is not None and mine.checked_in_at is not None
    state = selectors.follow_up_state(event)
    people = selectors.people_met(viewer, event) if checked_in else []
    conversations = conversations_with(viewer, [p.member.pk for p in people if p.connected])
    written, requested = selectors.follow_up_done(viewer, event, people)
    met = [
        {
            "member": person.member,
            "connected": person.connected,
            "conversation": conversations.get(person.member.pk),
            "written": person.member.pk in written,
            "requested": person.member.pk in requested,
        }
        for person in people
    ]
    return _render(
        request,
        "events/follow_up.html",
        {
            "event": event,
            "checked_in": checked_in,
            "state": state,
            "met": met,
            "thank_form": ThankYouForm(),
        },
    )


@login_required
@require_POST
def event_thank_view(request: HttpRequest, event_id: int, member_id: int) -> HttpResponse:
    """Thank a connection met at the event: the note goes to your conversation."""
    viewer = member_for_request(request)
    event = _event(viewer, event_id)
    form = ThankYouForm(request.POST)
    if form.is_valid():
        try:
            started = checkin.thank_you_send(
                sender=viewer,
                event_id=event.pk,
                recipient_id=member_id,
                text=form.cleaned_data["text"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except MutualsError as error:
            if _is_htmx(request):
                return _thank_form(request, viewer, event, member_id, error.message)
            messages.error(request, error.message)
        else:
            messages.success(request, "Sent. The conversation continues in Messages.")
            if _is_htmx(request):
                return _render(
                    request,
                    "events/_thanked.html",
                    {"conversation": started.conversation},
                )
            return redirect("event_follow_up", event_id=event.pk)
    else:
        if _is_htmx(request):
            return _thank_form(
                request, viewer, event, member_id, "Write a few words of thanks first."
            )
        messages.error(request, "Write a few words of thanks first.")
    return redirect("event_follow_up", event_id=event.pk)


def _thank_form(
    request: HttpRequest, viewer: User, event: Event, member_id: int, error: str
) -> HttpResponse:
    """The thank-you form again, with what went wrong and the text kept (HTMX swaps only
    successful answers, so this is a 200)."""
    person = {
        "member": User.objects.get(pk=member_id),
        "conversation": conversations_with(viewer, [member_id]).get(member_id),
    }
    return _render(
        request,
        "events/_thank_form.html",
        {"event": event, "person": person, "error": error, "text": request.POST.get("text", "")},
    )


# --- Calendar subscription ---------------------------------------------------------------


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    feed = checkin.calendar_feed_for(member=viewer)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return _render(
        request,
        "events/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )


@login_required
@require_POST
def calendar_reset_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    checkin.calendar_feed_reset(member=viewer)
    messages.success(
        request, "Your calendar address is new; the old one stopped working. Subscribe again."
    )
    return redirect("events_calendar")


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription itself: no session (calendar apps send no cookies); the secret token
    in the address is the key, and resetting it revokes the old address."""
    feed = (
        CalendarFeed.objects.select_related("member", "member__boundaries")
        .filter(token=token, member__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    events = selectors.events_for_calendar(feed.member)
    body = calendar_for(
        events, base_url=_base_url(request), name=f"{feed.member.name} · mutuals events"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
