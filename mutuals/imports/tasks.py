"""Background work: import an uploaded export (`mutuals worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from mutuals.imports.services import import_run


@task()
def import_linkedin(import_id: int) -> None:
    """Idempotent: `import_run` leaves a finished import alone and writes in one transaction."""
    import_run(import_id=import_id)
