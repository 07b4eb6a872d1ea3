"""Request-wide settings that every page shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from mutuals.accounts.models import Boundaries
from mutuals.accounts.timezones import zone_named


class MemberTimeZoneMiddleware:
    """Show every page in the signed-in member's own time zone (their boundaries), so a time
    or a due date reads the same on every page: Django renders aware datetimes in the active
    zone, and pact deadlines fall at the end of the member's local day. Visitors, and the JSON
    API, whose times are ISO 8601 with their offset, stay in UTC. One query per signed-in
    page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            name = Boundaries.objects.filter(user_id=user.pk).values_list("time_zone", flat=True)
            timezone.activate(zone_named(name.first()))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
