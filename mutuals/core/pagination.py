"""Cursor (keyset) pagination for API lists: `{"items": [...], "next": cursor | null}`.

A cursor encodes the ordering values of the last item served, so pages stay correct while
rows are added or removed, and each page costs one indexed query however deep it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, Model, Q, QuerySet

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
    """The `size` values a cursor carries, or `InvalidCursor` for anything a client made up
    (not base64, not JSON, not a list of that length). The values' types are the caller's
    to check (`keyset_page` checks them against the model's fields)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_no_nan)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidCursor from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursor
    return values


def cursor_id(value: Any) -> int:
    """A row id from a cursor: an integer the database can hold, or `InvalidCursor`."""
    return cursor_int(value, low=1)


def cursor_int(value: Any, *, low: int = 0, high: int | None = None) -> int:
    top = connection.ops.integer_field_range("BigIntegerField")[1] if high is None else high
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= top:
        raise InvalidCursor
    return value


def cursor_float(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise InvalidCursor
    return float(value)


def _no_nan(constant: str) -> Any:
    raise ValueError(f"{constant} is not a cursor value")


def keyset_page[M: Model](
    queryset: QuerySet[M], *, keys: Sequence[str], cursor: str | None, limit: int | None
) -> tuple[list[M], str | None]:
    """One page of `queryset` ordered by `keys` ("-key" for descending; the last key must be
    unique, and all keys sort the same way)."""
    limit = page_limit(limit)
    queryset = queryset.order_by(*keys)
    if cursor:
        queryset = queryset.filter(keyset_after(keys, keyset_values(queryset.model, keys, cursor)))
    return keyset_result(list(queryset[: limit + 1]), keys=keys, limit=limit)


def page_limit(limit: int | None) -> int:
    """The page's length: `DEFAULT_LIMIT` when not given, refused beyond 1 to `MAX_LIMIT`."""
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise MutualsError(
            f"limit must be between 1 and {MAX_LIMIT}.", code="invalid_limit", detail={}
        )
    return limit


def keyset_values(model: type[Model], keys: Sequence[str], cursor: str) -> list[Any]:
    """The values of `keys` a cursor of `model`'s rows carries, each as its field's own type
    (else `InvalidCursor`)."""
    fields = [key.lstrip("-") for key in keys]
    return [
        _checked(model, field, value)
        for field, value in zip(fields, decode_cursor(cursor, len(keys)), strict=True)
    ]


def keyset_after(keys: Sequence[str], values: Sequence[Any]) -> Q:
    """The rows after (`keys`) = `values` in the order of `keys`: (k1, k2, ...) > (v1, v2,
    ...) spelled out, since not every database has row values."""
    fields = [key.lstrip("-") for key in keys]
    after = Q()
    for index, key in enumerate(keys):
        beyond = "lt" if key.startswith("-") else "gt"
        step = Q(**{f"{fields[index]}__{beyond}": values[index]})
        for previous_field, previous_value in zip(fields[:index], values[:index], strict=True):
            step &= Q(**{previous_field: previous_value})
        after |= step
    return after


def keyset_result[M](
    rows: list[M], *, keys: Sequence[str], limit: int
) -> tuple[list[M], str | None]:
    """The page from up to `limit` + 1 rows read in the order of `keys`, and the cursor of the
    next page when there was one more row (model instances, or anything with the keys as
    attributes)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([_value(rows[-1], key.lstrip("-")) for key in keys])


def ranked_page[T](
    ranked: Sequence[T], *, cursor: str | None, limit: int | None
) -> tuple[list[T], str | None]:
    """One page of a list ranked in Python (scores no index holds), in the same envelope as
    `keyset_page`; the cursor holds the position reached in the ranking."""
    start, limit = ranked_slice(cursor=cursor, limit=limit)
    page = list(ranked[start : start + limit])
    return page, ranked_next(start, limit, more=start + limit < len(ranked))


def ranked_slice(*, cursor: str | None, limit: int | None) -> tuple[int, int]:
    """Where a page of a ranking starts and how long it is, from the request's cursor and
    limit (`ranked_page`'s rules), for a ranking the database slices itself: ask it for one
    row more than `limit` to know whether another page follows (`ranked_next`)."""
    limit = page_limit(limit)
    return (cursor_int(decode_cursor(cursor, 1)[0]) if cursor else 0), limit


def ranked_next(start: int, limit: int, *, more: bool) -> str | None:
    """The cursor of the page after the one at `start`, if `more` rows follow it."""
    return encode_cursor([start + limit]) if more else None


def _checked(model: type[Model], key: str, value: Any) -> Any:
    """A cursor's value for `key`, as the field's own type, or `InvalidCursor`: a crafted
    cursor must not reach the database as a wrong type or an out-of-range number."""
    field = _field(model, key)
    if value is None or isinstance(value, list | dict | bool):
        raise InvalidCursor
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    internal = str(target.get_internal_type())
    if internal in connection.ops.integer_field_ranges:
        low, high = connection.ops.integer_field_range(internal)
        return cursor_int(value, low=low, high=high)
    if internal in {"FloatField", "DecimalField"}:
        return cursor_float(value)
    if not isinstance(value, str) or "\x00" in value:
        raise InvalidCursor
    try:
        checked = field.to_python(value)
        if isinstance(checked, datetime):
            if checked.tzinfo is None:
                raise InvalidCursor
            checked = checked.astimezone(UTC)  # beyond year 9999 in UTC: OverflowError
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise InvalidCursor from exc
    return checked


def _field(model: type[Model], key: str) -> Field[Any, Any]:
    *relations, name = key.split("__")
    for relation in relations:
        model = cast(type[Model], model._meta.get_field(relation).related_model)
    # A key that is not a column is a programming error: FieldDoesNotExist, loudly.
    return cast(Field[Any, Any], model._meta.get_field(name))


def _value(obj: Any, key: str) -> Any:
    for part in key.split("__"):
        obj = getattr(obj, part)
    if isinstance(obj, Model):
        return obj.pk
    return obj
