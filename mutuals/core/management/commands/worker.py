"""`mutuals worker`: runs background tasks (django.tasks on the database backend). Before the
first task it runs what the apps registered in `core.worker_start` (the recovery of imports a
stopped worker left running)."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from mutuals.core import worker_start


class Command(DatabaseWorkerCommand):
    help = (
        "Run mutuals' background tasks (nudges, deliveries, imports) from the database queue. "
        "Same options as django-tasks-db's db_worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_start.run_all()
        super().handle(*args, **options)
