"""Member pages: profile editing with the photo and the history (experience, education),
boundaries and API tokens, and the photos' own addresses (the directory and a member's page
show other apps' parts too: `mutuals.site.member_pages`).

Thin: parse the form, call the same service the API calls, show the outcome. A service's
`Refused` becomes form errors on the fields it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuals.accounts import history, photos, providers
from mutuals.accounts.conduct import (
    conduct_accept,
    conduct_accepted_version,
    conduct_current,
    conduct_may_edit,
    conduct_publish,
)
from mutuals.accounts.forms import (
    HISTORY_FORMS,
    BoundariesForm,
    ConductForm,
    HistoryForm,
    PhotoForm,
    PrivacyForm,
    ProfileForm,
)
from mutuals.accounts.models import Intent, User
from mutuals.accounts.selectors import api_tokens_active, member_for_request
from mutuals.accounts.services import (
    api_token_create,
    api_token_revoke,
    boundaries_update,
    privacy_update,
    profile_update,
)
from mutuals.core.errors import MutualsError, NotAllowed, NotFound
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
    return render(request, "accounts/profile_edit.html", _profile_page(user, form, PhotoForm()))


def _profile_page(user: User, form: ProfileForm, photo_form: PhotoForm) -> dict[str, Any]:
    return {
        "form": form,
        "photo_form": photo_form,
        "experience": history.history_entries(user, "experience"),
        "education": history.history_entries(user, "education"),
        **{f"{kind}_form": form_class(prefix=kind) for kind, form_class in HISTORY_FORMS.items()},
    }


@login_required
@require_POST
def photo_upload_view(request: HttpRequest) -> HttpResponse:
    """A new profile photo from the profile page; a refusal is shown on its form."""
    user = member_for_request(request)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            photos.photo_set(user=user, stream=upload, size=upload.size, crop=form.crop())
        except MutualsError as error:
            refusal_to_form(form, error, field_names={"crop": "crop_size"})
        else:
            messages.success(request, "Your photo is saved.")
            return redirect("profile_edit")
    page = _profile_page(user, ProfileForm(initial=ProfileForm.initial_for(user)), form)
    return render(request, "accounts/profile_edit.html", page, status=422)


@login_required
@require_POST
def photo_remove_view(request: HttpRequest) -> HttpResponse:
    photos.photo_remove(user=member_for_request(request))
    messages.success(request, "Your photo is removed; your initials show instead.")
    return redirect("profile_edit")


@require_GET
def photo_view(request: HttpRequest, member_id: int, key: str, size: int) -> HttpResponse:
    """One stored size of a photo. Its address changes with its content, so it is cached for
    ever; an address no photo has (any more) is not found."""
    data = photos.photo_file(member_id, key, size)
    if data is None:
        raise NotFound("No such photo.")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = photos.cache_control()
    response["ETag"] = f'"{key}-{size}"'
    return response


def _history_form(kind: str) -> type[HistoryForm]:
    if kind not in HISTORY_FORMS:
        raise NotFound("No such part of a profile.")
    return HISTORY_FORMS[kind]


@login_required
@require_POST
def history_add_view(request: HttpRequest, kind: history.Kind) -> HttpResponse:
    """Add an experience or education entry from the profile page; a refusal stays on its
    form with what was typed."""
    user = member_for_request(request)
    form = _history_form(kind)(request.POST, prefix=kind)
    if form.is_valid():
        try:
            history.history_add(user=user, kind=kind, **form.service_kwargs())
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, "Added to your profile.")
            return redirect(f"{reverse('profile_edit')}#{kind}")
    page = _profile_page(user, ProfileForm(initial=ProfileForm.initial_for(user)), PhotoForm())
    return render(request, "accounts/profile_edit.html", {**page, f"{kind}_form": form}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def history_edit_view(request: HttpRequest, kind: history.Kind, entry_id: int) -> HttpResponse:
    user = member_for_request(request)
    form_class = _history_form(kind)
    entry = next((e for e in history.history_entries(user, kind) if e.pk == entry_id), None)
    if entry is None:
        raise NotFound(f"You have no such {kind} entry.")
    form = form_class(request.POST or None, initial=form_class.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            history.history_update(user=user, kind=kind, entry_id=entry_id, **form.service_kwargs())
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(f"{reverse('profile_edit')}#{kind}")
    return render(request, "accounts/history_edit.html", {"form": form, "kind": kind})


@login_required
@require_POST
def history_remove_view(request: HttpRequest, kind: history.Kind, entry_id: int) -> HttpResponse:
    _history_form(kind)
    history.history_remove(user=member_for_request(request), kind=kind, entry_id=entry_id)
    messages.success(request, "Removed from your profile.")
    return redirect(f"{reverse('profile_edit')}#{kind}")


@login_required
@require_POST
def history_move_view(request: HttpRequest, kind: history.Kind, entry_id: int) -> HttpResponse:
    """Move an entry a place up or down the member's list (`direction` up or down)."""
    _history_form(kind)
    step = -1 if request.POST.get("direction") == "up" else 1
    with refusal_to_message(request):
        history.history_move(
            user=member_for_request(request), kind=kind, entry_id=entry_id, step=step
        )
    return redirect(f"{reverse('profile_edit')}#{kind}")


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


def _safe_next(request: HttpRequest, raw: str) -> str:
    """A page of this site to go on to after accepting, or empty."""
    allowed = url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return raw if raw.startswith("/") and allowed else ""


def conduct_view(request: HttpRequest) -> HttpResponse:
    """The code of conduct in force, for everyone (sign-up links here); for a member who has
    not accepted it, also the interstitial every page sends them to (`next`: the page they
    asked for, where accepting takes them)."""
    user = request.user
    signed_in = user.is_authenticated and isinstance(user, User)
    context = {
        "conduct": conduct_current(),
        "may_edit": signed_in and conduct_may_edit(user),  # type: ignore[arg-type]
        "accepted": conduct_accepted_version(user) if signed_in else None,  # type: ignore[arg-type]
        "next": _safe_next(request, request.GET.get("next", "")),
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
    next_page = _safe_next(request, request.POST.get("next", ""))
    with refusal_to_message(request):
        conduct_accept(user=member_for_request(request), version=version)
        messages.success(request, "Thank you: you accepted the code of conduct.")
        if next_page:
            return redirect(next_page)
    return redirect("conduct")
