"""The health page's pact chart: each week's pact items stacked on time, late, missed (the
geometry is mutuals/core/charts.py's; templates/charts/stacked_columns.html draws it)."""

from __future__ import annotations

from mutuals.core.charts import Stack, stacked_columns
from mutuals.insights.selectors import PactWeek

# Bottom up, with the CSS class that colours each (and its legend swatch).
PACT_KINDS = (("on time", "bar-on-time"), ("late", "bar-late"), ("missed", "bar-missed"))


def pact_columns(weeks: list[PactWeek], height: int = 120) -> list[Stack]:
    """One stack per week, labelled with the week's first day, the baseline at `height`."""
    return stacked_columns(
        [(f"{w.week_start:%d %b}", (w.on_time, w.late, w.missed)) for w in weeks],
        PACT_KINDS,
        height=height,
    )
