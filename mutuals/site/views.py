"""The home page: for visitors, what the network is; for members, where they stand across
every app (connections, requests, events, collaborations, mentorship, health), which is why it
lives in the site, above them all."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.site.pages import member_home


def home_view(request: HttpRequest) -> HttpResponse:
    """Landing page for visitors; for members, where they stand and what to do next."""
    if not request.user.is_authenticated:
        return render(request, "site/landing.html", {"member_count": User.objects.count()})
    return render(request, "site/home.html", member_home(member_for_request(request)))
