"""Every write on events: organizing, RSVPs and the waitlist, check-in, privacy on the list,
the calendar subscription token, and thank-you notes after the event.

- Organizing: any member may organize; the creator is the organizer and is going. Only the
  organizer edits or cancels (everyone coming is told; a cancelled event takes no RSVPs).
  Times are stored aware; a naive time is read in the event's time zone.
- RSVP: going while there is room (capacity counts people going, the organizer included),
  otherwise waitlisted. Cancelling a place promotes the earliest waitlisted member, and so
  does raising the capacity. Every RSVP write locks the event row first, so two members
  taking the last place at once end with one going and one waitlisted.
- Check-in: the organizer marks a member (from an hour before the start until the follow-up
  window closes, 72 hours after the end; a waitlisted member they admit at the door becomes
  going), or a member who is going enters the short code shown at the venue (from an hour
  before the start to an hour after the end). Checking in both members of a connected pair
  records a `shared_event` interaction, keyed by the event so it is recorded once.
- Thank-you notes: during the follow-up window, a checked-in member may write to a checked-in
  connection they met; it goes through `messaging.services.conversation_start`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.services import topics_resolve
from mutuals.accounts.timezones import available_time_zones
from mutuals.accounts.topics import topics_clean
from mutuals.connections.selectors import connected_ids, is_blocked_between
from mutuals.core.errors import Conflict, NotFound, RateLimited, Refused, json_datetime
from mutuals.engagement.models import InteractionKind
from mutuals.engagement.notifications import notify
from mutuals.engagement.services import interaction_record
from mutuals.events.access import access_event_as_organizer, access_event_by_id
from mutuals.events.models import (
    CODE_LENGTH,
    MAX_CAPACITY,
    MAX_DESCRIPTION_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    CheckInMethod,
    Event,
)
from mutuals.introductions import hooks as graph_hooks
from mutuals.messaging.services import Started, conversation_start

MAX_TOPICS_PER_EVENT = 5
MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = timedelta(minutes=10)
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


def _source_key(event: Event) -> str:
    return f"event:{event.pk}"


# --- Validation --------------------------------------------------------------------------


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


# --- Organizing --------------------------------------------------------------------------


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
    _refuse_if_cancelled(event)
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
    going = _going_count(event)
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
    _promote(event, now)
    if moved and not event.is_past(now):
        _tell_of_change(event, now)
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


def _refuse_if_cancelled(event: Event) -> None:
    if event.cancelled_at is not None:
        raise Refused("The organizer has cancelled this event.", code="event_cancelled")


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


# --- RSVP and waitlist -------------------------------------------------------------------


def _going_count(event: Event) -> int:
    return Attendance.objects.filter(event=event, status=AttendanceStatus.GOING).count()


def _lock(viewer: User, event_id: int) -> Event:
    """The event, visible to the viewer, with its row locked until the transaction ends."""
    access_event_by_id(viewer, event_id)
    return Event.objects.select_for_update().select_related("organizer").get(pk=event_id)


def _promote(event: Event, now: datetime) -> list[Attendance]:
    """Give freed places to the waitlist in order (the event row is locked by the caller)."""
    promoted: list[Attendance] = []
    waiting = Attendance.objects.filter(event=event, status=AttendanceStatus.WAITLISTED)
    if event.capacity is None:
        candidates = list(waiting.select_related("member").order_by("queued_at", "id"))
    else:
        room = event.capacity - _going_count(event)
        if room <= 0:
            return promoted
        candidates = list(waiting.select_related("member").order_by("queued_at", "id")[:room])
    for attendance in candidates:
        attendance.status = AttendanceStatus.GOING
        attendance.updated_at = now
        attendance.save(update_fields=["status", "updated_at"])
        promoted.append(attendance)
        notify(
            member=attendance.member,
            key=f"event:{event.pk}:promoted:{attendance.member_id}:{now.isoformat()}",
            kind="event_place",
            title=f"A place opened up: you are going to {event.title}",
            body="You were on the waitlist; someone cancelled, so the place is yours. "
            "If you cannot make it, cancel so the next person can come.",
            url=reverse("event_detail", args=[event.pk]),
        )
    return promoted


@transaction.atomic
def event_rsvp(*, member: User, event_id: int, now: datetime | None = None) -> Attendance:
    """Say you are going: a place while there is room, otherwise a place on the waitlist
    (served in order). Saying it again changes nothing. Refused once the event has ended
    (`event_over`, 422). The event row is locked, so the last place goes to exactly one."""
    now = now or timezone.now()
    event = _lock(member, event_id)
    if event.is_past(now):
        raise Refused("This event is over; RSVPs are closed.", code="event_over")
    _refuse_if_cancelled(event)
    attendance = Attendance.objects.filter(event=event, member=member).first()
    if attendance is not None and attendance.status != AttendanceStatus.CANCELLED:
        return attendance
    full = event.capacity is not None and _going_count(event) >= event.capacity
    status = AttendanceStatus.WAITLISTED if full else AttendanceStatus.GOING
    if attendance is None:
        return Attendance.objects.create(
            event=event, member=member, status=status, queued_at=now, updated_at=now
        )
    attendance.status = status
    attendance.queued_at = now
    attendance.updated_at = now
    attendance.save(update_fields=["status", "queued_at", "updated_at"])
    return attendance


@transaction.atomic
def event_rsvp_cancel(*, member: User, event_id: int, now: datetime | None = None) -> Attendance:
    """Cancel your RSVP (a place or a waitlist spot). A freed place goes at once to the
    earliest waitlisted member, who is told. Refused when you have no RSVP
    (`not_attending`, 409), once you are checked in (`already_checked_in`, 409), and once
    the event has ended (`event_over`, 422)."""
    now = now or timezone.now()
    event = _lock(member, event_id)
    attendance = Attendance.objects.filter(event=event, member=member).first()
    if attendance is None or attendance.status == AttendanceStatus.CANCELLED:
        raise Conflict("You have not said you are going to this event.", code="not_attending")
    if attendance.checked_in_at is not None:
        raise Conflict("You are already checked in at this event.", code="already_checked_in")
    if event.is_past(now):
        raise Refused("This event is over; RSVPs are closed.", code="event_over")
    was_going = attendance.status == AttendanceStatus.GOING
    attendance.status = AttendanceStatus.CANCELLED
    attendance.updated_at = now
    attendance.save(update_fields=["status", "updated_at"])
    if was_going and not event.is_cancelled:
        _promote(event, now)
    return attendance


# --- Check-in ----------------------------------------------------------------------------


def _record_shared_event(event: Event, attendance: Attendance) -> None:
    """A `shared_event` interaction between the newly checked-in member and each checked-in
    connection (the ledger keeps one per pair and source, so this never repeats)."""
    others = list(
        Attendance.objects.filter(event=event, checked_in_at__isnull=False)
        .exclude(member_id=attendance.member_id)
        .filter(member_id__in=connected_ids(attendance.member_id))
        .select_related("member")
    )
    for other in others:
        interaction_record(
            actor=attendance.member,
            counterpart=other.member,
            kind=InteractionKind.SHARED_EVENT,
            at=attendance.checked_in_at or event.starts_at,
            source_key=_source_key(event),
            note=event.title[:500],
        )


def _check_in(attendance: Attendance, method: str, now: datetime) -> Attendance:
    attendance.status = AttendanceStatus.GOING
    attendance.checked_in_at = now
    attendance.check_in_method = method
    attendance.updated_at = now
    attendance.save(update_fields=["status", "checked_in_at", "check_in_method", "updated_at"])
    _record_shared_event(attendance.event, attendance)
    graph_hooks.member_changed(member_id=attendance.member_id, fields=["events"])  # suggestions
    return attendance


@transaction.atomic
def attendance_mark(
    *, organizer: User, event_id: int, member_id: int, now: datetime | None = None
) -> Attendance:
    """The organizer marks a member as checked in (organizer only, `not_organizer` 403), from
    an hour before the start until the follow-up window closes (`check_in_closed`, 422).
    The member must have an RSVP (`not_registered`, 422); a waitlisted member admitted at the
    door becomes going. Marking twice changes nothing."""
    now = now or timezone.now()
    event = access_event_as_organizer(organizer, event_id)
    event = Event.objects.select_for_update().select_related("organizer").get(pk=event.pk)
    _refuse_if_cancelled(event)
    if not event.code_opens_at <= now <= event.follow_up_closes_at:
        raise Refused(
            "Check-in opens an hour before the event and closes 72 hours after it ends.",
            code="check_in_closed",
            detail={"opens_at": json_datetime(event.code_opens_at)},
        )
    attendance = (
        Attendance.objects.select_related("member", "event")
        .filter(event=event, member_id=member_id)
        .exclude(status=AttendanceStatus.CANCELLED)
        .first()
    )
    if attendance is None:
        raise Refused(
            "That member has not said they are coming to this event.", code="not_registered"
        )
    if attendance.checked_in_at is not None:
        return attendance
    return _check_in(attendance, CheckInMethod.ORGANIZER, now)


def _code_key(event: Event, member: User) -> str:
    return f"events:wrong-code:{event.pk}:{member.pk}"


def _check_code_rate(event: Event, member: User, now: datetime) -> None:
    """At most `MAX_WRONG_CODES` wrong codes per member and event in `WRONG_CODE_WINDOW`: a
    six-letter code cannot be guessed by trying them all."""
    if (cache.get(_code_key(event, member)) or 0) >= MAX_WRONG_CODES:
        raise RateLimited(
            "Too many wrong codes; ask the organizer to check you in, or try again in a few "
            "minutes.",
            code="check_in_rate_limited",
            retry_at=now + WRONG_CODE_WINDOW,
        )


def _count_wrong_code(event: Event, member: User, now: datetime) -> None:
    key = _code_key(event, member)
    if cache.add(key, 1, timeout=int(WRONG_CODE_WINDOW.total_seconds())):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=int(WRONG_CODE_WINDOW.total_seconds()))


@transaction.atomic
def attendance_self_check_in(
    *, member: User, event_id: int, code: str, now: datetime | None = None
) -> Attendance:
    """Check yourself in with the code the organizer shows at the venue. Only while it is
    valid, an hour before the start to an hour after the end (`check_in_closed`, 422); only
    with the right code (`wrong_code`, 422; letters in any case, spaces ignored; after 10
    wrong codes in 10 minutes `check_in_rate_limited`, 429); only when you are going
    (`not_going`, 422: waitlisted members ask the organizer at the door).
    Checking in twice changes nothing."""
    now = now or timezone.now()
    event = _lock(member, event_id)
    attendance = (
        Attendance.objects.select_related("member", "event")
        .filter(event=event, member=member)
        .first()
    )
    if attendance is not None and attendance.checked_in_at is not None:
        return attendance
    _refuse_if_cancelled(event)
    if not event.code_opens_at <= now <= event.code_closes_at:
        raise Refused(
            "Self check-in works from an hour before the event to an hour after it ends.",
            code="check_in_closed",
            detail={
                "opens_at": event.code_opens_at.isoformat(),
                "closes_at": event.code_closes_at.isoformat(),
            },
        )
    _check_code_rate(event, member, now)
    if attendance is None or attendance.status != AttendanceStatus.GOING:
        raise Refused(
            "Only members who are going can check themselves in; "
            "if you are on the waitlist, ask the organizer at the door.",
            code="not_going",
        )
    given = "".join(code.split()).upper()
    if not secrets.compare_digest(given.encode(), event.checkin_code.encode()):
        _count_wrong_code(event, member, now)
        raise Refused(
            "That is not this event's check-in code; check the code shown at the venue.",
            code="wrong_code",
            detail={"fields": {"code": ["That code does not match."]}},
        )
    return _check_in(attendance, CheckInMethod.CODE, now)


@transaction.atomic
def attendance_set_hidden(*, member: User, event_id: int, hidden: bool) -> Attendance:
    """Hide yourself from (or show yourself on) the attendee list others see; the organizer
    still sees you. Refused without an RSVP (`not_attending`, 409)."""
    event = access_event_by_id(member, event_id)
    attendance = (
        Attendance.objects.filter(event=event, member=member)
        .exclude(status=AttendanceStatus.CANCELLED)
        .first()
    )
    if attendance is None:
        raise Conflict("You have not said you are going to this event.", code="not_attending")
    if attendance.hidden != hidden:
        attendance.hidden = hidden
        attendance.updated_at = timezone.now()
        attendance.save(update_fields=["hidden", "updated_at"])
        graph_hooks.member_changed(member_id=member.pk, fields=["events"])  # "both attended"
    return attendance


# --- Calendar subscription ---------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_for(*, member: User) -> CalendarFeed:
    """The member's calendar subscription token, created on first use."""
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(
                member=member, token=_new_token(), created_at=timezone.now()
            )
    except IntegrityError:
        return CalendarFeed.objects.get(member=member)


