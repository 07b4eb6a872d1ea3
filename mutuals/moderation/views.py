"""Reporting, a member's own reports, and the moderators' pages (the queue, a report in
context, a member's record, the audit log, the moderators). Views are named like the API
operations, and one view serves every moderator's button (`ACTIONS`); every moderator's page
answers 403 to anyone without the role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import Conflict, MutualsError, Refused
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.moderation import pages, selectors, services
from mutuals.moderation.forms import GrantForm, ReasonForm, ReportForm, SuspendForm, WarnForm
from mutuals.moderation.targets import target_for_reporter


def _moderator(request: HttpRequest) -> User:
    return services.moderator_required(member_for_request(request))


@login_required
@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    target = target_for_reporter(viewer, kind, target_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=viewer, kind=kind, target_id=target_id, **form.cleaned_data
            )
        except Conflict as error:
            messages.info(request, error.message)
            return redirect(target.url)
        except MutualsError as error:
            refusal_to_form(form, error)
        else:
            messages.success(
                request,
                "Thank you: your report was received. The moderators will look at it, and "
                f"{target.about.get_short_name()} is not told who reported it.",
            )
            return redirect(target.url)
    own = target.about.pk == viewer.pk
    return render(request, "moderation/report.html", {"form": form, "target": target, "own": own})


@login_required
def reports_list_view(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_made_by(member_for_request(request))
    page = Paginator(reports, pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/my_reports.html", {"page": page})


@login_required
def moderation_reports_list_view(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(request, "moderation/queue.html", pages.queue_context(request))


@login_required
def moderation_reports_get_view(request: HttpRequest, report_id: int) -> HttpResponse:
    _moderator(request)
    report = selectors.report_for_moderator(report_id)
    return render(request, "moderation/report_detail.html", pages.report_context(report))


@login_required
def moderation_member_view(request: HttpRequest, member_id: int) -> HttpResponse:
    _moderator(request)
    return render(request, "moderation/member.html", pages.member_context(member_id))


@dataclass(frozen=True, slots=True)
class ModeratorAction:
    """A moderator's button on a report (`reports`) or a member (`members`): the form it
    reads, what a refused form says, the service it calls with the form's fields, and what
    it says when done."""

    subject: Literal["reports", "members"]
    name: str
    form: type[MemberForm]
    refused: str
    service: Callable[..., object]
    done: str


_WHY = "Say why, for the record."

# Each is served at moderation/<subject>/<id>/<name>/, named moderation_<subject>_<name>.
ACTIONS = (
    ModeratorAction(
        "reports", "dismiss", ReasonForm, _WHY, services.report_dismiss, "Report dismissed."
    ),
    ModeratorAction(
        "reports",
        "hide",
        ReasonForm,
        _WHY,
        services.content_hide,
        "Hidden: only its author still sees it.",
    ),
    ModeratorAction(
        "reports", "restore", ReasonForm, _WHY, services.content_restore, "Shown again to everyone."
    ),
    ModeratorAction(
        "members",
        "warn",
        WarnForm,
        "Write the warning to send.",
        services.member_warn,
        "Warning sent.",
    ),
    ModeratorAction(
        "members",
        "suspend",
        SuspendForm,
        _WHY,
        services.member_suspend,
        "Suspended: they cannot sign in until restored.",
    ),
    ModeratorAction(
        "members",
        "restore",
        ReasonForm,
        _WHY,
        services.member_restore,
        "Restored: they can sign in again.",
    ),
)


@login_required
@require_POST
def moderation_action_view(
    request: HttpRequest, action: ModeratorAction, **subject: int
) -> HttpResponse:
    """Every button of `ACTIONS`. After a report's, back to the report; after a member's, to
    the report it was taken from (`report_id`) or else to the member."""
    moderator = _moderator(request)
    form = action.form(request.POST)
    report_id = subject.get("report_id")
    with refusal_to_message(request):
        if not form.is_valid():
            raise Refused(action.refused, code="invalid_fields")
        report_id = report_id or form.cleaned_data.get("report_id")
        action.service(moderator=moderator, **subject, **form.cleaned_data)
        messages.success(request, action.done)
    if report_id:
        return redirect("moderation_report", report_id=report_id)
    return redirect("moderation_member", member_id=subject["member_id"])


@login_required
def moderation_actions_list_view(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    page = Paginator(selectors.actions_log(), pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def moderation_moderators_view(request: HttpRequest) -> HttpResponse:
    """Staff see the moderators and make a member one by their e-mail address."""
    staff = member_for_request(request)
    services.staff_required(staff)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderator_grant_by_email(staff=staff, **form.cleaned_data)
        except MutualsError as error:
            refusal_to_form(form, error, field_for_code={"not_found": "email"})
        else:
            messages.success(request, "They are a moderator now.")
            return redirect("moderation_moderators")
    context = {"form": form, "moderators": selectors.moderators()}
    return render(request, "moderation/moderators.html", context)


@login_required
@require_POST
def moderation_moderators_revoke_view(request: HttpRequest, member_id: int) -> HttpResponse:
    staff = member_for_request(request)
    services.staff_required(staff)
    with refusal_to_message(request):
        services.moderator_revoke(
            revoked_by=staff, member_id=member_id, reason="Removed on the moderators page."
        )
        messages.success(request, "They are no longer a moderator.")
    return redirect("moderation_moderators")
