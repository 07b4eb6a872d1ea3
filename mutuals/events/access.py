"""Fetch-with-permission for events: the only way views and endpoints load one."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.connections.selectors import is_blocked_between
from mutuals.core.errors import NotAllowed, NotFound
from mutuals.engagement.collaborations import SharedOrigin
from mutuals.events.models import Attendance, Event


def access_event_by_id(viewer: User, event_id: int) -> Event:
    """An event the viewer may see: not found when missing, when its organizer's account is
    closed, or when the viewer and the organizer are on either side of a block (so neither
    the event nor the block is revealed)."""
    event = (
        Event.objects.select_related("organizer", "organizer__profile")
        .prefetch_related("topics")
        .filter(pk=event_id, organizer__is_active=True)
        .first()
    )
    if event is None or (
        event.organizer_id != viewer.pk and is_blocked_between(viewer.pk, event.organizer_id)
    ):
        raise NotFound("No such event.", code="not_found")
    return event


def access_event_as_organizer(viewer: User, event_id: int) -> Event:
    """An event the viewer organizes; others who may see it are refused (`not_organizer`,
    403), those who may not see it get not found."""
    event = access_event_by_id(viewer, event_id)
    if event.organizer_id != viewer.pk:
        raise NotAllowed("Only the organizer can do that.", code="not_organizer")
    return event


def collaboration_origin_event(proposer: User, event_id: int) -> SharedOrigin:
    """An event as the origin of a collaboration (registered with engagement in
    `EventsConfig.ready`), shared by the members checked in at it (a verified attendance, not
    an RSVP); not found when its organizer's account is closed or a block stands between the
    proposer and the organizer."""
    event = Event.objects.filter(pk=event_id, organizer__is_active=True).first()
    if event is None or (
        event.organizer_id != proposer.pk and is_blocked_between(proposer.pk, event.organizer_id)
    ):
        raise NotFound("No such event.")
    return SharedOrigin(
        source=event,
        member_ids=frozenset(
            Attendance.objects.filter(event=event, checked_in_at__isnull=False).values_list(
                "member_id", flat=True
            )
        ),
        outside_one="was not checked in at that event",
        outside_many="were not checked in at that event",
        proposer_outside="You were not checked in at that event",
    )
