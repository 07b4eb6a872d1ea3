"""Request-wide settings that every page shares."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from mutuals.accounts.conduct import (
    CONDUCT_EXEMPT_PAGES,
    conduct_current_version,
    conduct_version_to_accept,
)
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


# The version of the code of conduct the session's member is known to have accepted.
ACCEPTED_KEY = "conduct_accepted"


class ConductInterstitialMiddleware:
    """A signed-in member who has not accepted the code of conduct in force is shown it, on
    their next page visit, before anything else: any page (a GET, not a partial an HTMX
    request swaps in) redirects to `/conduct/?next=<that page>`, where they read it and
    accept it, and are taken on to the page they asked for. A form already on their screen
    still posts; reading and accepting it, signing out, taking their data and leaving are
    never held back (`conduct.CONDUCT_EXEMPT_PAGES`). The API answers for itself
    (`403 conduct_not_accepted`, `api_auth`). The version in force is cached and the one the
    member accepted is kept in their session, so a page costs no query once accepted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and user.is_active
            and not request.path.startswith(("/api/", "/admin/", *CONDUCT_EXEMPT_PAGES))
            and not request.headers.get("HX-Request")
        ):
            current = conduct_current_version()
            if current and request.session.get(ACCEPTED_KEY) != current:
                if conduct_version_to_accept(user):
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('conduct')}?{query}")
                request.session[ACCEPTED_KEY] = current
        return self.get_response(request)
