"""What the moderation endpoints read and answer (docs/api.md "Reports and moderation")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field

from mutuals.accounts.models import User
from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.moderation.models import ModerationAction, Report, Suspension
from mutuals.moderation.selectors import reporter_status
from mutuals.moderation.targets import Context

TargetKindIn = Literal[
    "member", "message", "post", "comment", "invitation", "mentorship", "introduction"
]
ReasonIn = Literal["spam", "harassment", "misleading", "impersonation", "off_topic", "other"]


class ReportIn(Schema):
    kind: TargetKindIn
    target_id: int = Field(ge=1)
    reason: ReasonIn
    note: str = Field(default="", max_length=1000)


class PostReportIn(Schema):
    reason: ReasonIn
    note: str = Field(default="", max_length=1000)


class MyReportOut(Schema):
    """A report as its reporter sees it: never what a moderator did about it."""

    id: int
    kind: str
    target_id: int
    reason: str
    note: str
    status: Literal["received", "reviewed"] = Field(
        description="`received` until a moderator looked at it, then `reviewed`"
    )
    created_at: datetime

    @staticmethod
    def build(report: Report) -> MyReportOut:
        return MyReportOut(
            id=report.pk,
            kind=report.target_kind,
            target_id=report.target_id,
            reason=report.reason,
            note=report.note,
            status=reporter_status(report),  # type: ignore[arg-type]
            created_at=report.created_at,
        )


class MyReportPage(Schema):
    items: list[MyReportOut]
    next: str | None


class PostReportOut(Schema):
    """The answer of `POST /api/posts/{id}/report` (kept from before reports had one model)."""

    id: int
    post_id: int
    reason: str
    status: Literal["received", "reviewed"]
    created_at: datetime


def _ref(member: User | None) -> MemberRefOut | None:
    return None if member is None else MemberRefOut.build(member)


class QueueReportOut(Schema):
    id: int
    kind: str
    target_id: int
    reason: str
    note: str
    excerpt: str = Field(description="what the item said when it was reported")
    status: Literal["open", "actioned", "dismissed"]
    reporter: MemberRefOut | None
    reported: MemberRefOut | None
    created_at: datetime
    resolved_at: datetime | None
    item_open_reports: int = Field(description="open reports of the same item, this one included")

    @staticmethod
    def build(report: Report, item_open_reports: int) -> QueueReportOut:
        return QueueReportOut(
            id=report.pk,
            kind=report.target_kind,
            target_id=report.target_id,
            reason=report.reason,
            note=report.note,
            excerpt=report.excerpt,
            status=report.status,  # type: ignore[arg-type]
            reporter=_ref(report.reporter),
            reported=_ref(report.reported),
            created_at=report.created_at,
            resolved_at=report.resolved_at,
            item_open_reports=item_open_reports,
        )


class QueuePage(Schema):
    items: list[QueueReportOut]
    next: str | None


class ReportThreadItemOut(Schema):
    sender: str
    text: str
    reported: bool
    hidden: bool


class ReportContextOut(Schema):
    exists: bool = Field(description="false once the item was deleted")
    hidden: bool
    title: str
    text: str = Field(description="the item's words now")
    thread: list[ReportThreadItemOut] = Field(
        description="around a message: the messages before and after it; a comment: its post"
    )

    @staticmethod
    def build(context: Context) -> ReportContextOut:
        return ReportContextOut(
            exists=context.exists,
            hidden=context.hidden,
            title=context.title,
            text=context.text,
            thread=[
                ReportThreadItemOut(sender=s, text=t, reported=r, hidden=h)
                for s, t, r, h in context.thread
            ],
        )


class QueueReportDetailOut(QueueReportOut):
    context: ReportContextOut


class ReasonBody(Schema):
    reason: str = Field(min_length=1, max_length=1000, description="why, for the audit log")


class WarnIn(Schema):
    message: str = Field(
        min_length=1, max_length=1000, description="sent to the member as a notification"
    )
    report_id: int | None = Field(default=None, ge=1)


class SuspendIn(Schema):
    days: int | None = Field(
        default=None, ge=1, le=3650, description="how long; null suspends for good"
    )
    reason: str = Field(min_length=1, max_length=1000)
    report_id: int | None = Field(default=None, ge=1)


class ActionOut(Schema):
    id: int
    action: str
    moderator: MemberRefOut | None = Field(description="null for the sweep lifting a suspension")
    member: MemberRefOut | None
    report_id: int | None
    kind: str = Field(description="the item's kind, when the action was on a report's item")
    target_id: int | None
    reason: str
    until: datetime | None
    created_at: datetime

    @staticmethod
    def build(action: ModerationAction) -> ActionOut:
        return ActionOut(
            id=action.pk,
            action=action.action,
            moderator=_ref(action.moderator),
            member=_ref(action.member),
            report_id=action.report_id,
            kind=action.target_kind,
            target_id=action.target_id,
            reason=action.reason,
            until=action.until,
            created_at=action.created_at,
        )


class ActionPage(Schema):
    items: list[ActionOut]
    next: str | None


class SuspensionOut(Schema):
    id: int
    member: MemberRefOut
    starts_at: datetime
    ends_at: datetime | None = Field(description="null: for good")
    reason: str
    lifted_at: datetime | None

    @staticmethod
    def build(suspension: Suspension) -> SuspensionOut:
        return SuspensionOut(
            id=suspension.pk,
            member=MemberRefOut.build(suspension.member),
            starts_at=suspension.starts_at,
            ends_at=suspension.ends_at,
            reason=suspension.reason,
            lifted_at=suspension.lifted_at,
        )


class SuspensionPage(Schema):
    items: list[SuspensionOut]
    next: str | None