@transaction.atomic
def calendar_feed_reset(*, member: User) -> CalendarFeed:
    """Replace the subscription token: the old URL stops working at once (for a link that
    leaked); calendars must subscribe again with the new one."""
    feed = calendar_feed_for(member=member)
    feed.token = _new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


# --- After the event ---------------------------------------------------------------------


@transaction.atomic
def thank_you_send(
    *, sender: User, event_id: int, recipient_id: int, text: str, now: datetime | None = None
) -> Started:
    """Thank a connection you met at the event: both of you checked in, and only during the
    follow-up window (`follow_up_closed`, 422; before the end `follow_up_not_open`). The
    note starts or continues your conversation (`messaging.services.conversation_start`:
    connections only, its rate limit and text rules apply). Someone you did not meet there,
    or who is hidden from you by a block, is not found."""
    now = now or timezone.now()
    event = access_event_by_id(sender, event_id)
    if now < event.ends_at:
        raise Refused("The follow-up opens when the event ends.", code="follow_up_not_open")
    if now >= event.follow_up_closes_at:
        raise Refused(
            "The 72-hour follow-up window for this event has closed; write from your messages.",
            code="follow_up_closed",
        )
    met = set(
        Attendance.objects.filter(
            event=event, checked_in_at__isnull=False, member_id__in=[sender.pk, recipient_id]
        ).values_list("member_id", flat=True)
    )
    if sender.pk not in met:
        raise Refused("You did not check in at this event.", code="not_checked_in")
    if (
        recipient_id == sender.pk
        or recipient_id not in met
        or is_blocked_between(sender.pk, recipient_id)
    ):
        raise NotFound("You did not meet that member at this event.")
    return conversation_start(creator=sender, participant_ids=[recipient_id], text=text)
