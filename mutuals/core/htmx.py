"""The request as HTMX pages see it (django-htmx's `HtmxMiddleware` sets `request.htmx`)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX sent the request (it swaps the answer into the page)."""
    return bool(getattr(request, "htmx", False))
