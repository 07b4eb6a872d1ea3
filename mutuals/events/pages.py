"""What the event pages show, assembled from selectors: an event (with the viewer's RSVP
panel), the organizer's desk and the follow-up after the event."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.connections.selectors import connected_ids
from mutuals.events import selectors
from mutuals.events.forms import CheckInForm, ThankYouForm
from mutuals.events.models import Attendance, AttendanceStatus, Event
from mutuals.messaging.models import Conversation


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


def detail_context(viewer: User, event: Event) -> dict[str, Any]:
    """The event's page, and its RSVP panel (`events/_rsvp.html`)."""
    now = timezone.now()
    mine = selectors.attendance_of(viewer, event)
    going, waitlisted = selectors.counts_for(event)
    can_see = selectors.may_see_attendees(viewer, event, mine)
    attendees = list(selectors.attendees_visible(viewer, event)) if can_see else []
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
        "waitlist_position": _waitlist_position(event, mine),
        "checkin_form": CheckInForm(),
        "now": now,
    }


def _waitlist_position(event: Event, mine: Attendance | None) -> int | None:
    """1 for the first on the waitlist; None when the viewer is not waiting."""
    if mine is None or mine.status != AttendanceStatus.WAITLISTED:
        return None
    return (
        Attendance.objects.filter(
            event=event, status=AttendanceStatus.WAITLISTED, queued_at__lte=mine.queued_at
        )
        .exclude(queued_at=mine.queued_at, pk__gt=mine.pk)
        .count()
    )


def manage_context(viewer: User, event: Event) -> dict[str, Any]:
    """The organizer's desk: who is coming, who checked in, the waitlist."""
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


def follow_up_context(viewer: User, event: Event) -> dict[str, Any]:
    """After the event: the people the viewer met there, and what they did about each."""
    mine = selectors.attendance_of(viewer, event)
    checked_in = mine is not None and mine.checked_in_at is not None
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
    return {
        "event": event,
        "checked_in": checked_in,
        "state": selectors.follow_up_state(event),
        "met": met,
        "thank_form": ThankYouForm(),
    }
