"""API shapes for invitations and blocks (docs/api.md "Invitations")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from mutuals.accounts.schemas import MemberRefOut
from mutuals.connections.models import Block, Invitation
from mutuals.connections.services import Draft, invitation_for_sender_state
from mutuals.core.schemas import Schema


class ContextIn(Schema):
    kind: str = Field(description="event, mutual, topic, content or other")
    ref: str | int | None = Field(
        default=None, description="event id, member id, topic slug or post id"
    )
    text: str = Field(default="", max_length=200, description="required for `other`")


class DraftIn(Schema):
    recipient_id: int
    context: ContextIn
    intent: str = Field(
        description="advice, mentorship, collaboration, referral, "
        "knowledge_exchange, hiring or peer"
    )
    message: str = Field(max_length=2000)

    def as_draft(self) -> Draft:
        return Draft(
            recipient_id=self.recipient_id,
            context_kind=self.context.kind,
            context_ref="" if self.context.ref is None else str(self.context.ref),
            context_text=self.context.text,
            intent=self.intent,
            message=self.message,
        )


class FindingOut(Schema):
    code: str
    message: str
    severity: str = Field(description="good, warn or bad")
    start: int | None
    end: int | None
    suggestion: str


class InvitationCheckOut(Schema):
    score: int
    verdict: str
    findings: list[FindingOut]


class InvitationCreatedOut(Schema):
    id: int
    state: str
    deliver_at: datetime


class ContextOut(Schema):
    kind: str
    ref: str
    text: str
    label: str
    verified: bool


class InvitationOut(Schema):
    id: int
    sender: MemberRefOut
    recipient: MemberRefOut
    context: ContextOut
    intent: str
    message: str
    state: str
    score: int
    verdict: str
    decline_reason: str
    created_at: datetime
    deliver_at: datetime

    @staticmethod
    def build(invitation: Invitation, *, viewer_id: int) -> InvitationOut:
        as_sender = invitation.sender_id == viewer_id
        return InvitationOut(
            id=invitation.pk,
            sender=MemberRefOut.build(invitation.sender),
            recipient=MemberRefOut.build(invitation.recipient),
            context=ContextOut(
                kind=invitation.context_kind,
                ref=invitation.context_ref,
                text=invitation.context_text,
                label=invitation.context_label,
                verified=invitation.context_verified,
            ),
            intent=invitation.intent,
            message=invitation.message,
            state=invitation_for_sender_state(invitation) if as_sender else invitation.state,
            score=invitation.score,
            verdict=invitation.verdict,
            decline_reason=invitation.decline_reason,
            created_at=invitation.created_at,
            deliver_at=invitation.deliver_at,
        )


class InvitationPage(Schema):
    items: list[InvitationOut]
    next: str | None


class InvitationDeclineIn(Schema):
    reason: str = Field(description="not_my_area, no_capacity, ask_later, dont_know_you, other")


class InvitationReportIn(Schema):
    kind: str = Field(description="unknown or spam")


class AcceptOut(Schema):
    connection_id: int


class StateOut(Schema):
    id: int
    state: str


class BlockIn(Schema):
    member_id: int


class BlockOut(Schema):
    member_id: int
    blocked: bool


class BlockedMemberOut(Schema):
    """A member you blocked, as only you see them (they cannot see you, nor you them)."""

    member: MemberRefOut
    blocked_at: datetime

    @staticmethod
    def build(block: Block) -> BlockedMemberOut:
        return BlockedMemberOut(
            member=MemberRefOut.build(block.blocked), blocked_at=block.created_at
        )


class BlockedMemberPage(Schema):
    items: list[BlockedMemberOut]
    next: str | None


class AllowanceOut(Schema):
    """How many connection requests you may still send (docs/design.md §4). The allowance runs
    over any 7 days: each request stops counting 7 days after it was sent."""

    limit: int = Field(description="requests a week: base 20 scaled by your record, 3 to 30")
    used: int = Field(description="requests sent in the last 7 days")
    remaining: int
    window_days: int = Field(description="the rolling window, in days")
    acceptance_rate: float | None = Field(
        description="share of your last 20 decided requests accepted; null below 5"
    )
    follow_through_rate: float | None = Field(
        description="pact items fulfilled on time; null before any fell due"
    )
    reports: int = Field(
        description="reports against you in 90 days that cut it: requests reported or "
        "declined as unknown (unless a moderator dismissed the report), and reports a "
        "moderator upheld"
    )
    retry_at: datetime | None = Field(description="when none remain: when the next one frees")
    frees_at: datetime | None = Field(
        description="when the oldest request in the window stops counting; null when none"
    )
