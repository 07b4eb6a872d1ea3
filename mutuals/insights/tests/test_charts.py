"""The server-rendered pact chart: stacked columns that carry their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutuals.insights.charts import VALUE_ROOM, pact_columns
from mutuals.insights.selectors import PactWeek


def test_columns_stack_on_time_late_missed_and_carry_their_total_above():
    start = datetime(2026, 11, 2, tzinfo=UTC)
    weeks = [
        PactWeek(start, 2, 1, 1),
        PactWeek(start + timedelta(weeks=1), 0, 0, 0),
        PactWeek(start + timedelta(weeks=2), 1, 0, 0),
    ]
    busiest, empty, light = pact_columns(weeks, height=120)
    # The busiest week fills the height left under the room for its number.
    assert busiest.on_time_h + busiest.late_h + busiest.missed_h == 120 - VALUE_ROOM
    assert (busiest.on_time_h, busiest.late_h, busiest.missed_h) == (52.0, 26.0, 26.0)
    assert busiest.late_y == 120 - 52 - 26
    assert busiest.missed_y == 120 - 104
    assert (busiest.total, busiest.total_y) == (4, 120 - 104 - 4)
    assert empty.total == 0
    assert (light.total, light.on_time_h, light.total_y) == (1, 26.0, 120 - 26 - 4)
    assert [c.label for c in (busiest, empty, light)] == ["02 Nov", "09 Nov", "16 Nov"]
    assert [c.x for c in (busiest, empty, light)] == [0, 44, 88]
