"""The server-rendered pact chart: stacked columns that carry their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutuals.core.charts import VALUE_ROOM
from mutuals.insights.charts import pact_columns
from mutuals.insights.selectors import PactWeek


def test_columns_stack_on_time_late_missed_and_carry_their_total_above():
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
    # The busiest week fills the height left under the room for its number.
    assert on_time.height + late.height + missed.height == 120 - VALUE_ROOM
    assert (on_time.height, late.height, missed.height) == (52.0, 26.0, 26.0)
    assert on_time.y == 120 - 52
    assert late.y == 120 - 52 - 26
    assert missed.y == 120 - 104
    assert (busiest.total, busiest.total_y) == (4, 120 - 104 - 4)
    assert empty.total == 0
    assert (light.total, light.segments[0].height, light.total_y) == (1, 26.0, 120 - 26 - 4)
    assert [c.label for c in (busiest, empty, light)] == ["02 Nov", "09 Nov", "16 Nov"]
    assert [c.x for c in (busiest, empty, light)] == [0, 44, 88]
    assert {c.label_y for c in (busiest, empty, light)} == {140}
