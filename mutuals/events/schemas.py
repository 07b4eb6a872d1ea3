"""API shapes for events, RSVPs, check-in, people to meet and the follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from mutuals.accounts.models import User
from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.events.models import (
    MAX_CAPACITY,
    MAX_DESCRIPTION_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    Attendance,
    Event,
)
from mutuals.events.selectors import Suggestion
from mutuals.messaging.models import MAX_TEXT_LENGTH


class EventIn(Schema):
    title: str = Field(max_length=MAX_TITLE_LENGTH * 2)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH * 2)
    starts_at: datetime = Field(description="ISO 8601; without an offset it is read in `time_zone`")
    ends_at: datetime
    time_zone: str = Field(max_length=64, description="IANA name, e.g. Europe/London")
    place: str = Field(default="", max_length=MAX_PLACE_LENGTH * 2)
    online_url: str = Field(default="", max_length=1000)
    capacity: int | None = Field(
        default=None,
        description=f"people, the organizer included; 1–{MAX_CAPACITY}; null: no limit",
    )
    topics: list[str] = Field(default_factory=list, max_length=20)


class EventPatch(Schema):
    """Any subset of the event; fields left out stay as they are (`capacity: null` removes
    the limit)."""

    title: str = Field(default=None, max_length=MAX_TITLE_LENGTH * 2)  # type: ignore[assignment]
    description: str = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH * 2)  # type: ignore[assignment]
    starts_at: datetime = None  # type: ignore[assignment]
    ends_at: datetime = None  # type: ignore[assignment]
    time_zone: str = Field(default=None, max_length=64)  # type: ignore[assignment]
    place: str = Field(default=None, max_length=MAX_PLACE_LENGTH * 2)  # type: ignore[assignment]
    online_url: str = Field(default=None, max_length=1000)  # type: ignore[assignment]
    capacity: int | None = None
    topics: list[str] = Field(default=None, max_length=20)  # type: ignore[arg-type]


class EventOut(Schema):
    id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    online_url: str
    capacity: int | None
    topics: list[str]
    organizer: MemberRefOut
    going_count: int
    waitlist_count: int
    my_status: Literal["going", "waitlisted", "cancelled"] | None
    checkin_code: str | None = Field(description="the organizer only")
    follow_up_closes_at: datetime
    cancelled_at: datetime | None
    url: str
    ics_url: str

    @staticmethod
    def build(event: Event, viewer: User) -> EventOut:
        """From a row of `selectors.events_for` (annotated)."""
        return EventOut(
            id=event.pk,
            title=event.title,
            description=event.description,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            place=event.place,
            online_url=event.online_url,
            capacity=event.capacity,
            topics=[topic.name for topic in event.topics.all()],
            organizer=MemberRefOut.build(event.organizer),
            going_count=getattr(event, "going_count", 0),
            waitlist_count=getattr(event, "waitlist_count", 0),
            my_status=getattr(event, "my_status", None),
            checkin_code=event.checkin_code if event.organizer_id == viewer.pk else None,
            follow_up_closes_at=event.follow_up_closes_at,
            cancelled_at=event.cancelled_at,
            url=f"/events/{event.pk}/",
            ics_url=f"/api/events/{event.pk}/ics",
        )


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


class AttendanceOut(Schema):
    event_id: int
    member_id: int
    status: Literal["going", "waitlisted", "cancelled"]
    queued_at: datetime
    checked_in_at: datetime | None
    check_in_method: str
    hidden: bool

    @staticmethod
    def build(attendance: Attendance) -> AttendanceOut:
        return AttendanceOut(
            event_id=attendance.event_id,
            member_id=attendance.member_id,
            status=attendance.status,  # type: ignore[arg-type]
            queued_at=attendance.queued_at,
            checked_in_at=attendance.checked_in_at,
            check_in_method=attendance.check_in_method,
            hidden=attendance.hidden,
        )


class CheckInIn(Schema):
    """The organizer marks a member (`member_id`), or a member checks in with the `code`."""

    member_id: int | None = None
    code: str | None = Field(default=None, max_length=20)


class AttendeeOut(Schema):
    member: MemberRefOut
    checked_in: bool
    hidden: bool = Field(description="true only in the organizer's (or your own) view")
    connected: bool


class AttendeePage(Schema):
    items: list[AttendeeOut]
    next: str | None


class PersonToMeetOut(Schema):
    member: MemberRefOut
    score: int
    reasons: list[str]
    shared_topics: list[str]
    connected: bool
    checked_in: bool

    @staticmethod
    def build(suggestion: Suggestion) -> PersonToMeetOut:
        return PersonToMeetOut(
            member=MemberRefOut.build(suggestion.member),
            score=suggestion.score,
            reasons=suggestion.reasons,
            shared_topics=suggestion.shared_topics,
            connected=suggestion.connected,
            checked_in=suggestion.checked_in,
        )


class SuggestionList(Schema):
    items: list[PersonToMeetOut]
    next: str | None


class MetOut(Schema):
    member: MemberRefOut
    connected: bool
    invite_url: str | None = Field(description="the composer with the event as context")


class FollowUpOut(Schema):
    state: Literal["not_yet", "open", "closed"]
    opens_at: datetime
    closes_at: datetime
    recap_url: str
    people: list[MetOut]


class ThankYouIn(Schema):
    member_id: int
    text: str = Field(max_length=MAX_TEXT_LENGTH * 2)


class ThankYouOut(Schema):
    conversation_id: int
    message_id: int


class CancelIn(Schema):
    note: str = Field(default="", max_length=1000, description="told to everyone coming")


class CodeOut(Schema):
    checkin_code: str


class CalendarOut(Schema):
    url: str = Field(description="your private subscription address (no sign-in needed)")
