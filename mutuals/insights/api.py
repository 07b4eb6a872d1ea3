"""`GET /api/insights/health`: the member's network health."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router

from mutuals.accounts.api_auth import member
from mutuals.insights.schemas import (
    CollaborationsOut,
    GiveTakeOut,
    HealthOut,
    HealthSuggestionOut,
    PactWeekOut,
)
from mutuals.insights.selectors import health_for

router = Router(tags=["insights"])


@router.get("/insights/health", response=HealthOut, operation_id="insights_health")
def insights_health(request: HttpRequest) -> HealthOut:
    """Connections by state and tier, give and take, follow-through and acceptance rates, pact
    completion by week, and at most five suggested actions for today."""
    health = health_for(member(request))
    return HealthOut(
        connections=health.connections,
        by_state=health.by_state,
        by_tier=health.by_tier,
        follow_through_rate=health.follow_through_rate,
        acceptance_rate=health.acceptance_rate,
        give_take=GiveTakeOut(given=health.given, received=health.received),
        suggestions=[HealthSuggestionOut(**asdict(s)) for s in health.suggestions],
        pact_weeks=[
            PactWeekOut(
                week_start=w.week_start.date().isoformat(),
                on_time=w.on_time,
                late=w.late,
                missed=w.missed,
            )
            for w in health.pact_weeks
        ],
        review_prompt=health.review_prompt,
        collaborations=CollaborationsOut(**health.collaborations),
    )
