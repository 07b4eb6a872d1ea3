"""`mutuals import-linkedin`: the command's name as DESIGN.md §7 spells it (Django finds command
modules by file name, so this file is that name; the command lives in import_linkedin.py)."""

# ruff: noqa: N999

from mutuals.imports.management.commands.import_linkedin import Command

__all__ = ["Command"]
