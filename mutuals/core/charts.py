"""Chart geometry: Python works out where every mark goes and what it says; the templates in
mutuals/templates/charts/ draw it as SVG (one template per kind), so no markup is built in
Python and every text a chart shows is escaped by the template. No JavaScript, no chart
library, nothing fetched: the same markup serves pages and the offline audit report.

- `columns`: vertical bars, one per (label, value), labels thinned out when there are many.
- `paired_columns`: two series per label (e.g. messages sent and received), with a legend.
- `share_bar`: one horizontal bar split into shares, with a legend.
- `horizontal_bars`: one labelled bar per count, its number beside it.
- `stacked_columns`: columns of segments stacked from the baseline, each total above.

The last two are drawn in the page's colours, and their words are HTML, not SVG text (below).

Each chart has a title and a text description for screen readers. Coordinates are SVG user
units rounded to a tenth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
BAR_COLOR = "#2b6cb0"
SECOND_COLOR = "#d69e2e"
PALETTE = ("#2f855a", "#2b6cb0", "#d69e2e", "#c53030", "#718096")
# Most labels there are to fit under a row of columns; more are thinned out.
MAX_COLUMN_LABELS = 12


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str  # the tooltip: what the mark stands for, with its number


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float  # the swatch's top
    fill: str
    text: str

    @property
    def text_x(self) -> float:
        return round(self.x + 14, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + 9, 1)


@dataclass(frozen=True)
class ColumnGroup:
    """The marks over one label: one column, or one per series."""

    rects: list[Rect]
    label: Label | None  # None where labels are thinned out


@dataclass(frozen=True)
class ColumnChart:
    title: str
    description: str
    width: int
    height: int
    baseline: float
    axis_end: int
    top: int  # the tallest column's value, written at the top of the axis
    top_y: float
    groups: list[ColumnGroup]
    label_size: int
    legend: list[LegendItem]
    empty: str = ""  # said instead of a chart when there is nothing to draw


@dataclass(frozen=True)
class ShareChart:
    title: str
    description: str
    width: int
    height: int
    segments: list[Rect]
    legend: list[LegendItem]
    empty: str = ""


def _empty_columns(title: str, message: str) -> ColumnChart:
    return ColumnChart(title, "No data.", WIDTH, 40, 0, 0, 0, 0, [], 11, [], empty=message)


def _thinned(index: int, count: int) -> bool:
    return index % max(1, count // MAX_COLUMN_LABELS) == 0


def columns(title: str, points: Sequence[tuple[str, int]], *, height: int = 220) -> ColumnChart:
    """Vertical bars, one per (label, value)."""
    if not points:
        return _empty_columns(title, "No data.")
    top = max(value for _, value in points) or 1
    left, bottom, plot_height = 40, height - 28, height - 48
    step = (WIDTH - left - 8) / len(points)
    groups = []
    for index, (label, value) in enumerate(points):
        bar = plot_height * value / top
        x = left + index * step
        rect = Rect(
            round(x + step * 0.12, 1),
            round(bottom - bar, 1),
            round(step * 0.76, 1),
            round(bar, 1),
            BAR_COLOR,
            f"{label}: {value}",
        )
        shown = Label(round(x + step / 2, 1), bottom + 16, label)
        groups.append(ColumnGroup([rect], shown if _thinned(index, len(points)) else None))
    description = ", ".join(f"{label}: {value}" for label, value in points)
    return ColumnChart(
        title,
        description,
        WIDTH,
        height,
        bottom,
        WIDTH - 4,
        top,
        bottom - plot_height + 4,
        groups,
        11,
        [],
    )


def paired_columns(
    title: str,
    points: Sequence[tuple[str, int, int]],
    names: tuple[str, str],
    *,
    height: int = 220,
    empty: str = "No data.",
) -> ColumnChart:
    """Two series per label, side by side, with a legend naming them."""
    if not points or not any(a or b for _, a, b in points):
        return _empty_columns(title, empty)
    top = max(max(a, b) for _, a, b in points) or 1
    left, bottom, plot_height = 40, height - 44, height - 64
    step = (WIDTH - left - 8) / len(points)
    groups = []
    for index, (label, first, second) in enumerate(points):
        x = left + index * step
        rects = []
        for offset, value, color, name in (
            (0.1, first, BAR_COLOR, names[0]),
            (0.5, second, SECOND_COLOR, names[1]),
        ):
            bar = plot_height * value / top
            rects.append(
                Rect(
                    round(x + step * offset, 1),
                    round(bottom - bar, 1),
                    round(step * 0.4, 1),
                    round(bar, 1),
                    color,
                    f"{label} {name}: {value}",
                )
            )
        shown = Label(round(x + step / 2, 1), bottom + 16, label)
        groups.append(ColumnGroup(rects, shown if _thinned(index, len(points)) else None))
    legend = [
        LegendItem(left + index * 140, height - 14, color, name)
        for index, (name, color) in enumerate(zip(names, (BAR_COLOR, SECOND_COLOR), strict=True))
    ]
    description = "; ".join(f"{label}: {a} {names[0]}, {b} {names[1]}" for label, a, b in points)
    return ColumnChart(
        title,
        description,
        WIDTH,
        height,
        bottom,
        WIDTH - 4,
        top,
        bottom - plot_height + 4,
        groups,
        10,
        legend,
    )


def share_bar(title: str, parts: Sequence[tuple[str, int]]) -> ShareChart:
    """One horizontal bar split into shares, each in its colour, with a legend."""
    total = sum(value for _, value in parts)
    if not total:
        return ShareChart(title, "No data.", WIDTH, 40, [], [], empty="No data.")
    segments = []
    x = 0.0
    for index, (label, value) in enumerate(parts):
        width = (WIDTH - 4) * value / total
        color = PALETTE[index % len(PALETTE)]
        segments.append(Rect(round(x, 1), 4, round(width, 1), 28, color, f"{label}: {value}"))
        x += width
    legend = [
        LegendItem(
            round(index * (WIDTH / len(parts)), 1),
            44,
            PALETTE[index % len(PALETTE)],
            f"{label} ({value})",
        )
        for index, (label, value) in enumerate(parts)
    ]
    description = ", ".join(f"{label}: {value}" for label, value in parts)
    return ShareChart(title, description, WIDTH, 70, segments, legend)


# --- Bars and stacks drawn in the page's own colours (CSS classes) ---------------------------
# Only the marks are SVG, each chart row or column its own small drawing stretched to the
# room it has; their words and numbers are HTML beside them (templates/charts/), so text keeps
# the page's size at any width instead of shrinking with a scaled drawing (at 390 px a 470-unit
# drawing wrote its labels at 6-9 px).

BAR_WIDTH = 320  # the longest bar, in the bar's drawing's units


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # of BAR_WIDTH
    css: str


def horizontal_bars(counts: dict[str, int], *, labels: dict[str, str] | None = None) -> list[Bar]:
    """One bar per count, in order, the longest `BAR_WIDTH` long; each styled `bar-<key>`."""
    biggest = max(counts.values(), default=0) or 1
    return [
        Bar(
            label=(labels or {}).get(key, key.capitalize()),
            value=value,
            width=round(BAR_WIDTH * value / biggest, 1),
            css=f"bar-{key}",
        )
        for key, value in counts.items()
    ]


@dataclass(frozen=True)
class Segment:
    name: str
    css: str
    value: int
    y: float  # the segment's top
    height: float


@dataclass(frozen=True)
class Stack:
    label: str
    segments: list[Segment]  # from the baseline up
    total: int


def stacked_columns(
    stacks: Sequence[tuple[str, Sequence[int]]],
    kinds: Sequence[tuple[str, str]],
    *,
    height: int = 120,
) -> list[Stack]:
    """Columns growing up from the baseline at `height`, one segment per (name, css class) in
    `kinds` with the values in that order; the tallest fills the height (its total is written
    above it by the template, outside the drawing)."""
    biggest = max((sum(values) for _, values in stacks), default=0) or 1
    columns_out = []
    for label, values in stacks:
        segments = []
        top = float(height)
        for (name, css), value in zip(kinds, values, strict=True):
            size = round(height * value / biggest, 1)
            top = round(top - size, 1)
            segments.append(Segment(name, css, value, top, size))
        columns_out.append(Stack(label, segments, sum(values)))
    return columns_out
