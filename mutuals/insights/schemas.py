"""API shape of `GET /api/insights/health` (docs/api.md)."""

from __future__ import annotations

from mutuals.core.schemas import Schema


class GiveTakeOut(Schema):
    given: int
    received: int


class HealthSuggestionOut(Schema):
    kind: str
    member_id: int
    member_name: str
    text: str
    reason: str
    url: str


class PactWeekOut(Schema):
    week_start: str
    on_time: int
    late: int
    missed: int


class CollaborationsOut(Schema):
    active: int
    completed: int


class HealthOut(Schema):
    connections: int
    by_state: dict[str, int]
    by_tier: dict[str, int]
    follow_through_rate: float | None
    acceptance_rate: float | None
    give_take: GiveTakeOut
    suggestions: list[HealthSuggestionOut]
    pact_weeks: list[PactWeekOut]
    review_prompt: bool
    collaborations: CollaborationsOut
