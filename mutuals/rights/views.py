"""The "Your data" page: ask for the archive, see where it stands, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mutuals.accounts.selectors import member_for_request
from mutuals.core.forms import refusal_to_message
from mutuals.rights import services
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
