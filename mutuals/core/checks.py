"""System checks for running more than one server (issue 21), run by `mutuals check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def secret_key_shared_check(**kwargs: Any) -> list[CheckMessage]:
    """Every server of an instance must sign with the same key: a key generated into one
    host's data directory signs out, on every other host, the members who signed in there."""
    if not getattr(settings, "MUTUALS_SECRET_KEY_GENERATED", False):
        return []
    return [
        Warning(
            "The secret key was generated into this host's data directory "
            "(MUTUALS_SECRET_KEY is not set).",
            hint=(
                "Set MUTUALS_SECRET_KEY in the environment of every server and worker: "
                "servers on other hosts would generate keys of their own, and a member signed "
                "in on one would be signed out by the next."
            ),
            id="mutuals.W001",
        )
    ]
