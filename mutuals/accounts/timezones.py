"""The time zones a member may choose: the IANA names this system knows."""

from __future__ import annotations

import functools
import zoneinfo


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]
