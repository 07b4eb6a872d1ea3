"""Every refusal in the OpenAPI document: each operation's own (`refusals()` in its
`openapi_extra`) and the ones its shape brings, as responses with the error envelope's schema.

A response for status S lists its codes twice: in its description for people, and as the
enum of `code` for machines (the fuzz test checks every answer against it). The shared ones
mirror the handlers in `mutuals/api/api.py`: what a signed-out caller, a missing CSRF token,
an invalid field, a body that is not JSON and a forged cursor get.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from mutuals.accounts.conduct import CONDUCT_EXEMPT_API
from mutuals.core.schemas import REFUSALS_KEY, ErrorOut

ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def document_refusals(document: dict[str, Any]) -> None:
    """Add the refusal responses to every operation of the document, in place."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorOut"] = ErrorOut.model_json_schema(mode="serialization")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = shared_refusals(method, operation, path)
            for status, names in operation.pop(REFUSALS_KEY, {}).items():
                codes.setdefault(int(status), set()).update(names)
            for status, names in sorted(codes.items()):
                # ninja keys responses by int: a string key would be a second entry.
                operation["responses"][status] = error_response(status, sorted(names))


def shared_refusals(
    method: str, operation: Mapping[str, Any], path: str = ""
) -> dict[int, set[str]]:
    """The refusals an operation has because of its shape, not its rules."""
    codes: dict[int, set[str]] = {}
    if operation.get("security"):
        codes[401] = {"not_authenticated"}
        if method in UNSAFE_METHODS:
            # Signed in through the browser session, without the CSRF token.
            codes[403] = {"csrf_failed"}
            if path and not path.startswith(CONDUCT_EXEMPT_API):
                # A write before accepting a new code of conduct (accounts.api_auth).
                codes[403].add("conduct_not_accepted")
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    # Any text the client sends may hold a NUL, which every operation refuses (parser.py,
    # middleware.py), so an operation with a parameter or a body can answer invalid_fields.
    if body or parameters:
        codes[422] = {"invalid_fields"}
    if body:
        # Over DATA_UPLOAD_MAX_MEMORY_SIZE / _NUMBER_FIELDS (api.py's handler).
        codes[413] = {"request_too_large"}
    if body and "application/json" in body.get("content", {}):
        codes.setdefault(400, set()).add("malformed_json")
    if any(p["name"] == "cursor" and p["in"] == "query" for p in parameters):
        codes.setdefault(400, set()).add("invalid_cursor")
    return codes


def error_response(status: int, codes: list[str]) -> dict[str, Any]:
    listed = ", ".join(f"`{code}`" for code in codes)
    return {
        "description": f"{HTTPStatus(status).phrase}: {listed}",
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        {"$ref": ERROR_REF},
                        {"properties": {"code": {"enum": codes}}},
                    ]
                }
            }
        },
    }
