"""The network health dashboard page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutuals.accounts.selectors import member_for_request
from mutuals.core.charts import horizontal_bars
from mutuals.engagement.selectors import collaborations_active
from mutuals.insights.charts import pact_columns
from mutuals.insights.selectors import health_for
from mutuals.introductions.first_steps import first_steps_for

STATE_LABELS = {
    "engaged": "Engaged",
    "warm": "Warm",
    "fading": "Fading",
    "stagnant": "Stagnant",
    "resting": "Resting",
}


@login_required
def health_view(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    health = health_for(member)
    total_pact = sum(w.on_time + w.late + w.missed for w in health.pact_weeks)
    return render(
        request,
        "insights/health.html",
        {
            "health": health,
            "state_bars": horizontal_bars(health.by_state, labels=STATE_LABELS),
            "tier_bars": horizontal_bars(health.by_tier),
            "pact_columns": pact_columns(health.pact_weeks),
            "pact_total": total_pact,
            "give_total": health.given + health.received,
            "first_steps": None if health.connections else first_steps_for(member),
            "active_collaborations": collaborations_active(member),
        },
    )
