"""Site-wide pages: home, and the 404 / 500 pages (JSON envelope under /api/)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.template import loader

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_directory, member_for_request
from mutuals.connections.selectors import connected_ids


def home_view(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for members, where they stand and what to do next."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", {"member_count": User.objects.count()})
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
    from mutuals.engagement.selectors import (
        collaboration_invitations_waiting,
        pending_requests_count,
    )
    from mutuals.events.selectors import follow_ups_open_for, next_event_for
    from mutuals.insights.selectors import health_for
    from mutuals.mentorship.models import MentorshipState
    from mutuals.mentorship.selectors import mentorships_for

    return render(
        request,
        "core/home.html",
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


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "not_found", "message": "No such API endpoint.", "detail": {}}, status=404
        )
    return render(request, "404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "message": "Something went wrong on our side.", "detail": {}},
            status=500,
        )
    # No context processors (the error may have come from them); the nonce lets the page's
    # own inline style through the Content-Security-Policy.
    context = {"csp_nonce": get_nonce(request)}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
