"""Staging races for the PostgreSQL concurrency tests: run actions at the same moment in
real threads, each with its own database connection (SQLite serializes every writer, so the
races are staged on PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

from mutuals.core.errors import MutualsError

BOUND_SECONDS = 60  # a thread still waiting after this is a deadlock or a lost wake-up


def race_results(*actions: Callable[[], object], any_error: bool = False) -> list[object]:
    """Start every action at once (a barrier) and wait for all, each within a bound; in the
    order given, what each returned, or the `code` of the refusal it raised (`any_error`: any
    exception it raised, itself, as a deadlock test needs to see them). Each thread closes
    its connections, so the test database can be torn down."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = action()
        except MutualsError as error:
            outcomes[index] = error if any_error else error.code
        except Exception as error:
            if not any_error:
                raise
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BOUND_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def race(*actions: Callable[[], object]) -> list[str]:
    """The outcomes as sorted words: "ok" for each action that went through, else its
    refusal's code (the order the threads finished in is not the test's business)."""
    return sorted(o if isinstance(o, str) else "ok" for o in race_results(*actions))
