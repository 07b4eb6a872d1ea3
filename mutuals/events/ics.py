"""iCalendar (RFC 5545) for events, built with the `icalendar` package: one event's `.ics`
and a member's subscription feed. Times keep the event's own time zone (with its VTIMEZONE),
so calendar apps show them right wherever the reader is."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as VEvent

from mutuals.events.models import Event

PRODID = "-//mutuals//events//EN"


def _uid(event: Event, base_url: str) -> str:
    """Stable per event and site, so re-importing or a feed refresh updates, not duplicates."""
    return f"event-{event.pk}@{urlsplit(base_url).hostname or 'mutuals'}"


def _vevent(event: Event, base_url: str) -> VEvent:
    url = f"{base_url}/events/{event.pk}/"
    location = event.place or event.online_url
    description = event.description
    if event.place and event.online_url:
        description = f"{description}\n\nOnline: {event.online_url}".strip()
    description = f"{description}\n\n{url}".strip()
    # In a member's feed (rows of `selectors.events_for`), a waitlist spot is tentative.
    waitlisted = getattr(event, "my_status", None) == "waitlisted"
    vevent = VEvent.new(
        uid=_uid(event, base_url),
        summary=f"Waitlist: {event.title}" if waitlisted else event.title,
        start=event.starts_at.astimezone(event.zone),
        end=event.ends_at.astimezone(event.zone),
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        description=description,
        location=location or None,
        url=url,
        categories=[topic.name for topic in event.topics.all()],
    )
    vevent.add(
        "status",
        "CANCELLED" if event.is_cancelled else "TENTATIVE" if waitlisted else "CONFIRMED",
    )
    vevent.add(
        "organizer",
        f"urn:mutuals:member:{event.organizer_id}",
        parameters={"CN": event.organizer.name},
    )
    return vevent


def calendar_for(events: Iterable[Event], *, base_url: str, name: str) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONEs they use."""
    calendar = Calendar.new(prodid=PRODID, name=name)
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(_vevent(event, base_url))
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical
