"""The `mutuals` command: Django's manage.py under the product's name.

The product's own commands (`serve`, `demo`, `worker`, `createmember`) are Django management
commands, so `mutuals --help` lists them beside every Django command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
