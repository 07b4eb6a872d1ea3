"""`mutuals audit PATH --out report.html`: the whole network audit of a LinkedIn export,
offline. No server and no database: it works from a fresh checkout, before any `migrate`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuals.imports.audit import audit_export, personalization_scorer, public
from mutuals.imports.linkedin import InvalidExport, parse_export
from mutuals.imports.progress import ProgressBar
from mutuals.imports.report import report_pieces

READ_SHARE = 80


class Command(BaseCommand):
    help = (
        "Audit a LinkedIn data export (the ZIP, its unpacked folder, or one CSV) and write a "
        "single self-contained HTML report. Needs no server and no database."
    )
    # Nothing here touches the database: no system checks, no migration check.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the export: ZIP, folder or CSV file")
        parser.add_argument(
            "--out", type=Path, default=Path("report.html"), help="where to write the report"
        )
        parser.add_argument(
            "--as-of",
            type=datetime.fromisoformat,
            default=None,
            help="judge recency as of this date (default: the export's latest record)",
        )
        parser.add_argument("--json", type=Path, default=None, help="also write the audit as JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        bar = ProgressBar(sys.stderr, enabled=not options["quiet"])
        try:
            export = parse_export(
                path, lambda fraction, label: bar.update(fraction * READ_SHARE, f"reading {label}")
            )
        except InvalidExport as exc:
            bar.close()
            raise CommandError(f"not imported — {exc.message}") from exc
        bar.update(READ_SHARE, "auditing")
        as_of = options["as_of"]
        if as_of is not None and as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=UTC)
        audit = public(audit_export(export, as_of=as_of, scorer=personalization_scorer()))
        # The parsed export (every message) is not needed past this point: let the report's
        # rendering reuse its memory rather than add to it.
        del export
        bar.update(95, "writing the report")
        out = Path(options["out"])
        try:
            with out.open("w", encoding="utf-8") as report:
                report.writelines(report_pieces(audit))
        except OSError as exc:
            bar.close()
            raise CommandError(f"{out}: cannot write the report ({exc.strerror})") from exc
        if options["json"] is not None:
            Path(options["json"]).write_text(json.dumps(audit, indent=2), encoding="utf-8")
        bar.update(100, "done")
        bar.close()
        totals = audit["totals"]
        self.stdout.write(
            f"{totals['connections']} connections, {totals['messages_counted']} messages, "
            f"{audit['reengage_count']} to re-engage, {audit['let_rest']['count']} to let rest. "
            f"Report: {out}"
        )
