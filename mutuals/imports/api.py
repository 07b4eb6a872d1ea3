"""Imports endpoints (docs/api.md "Imports"). Thin: check access, call a service, shape the answer.

Imports are private: another member's import answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from mutuals.accounts.api_auth import member
from mutuals.core.errors import Conflict
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.imports.access import access_import_by_id
from mutuals.imports.models import Import
from mutuals.imports.schemas import (
    AuditOut,
    AuditSuggestionOut,
    ImportCreatedOut,
    ImportOut,
    ImportPage,
    OwnProfileIn,
    OwnProfileOut,
)
from mutuals.imports.selectors import bring_them_in, import_list_for
from mutuals.imports.services import import_create, import_delete, own_profile_apply

router = Router(tags=["imports"])


@router.post(
    "/imports/linkedin",
    response={202: ImportCreatedOut},
    operation_id="imports_linkedin_create",
    openapi_extra=refusals({422: ["export_too_large", "invalid_export"]}),
)
def imports_linkedin_create(
    request: HttpRequest, file: File[UploadedFile]
) -> Status[ImportCreatedOut]:
    """Upload a LinkedIn data export (the ZIP, or one of its CSV files) as multipart `file`.

    A file over the size limit is refused before it is read (`422 export_too_large`), and one
    that is not a LinkedIn export at a glance (its list of files, or a CSV's header) with
    `422 invalid_export`, naming the file and line. An accepted export is read and imported in
    the background; follow `GET /api/imports/{id}` (a broken row shows there as the import's
    error).
    """
    created = import_create(owner=member(request), file_name=file.name or "", upload=file)
    return Status(202, ImportCreatedOut(id=created.pk, status=created.status))


@router.get("/imports", response=ImportPage, operation_id="imports_list")
def imports_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ImportPage:
    """Your imports, oldest first."""
    items, next_cursor = keyset_page(
        import_list_for(member(request)), keys=("id",), cursor=cursor, limit=limit
    )
    return ImportPage(items=[ImportOut.build(item) for item in items], next=next_cursor)


@router.get(
    "/imports/{import_id}",
    response={200: ImportOut},
    operation_id="imports_read",
    openapi_extra=refusals({404: ["not_found"]}),
)
def imports_read(request: HttpRequest, import_id: int) -> ImportOut:
    """Status, progress (0–100), counts and, when it failed, the error."""
    return ImportOut.build(access_import_by_id(member(request), import_id))


@router.get(
    "/imports/{import_id}/audit",
    response={200: AuditOut},
    operation_id="imports_audit",
    openapi_extra=refusals({404: ["not_found"], 409: ["import_not_finished"]}),
)
def imports_audit(request: HttpRequest, import_id: int) -> AuditOut:
    """The network audit of an import; `409 import_not_finished` until it is done."""
    viewer = member(request)
    found = access_import_by_id(viewer, import_id)
    if found.status != Import.Status.DONE or not found.audit:
        raise Conflict(
            "The import has not finished; its audit is not ready.",
            code="import_not_finished",
            detail={"status": found.status, "progress": found.progress},
        )
    audit = found.audit
    return AuditOut(
        id=found.pk,
        **{key: audit[key] for key in AuditOut.model_fields if key in audit},
        bring_them_in=[AuditSuggestionOut.build(s) for s in bring_them_in(viewer)],
    )


@router.post(
    "/imports/{import_id}/profile",
    response={200: OwnProfileOut},
    operation_id="imports_profile_apply",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["import_not_finished"],
            422: ["nothing_chosen", "too_many_entries"],
        }
    ),
)
def imports_profile_apply(
    request: HttpRequest, import_id: int, payload: OwnProfileIn
) -> OwnProfileOut:
    """Bring what the member chose from their export into their own profile: `fields` among
    the audit's `own_profile.fields` (headline, bio, location, company, title), `skills`
    among its `own_profile.skills`, added to their topics, and `positions` and `education`,
    places (from 0) in its `own_profile.positions` and `own_profile.education`, added as
    experience and education entries. Only what is named is applied, and only if the export
    offers it and the profile does not have it yet; naming nothing is `422 nothing_chosen`; a
    value the profile refuses (a thirteenth topic, a 31st position) refuses the whole change
    (`422 invalid_fields`, `422 too_many_entries`)."""
    applied = own_profile_apply(
        viewer=member(request),
        import_id=import_id,
        fields=payload.fields,
        skills=payload.skills,
        positions=payload.positions,
        education=payload.education,
    )
    return OwnProfileOut(applied=applied)


@router.delete(
    "/imports/{import_id}",
    response={204: None},
    operation_id="imports_delete",
    openapi_extra=refusals({404: ["not_found"]}),
)
def imports_delete(request: HttpRequest, import_id: int) -> HttpResponse:
    """Delete the import and every contact and interaction it brought (that no other import
    of yours brought too)."""
    import_delete(viewer=member(request), import_id=import_id)
    return HttpResponse(status=204)
