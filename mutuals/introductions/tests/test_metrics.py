"""The graph snapshot's age in `/metrics` reads the store's pointer file without loading the
graph engine."""

from mutuals.graph import store
from mutuals.introductions import metrics


def test_the_pointer_file_is_the_stores() -> None:
    assert metrics.CURRENT == store.CURRENT
