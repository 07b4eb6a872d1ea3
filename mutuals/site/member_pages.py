"""The member directory and a member's page. They show, beside the profile (accounts), the
degree of separation and mutual connections (introductions), an open request between you
(connections) and the member as a mentor (mentorship), so they stand here, above those
apps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from mutuals.accounts.access import access_profile_by_id
from mutuals.accounts.models import Topic
from mutuals.accounts.selectors import member_directory, member_for_request
from mutuals.connections.invitations import open_invitation_between
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.introductions.selectors import proximity_for
from mutuals.mentorship.selectors import profile_section as mentorship_profile_section

DIRECTORY_PAGE_SIZE = 24


@login_required
def member_directory_view(request: HtmxHttpRequest) -> HttpResponse:
    """Search members by words, topic, company and location; HTMX swaps only the results."""
    viewer = member_for_request(request)
    filters = {
        key: request.GET.get(key, "").strip()[:100] for key in ("q", "topic", "company", "location")
    }
    members = member_directory(viewer=viewer, **filters)
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    proximity = proximity_for(viewer.pk, (m.pk for m in page.object_list))
    context: dict[str, Any] = {
        "page": page,
        "rows": [(m, proximity[m.pk]) for m in page.object_list],
        "filters": filters,
        "query": urlencode({key: value for key, value in filters.items() if value}),
        "popular_topics": Topic.objects.filter(profiles__isnull=False).distinct()[:200],
    }
    template = "accounts/_directory_results.html" if request.htmx else "accounts/directory.html"
    return render(request, template, context)


@login_required
def member_detail_view(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    member = access_profile_by_id(viewer, member_id)
    is_me = member.pk == viewer.pk
    open_request = None if is_me else open_invitation_between(viewer.pk, member.pk)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": member,
            "proximity": proximity_for(viewer.pk, [member.pk])[member.pk],
            "is_me": is_me,
            "open_request": open_request,
            "request_is_mine": open_request is not None and open_request.sender_id == viewer.pk,
            # The member as a mentor: their offer and the testimonials mentees chose to share.
            "mentorship": mentorship_profile_section(viewer, member),
        },
    )
