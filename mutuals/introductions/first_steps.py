"""Where a member with no connections yet can start (issue 19): people who share their
profile topics, the directory, and upcoming events. Shown by "People you may know" when it
has nothing to suggest and by network health with no connection to report on."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_directory
from mutuals.connections.selectors import connected_ids
from mutuals.events.models import Event
from mutuals.events.selectors import Scope, events_for
from mutuals.introductions.selectors import suggestion_exclusions

PEOPLE_LIMIT = 6
EVENTS_LIMIT = 3


@dataclass(frozen=True)
class TopicPeer:
    member: User
    shared: list[str]  # the topic names both list, by name


@dataclass(frozen=True)
class FirstSteps:
    has_topics: bool
    people: list[TopicPeer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def first_steps_for(viewer: User) -> FirstSteps:
    """Members the viewer may see and is not connected to who list a topic of the viewer's
    profile, most topics in common first (then by name), and the soonest upcoming events the
    viewer may see. Blocks hide members and organizers as everywhere (`member_directory`,
    `events_for`), and nobody people you may know would leave out is offered here either
    (`selectors.suggestion_exclusions`: dismissed, a request declined or still open…)."""
    mine = {topic.pk: topic.name for topic in viewer.profile.topics.all()}
    people: list[TopicPeer] = []
    if mine:
        visible = member_directory(viewer=viewer).values("pk")
        candidates = (
            User.objects.filter(pk__in=visible)
            .exclude(pk__in=connected_ids(viewer.pk) | suggestion_exclusions(viewer))
            .annotate(shared=Count("profile__topics", filter=Q(profile__topics__in=list(mine))))
            .filter(shared__gt=0)
            .select_related("profile")
            .prefetch_related("profile__topics")
            .order_by("-shared", "name", "id")[:PEOPLE_LIMIT]
        )
        people = [
            TopicPeer(
                member=member,
                shared=sorted(t.name for t in member.profile.topics.all() if t.pk in mine),
            )
            for member in candidates
        ]
    upcoming = list(events_for(viewer, Scope.UPCOMING).order_by("starts_at", "id")[:EVENTS_LIMIT])
    return FirstSteps(has_topics=bool(mine), people=people, events=upcoming)
