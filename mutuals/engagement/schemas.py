"""API shapes for connections, the pact, interactions and notifications (API.md)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from mutuals.connections.schemas import MemberRefOut
from mutuals.engagement.models import Interaction, Notification, Obligation, Tie


class PactItemOut(Schema):
    party_id: int | None = Field(description="who owes it; null for the pair")
    kind: str = Field(description="first_message, first_exchange or check_in")
    due_at: datetime
    fulfilled_at: datetime | None

    @staticmethod
    def build(obligation: Obligation) -> PactItemOut:
        return PactItemOut(
            party_id=obligation.party_id,
            kind=obligation.kind,
            due_at=obligation.due_at,
            fulfilled_at=obligation.fulfilled_at,
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
    def build(tie: Tie, pact: list[Obligation]) -> ConnectionOut:
        return ConnectionOut(
            id=tie.connection_id,
            member=MemberRefOut(
                id=tie.other_id, name=tie.other.name, headline=tie.other.profile.headline
            ),
            since=tie.connection.created_at,
            intent=tie.connection.intent,
            strength=round(tie.strength, 4),
            tier=tie.tier,
            state=tie.state,
            pact=[PactItemOut.build(o) for o in pact],
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


class ReadIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    updated: int
