"""The `mutuals` command: Django's manage.py under the product's name.

The product's own commands (`serve`, `demo`, `worker`, `createmember`, `backup`, `restore`)
are Django management commands, so `mutuals --help` lists them beside every Django command.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version

import django
from django.core.management import execute_from_command_line

OVERVIEW = """\
mutuals — a professional network where a connection is a mutual commitment.

Commands for running a community:
  mutuals serve          serve the web app and API (granian; --host, --port, --workers)
  mutuals demo           seed the demo chapter and print credentials (safe to rerun)
  mutuals worker         run background tasks (nudges, deliveries, imports)
  mutuals sweep          catch up due deliveries, expiries, nudges and mentorship ends
                         (hourly, idempotent)
  mutuals createmember   add a member: --email E --password P --name N [--staff]
  mutuals migrate        create or upgrade the database (DATABASE_URL selects it)
  mutuals backup PATH    back the database up to one file while it serves
  mutuals restore PATH   replace the database with a backup, all or nothing
  mutuals audit PATH --out report.html
                         audit a LinkedIn data export offline, no server or database
  mutuals import-linkedin --email E PATH
                         import a LinkedIn export into a member's private contact book

Every Django command is available too:
"""


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    args = list(argv if argv is not None else sys.argv)
    if args[1:] == ["--version"]:
        # Django's own --version names Django's version, not the product's.
        sys.stdout.write(f"mutuals {version('mutuals')} (Django {django.get_version()})\n")
        return
    if len(args) == 1 or args[1:] in (["--help"], ["-h"], ["help"]):
        sys.stdout.write(OVERVIEW)
        args = [args[0], "help"]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
