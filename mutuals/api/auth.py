"""API authentication: personal access tokens (`Authorization: Bearer ...`) or the browser
session (with CSRF). Either way the endpoint receives the member as `request.auth`."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(token)


class MemberSessionAuth(SessionAuth):
    """The browser's session; ninja checks CSRF for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def member(request: HttpRequest) -> User:
    """The authenticated member of an API request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
