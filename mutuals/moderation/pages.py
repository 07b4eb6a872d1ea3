"""What the moderation pages show, assembled from selectors (the views stay thin)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

from mutuals.accounts.models import User
from mutuals.core.errors import NotFound
from mutuals.moderation import selectors
from mutuals.moderation.forms import ReasonForm, SuspendForm, WarnForm
from mutuals.moderation.models import HIDEABLE, Report, ReportStatus
from mutuals.moderation.targets import context_for_moderator

PAGE_SIZE = 20


def _member_forms(report_id: int | None) -> dict[str, Any]:
    """The action forms, each with its own element ids (several share one page)."""
    return {
        "reason_form": ReasonForm(auto_id="decide_%s"),
        "restore_form": ReasonForm(auto_id="restore_%s"),
        "warn_form": WarnForm(auto_id="warn_%s", initial={"report_id": report_id}),
        "suspend_form": SuspendForm(
            auto_id="suspend_%s", initial={"report_id": report_id, "days": "7"}
        ),
    }


def queue_context(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", ReportStatus.OPEN)
    if status not in ReportStatus.values:
        status = ReportStatus.OPEN
    page = Paginator(selectors.report_queue(status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.item_report_counts(list(page.object_list))
    for report in page.object_list:
        report.item_open_reports = counts.get((report.target_kind, report.target_id), 0)  # type: ignore[attr-defined]
    return {
        "page": page,
        "status": status,
        "statuses": ReportStatus.choices,
        "suspended": selectors.suspensions_current()[:PAGE_SIZE],
    }


def report_context(report: Report) -> dict[str, Any]:
    counts = selectors.item_report_counts([report])
    others = Report.objects.filter(
        target_kind=report.target_kind, target_id=report.target_id
    ).exclude(pk=report.pk)
    return {
        "report": report,
        "context": context_for_moderator(report),
        "hideable": report.target_kind in HIDEABLE,
        "item_open_reports": counts.get((report.target_kind, report.target_id), 0),
        "other_reports": others.select_related("reporter").order_by("created_at", "id"),
        "actions": report.actions.select_related("moderator").order_by("-created_at", "-id"),
        "suspension": selectors.suspension_current(report.reported_id)
        if report.reported_id
        else None,
        **_member_forms(report_id=report.pk),
    }


def member_context(member_id: int) -> dict[str, Any]:
    member = User.objects.select_related("profile").filter(pk=member_id).first()
    if member is None:
        raise NotFound("That member was not found.")
    return {
        "member": member,
        "suspension": selectors.suspension_current(member.pk),
        "reports": Report.objects.filter(reported=member)
        .select_related("reporter")
        .order_by("-created_at", "-id")[:PAGE_SIZE],
        "actions": selectors.actions_log(member_id=member.pk)[:PAGE_SIZE],
        **_member_forms(report_id=None),
    }
