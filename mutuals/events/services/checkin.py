"""Attendance and after: check-in, privacy on the list, the calendar subscription token, and
thank-you notes.

- Check-in: the organizer marks a member (from an hour before the start until the follow-up
  window closes, 72 hours after the end; a waitlisted member they admit at the door becomes
  going), or a member who is going enters the short code shown at the venue (from an hour
  before the start to an hour after the end). Checking in both members of a connected pair
  records a `shared_event` interaction, keyed by the event so it is recorded once.
- Thank-you notes: during the follow-up window, a checked-in member may write to a checked-in
  connection they met; it goes through `messaging.services.conversation_start`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.selectors import connected_ids, is_blocked_between
from mutuals.core import graph_changes
from mutuals.core.errors import Conflict, NotFound, RateLimited, Refused, json_datetime
from mutuals.engagement.models import InteractionKind
from mutuals.engagement.services import interaction_record
from mutuals.events.access import access_event_as_organizer, access_event_by_id
from mutuals.events.models import Attendance, AttendanceStatus, CalendarFeed, CheckInMethod, Event
from mutuals.events.services.rsvp import event_lock, refuse_if_cancelled
from mutuals.messaging.services import Started, conversation_start

MAX_WRONG_CODES = 10


WRONG_CODE_WINDOW = timedelta(minutes=10)


def _source_key(event: Event) -> str:
    return f"event:{event.pk}"


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
    graph_changes.member_changed(member_id=attendance.member_id, fields=["events"])  # suggestions
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
    refuse_if_cancelled(event)
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
    event = event_lock(member, event_id)
    attendance = (
        Attendance.objects.select_related("member", "event")
        .filter(event=event, member=member)
        .first()
    )
    if attendance is not None and attendance.checked_in_at is not None:
        return attendance
    refuse_if_cancelled(event)
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
        graph_changes.member_changed(member_id=member.pk, fields=["events"])  # "both attended"
    return attendance


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
