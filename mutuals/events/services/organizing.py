"""Organizing events: any member may organize; the creator is the organizer and is going. Only
the organizer edits or cancels (everyone coming is told; a cancelled event takes no RSVPs).
Times are stored aware; a naive time is read in the event's time zone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.services import topics_resolve
from mutuals.accounts.timezones import available_time_zones
from mutuals.accounts.topics import topics_clean
from mutuals.core.errors import Refused
from mutuals.engagement.notifications import notify
from mutuals.events.access import access_event_as_organizer
from mutuals.events.models import (
    CODE_LENGTH,
    MAX_CAPACITY,
    MAX_DESCRIPTION_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    Attendance,
    AttendanceStatus,
    Event,
)
from mutuals.events.services.reminders import event_reminders_schedule
from mutuals.events.services.rsvp import going_count, refuse_if_cancelled, waitlist_promote

MAX_TOPICS_PER_EVENT = 5


MAX_DURATION = timedelta(days=14)


EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


# No 0/O, 1/I/L: the code is read off a screen across a room.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final[Any] = _Unset()


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class _Fields:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    online_url: str
    capacity: int | None
    topics: list[tuple[str, str]]


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    """Aware, to the minute (calendars and the pages show minutes)."""
    value = value.replace(second=0, microsecond=0)
    if timezone.is_naive(value):
        return timezone.make_aware(value, zone)
    return value


def _validate(fields: _Fields, errors: dict[str, list[str]]) -> None:
    fields.title = " ".join(fields.title.split())
    if not fields.title:
        errors.setdefault("title", []).append("Give the event a title.")
    elif len(fields.title) > MAX_TITLE_LENGTH:
        errors.setdefault("title", []).append(
            f"Keep the title to {MAX_TITLE_LENGTH} characters (now {len(fields.title)})."
        )
    fields.description = fields.description.strip()
    if len(fields.description) > MAX_DESCRIPTION_LENGTH:
        errors.setdefault("description", []).append(
            f"Keep the description to {MAX_DESCRIPTION_LENGTH} characters."
        )
    fields.time_zone = fields.time_zone.strip()
    if fields.time_zone not in available_time_zones():
        errors.setdefault("time_zone", []).append(
            f"“{fields.time_zone[:64]}” is not a time zone; use an IANA name like Europe/Paris."
        )
        zone = ZoneInfo("UTC")
    else:
        zone = ZoneInfo(fields.time_zone)
    # A date near the ends of the calendar (year 9999 and an offset) overflows in time zone
    # arithmetic and in the database: only years an event can sensibly have are accepted.
    dated = True
    for name in ("starts_at", "ends_at"):
        value = getattr(fields, name)
        if EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            setattr(fields, name, _aware(value, zone))
        else:
            dated = False
            errors.setdefault(name, []).append(
                f"Choose a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}."
            )
    if not dated:
        pass
    elif fields.ends_at <= fields.starts_at:
        errors.setdefault("ends_at", []).append("The event must end after it starts.")
    elif fields.ends_at - fields.starts_at > MAX_DURATION:
        errors.setdefault("ends_at", []).append("An event lasts at most 14 days.")
    fields.place = " ".join(fields.place.split())
    if len(fields.place) > MAX_PLACE_LENGTH:
        errors.setdefault("place", []).append(f"Keep the place to {MAX_PLACE_LENGTH} characters.")
    fields.online_url = fields.online_url.strip()
    if fields.online_url:
        try:
            URLValidator(schemes=["http", "https"])(fields.online_url)
        except ValidationError:
            errors.setdefault("online_url", []).append(
                "Give the full online link, starting with https://."
            )
        if len(fields.online_url) > 500:
            errors.setdefault("online_url", []).append("Keep the link to 500 characters.")
    if not fields.place and not fields.online_url:
        errors.setdefault("place", []).append(
            "Say where it happens: a place, an online link, or both."
        )
    if fields.capacity is not None and not 1 <= fields.capacity <= MAX_CAPACITY:
        errors.setdefault("capacity", []).append(
            f"Capacity is between 1 and {MAX_CAPACITY:,} people (or leave it empty for no limit)."
        )


@transaction.atomic
def event_create(
    *,
    organizer: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    description: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    topics: Sequence[str] = (),
    now: datetime | None = None,
) -> Event:
    """Organize an event; the creator is its organizer and is going.

    Refused (`invalid_fields`, 422, every problem at once) without a title, with an unknown
    time zone, an end not after the start or more than 14 days later, a start in the past,
    neither a place nor an online link, a link that is not http(s), a capacity outside
    1–10,000, or more than 5 topics. A naive start or end is read in the event's time zone.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    fields = _Fields(
        title, description, starts_at, ends_at, time_zone, place, online_url, capacity, []
    )
    _validate(fields, errors)
    fields.topics = topics_clean(topics, errors, limit=MAX_TOPICS_PER_EVENT)
    if "starts_at" not in errors and fields.starts_at < now:
        errors.setdefault("starts_at", []).append("The event cannot start in the past.")
    if errors:
        raise Refused.for_fields(errors)
    event = Event.objects.create(
        organizer=organizer,
        title=fields.title,
        description=fields.description,
        starts_at=fields.starts_at,
        ends_at=fields.ends_at,
        time_zone=fields.time_zone,
        place=fields.place,
        online_url=fields.online_url,
        capacity=fields.capacity,
        checkin_code=new_checkin_code(),
    )
    if fields.topics:
        event.topics.set(topics_resolve(fields.topics))
    Attendance.objects.create(
        event=event,
        member=organizer,
        status=AttendanceStatus.GOING,
        queued_at=now,
        updated_at=now,
    )
    event_reminders_schedule(event)
    return event


