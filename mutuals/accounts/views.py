"""Member pages: directory, profile, profile editing, boundaries and API tokens.

Thin: parse the form, call the same service the API calls, show the outcome. A service's
`Refused` becomes form errors on the fields it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.forms import BoundariesForm, ProfileForm
from mutuals.accounts.models import Intent, Topic
from mutuals.accounts.providers import proximity_for
from mutuals.accounts.selectors import api_tokens_active, member_directory, member_for_request
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    profile_update,
)
from mutuals.connections.invitations import open_invitation_between
from mutuals.core.errors import MutualsError, NotFound, Refused
from mutuals.mentorship.selectors import profile_section as mentorship_profile_section

DIRECTORY_PAGE_SIZE = 24


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _apply_refusal(form: forms.Form, error: MutualsError) -> None:
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    if not fields:
        form.add_error(None, error.message)
    for field, problems in fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


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
    rows = [(m, proximity[m.pk]) for m in page.object_list]
    query = urlencode({key: value for key, value in filters.items() if value})
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": query,
        "popular_topics": Topic.objects.filter(profiles__isnull=False).distinct()[:200],
    }
    template = "accounts/_directory_results.html" if request.htmx else "accounts/directory.html"
    return render(request, template, context)


@login_required
def member_detail_view(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    try:
        member = access_member_by_id(viewer, member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    proximity = proximity_for(viewer.pk, [member.pk])[member.pk]
    is_me = member.pk == viewer.pk
    open_request = None if is_me else open_invitation_between(viewer.pk, member.pk)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": member,
            "proximity": proximity,
            "is_me": is_me,
            "open_request": open_request,
            "request_is_mine": open_request is not None and open_request.sender_id == viewer.pk,
            # The member as a mentor: their offer and the testimonials mentees chose to share.
            "mentorship": mentorship_profile_section(viewer, member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    user = member_for_request(request)
    profile = user.profile
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_update(user=user, **form.service_kwargs())
            except MutualsError as error:
                _apply_refusal(form, error)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("member_detail", member_id=user.pk)
    else:
        form = ProfileForm(
            initial={
                "name": user.name,
                "headline": profile.headline,
                "company": profile.company,
                "title": profile.title,
                "location": profile.location,
                "topics": ", ".join(topic.name for topic in profile.topics.all()),
                "bio": profile.bio,
                "offers": "\n".join(profile.offers),
                "looking_for": "\n".join(profile.looking_for),
                "linkedin_url": profile.linkedin_url,
            }
        )
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def boundaries_view(request: HttpRequest) -> HttpResponse:
    """The member's own boundaries; there is no URL for anyone else's."""
    user = member_for_request(request)
    boundaries = user.boundaries
    if request.method == "POST":
        form = BoundariesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                boundaries_update(
                    user=user,
                    weekly_capacity=data["weekly_capacity"],
                    open_intents=data["open_intents"],
                    quiet_until=data["quiet_until"],
                    min_personalization=data["min_personalization"],
                    open_to_introductions=data["open_to_introductions"],
                    low_bandwidth=data["low_bandwidth"],
                    time_zone=data["time_zone"] or boundaries.time_zone,
                )
            except MutualsError as error:
                _apply_refusal(form, error)
            else:
                messages.success(request, "Your boundaries are saved.")
                return redirect("boundaries")
    else:
        quiet = boundaries.quiet_until
        form = BoundariesForm(
            initial={
                "weekly_capacity": boundaries.weekly_capacity,
                "open_intents": boundaries.open_intents,
                "quiet_until": timezone.localtime(quiet).strftime("%Y-%m-%dT%H:%M")
                if quiet and quiet > timezone.now()
                else None,
                "min_personalization": boundaries.min_personalization,
                "open_to_introductions": boundaries.open_to_introductions,
                "low_bandwidth": boundaries.low_bandwidth,
                "time_zone": boundaries.time_zone,
            }
        )
    return render(request, "accounts/boundaries.html", {"form": form, "intents": Intent.choices})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    """Personal access tokens for scripts; a new token is shown once, then only its prefix."""
    user = member_for_request(request)
    new_token = None
    if request.method == "POST":
        try:
            _, new_token = api_token_create(user=user, label=request.POST.get("label", ""))
        except MutualsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Token created. Copy it now: it will not be shown again.")
    tokens = api_tokens_active(user)
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(user=member_for_request(request), token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "Token revoked; scripts using it will stop working.")
    return redirect("api_tokens")
