"""`mutuals backup PATH`: a consistent backup of the database while it serves
(mutuals.core.backup; docs/operations.md, "Backups")."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutuals.core.backup import DEFAULT_TIMEOUT, ENGINES, BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the database up to PATH (SQLite: the online backup API; PostgreSQL: pg_dump "
        "custom format). PATH must not exist yet."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default", help="the database alias")
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"stop (and write nothing) after this many seconds (default {DEFAULT_TIMEOUT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup(options["path"], database=options["database"], timeout=options["timeout"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {ENGINES[made.engine]} database to {made.path} "
            f"({made.size:,} bytes, {len(made.applied)} migrations applied)."
        )
