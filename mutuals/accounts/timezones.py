"""The time zones a member may choose: the canonical IANA names.

`zoneinfo.available_timezones()` lists every file in the time zone database, and that holds
more than zones: `localtime` (the server's own zone), `posixrules`, `Factory`, and the
backward-compatible links and legacy names (`US/Eastern`, `EST5EDT`, `Etc/GMT+5`,
`Asia/Calcutta`, `Europe/Kiev`). A member, an event or an API client may choose only a
canonical name: one listed in the database's own tables of zones, `zone1970.tab` and
`zone.tab` (by region, the names the database recommends; `Europe/Oslo` is in the second),
plus `UTC`. Reading a stored value is lenient (`zone_named`): a name chosen before this rule
still loads.

It also holds the time arithmetic every app shares: a member's zone, the end of a day in it,
a deadline some days on (doubled for a low-bandwidth member), and when to nudge before one.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from mutuals.accounts.models import Boundaries

_TABLES = ("zone1970.tab", "zone.tab")
# Not zones one chooses, should the tables be missing and the fallback be used.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
# A low-bandwidth member gets this many times the days before a deadline.
LOW_BANDWIDTH_FACTOR = 2
# A nudge comes this long before its deadline.
NUDGE_AHEAD = timedelta(days=1)


@functools.cache
def available_time_zones() -> frozenset[str]:
    """The canonical IANA names a member may choose (see the module docstring)."""
    known = _known_zones()
    listed = {"UTC"}
    for table in _TABLES:
        listed |= _zones_in(table)
    if len(listed) == 1:  # no tables on this system: every name but the non-zones
        return known - _NOT_ZONES
    return frozenset(listed & known)


@functools.cache
def _known_zones() -> frozenset[str]:
    """Every name in the time zone database. `zoneinfo.available_timezones()` walks the
    database's directory tree on each call (a few thousand files: tens of milliseconds), so
    it is read once per process."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA zone `name`, or UTC when it is unset or unknown here (the services refuse
    names that are not canonical; a value written around them must not break a page)."""
    if name and name in _known_zones() and name not in _NOT_ZONES:
        return ZoneInfo(name)
    return ZoneInfo("UTC")


def member_zone(boundaries: Boundaries) -> ZoneInfo:
    """The member's own zone (UTC when unset)."""
    return zone_named(boundaries.time_zone)


def end_of_day(day: date, boundaries: Boundaries) -> datetime:
    """23:59:59 of `day` in the member's time zone, in UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=member_zone(boundaries)).astimezone(UTC)


def deadline(start: datetime, days: int, boundaries: Boundaries) -> datetime:
    """The end of the day, in the member's time zone, `days` days after `start` (doubled for a
    low-bandwidth member). Day arithmetic is on the calendar, so a deadline across a
    daylight-saving change still falls at 23:59:59 local time."""
    if boundaries.low_bandwidth:
        days *= LOW_BANDWIDTH_FACTOR
    local_day = start.astimezone(member_zone(boundaries)).date() + timedelta(days=days)
    return end_of_day(local_day, boundaries)


def after_quiet(when: datetime, boundaries: Boundaries) -> datetime:
    """`when`, or the end of the member's quiet period if that is later: the one rule of
    quiet periods. Quiet moves a nudge, a notification e-mail or a digest, never drops it."""
    if boundaries.quiet_until and boundaries.quiet_until > when:
        return boundaries.quiet_until
    return when


def nudge_time(obligation_due: datetime, boundaries: Boundaries) -> datetime:
    """When to remind: a day before the deadline, moved past a quiet period, never dropped."""
    return after_quiet(obligation_due - NUDGE_AHEAD, boundaries)


def _zones_in(table: str) -> set[str]:
    """The zone names (third column) of one of the database's tables, read where `ZoneInfo`
    reads the zones: the system's `TZPATH` first, then the `tzdata` package."""
    text = None
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / table
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            break
    if text is None:
        try:
            text = resources.files("tzdata.zoneinfo").joinpath(table).read_text(encoding="utf-8")
        except (ModuleNotFoundError, FileNotFoundError):
            return set()
    return {
        columns[2]
        for line in text.splitlines()
        if line and not line.startswith("#") and len(columns := line.split("\t")) >= 3
    }
