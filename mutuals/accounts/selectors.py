"""Reads about members used by the directory, profiles and the API."""

from __future__ import annotations

from typing import cast

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.accounts.topics import topic_slug
from mutuals.connections.selectors import blocked_ids


def member_directory(
    *,
    viewer: User,
    q: str = "",
    topic: str = "",
    company: str = "",
    location: str = "",
) -> QuerySet[User]:
    """Active members the viewer may see (never the viewer, never a blocked pair), filtered.

    `q` matches words in name, headline, company, title, location, bio and topics (every word
    must match somewhere); `topic` is a topic name or slug; `company` and `location` match
    case-insensitively on a part of the field. Ordered by name, then id (stable for cursors).
    """
    members = (
        User.objects.filter(is_active=True)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=blocked_ids(viewer.pk))
        .select_related("profile")
        .prefetch_related("profile__topics")
    )
    for word in q.split()[:8]:
        members = members.filter(
            Q(name__icontains=word)
            | Q(profile__headline__icontains=word)
            | Q(profile__company__icontains=word)
            | Q(profile__title__icontains=word)
            | Q(profile__location__icontains=word)
            | Q(profile__bio__icontains=word)
            | Q(profile__topics__name__icontains=word)
        )
    if topic.strip():
        members = members.filter(profile__topics__slug=topic_slug(topic))
    if company.strip():
        members = members.filter(profile__company__icontains=company.strip())
    if location.strip():
        members = members.filter(profile__location__icontains=location.strip())
    return members.distinct().order_by("name", "id")


def member_for_request(request: HttpRequest) -> User:
    """The signed-in member of a web request, with profile and boundaries loaded."""
    return User.objects.select_related("profile", "boundaries").get(pk=cast(int, request.user.pk))
