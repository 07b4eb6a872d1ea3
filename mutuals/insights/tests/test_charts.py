"""The server-rendered pact chart: stacked columns that carry their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutuals.insights.charts import pact_columns
from mutuals.insights.selectors import PactWeek


def test_columns_stack_on_time_late_missed_and_carry_their_total():
    start = datetime(2026, 11, 2, tzinfo=UTC)
    weeks = [
        PactWeek(start, 2, 1, 1),
        PactWeek(start + timedelta(weeks=1), 0, 0, 0),
        PactWeek(start + timedelta(weeks=2), 1, 0, 0),
    ]
    busiest, empty, light = pact_columns(weeks, height=120)
    on_time, late, missed = busiest.segments
    assert [s.name for s in busiest.segments] == ["on time", "late", "missed"]
    assert [s.css for s in busiest.segments] == ["bar-on-time", "bar-late", "bar-missed"]
    # The busiest week fills the height (its number is written outside the drawing).
    assert on_time.height + late.height + missed.height == 120
    assert (on_time.height, late.height, missed.height) == (60.0, 30.0, 30.0)
    assert on_time.y == 120 - 60
    assert late.y == 120 - 60 - 30
    assert missed.y == 0
    assert busiest.total == 4
    assert empty.total == 0
    assert (light.total, light.segments[0].height, light.segments[0].y) == (1, 30.0, 90.0)
    assert [c.label for c in (busiest, empty, light)] == ["02 Nov", "09 Nov", "16 Nov"]
