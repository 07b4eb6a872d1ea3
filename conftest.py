"""Suite-wide fixtures. The database comes from DATABASE_URL (SQLite when unset)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# The suite runs on two shared cores, often beside the other database's run: property tests
# judge correctness, not speed, so hypothesis' timing checks would only make them flaky.
settings.register_profile("mutuals", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mutuals")

pytest_plugins = ["mutuals.accounts.tests.fixtures", "mutuals.core.tests.browser"]

# The cluster test needs root and a running `scripts/cluster`: only `make test-cluster` runs it.
collect_ignore = [] if os.environ.get("MUTUALS_CLUSTER") == "1" else ["tests/cluster"]


def pytest_report_header() -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({os.environ.get('DATABASE_URL', 'default SQLite')})"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
