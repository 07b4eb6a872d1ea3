"""The site's URLs plus two pages that raise the error tree, for test_error_pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from mutuals.core.errors import NotAllowed, NotFound


@login_required
def missing_view(request: HttpRequest) -> HttpResponse:
    raise NotFound("No such thing here.")


@login_required
def forbidden_view(request: HttpRequest) -> HttpResponse:
    raise NotAllowed("Only the organizer can do that.", code="not_organizer")


urlpatterns = [
    path("raises/not-found/", missing_view),
    path("raises/not-allowed/", forbidden_view),
    *site_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
