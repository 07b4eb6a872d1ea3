"""`mutuals import-linkedin --email E PATH`: import an export into a member's contact book
from the command line (docs/design.md §7), with the same service as the web upload, run inline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuals.accounts.models import User
from mutuals.core.errors import MutualsError
from mutuals.imports.models import Import
from mutuals.imports.progress import ProgressBar
from mutuals.imports.services import import_create_from_path, import_run


class Command(BaseCommand):
    help = "Import a LinkedIn data export (ZIP, folder or CSV) for the member with this e-mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--email", required=True, help="the member's e-mail address")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(email__iexact=options["email"].strip()).first()
        if owner is None:
            raise CommandError(f"No member has the e-mail {options['email']}.")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        bar = ProgressBar(sys.stderr, enabled=not options["quiet"])
        try:
            created = import_create_from_path(owner=owner, path=path)
        except MutualsError as exc:
            raise CommandError(f"not imported — {exc.message}") from exc
        result = import_run(import_id=created.pk, progress=bar.update)
        bar.close()
        if result is None or result.status != Import.Status.DONE:
            message = (result.error or {}).get("message", "failed") if result else "deleted"
            raise CommandError(f"Import {created.pk} failed: {message}")
        counts = result.counts
        self.stdout.write(
            f"Import {result.pk}: {counts.get('contacts', 0)} contacts and "
            f"{counts.get('interactions', 0)} interactions in {owner.email}'s contact book."
        )
