"""Reads of moderation: a member's own reports, the moderators' queue and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from mutuals.accounts.models import User
from mutuals.connections.invitations import ReportOutcomes
from mutuals.connections.models import Invitation, InvitationState
from mutuals.core.compiled import CompiledQuery, aggregated
from mutuals.core.errors import NotFound
from mutuals.moderation.models import (
    ModerationAction,
    Report,
    ReportStatus,
    Suspension,
    TargetKind,
)


def reporter_status(report: Report) -> str:
    """What the reporter is told: it was received, then that it was reviewed; never what a
    moderator did about it."""
    return "received" if report.status == ReportStatus.OPEN else "reviewed"


def reports_made_by(member: User) -> QuerySet[Report]:
    """The member's own reports, newest first."""
    return Report.objects.filter(reporter=member).order_by("-created_at", "-id")


def report_of_reporter(member: User, report_id: int) -> Report:
    """One of the member's own reports; anyone else's is not found."""
    report = Report.objects.filter(pk=report_id, reporter=member).first()
    if report is None:
        raise NotFound("No such report.")
    return report


def report_queue(status: str = ReportStatus.OPEN) -> QuerySet[Report]:
    """Reports in one status with their members, oldest first (the queue is worked in the
    order reports came in)."""
    return (
        Report.objects.filter(status=status)
        .select_related("reporter__profile", "reported__profile")
        .order_by("created_at", "id")
    )


def item_report_counts(reports: list[Report]) -> dict[tuple[str, int], int]:
    """Open reports per item for a page of the queue (one query)."""
    keys = {(r.target_kind, r.target_id) for r in reports}
    if not keys:
        return {}
    rows = (
        Report.objects.filter(
            status=ReportStatus.OPEN,
            target_kind__in={k for k, _ in keys},
            target_id__in={i for _, i in keys},
        )
        .values("target_kind", "target_id")
        .annotate(n=Count("id"))
    )
    return {(row["target_kind"], row["target_id"]): row["n"] for row in rows}


def report_for_moderator(report_id: int) -> Report:
    report = (
        Report.objects.select_related("reporter__profile", "reported__profile", "resolved_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("No such report.")
    return report


def actions_log(*, member_id: int | None = None) -> QuerySet[ModerationAction]:
    """The audit log, newest first, optionally about one member."""
    rows = ModerationAction.objects.select_related("moderator__profile", "member__profile")
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    return rows.order_by("-created_at", "-id")


def suspension_current(member_id: int) -> Suspension | None:
    return Suspension.objects.filter(member_id=member_id, lifted_at__isnull=True).first()


def suspensions_current() -> QuerySet[Suspension]:
    """Members suspended now, the ones ending soonest first (for good: last)."""
    return (
        Suspension.objects.filter(lifted_at__isnull=True)
        .select_related("member__profile", "created_by")
        .order_by("ends_at", "id")
    )


def reports_made_for_export(member: User) -> list[dict[str, Any]]:
    """The member's reports for "Download my data" (registered by the site): what they
    reported and why, and what they were told of it."""
    return [
        {
            "kind": r.target_kind,
            "id": r.target_id,
            "reason": r.reason,
            "note": r.note,
            "status": reporter_status(r),
            "created_at": r.created_at,
        }
        for r in Report.objects.filter(reporter=member).order_by("created_at", "id")
    ]


def moderators() -> QuerySet[User]:
    """Active members who hold the role (directly, or as superusers), by name."""
    holds = Q(is_superuser=True) | Q(
        user_permissions__content_type__app_label="moderation",
        user_permissions__codename="moderate",
    )
    return (
        User.objects.filter(holds, is_active=True)
        .distinct()
        .select_related("profile")
        .order_by("name", "id")
    )


def report_outcomes_of(member: User, since: datetime) -> ReportOutcomes:
    """What moderators decided about reports against `member` since `since`, for their
    allowance to send requests (registered with `connections.invitations` by
    `ModerationConfig.ready`; docs/design.md §4):

    - `upheld`: items other than requests to connect whose report a moderator closed as
      acted on (hid it, warned or suspended them over it) since `since` and did not undo
      (`overturned_at`), each item once however many reported it. A reported request already
      counts, as a request.
    - `requests_cleared`: their requests reported since `since` whose report a moderator
      dismissed, with none of its reports acted on: the cut the recipient's word made at
      once is taken back.
    """
    upheld_items = _upheld_items_compiled.fetch(member_id=member.pk, since=since)
    cleared = _cleared_compiled.fetch(member_id=member.pk, since=since)[0]["count"]
    return ReportOutcomes(upheld=len(upheld_items), requests_cleared=cleared)


def _upheld(member_id: int, since: datetime) -> QuerySet[Report, tuple[str, int]]:
    """The items (kind, id) other than requests whose report against the member was acted on
    since `since` and not undone, each once."""
    return (
        Report.objects.filter(
            status=ReportStatus.ACTIONED,
            overturned_at__isnull=True,
            reported=member_id,
            resolved_at__gte=since,
        )
        .exclude(target_kind=TargetKind.INVITATION)
        .order_by()
        .values_list("target_kind", "target_id")
        .distinct()
    )


def _cleared(member_id: int, since: datetime) -> QuerySet[Invitation, dict[str, int]]:
    """How many of the member's requests reported since `since` a moderator dismissed, with
    none of their reports acted on."""
    upheld = Report.objects.filter(status=ReportStatus.ACTIONED, overturned_at__isnull=True)
    requests = Report.objects.filter(target_kind=TargetKind.INVITATION)
    return aggregated(
        Invitation.objects.filter(
            sender=member_id, state=InvitationState.REPORTED, responded_at__gte=since
        )
        .filter(pk__in=requests.filter(status=ReportStatus.DISMISSED).values("target_id"))
        .exclude(pk__in=requests.filter(pk__in=upheld.values("pk")).values("target_id")),
        count=Count("id"),
    )


# Read for every request sent (the sender's allowance): compiled once per process (issue 20).
_upheld_items_compiled: CompiledQuery[tuple[str, int]] = CompiledQuery(
    _upheld, member_id=-730_091, since=datetime(2001, 1, 1, tzinfo=UTC)
)
_cleared_compiled: CompiledQuery[dict[str, int]] = CompiledQuery(
    _cleared, member_id=-730_092, since=datetime(2001, 1, 2, tzinfo=UTC)
)
