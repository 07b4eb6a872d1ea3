"""What `mutuals worker --batch` does, in the test's own process: the worker tests' one way to
build it (run every due task, then stop)."""

from __future__ import annotations

from mutuals.core.management.commands.worker import RetryingWorker


def batch_worker(worker_id: str) -> RetryingWorker:
    return RetryingWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
