"""Fetch-with-permission: imports are private, so another member's import is "not found"."""

from __future__ import annotations

from mutuals.accounts.models import User
from mutuals.core.errors import NotFound
from mutuals.imports.models import Import


def access_import_by_id(viewer: User, import_id: int) -> Import:
    found = Import.objects.filter(pk=import_id, owner=viewer).first()
    if found is None:
        raise NotFound("No such import.", code="not_found")
    return found
