"""Event pages: the list, an event, organizing and editing, the organizer's check-in desk,
people to meet, the follow-up after the event, `.ics` downloads and the calendar feed.
Thin: fetch through `access`, call the service the API calls, render; what a page shows is
assembled in `pages`.

HTMX only enhances: RSVP, self check-in, hiding from the list and the organizer's check-in
buttons swap their panel or row in place; without JavaScript the same forms post and
redirect back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import MutualsError, NotAllowed, NotFound
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import is_htmx
from mutuals.core.pagination import InvalidCursor, keyset_page
from mutuals.events import pages, selectors
from mutuals.events.access import access_event_as_organizer, access_event_by_id
from mutuals.events.forms import CheckInForm, EventForm, ThankYouForm
from mutuals.events.ics import calendar_for
from mutuals.events.models import AttendanceStatus, CalendarFeed, Event
from mutuals.events.services import checkin, organizing, rsvp

LIST_PAGE_SIZE = 20
SCOPES = [
    (selectors.Scope.UPCOMING, "Upcoming"),
    (selectors.Scope.PAST, "Past"),
    (selectors.Scope.MINE, "Mine"),
]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with the viewer's zone named (times are already in it: `MemberTimeZoneMiddleware`)."""
    zone = timezone.get_current_timezone_name()
    return render(request, template, {**context, "viewer_zone": zone}, status=status)


