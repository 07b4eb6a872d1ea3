"""`mutuals createmember --email E --password P --name N [--staff] [--moderator]`: an operator
adds a member (a moderator: the role moderation declares, `accounts.roles`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuals.accounts.roles import role_grant
from mutuals.accounts.services import member_register
from mutuals.core.errors import MutualsError


class Command(BaseCommand):
    help = "Create a member with a verified e-mail address."
    # Like createsuperuser: no system checks, so the URLconf (every API schema) is not
    # imported just to add a member (issue 13).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--staff", action="store_true", help="May use the admin site.")
        parser.add_argument(
            "--moderator",
            action="store_true",
            help="May work through reports and act on them (the moderation pages and API).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = member_register(
                email=options["email"], password=options["password"], name=options["name"]
            )
        except MutualsError as error:
            fields = error.detail.get("fields", {})
            problems = "; ".join(f"{f}: {' '.join(m)}" for f, m in fields.items())
            raise CommandError(problems or error.message) from error
        if options["staff"]:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        if options["moderator"]:
            role_grant(
                "moderator", member=user, granted_by=None, reason="mutuals createmember --moderator"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Created member {user.name} <{user.email}> (id {user.pk}).")
        )
