"""The home page: for visitors, what the network is; for members, where they stand across
every app (connections, requests, events, collaborations, mentorship, health), which is why it
lives in the site, above them all."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_directory, member_for_request
from mutuals.connections.selectors import connected_ids
from mutuals.engagement.selectors import (
    collaboration_invitations_waiting,
    pending_requests_count,
)
from mutuals.events.selectors import follow_ups_open_for, next_event_for
from mutuals.insights.selectors import health_for
from mutuals.mentorship.models import MentorshipState
from mutuals.mentorship.selectors import mentorships_for


def home_view(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for members, where they stand and what to do next."""
    if not request.user.is_authenticated:
        return render(request, "site/landing.html", {"member_count": User.objects.count()})
    return _member_home(request)


def _member_home(request: HttpRequest) -> HttpResponse:
    user = member_for_request(request)
    profile = user.profile
    missing = [
        label
        for label, present in (
            ("a headline", profile.headline),
            ("your company", profile.company),
            ("your role", profile.title),
            ("your location", profile.location),
            ("topics you care about", profile.topics.exists()),
            ("what you can offer", profile.offers),
            ("what you are looking for", profile.looking_for),
        )
        if not present
    ]
    # Most shared topics first: the people a new member has most to talk about with, and
    # does not know yet (their connections are on the network pages).
    connected = connected_ids(user.pk)
    same_topics = (
        member_directory(viewer=user)
        .filter(profile__topics__in=profile.topics.all())
        .exclude(pk__in=connected)
        .annotate(shared_topics=Count("profile__topics", distinct=True))
        .order_by("-shared_topics", "name")[:6]
    )
    return render(
        request,
        "site/home.html",
        {
            "member": user,
            "missing": missing,
            "connection_count": len(connected),
            "same_topics": same_topics,
            "waiting": pending_requests_count(user),
            "follow_ups": follow_ups_open_for(user),
            "collaboration_invitations": collaboration_invitations_waiting(user),
            "next_event": next_event_for(user),
            "mentorship_requests": mentorships_for(
                user, role="mentor", state=MentorshipState.REQUESTED
            ).count(),
            "suggestions": health_for(user).suggestions[:3],
        },
    )