def _organized(viewer: User, event_id: int) -> Event:
    """An event the viewer organizes. The organizer's pages are not found for anyone else
    (the API answers 403 `not_organizer`; a page does not say there is a desk to see)."""
    try:
        return access_event_as_organizer(viewer, event_id)
    except NotAllowed as exc:
        raise NotFound(exc.message) from exc


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
    context = {"events": rows, "scope": scope, "scopes": SCOPES, "next_cursor": next_cursor}
    return _render(
        request,
        "events/list.html",
        {**context, "first_page": cursor is None, "now": timezone.now()},
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
                refusal_to_form(form, error)
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
    event = _organized(viewer, event_id)
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                organizing.event_update(editor=viewer, event_id=event.pk, **form.values())
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("event_detail", event_id=event.pk)
    else:
        form = EventForm(initial=EventForm.initial_for(event))
    return _render(request, "events/form.html", {"form": form, "event": event})


# --- One event ---------------------------------------------------------------------------


@login_required
@require_GET
def event_detail_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = access_event_by_id(viewer, event_id)
    return _render(request, "events/detail.html", pages.detail_context(viewer, event))


def _panel(request: HttpRequest, viewer: User, event_id: int, **extra: Any) -> HttpResponse:
    """After an action: the RSVP panel for HTMX, otherwise back to the event."""
    if is_htmx(request):
        event = access_event_by_id(viewer, event_id)
        context = {**pages.detail_context(viewer, event), **extra}
        return _render(request, "events/_rsvp.html", context)
    return redirect("event_detail", event_id=event_id)


@login_required
@require_POST
def event_rsvp_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    access_event_by_id(viewer, event_id)
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
    access_event_by_id(viewer, event_id)
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
    access_event_by_id(viewer, event_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkin.attendance_self_check_in(
                member=viewer, event_id=event_id, code=form.cleaned_data["code"]
            )
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, "You are checked in. Enjoy the event!")
            return _panel(request, viewer, event_id)
    if is_htmx(request):
        return _panel(request, viewer, event_id, checkin_form=form)
    event = access_event_by_id(viewer, event_id)
    context = {**pages.detail_context(viewer, event), "checkin_form": form}
    return _render(request, "events/detail.html", context, status=422)


@login_required
@require_POST
def event_visibility_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    access_event_by_id(viewer, event_id)
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
    event = access_event_by_id(viewer, event_id)
    body = calendar_for([event], base_url=_base_url(request), name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# --- The organizer's desk ----------------------------------------------------------------


@login_required
@require_GET
def event_manage_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _organized(viewer, event_id)
    return _render(request, "events/manage.html", pages.manage_context(viewer, event))


@login_required
@require_POST
def event_mark_view(request: HttpRequest, event_id: int, member_id: int) -> HttpResponse:
    """The organizer checks a member in (or out) at the desk."""
    viewer = member_for_request(request)
    event = _organized(viewer, event_id)
    error = ""
    try:
        checkin.attendance_mark(organizer=viewer, event_id=event.pk, member_id=member_id)
    except MutualsError as exc:
        error = exc.message
    if is_htmx(request):
        return _checkin_row(request, viewer, event, member_id, error)
    if error:
        messages.error(request, error)
    return redirect("event_manage", event_id=event.pk)


def _checkin_row(
    request: HttpRequest, viewer: User, event: Event, member_id: int, error: str
) -> HttpResponse:
    """The desk's row for this member after marking, or just the error if they are gone."""
    row = selectors.attendees_visible(viewer, event).filter(member_id=member_id).first()
    if row is None:
        return HttpResponse(
            format_html('<p class="message message-error" role="alert">{}</p>', error)
            if error
            else "",
        )
    context = {"row": row, "event": event, "error": error, "marking_open": True}
    context["count"] = selectors.checked_in_counts(event)
    return _render(request, "events/_checkin_row.html", context)


@login_required
@require_POST
def event_cancel_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _organized(viewer, event_id)
    with refusal_to_message(request):
        organizing.event_cancel(
            organizer=viewer, event_id=event.pk, note=request.POST.get("note", "")
        )
        messages.success(request, "The event is cancelled; everyone who was coming has been told.")
        return redirect("event_detail", event_id=event.pk)
    return redirect("event_manage", event_id=event.pk)


@login_required
@require_POST
def event_code_reset_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = _organized(viewer, event_id)
    organizing.event_code_reset(organizer=viewer, event_id=event.pk)
    messages.success(request, "A new check-in code is ready; the old one no longer works.")
    return redirect("event_manage", event_id=event.pk)


# --- People to meet and the follow-up ----------------------------------------------------


@login_required
@require_GET
def event_people_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = access_event_by_id(viewer, event_id)
    mine = selectors.attendance_of(viewer, event)
    allowed = selectors.may_see_attendees(viewer, event, mine)
    suggestions = selectors.people_to_meet(viewer, event) if allowed else []
    context = {"event": event, "allowed": allowed, "suggestions": suggestions}
    return _render(request, "events/people.html", context)


@login_required
@require_GET
def event_follow_up_view(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    event = access_event_by_id(viewer, event_id)
    return _render(request, "events/follow_up.html", pages.follow_up_context(viewer, event))


@login_required
@require_POST
def event_thank_view(request: HttpRequest, event_id: int, member_id: int) -> HttpResponse:
    """Thank a connection met at the event: the note goes to your conversation."""
    viewer = member_for_request(request)
    event = access_event_by_id(viewer, event_id)
    form = ThankYouForm(request.POST)
    problem = "Write a few words of thanks first."
    if form.is_valid():
        try:
            started = checkin.thank_you_send(
                sender=viewer,
                event_id=event.pk,
                recipient_id=member_id,
                text=form.cleaned_data["text"],
            )
        except NotFound:
            raise
        except MutualsError as error:
            problem = error.message
        else:
            if is_htmx(request):  # the fragment says "Sent"; a flash would wait for the next page
                context = {"conversation": started.conversation}
                return _render(request, "events/_thanked.html", context)
            messages.success(request, "Sent. The conversation continues in Messages.")
            return redirect("event_follow_up", event_id=event.pk)
    if is_htmx(request):
        return _thank_form(request, viewer, event, member_id, problem)
    messages.error(request, problem)
    return redirect("event_follow_up", event_id=event.pk)


def _thank_form(
    request: HttpRequest, viewer: User, event: Event, member_id: int, error: str
) -> HttpResponse:
    """The thank-you form again, with what went wrong and the text kept (HTMX swaps only
    successful answers, so this is a 200)."""
    person = {
        "member": User.objects.get(pk=member_id),
        "conversation": pages.conversations_with(viewer, [member_id]).get(member_id),
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
        raise NotFound("No such calendar.")
    events = selectors.events_for_calendar(feed.member)
    body = calendar_for(
        events, base_url=_base_url(request), name=f"{feed.member.name} · mutuals events"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
