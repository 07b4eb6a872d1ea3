"""API shapes for connections, the pact, interactions and notifications (docs/api.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from django.utils import timezone
from pydantic import Field

from mutuals.accounts.schemas import MemberRefOut
from mutuals.core.schemas import Schema
from mutuals.engagement.delivery import DIGEST_HOUR, KINDS, KindRule
from mutuals.engagement.models import (
    Collaboration,
    Collaborator,
    Delivery,
    Interaction,
    NoticeKind,
    Notification,
    Obligation,
    Tie,
)


class PactItemOut(Schema):
    party_id: int | None = Field(description="who owes it; null for the pair")
    kind: str = Field(description="first_message, first_exchange or check_in")
    due_at: datetime
    fulfilled_at: datetime | None
    status: str = Field(
        description="met (by the deadline), late (met after it), overdue (open past it) or open"
    )

    @staticmethod
    def build(obligation: Obligation, now: datetime) -> PactItemOut:
        return PactItemOut(
            party_id=obligation.party_id,
            kind=obligation.kind,
            due_at=obligation.due_at,
            fulfilled_at=obligation.fulfilled_at,
            status=obligation.status(now),
        )


class InteractionOut(Schema):
    id: int
    actor_id: int
    counterpart_id: int
    kind: str
    weight: float
    at: datetime
    note: str

    @staticmethod
    def build(interaction: Interaction, *, viewer_id: int) -> InteractionOut:
        """A logged note is private to whoever wrote it; the other party sees the rest."""
        return InteractionOut(
            id=interaction.pk,
            actor_id=interaction.actor_id,
            counterpart_id=interaction.counterpart_id,
            kind=interaction.kind,
            weight=interaction.weight,
            at=interaction.at,
            note=interaction.note if interaction.actor_id == viewer_id else "",
        )


class ConnectionOut(Schema):
    id: int
    member: MemberRefOut
    since: datetime
    intent: str
    strength: float
    tier: str
    state: str = Field(description="engaged, warm, fading, stagnant or resting")
    pact: list[PactItemOut]

    @staticmethod
    def build(tie: Tie, pact: list[Obligation], now: datetime | None = None) -> ConnectionOut:
        now = now or timezone.now()
        return ConnectionOut(
            id=tie.connection_id,
            member=MemberRefOut.build(tie.other),
            since=tie.connection.created_at,
            intent=tie.connection.intent,
            strength=round(tie.strength, 4),
            tier=tie.tier,
            state=tie.state,
            pact=[PactItemOut.build(o, now) for o in pact],
        )


class ConnectionDetailOut(ConnectionOut):
    recent_interactions: list[InteractionOut]


class ConnectionPage(Schema):
    items: list[ConnectionOut]
    next: str | None


class InteractionIn(Schema):
    kind: str = Field(description="meeting, call or other")
    at: datetime
    note: str = Field(default="", max_length=500)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def build(notification: Notification) -> NotificationOut:
        return NotificationOut(
            id=notification.pk,
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            url=notification.url,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None
    unread: int


class UnreadOut(Schema):
    unread: int


DeliveryName = Literal["app", "email", "digest", "off"]


class DeliveryPreferenceOut(Schema):
    kind: str = Field(
        description="requests, messages, introductions, pact, ties, events, mentorship, "
        "collaborations, mentions, comments, account or other"
    )
    label: str
    covers: list[str] = Field(
        description="the notification kinds it covers: names, or families ending in `_`"
    )
    delivery: DeliveryName = Field(
        description="app (in the app only), email (at once), digest (daily), off (not told)"
    )
    default: DeliveryName

    @staticmethod
    def build(rule: KindRule, chosen: Delivery) -> DeliveryPreferenceOut:
        return DeliveryPreferenceOut(
            kind=rule.kind.value,
            label=rule.kind.label,
            covers=list(rule.covers),
            delivery=chosen.value,  # type: ignore[arg-type]
            default=rule.default.value,  # type: ignore[arg-type]
        )


class DeliveryPreferencesOut(Schema):
    preferences: list[DeliveryPreferenceOut]
    digest_hour: int = Field(description="the daily digest goes from this hour of your time zone")

    @staticmethod
    def build(chosen: Mapping[NoticeKind, Delivery]) -> DeliveryPreferencesOut:
        return DeliveryPreferencesOut(
            preferences=[DeliveryPreferenceOut.build(rule, chosen[rule.kind]) for rule in KINDS],
            digest_hour=DIGEST_HOUR,
        )


class DeliveryPreferenceIn(Schema):
    kind: str = Field(max_length=24)
    delivery: DeliveryName


class DeliveryPreferencesIn(Schema):
    preferences: list[DeliveryPreferenceIn] = Field(max_length=len(NoticeKind.values))


class ReadIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    updated: int


# --- Collaborations ----------------------------------------------------------------------------


class CollaborationIn(Schema):
    title: str = Field(max_length=200, description="what the project is called")
    description: str = Field(default="", max_length=2000, description="a short description")
    member_ids: list[int] = Field(description="the others in it: your connections")
    conversation_id: int | None = Field(
        default=None, description="the conversation it started from (you are all in it)"
    )
    event_id: int | None = Field(
        default=None, description="or the event it started from (you all attended it)"
    )


class CollaboratorOut(Schema):
    member: MemberRefOut
    role: str = Field(description="proposer or invitee")
    state: str = Field(description="invited, confirmed or declined")
    responded_at: datetime | None


class CollaborationOut(Schema):
    id: int
    title: str
    description: str
    state: str = Field(description="proposed, active, completed or declined")
    origin: str = Field(description="conversation or event")
    conversation_id: int | None
    event_id: int | None
    proposer_id: int
    members: list[CollaboratorOut]
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    @staticmethod
    def build(collaboration: Collaboration, *, hidden: set[int]) -> CollaborationOut:
        """Seats prefetched as `seats`; members in `hidden` (blocked either way with the viewer)
        are left out."""
        seats: list[Collaborator] = getattr(collaboration, "seats", None) or list(
            collaboration.collaborators.select_related("member__profile")
        )
        return CollaborationOut(
            id=collaboration.pk,
            title=collaboration.title,
            description=collaboration.description,
            state=collaboration.state,
            origin=collaboration.origin,
            conversation_id=collaboration.conversation_id,
            event_id=getattr(collaboration, "event_id", None),
            proposer_id=collaboration.proposer_id,
            members=[
                CollaboratorOut(
                    member=MemberRefOut.build(seat.member),
                    role="proposer" if seat.member_id == collaboration.proposer_id else "invitee",
                    state=seat.state,
                    responded_at=seat.responded_at,
                )
                for seat in seats
                if seat.member_id not in hidden
            ],
            created_at=collaboration.created_at,
            started_at=collaboration.started_at,
            completed_at=collaboration.completed_at,
        )


class CollaborationPage(Schema):
    items: list[CollaborationOut]
    next: str | None


class EventRefOut(Schema):
    id: int
    title: str


class ProfileCollaborationOut(Schema):
    """A collaboration as a member's profile shows it."""

    id: int
    title: str
    description: str
    state: str = Field(description="active or completed")
    event: EventRefOut | None = Field(description="the event it started from, if any")
    members: list[MemberRefOut] = Field(
        description="the other confirmed members you may see (never across a block)"
    )
    started_at: datetime
    completed_at: datetime | None

    @staticmethod
    def build(collaboration: Collaboration) -> ProfileCollaborationOut:
        """`collaboration.shown` set by `selectors.collaborations_shown`."""
        event = collaboration.event
        return ProfileCollaborationOut(
            id=collaboration.pk,
            title=collaboration.title,
            description=collaboration.description,
            state=collaboration.state,
            event=EventRefOut(id=event.pk, title=event.title) if event else None,
            members=[
                MemberRefOut.build(m)
                for m in collaboration.shown  # type: ignore[attr-defined]
            ],
            started_at=collaboration.started_at,  # type: ignore[arg-type]
            completed_at=collaboration.completed_at,
        )


class ProfileCollaborationPage(Schema):
    items: list[ProfileCollaborationOut]
    next: str | None
