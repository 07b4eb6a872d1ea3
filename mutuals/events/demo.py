"""The demo chapter's events, written through the events' services (so places, the waitlist,
check-ins and the shared-event ledger are exactly what members would have produced).

- Thursday's risk workshop ended about a day ago: its 72-hour follow-up is open. Sam (the demo
  login) checked in, with Thandi, Ana, Oluwaseun and Liam (not yet his connections) and
  Priya, Kwame and Mateo (his connections): the follow-up page offers to connect with the
  first, with the workshop as verified context, and to thank the others.
- A site visit a month ago, for the past list.
- Coming up: a PMO roundtable Sam has not answered yet (and whose attendees include people who
  stood up a PMO, which he is looking for), a retro clinic he is going to, and a small
  mentoring circle that is full, with a waitlist.

Deterministic and idempotent: times are whole hours relative to the hour the demo is seeded;
an event is matched by organizer and title, and one that exists is left as it is (so a rerun
adds nothing, and a demo seeded days ago keeps its own story).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from mutuals.accounts.models import User
from mutuals.events.models import Event
from mutuals.events.services import checkin, organizing, rsvp

TORONTO = "America/Toronto"


@dataclass(frozen=True)
class DemoEvent:
    organizer: str
    title: str
    starts_hours: int  # from the seeding moment; negative: in the past
    duration_hours: float
    description: str
    topics: tuple[str, ...]
    going: tuple[str, ...]
    checked_in: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    capacity: int | None = None
    place: str = ""
    online_url: str = ""


EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        organizer="priya",
        title="Chapter risk workshop: pricing schedule risk into supplier contracts",
        starts_hours=-27,
        duration_hours=2.5,
        description=(
            "Thandi Mokoena (Acme Rail) and Ana walk through how Acme Rail agreed a schedule-"
            "risk allowance with suppliers before tender, and what it did to change orders.\n\n"
            "Bring one contract clause you are wrestling with; we will work through a few in "
            "small groups. Light dinner from 18:00."
        ),
        topics=("Risk management", "Supplier contracts", "Schedule risk"),
        going=("sam", "thandi", "kwame", "ana", "oluwaseun", "liam", "mateo", "meilin"),
        checked_in=("priya", "sam", "thandi", "kwame", "ana", "oluwaseun", "liam", "mateo"),
        capacity=30,
        place="Lakeshore Community Hub, 200 Queens Quay W, Toronto",
    ),
    DemoEvent(
        organizer="kwame",
        title="Site visit: Eglinton line signalling",
        starts_hours=-24 * 30,
        duration_hours=3,
        description="A walk through the signalling equipment rooms with the delivery team.",
        topics=("Infrastructure", "Risk management"),
        going=("thandi", "liam", "oluwaseun"),
        checked_in=("kwame", "thandi", "liam", "oluwaseun"),
        capacity=12,
        place="Eglinton maintenance yard, 1 Black Creek Dr, Toronto (meet at the gate)",
    ),
    DemoEvent(
        organizer="mateo",
        title="PMO roundtable: standing up a PMO from scratch",
        starts_hours=24 * 6,
        duration_hours=2,
        description=(
            "Three chapter members who built a PMO from nothing in the last two years share "
            "what they would do again and what they would not: staffing, the first reports, "
            "and getting the first stage gate accepted."
        ),
        topics=("PMO", "Portfolio management", "Hybrid delivery"),
        going=("priya", "arjun", "fatima", "rajesh", "sofia"),
        capacity=16,
        place="Kestrel Logistics, 5100 Orbitor Dr, Mississauga",
        online_url="https://meet.example.org/pla-pmo-roundtable",
    ),
    DemoEvent(
        organizer="meilin",
        title="Retro clinic: retrospectives for teams new to agile",
        starts_hours=24 * 3,
        duration_hours=1.5,
        description="Bring a retro that went flat; we try three formats on it together.",
        topics=("Agile", "Scrum"),
        going=("sam", "aiko", "dmitri", "nadia"),
        hidden=("nadia",),
        capacity=20,
        online_url="https://meet.example.org/pla-retro-clinic",
    ),
    DemoEvent(
        organizer="priya",
        title="Mentoring circle: first steps into project leadership",
        starts_hours=24 * 10,
        duration_hours=1.5,
        description="A small circle: four people, one hour, honest questions.",
        topics=("Mentoring", "Career change"),
        going=("grace", "tomasz", "leila", "zanele", "hiroshi"),
        capacity=4,
        online_url="https://meet.example.org/pla-mentoring-circle",
    ),
)


# Chapter events start at six in the evening, Toronto time.
EVENING = time(18, 0)


def _evening_of(moment: datetime) -> datetime:
    """Six in the evening, Toronto time, on the Toronto day of `moment`: within 18 hours of it,
    so an event placed a day or more back is over, and one placed days ahead is still to
    come."""
    zone = ZoneInfo(TORONTO)
    return datetime.combine(moment.astimezone(zone).date(), EVENING, tzinfo=zone)


@transaction.atomic
def demo_events_seed(members: dict[str, User], now: datetime) -> int:
    """Seed the demo events that do not exist yet; returns how many were created."""
    created = 0
    for spec in EVENTS:
        organizer = members[spec.organizer]
        if Event.objects.filter(organizer=organizer, title=spec.title).exists():
            continue
        starts_at = _evening_of(now + timedelta(hours=spec.starts_hours))
        # Organized (and answered) a fortnight before it starts, as it would have been.
        planned = starts_at - timedelta(days=14)
        event = organizing.event_create(
            organizer=organizer,
            title=spec.title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=spec.duration_hours),
            time_zone=TORONTO,
            description=spec.description,
            place=spec.place,
            online_url=spec.online_url,
            capacity=spec.capacity,
            topics=spec.topics,
            now=planned,
        )
        for index, key in enumerate(spec.going):
            rsvp.event_rsvp(
                member=members[key], event_id=event.pk, now=planned + timedelta(hours=index + 1)
            )
        for key in spec.hidden:
            checkin.attendance_set_hidden(member=members[key], event_id=event.pk, hidden=True)
        for index, key in enumerate(spec.checked_in):
            checkin.attendance_mark(
                organizer=organizer,
                event_id=event.pk,
                member_id=members[key].pk,
                now=starts_at + timedelta(minutes=5 + 2 * index),
            )
        created += 1
    return created
