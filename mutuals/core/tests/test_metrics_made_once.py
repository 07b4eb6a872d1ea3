"""The request and worker metrics are made once per process however many threads ask first
(CI of 2026-12-02: two granian threads both made them under the first concurrent requests and
the second was refused with `DuplicateTimeseries`, a 500 on `/healthz`)."""

from __future__ import annotations

import threading
import time

from prometheus_client import CollectorRegistry, Counter

from mutuals.core.metrics import _MadeOnce

THREADS = 8


def test_threads_that_ask_together_share_one_value() -> None:
    registry = CollectorRegistry()
    made: list[Counter] = []

    def make() -> Counter:
        time.sleep(0.05)  # every thread arrives while the first is still making it
        counter = Counter("made_once_probe", "A metric registered once.", registry=registry)
        made.append(counter)
        return counter

    shared = _MadeOnce(make)
    start = threading.Barrier(THREADS)
    answers: list[Counter] = []
    errors: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            answers.append(shared())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert len(made) == 1
    assert len(answers) == THREADS
    assert all(answer is made[0] for answer in answers)
    assert shared.made


def test_nothing_is_made_before_the_first_use() -> None:
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    shared = _MadeOnce(make)
    assert not shared.made
    assert calls == []
    assert shared() == 1
    assert shared() == 1
    assert calls == [1]
