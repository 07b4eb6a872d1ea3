"""A mentorship's check-ins as iCalendar (RFC 5545), for the member's own calendar: one
all-day event on each open check-in's due date, so the cadence both agreed is visible where
they plan their week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as VEvent

from mutuals.accounts.models import User
from mutuals.engagement.models import Obligation
from mutuals.mentorship.models import Mentorship
from mutuals.mentorship.selectors import checkins_for

PRODID = "-//mutuals//mentorship//EN"


def checkins_calendar(
    mentorship: Mentorship,
    checkins: Iterable[Obligation],
    *,
    member: User,
    other: User,
    base_url: str,
) -> bytes:
    """The member's own open check-ins of this mentorship (met or cancelled ones are left
    out), each with a stable UID so re-importing updates rather than duplicates."""
    host = urlsplit(base_url).hostname or "mutuals"
    url = f"{base_url}/mentorship/{mentorship.pk}/"
    calendar = Calendar.new(prodid=PRODID, name=f"Mentorship check-ins with {other.name}")
    calendar.add("method", "PUBLISH")
    for obligation in checkins:
        if obligation.party_id != member.pk or not obligation.is_open:
            continue
        day = obligation.due_at.date()
        vevent = VEvent.new(
            uid=f"mentor-check-in-{obligation.pk}@{host}",
            summary=f"Mentorship check-in with {other.name}",
            start=day,
            end=day + timedelta(days=1),
            stamp=obligation.opened_at,
            description=f"A call, a meeting or a message keeps your mentorship on track.\n\n{url}",
            url=url,
        )
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def member_checkins_calendar(mentorship: Mentorship, *, member: User, base_url: str) -> bytes:
    """One party's open check-ins of a mentorship they are in (fetched through
    `access.access_mentorship_by_id`), named after the other party: the mentorship page's
    download and `GET /api/mentorships/{id}/checkins/ics`."""
    other = mentorship.mentee if member.pk == mentorship.mentor_id else mentorship.mentor
    return checkins_calendar(
        mentorship, checkins_for(mentorship), member=member, other=other, base_url=base_url
    )
