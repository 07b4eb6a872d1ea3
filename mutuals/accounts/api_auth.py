"""API authentication: personal access tokens (`Authorization: Bearer ...`) or the browser
session (with CSRF). Either way the endpoint receives the member as `request.auth`.

In accounts, below every app, because every app's router reads `member(request)`; the API
assembly (`mutuals.api.api`) only hands these to the NinjaAPI instance."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from mutuals.accounts.conduct import (
    CONDUCT_EXEMPT_API,
    conduct_not_accepted_refusal,
    conduct_version_to_accept,
)
from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_authenticate

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def conduct_check(request: HttpRequest, user: User) -> User:
    """A member who has not accepted the code of conduct in force may read, but not act:
    writes answer `403 conduct_not_accepted` (`detail.version`) until they accept it, but
    for accepting it, tokens, taking their data and leaving (`conduct.CONDUCT_EXEMPT_API`)."""
    if request.method in UNSAFE_METHODS and not request.path.startswith(CONDUCT_EXEMPT_API):
        pending = conduct_version_to_accept(user)
        if pending:
            raise conduct_not_accepted_refusal(pending)
    return user


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        return conduct_check(request, user) if user is not None else None


class MemberSessionAuth(SessionAuth):
    """The browser's session, with CSRF checked on unsafe methods (by ninja).

    CSRF protects a signed-in browser from other sites; a request with no signed-in session
    has nothing to protect, so it is never told about CSRF: it gets 401 `not_authenticated`
    like any other unauthenticated call (a script whose token expired is told to sign in, not
    to reload a page)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not _signed_in(request):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not _signed_in(request):
            return None
        return conduct_check(request, cast(User, request.user))


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active)


def member(request: HttpRequest) -> User:
    """The authenticated member of an API request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
