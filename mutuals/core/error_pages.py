"""The HTML side of the error tree's "not found" and "not allowed".

A page view fetches through `access_*` and calls services; when one of them raises
`NotFound` or `NotAllowed`, the view lets it go and `ErrorPageMiddleware` answers with the
site's 404 or 403 page, as if the view had raised Django's `Http404` or `PermissionDenied`
(the configured handlers, DEBUG's technical pages and the request log included). Refusals a
member can act on are the view's to show: on the form (`core.forms.refusal_to_form`) or as a
message (`core.forms.refusal_to_message`).

The JSON API answers these errors itself (ninja's handlers in `mutuals/api/api.py`), so
nothing under /api/ reaches this middleware; it leaves such paths alone all the same.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse

from mutuals.core.errors import NotAllowed, NotFound


class ErrorPageMiddleware:
    """`NotFound` → the 404 page, `NotAllowed` → the 403 page, for every HTML view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, NotAllowed):
            return response_for_exception(request, PermissionDenied(exception.message))
        return None
