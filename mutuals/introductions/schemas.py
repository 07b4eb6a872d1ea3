"""API shapes for the graph and introductions (docs/api.md "Graph")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from mutuals.accounts.schemas import MemberOut, MemberRefOut
from mutuals.connections.schemas import ContextIn
from mutuals.core.schemas import Schema
from mutuals.introductions.models import Introduction
from mutuals.introductions.services import IntroductionDraft


class PathOut(Schema):
    members: list[int] = Field(description="member ids from you to the target, in order")
    strengths: list[float] = Field(description="strength of each tie along the path, in (0, 1]")
    score: float = Field(description="product of the strengths; higher is warmer")


class PathsOut(Schema):
    paths: list[PathOut]


class PeopleSuggestionOut(Schema):
    member: MemberOut
    score: float
    reasons: list[str]
    incoming_invitation_id: int | None = Field(
        None,
        description="Their request to you, waiting for your answer: accept or decline it "
        "(`POST /api/invitations/{id}/accept`) rather than sending one back, which is refused.",
    )


class SuggestionPage(Schema):
    items: list[PeopleSuggestionOut]
    next: str | None


class DismissIn(Schema):
    reason: str = Field(description="not_now or dont_know")


class DismissOut(Schema):
    member_id: int
    reason: str


class IntroductionIn(Schema):
    target_id: int
    introducer_id: int
    context: ContextIn = Field(
        default_factory=lambda: ContextIn(kind="mutual"),
        description="how you know of the target; `mutual` (the default) names the introducer",
    )
    intent: str = Field(
        description="advice, mentorship, collaboration, referral, knowledge_exchange, hiring, peer"
    )
    message: str = Field(max_length=2000, description="to the introducer: why you want to meet")

    def as_draft(self) -> IntroductionDraft:
        ref = self.context.ref
        return IntroductionDraft(
            target_id=self.target_id,
            introducer_id=self.introducer_id,
            intent=self.intent,
            message=self.message,
            context_kind=self.context.kind,
            context_ref="" if ref is None else str(ref),
            context_text=self.context.text,
        )


class IntroductionCreatedOut(Schema):
    id: int
    state: str


class ForwardIn(Schema):
    note: str = Field(max_length=2000, description="the introducer's words to the target")


class IntroductionDeclineIn(Schema):
    reason: str = Field(default="", max_length=200)


class ThankIn(Schema):
    note: str = Field(max_length=2000)


class IntroductionStateOut(Schema):
    id: int
    state: str
    connection_id: int | None = None


class IntroductionOut(Schema):
    id: int
    requester: MemberRefOut
    introducer: MemberRefOut
    target: MemberRefOut
    intent: str
    context_kind: str
    message: str
    forward_note: str
    state: str
    score: int
    created_at: datetime
    forwarded_at: datetime | None
    decided_at: datetime | None
    thank_you_due_at: datetime | None
    thanked_at: datetime | None

    @staticmethod
    def build(row: Introduction, *, viewer_id: int) -> IntroductionOut:
        # The requester's message is for the introducer; the target reads the forward note.
        message = row.message if viewer_id in (row.requester_id, row.introducer_id) else ""
        return IntroductionOut(
            id=row.pk,
            requester=MemberRefOut.build(row.requester),
            introducer=MemberRefOut.build(row.introducer),
            target=MemberRefOut.build(row.target),
            intent=row.intent,
            context_kind=row.context_kind,
            message=message,
            forward_note=row.forward_note,
            state=row.state,
            score=row.score,
            created_at=row.created_at,
            forwarded_at=row.forwarded_at,
            decided_at=row.decided_at,
            thank_you_due_at=row.thank_you_due_at,
            thanked_at=row.thanked_at,
        )


class IntroductionPage(Schema):
    items: list[IntroductionOut]
    next: str | None
