"""`mutuals mentorship_sweep`: the periodic mentorship pass (run it hourly beside `mutuals
sweep`). Deferred tasks already complete mentorships at their end date; this catches whatever
a stopped worker missed, fulfils check-ins from interactions logged anywhere (messages,
calls) and ends mentorships a block came between. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mutuals.mentorship.services.mentorships import mentorships_sweep


class Command(BaseCommand):
    help = "Complete mentorships past their end date and fulfil check-ins (idempotent; hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        completed = mentorships_sweep()
        self.stdout.write(f"completed {completed} mentorships")