@transaction.atomic
def event_update(
    *,
    editor: User,
    event_id: int,
    title: str = UNSET,
    description: str = UNSET,
    starts_at: datetime = UNSET,
    ends_at: datetime = UNSET,
    time_zone: str = UNSET,
    place: str = UNSET,
    online_url: str = UNSET,
    capacity: int | None = UNSET,
    topics: Sequence[str] = UNSET,
) -> Event:
    """Change an event: the organizer only (`not_organizer`, 403). The same field rules as
    creating, except that a past start is kept as it is; a cancelled event is not changed
    (`event_cancelled`, 422). The capacity cannot go below the
    number of people already going (`capacity_below_going`, 422: nobody loses a place they
    were given); raising it promotes the waitlist in order. A naive time is read in the
    event's (possibly new) time zone."""
    event = access_event_as_organizer(editor, event_id)
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_if_cancelled(event)
    errors: dict[str, list[str]] = {}
    fields = _Fields(
        event.title if title is UNSET else title,
        event.description if description is UNSET else description,
        event.starts_at if starts_at is UNSET else starts_at,
        event.ends_at if ends_at is UNSET else ends_at,
        event.time_zone if time_zone is UNSET else time_zone,
        event.place if place is UNSET else place,
        event.online_url if online_url is UNSET else online_url,
        event.capacity if capacity is UNSET else capacity,
        [],
    )
    _validate(fields, errors)
    if topics is not UNSET:
        fields.topics = topics_clean(topics, errors, limit=MAX_TOPICS_PER_EVENT)
    going = going_count(event)
    if fields.capacity is not None and "capacity" not in errors and fields.capacity < going:
        errors.setdefault("capacity", []).append(
            f"{going} people are already going; the capacity cannot be lower than that."
        )
        if len(errors) == 1:
            raise Refused(
                errors["capacity"][0],
                code="capacity_below_going",
                detail={"fields": errors, "going": going},
            )
    if errors:
        raise Refused.for_fields(errors)
    moved = (event.starts_at, event.ends_at, event.place, event.online_url) != (
        fields.starts_at,
        fields.ends_at,
        fields.place,
        fields.online_url,
    )
    event.title = fields.title
    event.description = fields.description
    event.starts_at = fields.starts_at
    event.ends_at = fields.ends_at
    event.time_zone = fields.time_zone
    event.place = fields.place
    event.online_url = fields.online_url
    event.capacity = fields.capacity
    event.save()
    if topics is not UNSET:
        event.topics.set(topics_resolve(fields.topics) if fields.topics else [])
    now = timezone.now()
    waitlist_promote(event, now)
    if moved and not event.is_past(now):
        _tell_of_change(event, now)
        event_reminders_schedule(event)
    return event


def _tell_of_change(event: Event, now: datetime) -> None:
    """Everyone with a place or a waitlist spot hears of a new time or place (once per
    change: the key names the new time and place)."""
    attendances = (
        Attendance.objects.filter(event=event)
        .exclude(status=AttendanceStatus.CANCELLED)
        .exclude(member_id=event.organizer_id)
        .select_related("member")
    )
    stamp = "|".join(
        (event.starts_at.isoformat(), event.ends_at.isoformat(), event.place, event.online_url)
    )
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    where = event.place or "online"
    for attendance in attendances:
        local = event.starts_at.astimezone(event.zone)
        notify(
            member=attendance.member,
            key=f"event:{event.pk}:changed:{attendance.member_id}:{digest}",
            kind="event_changed",
            title=f"{event.title} has changed",
            body=f"It is now on {local:%A %d %B at %H:%M} ({event.time_zone}), {where}.",
            url=reverse("event_detail", args=[event.pk]),
        )


@transaction.atomic
def event_cancel(*, organizer: User, event_id: int, note: str = "") -> Event:
    """Call an event off (organizer only, `not_organizer` 403; not once it has ended,
    `event_over` 422). It stays listed, marked cancelled (and CANCELLED in calendars), closed
    to RSVPs and check-in; everyone with a place or a waitlist spot is told, with the
    organizer's note (up to 500 characters). Cancelling twice changes nothing."""
    now = timezone.now()
    event = access_event_as_organizer(organizer, event_id)
    event = Event.objects.select_for_update().select_related("organizer").get(pk=event.pk)
    if event.cancelled_at is not None:
        return event
    if event.is_past(now):
        raise Refused("This event is over; it can no longer be cancelled.", code="event_over")
    note = " ".join(note.split())
    if len(note) > 500:
        raise Refused.for_fields({"note": ["Keep the note to 500 characters."]})
    event.cancelled_at = now
    event.save(update_fields=["cancelled_at", "updated_at"])
    attendances = (
        Attendance.objects.filter(event=event)
        .exclude(status=AttendanceStatus.CANCELLED)
        .exclude(member_id=event.organizer_id)
        .select_related("member")
    )
    for attendance in attendances:
        notify(
            member=attendance.member,
            key=f"event:{event.pk}:cancelled:{attendance.member_id}",
            kind="event_cancelled",
            title=f"{event.title} is cancelled",
            body=note or f"{event.organizer.name} has called it off.",
            url=reverse("event_detail", args=[event.pk]),
        )
    return event


@transaction.atomic
def event_code_reset(*, organizer: User, event_id: int) -> Event:
    """A new check-in code (organizer only), e.g. when the old one was shared too widely."""
    event = access_event_as_organizer(organizer, event_id)
    event.checkin_code = new_checkin_code()
    event.save(update_fields=["checkin_code", "updated_at"])
    return event
