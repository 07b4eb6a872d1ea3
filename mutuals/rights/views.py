"""The "Your data" page: ask for the archive, see where it stands, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.deletion import account_deletion_request_limited, grace_period
from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import MutualsError
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.rights import services
from mutuals.rights.forms import DeleteAccountForm
from mutuals.rights.selectors import export_latest


@login_required
def my_data_view(request: HttpRequest) -> HttpResponse:
    export = export_latest(member_for_request(request))
    downloadable = export is not None and export.is_downloadable(timezone.now())
    context = {"export": export, "downloadable": downloadable}
    return render(request, "rights/my_data.html", context)


@login_required
@require_POST
def me_export_request_view(request: HttpRequest) -> HttpResponse:
    services.export_request(
        member=member_for_request(request), base_url=request.build_absolute_uri("/").rstrip("/")
    )
    messages.success(
        request, "We are preparing your data. You will get a notification when it is ready."
    )
    return redirect("my_data")


@login_required
def me_export_download_view(request: HttpRequest, export_id: int) -> HttpResponse:
    """The archive; not ready yet or expired is said on the page instead."""
    with refusal_to_message(request):
        content = services.export_for_download(
            member=member_for_request(request), export_id=export_id
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="mutuals-data-{export_id}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response
    return redirect("my_data")


@login_required
@require_http_methods(["GET", "POST"])
def me_delete_view(request: HttpRequest) -> HttpResponse:
    """Delete my account: re-authenticate, then the grace period starts and you are signed
    out; signing in before it ends cancels."""
    form = DeleteAccountForm(request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            deletion = account_deletion_request_limited(
                request=request,
                user=member_for_request(request),
                password=form.cleaned_data["password"],
            )
        except MutualsError as error:
            refusal_to_form(form, error, field_for_code={"reauthentication_failed": "password"})
        else:
            logout(request)
            erase_on = formats.date_format(timezone.localtime(deletion.erase_after))
            messages.success(
                request,
                f"Your account will be deleted on {erase_on}. Until then it is hidden; "
                "sign in before that day if you change your mind.",
            )
            return redirect("home")
    days = grace_period().days
    return render(request, "rights/delete_account.html", {"form": form, "days": days})
