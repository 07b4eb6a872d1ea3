"""`mutuals import-linkedin`: the command under the name docs/design.md §7 gives it. Django finds
commands by file name, so this file carries the hyphen; the command itself lives in
`mutuals/imports/management/import_linkedin.py`, so `mutuals help` lists it once."""

# ruff: noqa: N999

from mutuals.imports.management.import_linkedin import Command

__all__ = ["Command"]
