"""`mutuals restore PATH`: replace the database's contents with a backup, all or nothing
(mutuals.core.backup; docs/operations.md, "Backups")."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutuals.core.backup import DEFAULT_TIMEOUT, ENGINES, BackupError, inspect_backup, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup at PATH (made by `mutuals "
        "backup`). The whole file is checked first; a refused or failed restore changes "
        "nothing. Stop the servers and workers first."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default", help="the database alias")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"stop (and change nothing) after this many seconds (default {DEFAULT_TIMEOUT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            if options["interactive"]:
                found = inspect_backup(path, timeout=options["timeout"])
                answer = input(
                    f"Replace everything in the database with the {ENGINES[found.engine]} "
                    f"backup {path}? Type 'yes' to continue: "
                )
                if answer.strip() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            restored = restore(path, database=options["database"], timeout=options["timeout"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path} ({len(restored.applied)} migrations applied).")
        if restored.pending:
            self.stdout.write(
                f"The backup is from an older version: run `mutuals migrate` to apply the "
                f"{restored.pending} migrations it lacks before starting the servers."
            )
