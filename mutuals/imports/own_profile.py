"""Bring your own profile in (issue 16): what the export says about its owner, as a proposal
for their profile here. Pure Python, like audit.py; the import stores it with the audit, and
nothing is applied until the member picks what to use (`services.own_profile_apply`).

- headline, summary (the bio) and location from Profile.csv;
- company and title from Positions.csv: the current position (the latest started one that has
  not finished; else the latest one), with every position listed for the member to see;
- skills from Skills.csv, offered as topics;
- every position (past and current) and every school of Education.csv, offered as the
  profile's experience and education entries (issue 19), with their dates to the month, or
  the year when that is all the export says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mutuals.imports.linkedin.records import EducationRecord, Export, PositionRecord, YearMonth

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


def month_text(value: YearMonth | None) -> str:
    """As the profile's entries are written: "2021-03", "2014", or "" for no date."""
    if value is None:
        return ""
    year, month = value
    return f"{year}" if month is None else f"{year}-{month:02d}"


def _precise(start: YearMonth | None, end: YearMonth | None) -> tuple[str, str]:
    """Both dates at one precision, as the profile keeps them: a month beside a year keeps
    only its year ("Nov 2021" to "2024" is 2021 to 2024)."""
    if start and end and (start[1] is None) != (end[1] is None):
        start, end = (start[0], None), (end[0], None)
    return month_text(start), month_text(end)


def _education_key(record: EducationRecord) -> tuple[int, int]:
    for value in (record.started, record.finished):
        if value is not None:
            return value[0], value[1] or 0
    return 0, 0


def _education(record: EducationRecord) -> dict[str, str]:
    start, end = _precise(record.started, record.finished)
    notes = [record.notes.strip()]
    if record.activities.strip():
        notes.append(f"Activities: {record.activities.strip()}")
    return {
        # " Honorary Doctor of Philosophy (PhD) " and "BSc," read as typed, less the stray.
        "school": " ".join(record.school.split()),
        "degree": " ".join(record.degree.split()).strip(" ,;"),
        "description": "\n\n".join(note for note in notes if note),
        "start": start,
        "end": end,
    }


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
        "positions": [_position(p) for p in positions],
        "education": [
            _education(e) for e in sorted(export.education, key=_education_key, reverse=True)
        ],
    }


def _position(position: PositionRecord) -> dict[str, Any]:
    start, end = _precise(position.started, position.finished)
    return {
        "company": " ".join(position.company.split()),
        "title": " ".join(position.title.split()),
        "location": " ".join(position.location.split()),
        "description": position.description.strip(),
        "started_on": _day(position.started_on),
        "finished_on": _day(position.finished_on),
        "start": start,
        "end": end,
    }


def fit(field: str, value: str) -> tuple[str, bool]:
    """The value within the profile's limit for `field`, cut at a word: (text, shortened)."""
    return shorten(value, LIMITS.get(field))


def shorten(value: str, limit: int | None) -> tuple[str, bool]:
    """`value` within `limit` characters, cut at a word: (text, shortened)."""
    if limit is None or len(value) <= limit:
        return value, False
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…", True
