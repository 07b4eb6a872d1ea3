"""Every date format a LinkedIn export has used, parsed to an aware UTC datetime.

Seen in real exports (see tests/data/README.md and headers.tsv):

- ``16 Dec 2024``, ``09 Sep 2022``, ``15 September 2026``   Connections.csv (2022–2026)
- ``6-Feb-26``, ``9-Sep-22``                                spreadsheet re-saved Connections.csv
- ``1/8/18, 6:14 PM``, ``12/15/24, 7:47 AM``                 Connections.csv 2018, Invitations.csv
- ``2022-09-08 18:08:14 UTC``, ``2022-09-08 18:08:14``      messages.csv, Comments, Reactions
- ``2017/06/08 08:15:44 UTC``                               Shares.csv 2018, endorsements
- ``Tue Aug 30 14:33:11 UTC 2022``                          Company Follows.csv
- ``Jun 2018``, ``Feb 17, 1998``, ``2018``                  Positions, Profile, Education

Times without a zone (Invitations' ``Sent At``) are taken as UTC: the export does not say which
zone they are in, and UTC is off by at most a day, which no audit figure depends on.

A value that looks like a date but is impossible (``30 Feb 2026``, ``2026-13-05``) or is not a
date at all (``sometime later``) gives ``None``: the row is kept and its date is unknown. The
importer never guesses a day from an impossible one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
_ZONE = r"(?:\s*(?:UTC|GMT|Z|\+00:?00))?"

_PATTERNS = [
    # 2022-09-08 18:08:14 UTC / 2017/06/08 08:15:44 UTC / 1999-01-01 / 2022-09-08T18:08:14Z
    re.compile(
        rf"(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}})[-/](?P<d>\d{{1,2}})(?:[ T]{_TIME})?{_ZONE}", re.I
    ),
    # 1/8/18, 6:14 PM / 12/15/2024 07:47 / 1/8/18
    re.compile(
        r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}|\d{4})"
        rf"(?:,?\s+{_TIME}\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?{_ZONE}"
    ),
    # 16 Dec 2024 / 15 September 2026 / 6-Feb-26 / 9-Sep-22
    re.compile(
        rf"(?P<d>\d{{1,2}})[ -]{_MONTH}[ ,-]+(?P<y>\d{{2}}|\d{{4}})(?:,?\s+{_TIME})?{_ZONE}"
    ),
    # Feb 17, 1998 / Dec 16 2024
    re.compile(rf"{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"),
    # Tue Aug 30 14:33:11 UTC 2022
    re.compile(rf"[A-Za-z]{{3}}\s+{_MONTH}\s+(?P<d>\d{{1,2}})\s+{_TIME}{_ZONE}\s+(?P<y>\d{{4}})"),
    # Jun 2018 / June 2018
    re.compile(rf"{_MONTH}\s+(?P<y>\d{{4}})"),
    # 2018
    re.compile(r"(?P<y>\d{4})"),
]


def parse_date(value: str) -> datetime | None:
    """The moment `value` names, as an aware UTC datetime, or None when it names none."""
    text = value.strip()
    if len(text) == 23 and text.endswith(" UTC") and text[4] == "-" and text[13] == ":":
        # messages.csv's "2022-09-08 18:08:14 UTC", hundreds of thousands of times: no regex.
        try:
            return datetime.fromisoformat(text[:19] + "+00:00")
        except ValueError:
            return None
    if not text or len(text) > 40:
        return None
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return _build(match.groupdict())
    return None


def _build(parts: dict[str, str | None]) -> datetime | None:
    year = int(parts["y"] or 0)
    if year < 100:
        # Two-digit years in exports are this century: LinkedIn was founded in 2003.
        year += 2000
    month_text = parts.get("mon")
    if month_text is not None:
        month = _MONTHS.get(month_text.lower())
        if month is None:
            return None
    else:
        month = int(parts.get("m") or 1)
    day = int(parts.get("d") or 1)
    hour = int(parts.get("h") or 0)
    minute = int(parts.get("mi") or 0)
    second = int(parts.get("s") or 0)
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not 1900 <= year <= 2200:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


_YEAR_ONLY = re.compile(r"(?P<y>\d{4})")


def parse_month(value: str) -> tuple[int, int | None] | None:
    """(year, month) of a Positions or Education date, with month None when the export wrote
    only the year ("2014", as Education.csv does), or None when it names no date ("", "Present").
    A day in it ("Feb 17, 1998") is dropped: a profile's history is kept to the month."""
    text = value.strip()
    if (match := _YEAR_ONLY.fullmatch(text)) is not None:
        year = int(match.group("y"))
        return (year, None) if 1900 <= year <= 2200 else None
    moment = parse_date(text)
    return None if moment is None else (moment.year, moment.month)
