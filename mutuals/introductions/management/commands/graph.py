"""`mutuals graph`: the graph builder on its own (docs/scaling.md, "Keeping it current")."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Build the graph snapshot from the database and publish it for the server processes; "
        "keeps it current until stopped (--once: build and publish once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Build, publish and exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls (default 1)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from mutuals.introductions import builder
        from mutuals.introductions.graph import forget_snapshot, graph_build, store_directory

        if options["once"]:
            forget_snapshot()  # a full build, whatever this process built before
            name = graph_build()
            if name is None:  # the build equals the snapshot already published
                self.stdout.write(f"The graph snapshot in {store_directory()} is current.")
            else:
                self.stdout.write(f"Published graph snapshot {name} in {store_directory()}.")
            return
        self.stdout.write(f"Building the graph snapshot into {store_directory()} (Ctrl-C stops).")
        with contextlib.suppress(KeyboardInterrupt):
            builder.run(interval=options["interval"])
