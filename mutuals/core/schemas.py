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

import ninja
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

# The operation-level key `refusals()` writes and the API's document step reads (and removes).
REFUSALS_KEY = "x-refusals"


class Schema(ninja.Schema):
    """django-ninja's Schema, without validating twice what a schema holds (issue 20).

    Every answer is built from schemas (`ProfileOut.build(...)` inside `MeOut(...)`, twenty
    `MemberOut` inside a page). ninja's validator reads any value it is given attribute by
    attribute (to accept model instances), even a schema instance already validated when it
    was made, so each nested schema was validated again by its parent, and again by the page
    around that: a tenth of the CPU of `GET /api/me`. An instance of the very schema a field
    declares is taken as it is, as plain pydantic does; a plain dict (keyword arguments, a
    parsed body) is validated by pydantic itself; anything else (a model instance, an
    instance of another schema) is read and validated as ninja does.
    Every API schema derives from this one (api/tests/test_schemas.py checks)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if type(values) is cls:
            return values
        if type(values) is dict:
            # Keyword arguments (`MemberOut(id=..., name=...)`) and parsed JSON bodies: pydantic
            # validates a dict itself, in its core, where ninja's getter would read each field
            # through two Python calls (a fifth of building a page of twenty members). What
            # the getter adds is for model instances: a manager or queryset made a list, a
            # callable called, a file field made its URL; none belongs in a dict, and pydantic
            # refuses any of them where a field wants a list or a string.
            return handler(values)
        # ninja's own validator (ninja/schema.py), unchanged.
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get(
            "validate_assignment", False
        ):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


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
