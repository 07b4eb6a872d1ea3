"""Invitation and block endpoints (docs/api.md "Invitations"). Thin: parse, call one service."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from mutuals.accounts.access import access_member_by_id
from mutuals.accounts.api_auth import member
from mutuals.connections import invitations as rules
from mutuals.connections import services
from mutuals.connections.models import InvitationState
from mutuals.connections.schemas import (
    AcceptOut,
    AllowanceOut,
    BlockedMemberOut,
    BlockedMemberPage,
    BlockIn,
    BlockOut,
    DraftIn,
    FindingOut,
    InvitationCheckOut,
    InvitationCreatedOut,
    InvitationDeclineIn,
    InvitationOut,
    InvitationPage,
    InvitationReportIn,
    StateOut,
)
from mutuals.connections.selectors import blocks_made_by, invitations_for
from mutuals.core.pagination import keyset_page
from mutuals.core.schemas import refusals

router = Router(tags=["invitations"])


@router.post(
    "/invitations/check",
    response=InvitationCheckOut,
    operation_id="invitations_check",
    openapi_extra=refusals({404: ["not_found"], 422: ["invalid_context"]}),
)
def invitations_check(request: HttpRequest, payload: DraftIn) -> InvitationCheckOut:
    """Score a draft as the recipient would see it; nothing is sent."""
    report = services.invitation_check(sender=member(request), draft=payload.as_draft())
    return InvitationCheckOut(
        score=report.score,
        verdict=report.verdict,
        findings=[FindingOut(**services.finding_as_dict(f)) for f in report.findings],
    )


@router.post(
    "/invitations",
    response={201: InvitationCreatedOut},
    operation_id="invitations_create",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["already_connected", "invitation_pending", "reinvite_too_soon"],
            422: [
                "below_personalization_threshold",
                "cannot_invite_self",
                "invalid_context",
                "recipient_closed_to_intent",
            ],
            429: ["sender_allowance_exhausted"],
        }
    ),
)
def invitations_create(request: HttpRequest, payload: DraftIn) -> Status[InvitationCreatedOut]:
    """Send a connection request. `queued` when the recipient's week is full: `deliver_at`
    says when it will reach them. Refusals: see docs/api.md."""
    invitation = services.invitation_send(sender=member(request), draft=payload.as_draft())
    return Status(
        201,
        InvitationCreatedOut(
            id=invitation.pk, state=invitation.state, deliver_at=invitation.deliver_at
        ),
    )


@router.get("/invitations/allowance", response=AllowanceOut, operation_id="invitations_allowance")
def invitations_allowance(request: HttpRequest) -> AllowanceOut:
    """How many more connection requests you may send now, your weekly allowance, and when
    the next one frees up: the numbers the compose and sent pages show, from the same rule
    that refuses a request with `sender_allowance_exhausted`."""
    allowance = rules.sender_allowance(member(request))
    return AllowanceOut(
        limit=allowance.limit,
        used=allowance.used,
        remaining=allowance.remaining,
        window_days=rules.ALLOWANCE_WINDOW.days,
        acceptance_rate=allowance.acceptance_rate,
        follow_through_rate=allowance.follow_through_rate,
        reports=allowance.reports,
        retry_at=allowance.retry_at,
        frees_at=allowance.frees_at,
    )


@router.get("/invitations", response=InvitationPage, operation_id="invitations_list")
def invitations_list(
    request: HttpRequest,
    box: Literal["received", "sent"] = "received",
    state: InvitationState | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> InvitationPage:
    """Requests you received (delivered ones) or sent, newest first."""
    viewer = member(request)
    if box == "received":
        services.invitations_deliver_due(recipient=viewer)
    rows, next_cursor = keyset_page(
        invitations_for(viewer, box=box, state=state),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
    )
    return InvitationPage(
        items=[InvitationOut.build(row, viewer_id=viewer.pk) for row in rows], next=next_cursor
    )


@router.post(
    "/invitations/{invitation_id}/accept",
    response=AcceptOut,
    operation_id="invitations_accept",
    openapi_extra=refusals(
        {
            404: ["not_found"],
            409: ["already_connected", "state_changed"],
            422: ["cannot_connect_self"],
        }
    ),
)
def invitations_accept(request: HttpRequest, invitation_id: int) -> AcceptOut:
    connection = services.invitation_accept(member=member(request), invitation_id=invitation_id)
    return AcceptOut(connection_id=connection.pk)


@router.post(
    "/invitations/{invitation_id}/decline",
    response=StateOut,
    operation_id="invitations_decline",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def invitations_decline(
    request: HttpRequest, invitation_id: int, payload: InvitationDeclineIn
) -> StateOut:
    invitation = services.invitation_decline(
        member=member(request), invitation_id=invitation_id, reason=payload.reason
    )
    return StateOut(id=invitation.pk, state=invitation.state)


@router.post(
    "/invitations/{invitation_id}/ignore",
    response=StateOut,
    operation_id="invitations_ignore",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def invitations_ignore(request: HttpRequest, invitation_id: int) -> StateOut:
    """Recipient only; the sender is not told."""
    invitation = services.invitation_ignore(member=member(request), invitation_id=invitation_id)
    return StateOut(id=invitation.pk, state=invitation.state)


@router.post(
    "/invitations/{invitation_id}/withdraw",
    response=StateOut,
    operation_id="invitations_withdraw",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def invitations_withdraw(request: HttpRequest, invitation_id: int) -> StateOut:
    """Sender only."""
    invitation = services.invitation_withdraw(member=member(request), invitation_id=invitation_id)
    return StateOut(id=invitation.pk, state=invitation.state)


@router.post(
    "/invitations/{invitation_id}/report",
    response=StateOut,
    operation_id="invitations_report",
    openapi_extra=refusals({404: ["not_found"], 409: ["state_changed"]}),
)
def invitations_report(
    request: HttpRequest, invitation_id: int, payload: InvitationReportIn
) -> StateOut:
    invitation = services.invitation_report(
        member=member(request), invitation_id=invitation_id, kind=payload.kind
    )
    return StateOut(id=invitation.pk, state=invitation.state)


@router.post(
    "/blocks",
    response={201: BlockOut},
    operation_id="blocks_create",
    openapi_extra=refusals({404: ["not_found"], 422: ["cannot_block_self"]}),
)
def blocks_create(request: HttpRequest, payload: BlockIn) -> Status[BlockOut]:
    """Block a member: connection and open requests between you are removed both ways."""
    viewer = member(request)
    target = access_member_by_id(viewer, payload.member_id)
    services.block_create(blocker=viewer, blocked=target)
    return Status(201, BlockOut(member_id=target.pk, blocked=True))


@router.get("/blocks", response=BlockedMemberPage, operation_id="blocks_list")
def blocks_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> BlockedMemberPage:
    """The members you blocked, most recently blocked first. Blocks others made on you are
    never listed."""
    blocks, next_cursor = keyset_page(
        blocks_made_by(member(request)), keys=("-created_at", "-id"), cursor=cursor, limit=limit
    )
    return BlockedMemberPage(items=[BlockedMemberOut.build(b) for b in blocks], next=next_cursor)


@router.delete(
    "/blocks/{member_id}",
    response={204: None},
    operation_id="blocks_delete",
    openapi_extra=refusals({404: ["not_found"]}),
)
def blocks_delete(request: HttpRequest, member_id: int) -> HttpResponse:
    """Lift your block on a member. The connection and requests the block ended are not
    restored; a block they made on you stays. `not_found` when you have not blocked them."""
    services.block_remove(blocker=member(request), blocked_id=member_id)
    return HttpResponse(status=204)
