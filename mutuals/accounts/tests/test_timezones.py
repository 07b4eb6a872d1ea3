"""A member's zone is read on many requests (the health dashboard, deadlines, the pact's
weeks): reading it must not walk the time zone database (issue 20: `zone_named` listed every
file of the database on each call, tens of milliseconds, twice per health request)."""

from __future__ import annotations

import zoneinfo
from zoneinfo import ZoneInfo

import pytest

from mutuals.accounts import timezones


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Europe/Oslo", "Europe/Oslo"),
        ("US/Eastern", "US/Eastern"),  # a legacy link, stored before the rule: still loads
        ("posixrules", "UTC"),  # in the database, not a zone
        ("Mars/Olympus_Mons", "UTC"),
        ("", "UTC"),
        (None, "UTC"),
    ],
)
def test_zone_named_is_lenient_with_stored_names(name, zone):
    assert timezones.zone_named(name) == ZoneInfo(zone)


def test_reading_zones_lists_the_database_at_most_once(monkeypatch):
    listed = []
    real = zoneinfo.available_timezones

    def counting() -> set[str]:
        listed.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    for _ in range(5):
        assert timezones.zone_named("Africa/Johannesburg") == ZoneInfo("Africa/Johannesburg")
    assert len(listed) <= 1
