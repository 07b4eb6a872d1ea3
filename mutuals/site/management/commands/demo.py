"""`mutuals demo`: seed the demo chapter and print how to sign in. Safe to run again."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from mutuals.introductions.graph import forget_snapshot, graph_build
from mutuals.site import demo_cast
from mutuals.site.demo import demo_seed

# Members worth signing in as besides the demo login, and what each one shows. The demo tests
# check each claim against the seeded data, so this stays true when the cast changes.
WORTH_TRYING = (
    (
        "priya",
        "chapter president: organized yesterday's risk workshop (check-ins, follow-up) "
        "and the mentoring circle next week; mentors Sam; a moderator: two reports wait on "
        "/moderation/",
    ),
    (
        "thandi",
        "a mentor: her offer, and a completed mentorship whose testimonial shows on her profile",
    ),
    ("aiko", "asked Sam to mentor her: a mentee's side of a request still waiting"),
)


class Command(BaseCommand):
    help = f"Seed the demo community ({demo_cast.CHAPTER_NAME}); running it again adds nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_seed()
        # The demo wrote rows in bulk: publish the graph now, so its paths and suggestions
        # answer before a builder (`mutuals graph`, `mutuals worker`) has started.
        forget_snapshot()
        graph_build()
        login = next(m for m in demo_cast.CAST if m.key == demo_cast.DEMO_LOGIN_KEY)
        host = os.environ.get("MUTUALS_HOST", "127.0.0.1")
        port = os.environ.get("MUTUALS_PORT", "8000")
        self.stdout.write(
            self.style.SUCCESS(
                f"{demo_cast.CHAPTER_NAME}: {summary.members_total} members "
                f"({summary.members_created} new), {summary.connections_total} connections "
                f"({summary.connections_created} new), {summary.interactions_created} new "
                f"interactions, {summary.requests_created} new requests waiting."
            )
        )
        by_key = {member.key: member for member in demo_cast.CAST}
        self.stdout.write(
            f"\nSign in at http://{host}:{port}/accounts/login/ as {login.name}:\n"
            f"  e-mail:   {login.email}\n"
            f"  password: {demo_cast.DEMO_PASSWORD}\n"
            f"\nEvery demo member ({len(demo_cast.CAST)}) signs in with the same password and\n"
            "  <first name, letters only, lower case>@demo.mutuals.test (María José: mariajose@…)\n"
            "Worth trying:\n"
        )
        for key, shows in WORTH_TRYING:
            member = by_key[key]
            self.stdout.write(f"  {member.email:<26} {member.name}: {shows}\n")
