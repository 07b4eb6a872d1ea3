"""Server-rendered SVG charts for the audit (no JavaScript, no CDN): the same markup serves the
audit page and the self-contained offline report. Each chart has a title and a text
description for screen readers, and the numbers it draws are also in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_COLOR = "#2b6cb0"
SECOND_COLOR = "#d69e2e"
PALETTE = ("#2f855a", "#2b6cb0", "#d69e2e", "#c53030", "#718096")


def _frame(title: str, description: str, height: int, body: str) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every text in it is escaped above or below
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title><desc>{escape(description)}</desc>{body}</svg>"
    )


def bar_chart(title: str, points: Sequence[tuple[str, int]], *, height: int = 220) -> SafeString:
    """Vertical bars, one per (label, value); labels thinned out when there are many."""
    if not points:
        return _frame(title, "No data.", 40, '<text x="8" y="24">No data.</text>')
    top = max(value for _, value in points) or 1
    left, bottom, plot_height = 40, height - 28, height - 48
    step = (WIDTH - left - 8) / len(points)
    every = max(1, len(points) // 12)
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 4}" y2="{bottom}" stroke="#a0aec0"/>',
        f'<text x="{left - 6}" y="{bottom - plot_height + 4}" text-anchor="end" '
        f'font-size="11" fill="#4a5568">{top}</text>',
    ]
    for index, (label, value) in enumerate(points):
        bar = plot_height * value / top
        x = left + index * step
        parts.append(
            f'<rect x="{x + step * 0.12:.1f}" y="{bottom - bar:.1f}" width="{step * 0.76:.1f}" '
            f'height="{bar:.1f}" fill="{BAR_COLOR}"><title>{escape(label)}: {value}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle" '
                f'font-size="11" fill="#4a5568">{escape(label)}</text>'
            )
    description = ", ".join(f"{label}: {value}" for label, value in points)
    return _frame(title, description, height, "".join(parts))


def paired_bars(
    title: str,
    points: Sequence[tuple[str, int, int]],
    names: tuple[str, str],
    *,
    height: int = 220,
) -> SafeString:
    """Two series per label (e.g. messages sent and received per month)."""
    if not points or not any(a or b for _, a, b in points):
        return _frame(title, "No data.", 40, '<text x="8" y="24">No messages.</text>')
    top = max(max(a, b) for _, a, b in points) or 1
    left, bottom, plot_height = 40, height - 44, height - 64
    step = (WIDTH - left - 8) / len(points)
    every = max(1, len(points) // 12)
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 4}" y2="{bottom}" stroke="#a0aec0"/>',
        f'<text x="{left - 6}" y="{bottom - plot_height + 4}" text-anchor="end" '
        f'font-size="11" fill="#4a5568">{top}</text>',
    ]
    for index, (label, first, second) in enumerate(points):
        x = left + index * step
        for offset, value, color, name in (
            (0.1, first, BAR_COLOR, names[0]),
            (0.5, second, SECOND_COLOR, names[1]),
        ):
            bar = plot_height * value / top
            parts.append(
                f'<rect x="{x + step * offset:.1f}" y="{bottom - bar:.1f}" '
                f'width="{step * 0.4:.1f}" height="{bar:.1f}" fill="{color}">'
                f"<title>{escape(label)} {escape(name)}: {value}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle" '
                f'font-size="10" fill="#4a5568">{escape(label)}</text>'
            )
    for index, (name, color) in enumerate(zip(names, (BAR_COLOR, SECOND_COLOR), strict=True)):
        x = left + index * 140
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{height - 5}" font-size="11">{escape(name)}</text>'
        )
    description = "; ".join(f"{label}: {a} {names[0]}, {b} {names[1]}" for label, a, b in points)
    return _frame(title, description, height, "".join(parts))


def share_bar(title: str, parts_in: Sequence[tuple[str, int]]) -> SafeString:
    """One horizontal bar split into shares (e.g. two-way / only you / only them / silent)."""
    total = sum(value for _, value in parts_in)
    height = 70
    if not total:
        return _frame(title, "No data.", 40, '<text x="8" y="24">No data.</text>')
    parts = []
    x = 0.0
    for index, (label, value) in enumerate(parts_in):
        width = (WIDTH - 4) * value / total
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="4" width="{width:.1f}" height="28" fill="{color}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        x += width
    for index, (label, value) in enumerate(parts_in):
        color = PALETTE[index % len(PALETTE)]
        lx = index * (WIDTH / max(len(parts_in), 1))
        parts.append(
            f'<rect x="{lx:.1f}" y="44" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14:.1f}" y="53" font-size="11">{escape(label)} ({value})</text>'
        )
    description = ", ".join(f"{label}: {value}" for label, value in parts_in)
    return _frame(title, description, height, "".join(parts))
