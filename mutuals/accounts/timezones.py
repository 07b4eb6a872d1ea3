"""The time zones a member may choose: the IANA names this system knows."""

from __future__ import annotations

import functools
import zoneinfo
from zoneinfo import ZoneInfo


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA zone `name`, or UTC when it is unset or unknown here (the services refuse
    unknown names; a value written around them must not break a page)."""
    if name and name in available_time_zones():
        return ZoneInfo(name)
    return ZoneInfo("UTC")
