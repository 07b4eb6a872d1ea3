"""The one error tree: every refusal a member can meet is a `MutualsError`.

Each error has a stable snake_case `code` (a promise to API clients, see docs/api.md), a human
message, an HTTP status the API maps it to, and a `detail` dict. HTML views turn the same
errors into form errors and flash messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder


def json_datetime(value: datetime) -> str:
    """A datetime in `detail` written as the API writes every other one (the JSON encoder's
    ISO 8601: milliseconds, `Z` for UTC), so a client parses one format everywhere."""
    return str(DjangoJSONEncoder().default(value))


class MutualsError(Exception):
    """Base of every expected refusal; never a bare 500."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.detail: dict[str, Any] = detail or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class NotAuthenticated(MutualsError):
    status = 401
    default_code = "not_authenticated"
    default_message = "Sign in first."


class NotFound(MutualsError):
    """Missing, or not visible to the caller (a member who blocked them, another's settings)."""

    status = 404
    default_code = "not_found"
    default_message = "Not found."


class NotAllowed(MutualsError):
    status = 403
    default_code = "forbidden"
    default_message = "You are not allowed to do that."


class Conflict(MutualsError):
    status = 409
    default_code = "conflict"
    default_message = "That conflicts with the current state."


class Refused(MutualsError):
    """Refused by a rule, or a field is invalid (`detail.fields` maps field → messages)."""

    status = 422
    default_code = "invalid"
    default_message = "Some fields are not valid."

    @classmethod
    def for_fields(cls, fields: dict[str, list[str]], message: str | None = None) -> Refused:
        first = next(iter(fields.items()))
        return cls(
            message or f"{first[0]}: {first[1][0]}",
            code="invalid_fields",
            detail={"fields": fields},
        )


class RateLimited(MutualsError):
    status = 429
    default_code = "rate_limited"
    default_message = "Too many attempts; try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_at: datetime,
        code: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            message, code=code, detail={**(detail or {}), "retry_at": json_datetime(retry_at)}
        )
        self.retry_at = retry_at
