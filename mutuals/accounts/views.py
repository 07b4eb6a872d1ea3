"""Member pages: profile editing, boundaries and API tokens (the directory and a member's
page show other apps' parts too: `mutuals.site.member_pages`).

Thin: parse the form, call the same service the API calls, show the outcome. A service's
`Refused` becomes form errors on the fields it names.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts import providers
from mutuals.accounts.forms import BoundariesForm, ProfileForm
from mutuals.accounts.models import Intent
from mutuals.accounts.selectors import api_tokens_active, member_for_request
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    profile_update,
)
from mutuals.core.errors import MutualsError
from mutuals.core.forms import refusal_to_form


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    user = member_for_request(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_update(user=user, **form.service_kwargs())
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("member_detail", member_id=user.pk)
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user))
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
            try:
                boundaries_update(user=user, **form.service_kwargs(boundaries))
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Your boundaries are saved.")
                return redirect("boundaries")
    else:
        form = BoundariesForm(initial=BoundariesForm.initial_for(boundaries))
    sections = providers.boundaries_sections(request, user)
    context = {"form": form, "intents": Intent.choices, "sections": sections}
    return render(request, "accounts/boundaries.html", context)


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
    api_token_revoke(user=member_for_request(request), token_id=token_id)
    messages.success(request, "Token revoked; scripts using it will stop working.")
    return redirect("api_tokens")
