"""Suite-wide fixtures. The database comes from DATABASE_URL (SQLite when unset)."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["mutuals.core.tests.fixtures"]


def pytest_report_header() -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({os.environ.get('DATABASE_URL', 'default SQLite')})"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
