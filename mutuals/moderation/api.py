"""Reports and moderation (docs/api.md "Reports and moderation"). Thin: parse, call one
service, shape the answer. A member's reports are theirs alone (another's is not found);
every moderation endpoint answers `403 not_moderator` to anyone without the role."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuals.accounts.api_auth import member
from mutuals.accounts.models import User
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals
from mutuals.moderation import selectors, services
from mutuals.moderation.models import ModerationAction, ReportStatus, Suspension
from mutuals.moderation.schemas import (
    ActionOut,
    ActionPage,
    MyReportOut,
    MyReportPage,
    PostReportIn,
    PostReportOut,
    QueuePage,
    QueueReportDetailOut,
    QueueReportOut,
    ReasonBody,
    ReportContextOut,
    ReportIn,
    SuspendIn,
    SuspensionOut,
    SuspensionPage,
    WarnIn,
)
from mutuals.moderation.targets import context_for_moderator

router = Router(tags=["reports and moderation"])

_REPORT_REFUSALS = {
    404: ["not_found"],
    409: ["already_reported", "state_changed"],
    422: [
        "cannot_report_yourself",
        "cannot_report_own_message",
        "cannot_report_own_post",
        "cannot_report_own_comment",
    ],
}
_MODERATOR = {403: ["not_moderator"]}


@router.post(
    "/reports",
    response={201: MyReportOut},
    operation_id="reports_create",
    openapi_extra=refusals(_REPORT_REFUSALS),
)
def reports_create(request: HttpRequest, payload: ReportIn) -> Status[MyReportOut]:
    """Report a member, a message, a post, a comment, a request to connect you received, a
    mentorship request you received or an introduction request that reached you. The answer
    says it was received; the reported member is never told."""
    report = services.report_create(
        reporter=member(request),
        kind=payload.kind,
        target_id=payload.target_id,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, MyReportOut.build(report))


@router.get("/reports", response=MyReportPage, operation_id="reports_list")
def reports_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> MyReportPage:
    """Your reports, newest first: each `received`, then `reviewed`."""
    rows, next_cursor = keyset_page(
        selectors.reports_made_by(member(request)),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return MyReportPage(items=[MyReportOut.build(r) for r in rows], next=next_cursor)


@router.get(
    "/reports/{report_id}",
    response=MyReportOut,
    operation_id="reports_get",
    openapi_extra=refusals({404: ["not_found"]}),
)
def reports_get(request: HttpRequest, report_id: int) -> MyReportOut:
    """One of your reports (anyone else's is not found)."""
    return MyReportOut.build(selectors.report_of_reporter(member(request), report_id))


@router.post(
    "/posts/{post_id}/report",
    response={201: PostReportOut},
    operation_id="posts_report",
    openapi_extra=refusals(
        {404: ["not_found"], 409: ["already_reported"], 422: ["cannot_report_own_post"]}
    ),
)
def posts_report(
    request: HttpRequest, post_id: int, payload: PostReportIn
) -> Status[PostReportOut]:
    """Report a post: the same as `POST /api/reports` with `kind: post`."""
    report = services.report_create(
        reporter=member(request),
        kind="post",
        target_id=post_id,
        reason=payload.reason,
        note=payload.note,
    )
    out = MyReportOut.build(report)
    return Status(
        201,
        PostReportOut(
            id=out.id,
            post_id=out.target_id,
            reason=out.reason,
            status=out.status,
            created_at=out.created_at,
        ),
    )


# --- Moderators ----------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> User:
    return services.moderator_required(member(request))


@router.get(
    "/moderation/reports",
    response=QueuePage,
    operation_id="moderation_reports_list",
    openapi_extra=refusals(_MODERATOR),
)
def moderation_reports_list(
    request: HttpRequest,
    status: ReportStatus = ReportStatus.OPEN,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> QueuePage:
    """The queue: reports in a status (`open` by default), oldest first."""
    _moderator(request)
    rows, next_cursor = keyset_page(
        selectors.report_queue(status), keys=("created_at", "id"), cursor=cursor, limit=limit
    )
    counts = selectors.item_report_counts(rows)
    return QueuePage(
        items=[QueueReportOut.build(r, counts.get((r.target_kind, r.target_id), 0)) for r in rows],
        next=next_cursor,
    )


@router.get(
    "/moderation/reports/{report_id}",
    response=QueueReportDetailOut,
    operation_id="moderation_reports_get",
    openapi_extra=refusals({**_MODERATOR, 404: ["not_found"]}),
)
def moderation_reports_get(request: HttpRequest, report_id: int) -> QueueReportDetailOut:
    """A report with its item in context (the item as it stands now)."""
    _moderator(request)
    report = selectors.report_for_moderator(report_id)
    counts = selectors.item_report_counts([report])
    base = QueueReportOut.build(report, counts.get((report.target_kind, report.target_id), 0))
    context = ReportContextOut.build(context_for_moderator(report))
    return QueueReportDetailOut(**base.dict(), context=context)


# A moderator's actions on a report: (name, service, its own refusals, description).
_REPORT_ACTIONS = (
    (
        "dismiss",
        services.report_dismiss,
        {409: ["report_closed"]},
        "Close an open report; the item stays as it is.",
    ),
    (
        "hide",
        services.content_hide,
        {409: ["already_hidden"], 422: ["not_hideable"]},
        "Hide the reported post, comment or message from everyone but its author; every open\n"
        "report of it closes.",
    ),
    (
        "restore",
        services.content_restore,
        {409: ["not_hidden"], 422: ["not_hideable"]},
        "Show again the item a moderator hid.",
    ),
)


def _report_action_route(
    name: str,
    service: Callable[..., ModerationAction],
    refused: dict[int, list[str]],
    description: str,
) -> None:
    """Mount `POST /moderation/reports/{report_id}/<name>`: a reason in, the audit row out."""

    def act(request: HttpRequest, report_id: int, payload: ReasonBody) -> ActionOut:
        action = service(moderator=_moderator(request), report_id=report_id, reason=payload.reason)
        return ActionOut.build(action)

    router.post(
        f"/moderation/reports/{{report_id}}/{name}",
        response=ActionOut,
        operation_id=f"moderation_reports_{name}",
        summary=f"Moderation Reports {name.title()}",
        description=description,
        openapi_extra=refusals({**_MODERATOR, 404: ["not_found"], **refused}),
    )(act)


for _name, _service, _refused, _description in _REPORT_ACTIONS:
    _report_action_route(_name, _service, _refused, _description)


@router.post(
    "/moderation/members/{member_id}/warn",
    response=ActionOut,
    operation_id="moderation_members_warn",
    openapi_extra=refusals({**_MODERATOR, 404: ["not_found"]}),
)
def moderation_members_warn(request: HttpRequest, member_id: int, payload: WarnIn) -> ActionOut:
    """Send the member a warning (a notification in the moderators' name)."""
    action = services.member_warn(
        moderator=_moderator(request),
        member_id=member_id,
        message=payload.message,
        report_id=payload.report_id,
    )
    return ActionOut.build(action)


def _suspension_out(suspension: Suspension) -> SuspensionOut:
    return SuspensionOut.build(
        Suspension.objects.select_related("member__profile").get(pk=suspension.pk)
    )


@router.post(
    "/moderation/members/{member_id}/suspend",
    response={201: SuspensionOut},
    operation_id="moderation_members_suspend",
    openapi_extra=refusals(
        {
            **_MODERATOR,
            404: ["not_found"],
            409: ["already_suspended", "member_inactive"],
            422: ["cannot_suspend_yourself", "cannot_suspend_moderator"],
        }
    ),
)
def moderation_members_suspend(
    request: HttpRequest, member_id: int, payload: SuspendIn
) -> Status[SuspensionOut]:
    """Suspend a member for `days` or for good (`days: null`): they cannot sign in or use
    tokens and disappear from the directory, searches, suggestions and the graph."""
    suspension = services.member_suspend(
        moderator=_moderator(request),
        member_id=member_id,
        days=payload.days,
        reason=payload.reason,
        report_id=payload.report_id,
    )
    return Status(201, _suspension_out(suspension))


@router.post(
    "/moderation/members/{member_id}/restore",
    response=SuspensionOut,
    operation_id="moderation_members_restore",
    openapi_extra=refusals({**_MODERATOR, 404: ["not_found"], 409: ["not_suspended"]}),
)
def moderation_members_restore(
    request: HttpRequest, member_id: int, payload: ReasonBody
) -> SuspensionOut:
    """Lift the member's suspension now."""
    suspension = services.member_restore(
        moderator=_moderator(request), member_id=member_id, reason=payload.reason
    )
    return _suspension_out(suspension)


@router.get(
    "/moderation/suspensions",
    response=SuspensionPage,
    operation_id="moderation_suspensions_list",
    openapi_extra=refusals(_MODERATOR),
)
def moderation_suspensions_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> SuspensionPage:
    """Members suspended now, newest suspension first."""
    _moderator(request)
    rows, next_cursor = keyset_page(
        selectors.suspensions_current(), keys=("-starts_at", "-id"), cursor=cursor, limit=limit
    )
    return SuspensionPage(items=[SuspensionOut.build(s) for s in rows], next=next_cursor)


@router.get(
    "/moderation/actions",
    response=ActionPage,
    operation_id="moderation_actions_list",
    openapi_extra=refusals(_MODERATOR),
)
def moderation_actions_list(
    request: HttpRequest,
    member_id: int | None = Query(None, ge=1),  # type: ignore[type-arg]
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> ActionPage:
    """The audit log, newest first: every moderator's action with who, whom and why
    (`?member_id=` for one member's)."""
    _moderator(request)
    rows, next_cursor = keyset_page(
        selectors.actions_log(member_id=member_id),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return ActionPage(items=[ActionOut.build(a) for a in rows], next=next_cursor)


@router.post(
    "/moderation/moderators/{member_id}",
    response=ActionOut,
    operation_id="moderation_moderators_grant",
    openapi_extra=refusals({403: ["not_staff"], 404: ["not_found"]}),
)
def moderation_moderators_grant(
    request: HttpRequest, member_id: int, payload: ReasonBody
) -> ActionOut:
    """Staff make a member a moderator."""
    action = services.moderator_grant_by_staff(
        staff=member(request), member_id=member_id, reason=payload.reason
    )
    return ActionOut.build(action)


@router.post(
    "/moderation/moderators/{member_id}/revoke",
    response=ActionOut,
    operation_id="moderation_moderators_revoke",
    openapi_extra=refusals({403: ["not_staff"], 404: ["not_found"]}),
)
def moderation_moderators_revoke(
    request: HttpRequest, member_id: int, payload: ReasonBody
) -> ActionOut:
    """Staff take the role back."""
    action = services.moderator_revoke(
        revoked_by=member(request), member_id=member_id, reason=payload.reason
    )
    return ActionOut.build(action)
