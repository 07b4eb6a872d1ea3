"""Small server-rendered SVG charts: no JavaScript, no chart library, readable without colour
(every bar carries its number, and each chart has a text alternative)."""

from __future__ import annotations

from dataclasses import dataclass

from mutuals.insights.selectors import PactWeek

BAR_WIDTH = 320


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int
    css: str


def bars(counts: dict[str, int], *, labels: dict[str, str] | None = None) -> list[Bar]:
    biggest = max(counts.values(), default=0) or 1
    return [
        Bar(
            label=(labels or {}).get(key, key.capitalize()),
            value=value,
            width=round(BAR_WIDTH * value / biggest, 1),
            y=index * 28,
            css=f"bar-{key}",
        )
        for index, (key, value) in enumerate(counts.items())
    ]


@dataclass(frozen=True)
class Column:
    label: str
    x: int
    on_time_h: float
    late_h: float
    missed_h: float
    late_y: float
    missed_y: float
    on_time: int
    late: int
    missed: int
    total: int
    total_y: float  # where the column's total is written, just above it


# Room above the tallest column for its total.
VALUE_ROOM = 16


def pact_columns(weeks: list[PactWeek], height: int = 120) -> list[Column]:
    """Stacked columns growing up from the baseline at `height`: on time, then late, then
    missed, each with its total above it; y values are SVG coordinates (top of each
    segment)."""
    biggest = max((w.on_time + w.late + w.missed for w in weeks), default=0) or 1
    scale = height - VALUE_ROOM
    columns = []
    for index, week in enumerate(weeks):
        on_time_h = round(scale * week.on_time / biggest, 1)
        late_h = round(scale * week.late / biggest, 1)
        missed_h = round(scale * week.missed / biggest, 1)
        columns.append(
            Column(
                label=f"{week.week_start:%d %b}",
                x=index * 44,
                on_time_h=on_time_h,
                late_h=late_h,
                missed_h=missed_h,
                late_y=round(height - on_time_h - late_h, 1),
                missed_y=round(height - on_time_h - late_h - missed_h, 1),
                on_time=week.on_time,
                late=week.late,
                missed=week.missed,
                total=week.on_time + week.late + week.missed,
                total_y=round(height - on_time_h - late_h - missed_h - 4, 1),
            )
        )
    return columns
