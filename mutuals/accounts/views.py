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
from mutuals.accounts.conduct import (
    conduct_accept,
    conduct_accepted_version,
    conduct_current,
    conduct_may_edit,
    conduct_publish,
)
from mutuals.accounts.forms import BoundariesForm, ConductForm, PrivacyForm, ProfileForm
from mutuals.accounts.models import Intent, User
from mutuals.accounts.selectors import api_tokens_active, member_for_request
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    privacy_update,
    profile_update,
)
from mutuals.core.errors import MutualsError, NotAllowed
from mutuals.core.forms import refusal_to_form, refusal_to_message


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


@login_required
@require_http_methods(["GET", "POST"])
def privacy_view(request: HttpRequest) -> HttpResponse:
    """Who sees the member's profile, and what their connections may take with them."""
    user = member_for_request(request)
    form = PrivacyForm(request.POST or None, initial=PrivacyForm.initial_for(user.profile))
    if request.method == "POST" and form.is_valid():
        try:
            privacy_update(user=user, **form.cleaned_data)
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, "Your privacy settings are saved.")
            return redirect("privacy")
    return render(request, "accounts/privacy.html", {"form": form})


def conduct_view(request: HttpRequest) -> HttpResponse:
    """The code of conduct in force, for everyone (sign-up links here)."""
    user = request.user
    signed_in = user.is_authenticated and isinstance(user, User)
    context = {
        "conduct": conduct_current(),
        "may_edit": signed_in and conduct_may_edit(user),  # type: ignore[arg-type]
        "accepted": conduct_accepted_version(user) if signed_in else None,  # type: ignore[arg-type]
    }
    return render(request, "accounts/conduct.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conduct_edit_view(request: HttpRequest) -> HttpResponse:
    """Organizers publish a new version of the code of conduct."""
    user = member_for_request(request)
    if not conduct_may_edit(user):
        raise NotAllowed("Only the community's organizers edit the code of conduct.")
    current = conduct_current()
    form = ConductForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            published = conduct_publish(user=user, text=form.cleaned_data["text"])
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, f"Version {published.version} is published.")
            return redirect("conduct")
    return render(request, "accounts/conduct_edit.html", {"form": form, "current": current})


@login_required
@require_POST
def conduct_accept_view(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    with refusal_to_message(request):
        conduct_accept(user=member_for_request(request), version=version)
        messages.success(request, "Thank you: you accepted the code of conduct.")
    return redirect("conduct")
