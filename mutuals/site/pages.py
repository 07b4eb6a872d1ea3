"""What the member's home page shows, gathered from every app (which is why it lives in the
site, above them all); the view only renders it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from mutuals.accounts.models import Profile, User
from mutuals.accounts.selectors import member_directory
from mutuals.connections.invitations import removed_within_wait_ids
from mutuals.connections.selectors import connected_ids
from mutuals.engagement.notifications import notifications_for
from mutuals.engagement.selectors import (
    collaboration_invitations_waiting,
    pending_requests_count,
)
from mutuals.events.selectors import follow_ups_open_for, next_event_for
from mutuals.insights.selectors import health_suggestions
from mutuals.mentorship.models import MentorshipState
from mutuals.mentorship.selectors import mentorships_for

SAME_TOPIC_SUGGESTIONS = 6
# The newest unread notifications "For today" lists (the bell and its page have the rest).
TODAY_NOTICES = 5
TODAY_SUGGESTIONS = 3


def profile_missing(profile: Profile) -> list[str]:
    """What the member's profile still lacks, in the words the home page asks for it."""
    fields = (
        ("a headline", profile.headline),
        ("your company", profile.company),
        ("your role", profile.title),
        ("your location", profile.location),
        ("topics you care about", profile.topics.exists()),
        ("what you can offer", profile.offers),
        ("what you are looking for", profile.looking_for),
    )
    return [label for label, present in fields if not present]


def same_topic_members(member: User, connected: set[int]) -> QuerySet[User]:
    """Members the viewer does not know yet, most shared topics first: the people a new
    member has most to talk about with (their connections are on the network pages). Not a
    member whose connection with the viewer either removed in the last 21 days (neither may
    ask the other yet)."""
    return (
        member_directory(viewer=member)
        .filter(profile__topics__in=member.profile.topics.all())
        .exclude(pk__in=connected | removed_within_wait_ids(member.pk))
        .annotate(shared_topics=Count("profile__topics", distinct=True))
        .order_by("-shared_topics", "name")[:SAME_TOPIC_SUGGESTIONS]
    )


def member_home(member: User) -> dict[str, Any]:
    """Where the member stands across every app, and what to do next."""
    connected = connected_ids(member.pk)
    requests_to_mentor = mentorships_for(member, role="mentor", state=MentorshipState.REQUESTED)
    invitations = list(collaboration_invitations_waiting(member))
    return {
        "member": member,
        "missing": profile_missing(member.profile),
        "connection_count": len(connected),
        "same_topics": same_topic_members(member, connected),
        "waiting": pending_requests_count(member),
        "follow_ups": follow_ups_open_for(member),
        "collaboration_invitations": invitations,
        "next_event": next_event_for(member),
        "mentorship_requests": requests_to_mentor.count(),
        **for_today(
            member, listed={reverse("collaboration_detail", args=[c.pk]) for c in invitations}
        ),
    }


def for_today(member: User, *, listed: Collection[str] = ()) -> dict[str, Any]:
    """What is waiting on the member, from the same rows as the bell and the notifications
    page, and the network's suggestions. One line per moment: a suggestion about a member
    gives way to an unread notice about them ("New message from Kwame" stays, "Reply to
    Kwame" goes), whose link leads to the same place; a notice gives way to a line the home
    page keeps until it is answered (`listed`: their links, e.g. a collaboration to confirm
    or decline), so "Kwame proposes a collaboration" and "Kwame invites you to collaborate"
    are not both shown."""
    notices = [
        notice
        for notice in notifications_for(member, unread=True)[: TODAY_NOTICES + len(listed)]
        if notice.url not in listed
    ][:TODAY_NOTICES]
    told_about = {notice.about_id for notice in notices if notice.about_id}
    suggestions = [s for s in health_suggestions(member) if s.member_id not in told_about]
    return {"notices": notices, "suggestions": suggestions[:TODAY_SUGGESTIONS]}
