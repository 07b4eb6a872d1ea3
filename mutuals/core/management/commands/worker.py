"""`mutuals worker`: runs background tasks (django.tasks on the database backend)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = (
        "Run mutuals' background tasks (nudges, deliveries, imports) from the database queue. "
        "Same options as django-tasks-db's db_worker."
    )
