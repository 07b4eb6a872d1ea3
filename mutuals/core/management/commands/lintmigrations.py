"""`mutuals lintmigrations`: migrations safe to run while the old version serves
(`core.migration_safety`; run by `make lint`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutuals.core.migration_safety import check_all


class Command(BaseCommand):
    help = (
        "Check that new migrations can run while the previous version still serves "
        "(expand/contract, docs/operations.md 'Upgrades'); exits 1 on an error."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = check_all()
        for finding in findings:
            (self.stderr if finding.error else self.stdout).write(str(finding))
        errors = sum(finding.error for finding in findings)
        if errors:
            raise CommandError(f"{errors} migration operation(s) would break the old version")
        self.stdout.write("lintmigrations: every new migration expands only")
