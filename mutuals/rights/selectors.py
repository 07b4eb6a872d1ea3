"""Reads of a member's data exports, for the page and the API."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.rights.models import DataExport


def export_latest(member: User) -> DataExport | None:
    """The member's most recent export request (without its archive), or None."""
    return (
        DataExport.objects.filter(member=member)
        .defer("content")
        .order_by("-requested_at", "-id")
        .first()
    )
