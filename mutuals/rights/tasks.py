"""Background work for member rights (`mutuals worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from mutuals.rights.services import export_prepare


@task()
def export_prepare_task(export_id: int) -> None:
    """Idempotent: an export already prepared is left alone."""
    export_prepare(export_id=export_id)
