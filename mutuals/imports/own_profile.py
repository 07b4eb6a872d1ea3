"""Bring your own profile in (issue 16): what the export says about its owner, as a proposal
for their profile here. Pure Python, like audit.py; the import stores it with the audit, and
nothing is applied until the member picks what to use (`services.own_profile_apply`).

- headline, summary (the bio) and location from Profile.csv;
- company and title from Positions.csv: the current position (the latest started one that has
  not finished; else the latest one), with every position listed for the member to see;
- skills from Skills.csv, offered as topics.

Education.csv is not read yet: the profile here has no place for schools.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mutuals.imports.linkedin.records import Export, PositionRecord

# The profile's own limits (accounts.services.profile_update): a longer value is shortened at
# a word and said so, rather than refused when the member applies it.
LIMITS = {"headline": 160, "bio": 2000, "company": 120, "title": 120, "location": 120}


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _started(position: PositionRecord) -> datetime:
    return position.started_on or _EARLIEST


def _current(positions: list[PositionRecord]) -> PositionRecord | None:
    ongoing = [p for p in positions if p.finished_on is None]
    pool = ongoing or positions
    return max(pool, key=_started) if pool else None


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def profile_proposal(export: Export) -> dict[str, Any]:
    """What the export would put in its owner's profile: `fields` (name → text, only those
    the export fills), `skills`, and `positions` (newest first) to show beside them."""
    profile = export.profile
    current = _current(export.positions)
    fields = {
        "headline": profile.headline,
        "bio": profile.summary,
        "location": profile.location,
        "company": current.company if current else "",
        "title": current.title if current else "",
    }
    positions = sorted(export.positions, key=_started, reverse=True)
    return {
        # One line each, but the bio keeps its paragraphs.
        "fields": {
            name: value.strip() if name == "bio" else " ".join(value.split())
            for name, value in fields.items()
            if value.strip()
        },
        "skills": list(export.skills),
        "positions": [
            {
                "company": p.company,
                "title": p.title,
                "location": p.location,
                "started_on": _day(p.started_on),
                "finished_on": _day(p.finished_on),
            }
            for p in positions
        ],
    }


def fit(field: str, value: str) -> tuple[str, bool]:
    """The value within the profile's limit for `field`, cut at a word: (text, shortened)."""
    limit = LIMITS.get(field)
    if limit is None or len(value) <= limit:
        return value, False
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…", True
