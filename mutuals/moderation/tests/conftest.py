from __future__ import annotations

import pytest

from mutuals.introductions.graph import forget_snapshot


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """Each test starts without this process's snapshot (the database is rolled back)."""
    forget_snapshot()
    yield
    forget_snapshot()
