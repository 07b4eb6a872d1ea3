"""Scheduling background work (django.tasks, run by `mutuals worker`) at a given time.

Every app that defers work calls `enqueue_at`; it lives here, at the ground, because it knows no
app: it takes the task to run and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.tasks import Task
from django.utils import timezone


def enqueue_at(work: Task[Any, Any], when: datetime, *args: Any) -> None:
    """Run `work` at `when` on backends that can defer; on those that cannot (the immediate
    backend of tests), run it now only if it is already due."""
    if work.get_backend().supports_defer:
        work.using(run_after=when).enqueue(*args)
    elif when <= timezone.now():
        work.enqueue(*args)
