"""Import pages: upload with progress (HTMX polling, a meta refresh without JavaScript), the
audit, the downloadable report, deletion. Thin: the same services and selectors as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import NotFound, Refused
from mutuals.core.forms import refusal_to_message
from mutuals.core.htmx import HtmxHttpRequest
from mutuals.imports.access import access_import_by_id
from mutuals.imports.forms import ExportUploadForm
from mutuals.imports.lists import LISTS, as_csv
from mutuals.imports.models import Import
from mutuals.imports.report import audit_context, render_report
from mutuals.imports.selectors import (
    bring_them_in,
    import_list_for,
    own_history_offer,
    own_profile_offer,
)
from mutuals.imports.services import import_create, import_delete, own_profile_apply


def _owned(request: HttpRequest, import_id: int) -> Import:
    return access_import_by_id(member_for_request(request), import_id)


@csrf_exempt  # checked below, once the size limit can answer first (Django's upload docs)
@login_required
@require_http_methods(["GET", "POST"])
def imports_view(request: HttpRequest) -> HttpResponse:
    """The upload form. Reading the body (CSRF check included) can refuse an upload that is
    too large before it is read; that refusal is shown on the form like any other."""
    try:
        return _imports_form(request)
    except Refused as exc:
        messages.error(request, exc.message)
        viewer = member_for_request(request)
        return render(
            request,
            "imports/imports.html",
            {"form": ExportUploadForm(), "imports": import_list_for(viewer)},
            status=422,
        )


@csrf_protect
def _imports_form(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    form = ExportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = import_create(owner=viewer, file_name=upload.name, upload=upload)
        except Refused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "Export received; importing it now.")
            return redirect("import_detail", import_id=created.pk)
    return render(
        request, "imports/imports.html", {"form": form, "imports": import_list_for(viewer)}
    )


@login_required
def import_detail_view(request: HttpRequest, import_id: int) -> HttpResponse:
    item = _owned(request, import_id)
    context: dict[str, Any] = {"item": item, "audit": None}
    if item.status == Import.Status.DONE and item.audit:
        context.update(audit_context(item.audit, csv_href=_csv_href(item.pk)))
        context["suggestions"] = bring_them_in(member_for_request(request))
    return render(request, "imports/import_detail.html", context)


@login_required
def import_status_view(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """The polled progress fragment; once the import is done the page reloads to the audit."""
    item = _owned(request, import_id)
    if request.htmx and item.status == Import.Status.DONE:
        return HttpResponseClientRefresh()
    return render(request, "imports/_import_status.html", {"item": item})


@login_required
def import_report_view(request: HttpRequest, import_id: int) -> HttpResponse:
    item = _owned(request, import_id)
    if item.status != Import.Status.DONE or not item.audit:
        raise NotFound("The audit is not ready.")
    response = HttpResponse(render_report(item.audit), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-audit-{item.pk}.html"'
    return response


def _csv_href(import_id: int) -> Any:
    return lambda name: reverse("import_list_csv", args=[import_id, name])


@login_required
def import_list_csv_view(request: HttpRequest, import_id: int, name: str) -> HttpResponse:
    """One of the audit's lists, whole, as a CSV file."""
    item = _owned(request, import_id)
    if item.status != Import.Status.DONE or not item.audit or name not in LISTS:
        raise NotFound("There is no such list.")
    response = HttpResponse(as_csv(item.audit, name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{item.pk}-{name}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_profile_view(request: HttpRequest, import_id: int) -> HttpResponse:
    """Bring your own profile in: what the export would change, side by side with the profile
    now; only what the member ticks is applied."""
    viewer = member_for_request(request)
    item = access_import_by_id(viewer, import_id)
    if request.method == "POST":
        with refusal_to_message(request):
            applied = own_profile_apply(
                viewer=viewer,
                import_id=item.pk,
                fields=request.POST.getlist("field"),
                skills=request.POST.getlist("skill"),
                positions=_indices(request.POST.getlist("position")),
                education=_indices(request.POST.getlist("education")),
            )
            messages.success(request, f"Brought into your profile: {', '.join(applied)}.")
        return redirect("import_profile", import_id=item.pk)
    if item.status != Import.Status.DONE or not item.audit:
        raise NotFound("The audit is not ready.")
    changes, skills = own_profile_offer(viewer, item)
    proposal = item.audit.get("own_profile") or {}
    context = {"item": item, "changes": changes, "skills": skills, "proposal": proposal}
    history = own_history_offer(viewer, item)
    context |= {"positions": history["experience"], "schools": history["education"]}
    context["offered"] = bool(changes or skills) or any(
        not offer.problem for offers in history.values() for offer in offers
    )
    return render(request, "imports/import_profile.html", context)


def _indices(values: list[str]) -> list[int]:
    """The ticked entries' places; anything else a form could send is no place."""
    return [int(value) for value in values if value.isdigit() and len(value) < 6]


@login_required
@require_POST
def import_delete_view(request: HttpRequest, import_id: int) -> HttpResponse:
    import_delete(viewer=member_for_request(request), import_id=import_id)
    messages.success(request, "Import deleted, with everything it brought.")
    return redirect("imports")
