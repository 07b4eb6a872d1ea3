"""The search page: the header's box leads here; HTMX swaps only the results as one types."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from mutuals.accounts.selectors import member_for_request
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.search.pages import search_page


@login_required
def search_view(request: HtmxHttpRequest) -> HttpResponse:
    """Members, posts, events and the viewer's own messages matching `q`, grouped by kind,
    or one kind's results page by page."""
    context = search_page(member_for_request(request), request.GET)
    partial = request.htmx and request.htmx.target == "search-results"
    template = "search/_results.html" if partial else "search/search.html"
    return render(request, template, context)
