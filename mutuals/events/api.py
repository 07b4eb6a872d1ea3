"""Events endpoints. Thin: check access, call one service, shape the answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from mutuals.accounts.api_auth import member
from mutuals.accounts.schemas import MemberRefOut
from mutuals.connections.selectors import connected_ids
from mutuals.core.errors import NotAllowed, Refused
from mutuals.core.pagination import keyset_page, ranked_page
from mutuals.core.schemas import refusals
from mutuals.events import selectors
from mutuals.events.access import access_event_by_id
from mutuals.events.ics import calendar_for
from mutuals.events.schemas import (
    AttendanceOut,
    AttendeeOut,
    AttendeePage,
    CalendarOut,
    CancelIn,
    CheckInIn,
    CodeOut,
    EventIn,
    EventOut,
    EventPage,
    EventPatch,
    FollowUpOut,
    MetOut,
    PersonToMeetOut,
    SuggestionList,
    ThankYouIn,
    ThankYouOut,
)
from mutuals.events.services import checkin, organizing, rsvp

router = Router(tags=["events"])


def _one(request: HttpRequest, event_id: int) -> EventOut:
    viewer = member(request)
    access_event_by_id(viewer, event_id)
    row = selectors.events_for(viewer, None).get(pk=event_id)
    return EventOut.build(row, viewer)


@router.get("/events", response=EventPage, operation_id="events_list")
def events_list(
    request: HttpRequest,
    scope: selectors.Scope = selectors.Scope.UPCOMING,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> EventPage:
    """Events you may see: `upcoming` (not yet ended, soonest first), `past` (latest first)
    or `mine` (organized by you or with your RSVP, latest first). Events of a member on
    either side of a block with you are never listed."""
    viewer = member(request)
    rows, next_cursor = keyset_page(
        selectors.events_for(viewer, scope),
        keys=selectors.SCOPE_KEYS[scope],
        cursor=cursor,
        limit=limit,
    )
    return EventPage(items=[EventOut.build(row, viewer) for row in rows], next=next_cursor)


@router.post("/events", response={201: EventOut}, operation_id="events_create")
def events_create(request: HttpRequest, payload: EventIn) -> Status[EventOut]:
    """Organize an event; you are its organizer and are going. Refusals: `invalid_fields`
    (422, `detail.fields`: title, times, time zone, place or link, capacity, topics)."""
    event = organizing.event_create(organizer=member(request), **payload.model_dump())
    return Status(201, _one(request, event.pk))


@router.get("/events/calendar", response=CalendarOut, operation_id="events_calendar_get")
def events_calendar_get(request: HttpRequest) -> CalendarOut:
    """Your private calendar subscription address (the events you organize or are going to;
    calendar apps fetch it without signing in)."""
    feed = checkin.calendar_feed_for(member=member(request))
    return CalendarOut(url=request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])))


@router.post("/events/calendar/reset", response=CalendarOut, operation_id="events_calendar_reset")
def events_calendar_reset(request: HttpRequest) -> CalendarOut:
    """A new subscription address; the old one stops working at once."""
    feed = checkin.calendar_feed_reset(member=member(request))
    return CalendarOut(url=request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])))


@router.get(
    "/events/{event_id}",
    response=EventOut,
    operation_id="events_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def events_get(request: HttpRequest, event_id: int) -> EventOut:
    """One event, with your own RSVP status; the check-in code only for the organizer."""
    return _one(request, event_id)


@router.patch(
    "/events/{event_id}",
    response=EventOut,
    operation_id="events_update",
    openapi_extra=refusals(
        {
            403: ["not_organizer"],
            404: ["not_found"],
            422: ["capacity_below_going", "event_cancelled"],
        }
    ),
)
def events_update(request: HttpRequest, event_id: int, payload: EventPatch) -> EventOut:
    """Change an event (organizer only: `not_organizer`, 403). Refusals: `invalid_fields`,
    `capacity_below_going` (422)."""
    organizing.event_update(
        editor=member(request), event_id=event_id, **payload.model_dump(exclude_unset=True)
    )
    return _one(request, event_id)


@router.post(
    "/events/{event_id}/cancel",
    response=EventOut,
    operation_id="events_cancel",
    openapi_extra=refusals({403: ["not_organizer"], 404: ["not_found"], 422: ["event_over"]}),
)
def events_cancel(request: HttpRequest, event_id: int, payload: CancelIn) -> EventOut:
    """Call the event off (organizer only: `not_organizer`, 403): it stays listed, marked
    cancelled, closed to RSVPs and check-in, and everyone coming is told with your `note`.
    Refusal: `event_over` (422)."""
    organizing.event_cancel(organizer=member(request), event_id=event_id, note=payload.note)
    return _one(request, event_id)


@router.post(
    "/events/{event_id}/rsvp",
    response=AttendanceOut,
    operation_id="events_rsvp_create",
    openapi_extra=refusals({404: ["not_found"], 422: ["event_cancelled", "event_over"]}),
)
def events_rsvp_create(request: HttpRequest, event_id: int) -> AttendanceOut:
    """Say you are going: `status` is `going`, or `waitlisted` when the event is full (places
    are given in order as others cancel). Repeating it changes nothing. Refusal:
    `event_over` (422)."""
    return AttendanceOut.build(rsvp.event_rsvp(member=member(request), event_id=event_id))


@router.delete(
    "/events/{event_id}/rsvp",
    response=AttendanceOut,
    operation_id="events_rsvp_delete",
    openapi_extra=refusals(
        {404: ["not_found"], 409: ["already_checked_in", "not_attending"], 422: ["event_over"]}
    ),
)
def events_rsvp_delete(request: HttpRequest, event_id: int) -> AttendanceOut:
    """Cancel your RSVP; a freed place goes to the first on the waitlist. Refusals:
    `not_attending`, `already_checked_in` (409), `event_over` (422)."""
    return AttendanceOut.build(rsvp.event_rsvp_cancel(member=member(request), event_id=event_id))


@router.post(
    "/events/{event_id}/check-ins",
    response=AttendanceOut,
    operation_id="events_check_in",
    openapi_extra=refusals(
        {
            403: ["not_organizer"],
            404: ["not_found"],
            422: [
                "check_in_closed",
                "event_cancelled",
                "not_going",
                "not_registered",
                "wrong_code",
            ],
            429: ["check_in_rate_limited"],
        }
    ),
)
def events_check_in(request: HttpRequest, event_id: int, payload: CheckInIn) -> AttendanceOut:
    """Check in. The organizer sends `member_id` to mark a member (from an hour before the
    start until 72 hours after the end); a member who is going sends the `code` shown at
    the venue (from an hour before the start to an hour after the end). Refusals:
    `not_organizer` (403), `check_in_closed`, `wrong_code`, `not_going`, `not_registered`
    (422)."""
    viewer = member(request)
    if (payload.member_id is None) == (payload.code is None):
        raise Refused.for_fields(
            {"code": ["Send either `member_id` (the organizer marks) or `code` (yourself)."]}
        )
    if payload.member_id is not None:
        attendance = checkin.attendance_mark(
            organizer=viewer, event_id=event_id, member_id=payload.member_id
        )
    else:
        attendance = checkin.attendance_self_check_in(
            member=viewer, event_id=event_id, code=payload.code or ""
        )
    return AttendanceOut.build(attendance)


@router.post(
    "/events/{event_id}/hidden",
    response=AttendanceOut,
    operation_id="events_hide",
    openapi_extra=refusals({404: ["not_found"], 409: ["not_attending"]}),
)
def events_hide(request: HttpRequest, event_id: int) -> AttendanceOut:
    """Hide yourself from the attendee list others see (the organizer still sees you).
    Refusal: `not_attending` (409)."""
    return AttendanceOut.build(
        checkin.attendance_set_hidden(member=member(request), event_id=event_id, hidden=True)
    )


@router.delete(
    "/events/{event_id}/hidden",
    response=AttendanceOut,
    operation_id="events_unhide",
    openapi_extra=refusals({404: ["not_found"], 409: ["not_attending"]}),
)
def events_unhide(request: HttpRequest, event_id: int) -> AttendanceOut:
    """Show yourself on the attendee list again."""
    return AttendanceOut.build(
        checkin.attendance_set_hidden(member=member(request), event_id=event_id, hidden=False)
    )


@router.post(
    "/events/{event_id}/code",
    response=CodeOut,
    operation_id="events_code_reset",
    openapi_extra=refusals({403: ["not_organizer"], 404: ["not_found"]}),
)
def events_code_reset(request: HttpRequest, event_id: int) -> CodeOut:
    """A new check-in code (organizer only); the old one stops working."""
    event = organizing.event_code_reset(organizer=member(request), event_id=event_id)
    return CodeOut(checkin_code=event.checkin_code)


@router.get(
    "/events/{event_id}/attendees",
    response=AttendeePage,
    operation_id="events_attendees_list",
    openapi_extra=refusals({403: ["attendees_private"], 404: ["not_found"]}),
)
def events_attendees_list(
    request: HttpRequest,
    event_id: int,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),  # type: ignore[type-arg]
) -> AttendeePage:
    """Who is going, by name: for the organizer and members with an RSVP (others:
    `attendees_private`, 403). Members who hid themselves appear only to the organizer;
    members on either side of a block with you never appear."""
    viewer = member(request)
    event = access_event_by_id(viewer, event_id)
    if not selectors.may_see_attendees(viewer, event, selectors.attendance_of(viewer, event)):
        raise NotAllowed("Say you are going to see who else is.", code="attendees_private")
    rows, next_cursor = keyset_page(
        selectors.attendees_visible(viewer, event),
        keys=("member__name", "id"),
        cursor=cursor,
        limit=limit,
    )
    connected = connected_ids(viewer.pk)
    return AttendeePage(
        items=[
            AttendeeOut(
                member=MemberRefOut.build(row.member),
                checked_in=row.checked_in_at is not None,
                hidden=row.hidden,
                connected=row.member_id in connected,
            )
            for row in rows
        ],
        next=next_cursor,
    )


@router.get(
    "/events/{event_id}/people",
    response=SuggestionList,
    operation_id="events_people_list",
    openapi_extra=refusals({403: ["attendees_private"], 404: ["not_found"]}),
)
def events_people_list(
    request: HttpRequest,
    event_id: int,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> SuggestionList:
    """People to meet: the other visible attendees, best match first, each with its reasons
    (what they offer that you look for, what you offer that they look for, shared topics)
    and whether you are already connected, a page at a time (the cursor holds the place in
    the ranking). For attendees and the organizer (`attendees_private`, 403)."""
    viewer = member(request)
    event = access_event_by_id(viewer, event_id)
    if not selectors.may_see_attendees(viewer, event, selectors.attendance_of(viewer, event)):
        raise NotAllowed("Say you are going to see who else is.", code="attendees_private")
    ranked = selectors.people_to_meet(viewer, event)
    page, next_cursor = ranked_page(ranked, cursor=cursor, limit=limit)
    return SuggestionList(items=[PersonToMeetOut.build(s) for s in page], next=next_cursor)


@router.get(
    "/events/{event_id}/follow-up",
    response=FollowUpOut,
    operation_id="events_follow_up",
    openapi_extra=refusals({403: ["not_checked_in"], 404: ["not_found"]}),
)
def events_follow_up(request: HttpRequest, event_id: int) -> FollowUpOut:
    """After the event: for 72 hours from its end (`state`: `not_yet`, `open`, `closed`),
    the people you met (the other checked-in attendees), with a link to ask the ones you
    are not connected to with the event as verified context. For members who checked in
    (`not_checked_in`, 403)."""
    viewer = member(request)
    event = access_event_by_id(viewer, event_id)
    mine = selectors.attendance_of(viewer, event)
    if mine is None or mine.checked_in_at is None:
        raise NotAllowed(
            "The follow-up is for members who checked in at the event.", code="not_checked_in"
        )
    people = [
        MetOut(
            member=MemberRefOut.build(person.member),
            connected=person.connected,
            invite_url=None
            if person.connected
            else f"{reverse('invitation_compose', args=[person.member.pk])}"
            f"?context=event&ref={event.pk}",
        )
        for person in selectors.people_met(viewer, event)
    ]
    return FollowUpOut(
        state=selectors.follow_up_state(event).value,
        opens_at=event.ends_at,
        closes_at=event.follow_up_closes_at,
        recap_url=f"/feed/new/?kind=event_recap&event={event.pk}",
        people=people,
    )


@router.post(
    "/events/{event_id}/follow-up/thanks",
    response={201: ThankYouOut},
    operation_id="events_thanks_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            422: ["follow_up_closed", "follow_up_not_open", "not_checked_in", "not_connected"],
            429: ["message_rate_limited"],
        }
    ),
)
def events_thanks_create(
    request: HttpRequest, event_id: int, payload: ThankYouIn
) -> Status[ThankYouOut]:
    """Thank a connection you met at the event (both checked in), during the follow-up
    window: the note starts or continues your conversation. Refusals: `follow_up_closed`,
    `follow_up_not_open`, `not_checked_in`, `not_connected` (422), `not_found` (404)."""
    started = checkin.thank_you_send(
        sender=member(request), event_id=event_id, recipient_id=payload.member_id, text=payload.text
    )
    return Status(
        201, ThankYouOut(conversation_id=started.conversation.pk, message_id=started.message.pk)
    )


@router.get(
    "/events/{event_id}/ics",
    operation_id="events_ics",
    response={200: None},
    # ninja keys responses by int status: a "200" string key here would be a second 200 in
    # the served JSON (Swagger UI: "duplicated mapping key").
    openapi_extra={
        **refusals({404: ["not_found"]}),
        "responses": {
            200: {
                "description": "The event as iCalendar (RFC 5545)",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        },
    },
)
def events_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event as an `.ics` file, in its own time zone."""
    event = access_event_by_id(member(request), event_id)
    body = calendar_for(
        [event], base_url=request.build_absolute_uri("/").rstrip("/"), name=event.title
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response
