"""The URL map answers an API request without trying every page's pattern first (issue 20)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, resolve


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_the_api_comes_before_the_pages():
    top = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    assert top.index("api/") < top.index("")
    assert top.index("api/auth/") < top.index("api/")  # allauth's flows before the API's paths


def test_no_page_route_could_take_an_api_address():
    """Moving the API first changed nothing only while no page answers under api/."""
    resolver = get_resolver()
    pages = [
        route
        for pattern in resolver.url_patterns
        if not str(pattern.pattern).startswith("api/")
        for route in _routes([pattern])
    ]
    assert [route for route in pages if route.startswith(("api", "<", "^"))] == []
    assert resolve("/api/me").namespace == "api"
    assert resolve("/api/auth/app/v1/config").url_name == "config"
