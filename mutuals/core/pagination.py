"""Cursor (keyset) pagination for API lists: `{"items": [...], "next": cursor | null}`.

A cursor encodes the ordering values of the last item served, so pages stay correct while
rows are added or removed, and each page costs one indexed query however deep it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet

from mutuals.core.errors import MutualsError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InvalidCursor(MutualsError):
    status = 400
    default_code = "invalid_cursor"
    default_message = "The cursor is not valid; start again without one."


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursor
    return values


def keyset_page[M: Model](
    queryset: QuerySet[M], *, keys: Sequence[str], cursor: str | None, limit: int | None
) -> tuple[list[M], str | None]:
    """One page of `queryset` ordered by `keys` ("-key" for descending; the last key must be
    unique, and all keys sort the same way)."""
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise MutualsError(
            f"limit must be between 1 and {MAX_LIMIT}.", code="invalid_limit", detail={}
        )
    queryset = queryset.order_by(*keys)
    if cursor:
        values = decode_cursor(cursor, len(keys))
        after = Q()
        # (k1, k2, ...) > (v1, v2, ...) spelled out, since not every database has row values.
        fields = [key.lstrip("-") for key in keys]
        for index, key in enumerate(keys):
            beyond = "lt" if key.startswith("-") else "gt"
            step = Q(**{f"{fields[index]}__{beyond}": values[index]})
            for previous_field, previous_value in zip(fields[:index], values[:index], strict=True):
                step &= Q(**{previous_field: previous_value})
            after |= step
        queryset = queryset.filter(after)
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([_value(last, key.lstrip("-")) for key in keys])
    return rows, next_cursor


def _value(obj: Any, key: str) -> Any:
    for part in key.split("__"):
        obj = getattr(obj, part)
    if isinstance(obj, Model):
        return obj.pk
    return obj
