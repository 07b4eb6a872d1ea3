"""RSVPs and the waitlist: going while there is room (capacity counts people going, the
organizer included), otherwise waitlisted. Cancelling a place promotes the earliest waitlisted
member, and so does raising the capacity. Every RSVP write locks the event row first, so two
members taking the last place at once end with one going and one waitlisted. A cancelled event
takes no RSVPs.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Conflict, Refused
from mutuals.engagement.notifications import notify
from mutuals.events.access import access_event_by_id
from mutuals.events.models import Attendance, AttendanceStatus, Event


def refuse_if_cancelled(event: Event) -> None:
    if event.cancelled_at is not None:
        raise Refused("The organizer has cancelled this event.", code="event_cancelled")


def going_count(event: Event) -> int:
    return Attendance.objects.filter(event=event, status=AttendanceStatus.GOING).count()


def event_lock(viewer: User, event_id: int) -> Event:
    """The event, visible to the viewer, with its row locked until the transaction ends."""
    access_event_by_id(viewer, event_id)
    return Event.objects.select_for_update().select_related("organizer").get(pk=event_id)


def waitlist_promote(event: Event, now: datetime) -> list[Attendance]:
    """Give freed places to the waitlist in order (the event row is locked by the caller)."""
    promoted: list[Attendance] = []
    waiting = Attendance.objects.filter(event=event, status=AttendanceStatus.WAITLISTED)
    if event.capacity is None:
        candidates = list(waiting.select_related("member").order_by("queued_at", "id"))
    else:
        room = event.capacity - going_count(event)
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
    event = event_lock(member, event_id)
    if event.is_past(now):
        raise Refused("This event is over; RSVPs are closed.", code="event_over")
    refuse_if_cancelled(event)
    attendance = Attendance.objects.filter(event=event, member=member).first()
    if attendance is not None and attendance.status != AttendanceStatus.CANCELLED:
        return attendance
    full = event.capacity is not None and going_count(event) >= event.capacity
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
    event = event_lock(member, event_id)
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
        waitlist_promote(event, now)
    return attendance
