"""The member's data export (docs/api.md "Your data"). Thin: parse, call one service."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from mutuals.accounts.api_auth import member
from mutuals.accounts.deletion import account_deletion_request_limited
from mutuals.core.errors import NotFound
from mutuals.core.schemas import refusals
from mutuals.rights import services
from mutuals.rights.schemas import DeletionIn, DeletionOut, ExportOut
from mutuals.rights.selectors import export_latest

router = Router(tags=["your data"])


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.post("/me/export", response={202: ExportOut}, operation_id="me_export_request")
def me_export_request(request: HttpRequest) -> Status[ExportOut]:
    """Ask for an archive of all your data. It is prepared in the background and you are
    notified when it is ready; asking while one is being prepared answers that one."""
    export = services.export_request(member=member(request), base_url=_base_url(request))
    return Status(202, ExportOut.build(export, timezone.now()))


@router.get(
    "/me/export",
    response=ExportOut,
    operation_id="me_export_status",
    openapi_extra=refusals({404: ["not_found"]}),
)
def me_export_status(request: HttpRequest) -> ExportOut:
    """Your latest export and its download link while it lasts; `not_found` before you ever
    asked for one."""
    export = export_latest(member(request))
    if export is None:
        raise NotFound("You have not asked for your data yet.")
    return ExportOut.build(export, timezone.now())


@router.get(
    "/me/export/{export_id}/download",
    operation_id="me_export_download",
    openapi_extra={
        **refusals({404: ["not_found"], 409: ["export_not_ready", "export_expired"]}),
        "responses": {
            200: {
                "description": "The archive (README.txt, data.json, connections.csv, "
                "connections.vcf, events.ics)",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    },
)
def me_export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """The ZIP of one of your exports while its link lasts."""
    content = services.export_for_download(member=member(request), export_id=export_id)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="mutuals-data-{export_id}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/me/deletion",
    response={202: DeletionOut},
    operation_id="me_deletion_request",
    openapi_extra=refusals({403: ["reauthentication_failed"], 429: ["rate_limited"]}),
)
def me_deletion_request(request: HttpRequest, payload: DeletionIn) -> Status[DeletionOut]:
    """Delete your account, confirmed with your password. It is erased at `erase_after`;
    until then it is hidden, and signing in (the sign-in page or the account flows) cancels.
    This session and your tokens stop working at once."""
    deletion = account_deletion_request_limited(
        request=request, user=member(request), password=payload.password
    )
    if request.user.is_authenticated:
        logout(request)
    return Status(202, DeletionOut.build(deletion))
