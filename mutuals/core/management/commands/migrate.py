"""`mutuals migrate`: Django's migrate, quicker to start, and it creates the cache table.

- The cache table: without `REDIS_URL` the rate-limit counters live in a database table
  every server process shares (config/settings/base.py), so migrating also runs
  `createcachetable` (it creates only what is missing).
- The URL checks are left to `mutuals check`, `mutuals serve` and the tests: they import the
  URLconf and with it every API schema, the larger part of migrate's start-up (issue 13),
  and nothing in a URL pattern can stop a migration.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags
from django.core.checks.registry import registry
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    help = f"{DjangoMigrate.help} Then creates the cache table when the cache is the database."

    def get_check_kwargs(self, options: Any) -> Any:
        kwargs = super().get_check_kwargs(options)
        return {**kwargs, "tags": sorted(registry.tags_available() - {Tags.urls})}

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if not options["plan"] and not options["check_unapplied"] and not options["prune"]:
            call_command(
                "createcachetable", database=options["database"], verbosity=options["verbosity"]
            )
