"""The error envelope's schema, and how an endpoint documents the refusals it can answer.

Every operation lists, in `openapi_extra=refusals({...})`, the statuses and codes its own
rules can refuse with (read from the service it calls: which `MutualsError` it raises). The
API adds the refusals every operation of a kind shares (401 when signed out, 422
`invalid_fields` when it takes input, ...) and renders both as responses with this schema;
see `mutuals/api/openapi.py` and docs/api.md "Conventions".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ninja import Schema

# The operation-level key `refusals()` writes and the API's document step reads (and removes).
REFUSALS_KEY = "x-refusals"


class ErrorOut(Schema):
    """Every refusal: a stable snake_case `code`, a human `message`, and a `detail` object
    (`fields` for invalid fields, `findings` for a personalization refusal, `retry_at` for a
    limit)."""

    code: str
    message: str
    detail: dict[str, object]


def refusals(codes: Mapping[int, Iterable[str]]) -> dict[str, Any]:
    """`openapi_extra` for an operation that can refuse with these codes, by HTTP status:
    `refusals({404: ["not_found"], 409: ["already_connected"]})`."""
    return {REFUSALS_KEY: {status: sorted(set(names)) for status, names in codes.items()}}
