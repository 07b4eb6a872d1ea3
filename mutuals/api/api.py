"""The JSON API: one NinjaAPI instance, its authentication, the error envelope, the routers.

Every error leaves as `{"code", "message", "detail"}` (docs/api.md "Conventions"); the status
comes from the error's class. Routers live in each app's `api.py`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from mutuals.accounts.api import router as accounts_router
from mutuals.accounts.api_auth import MemberSessionAuth, TokenAuth
from mutuals.api.openapi import document_refusals
from mutuals.api.parser import MutualsParser
from mutuals.connections.api import router as connections_router
from mutuals.core.errors import MutualsError
from mutuals.core.replicas import ReplicaReadFailed
from mutuals.engagement.api import router as engagement_router
from mutuals.events.api import router as events_router
from mutuals.feed.api import router as feed_router
from mutuals.imports.api import router as imports_router
from mutuals.insights.api import router as insights_router
from mutuals.introductions.api import router as introductions_router
from mutuals.mentorship.api import router as mentorship_router
from mutuals.messaging.api import router as messaging_router
from mutuals.moderation.api import router as moderation_router
from mutuals.rights.api import router as rights_router
from mutuals.search.api import router as search_router

logger = logging.getLogger(__name__)


class MutualsAPI(NinjaAPI):
    """ninja's API, whose document also lists every refusal (mutuals/api/openapi.py)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_refusals(document)
        return document


api = MutualsAPI(
    title="mutuals API",
    version="1",
    description=(
        "The JSON API of mutuals, a professional network where a connection is a mutual "
        "commitment. Authenticate with `Authorization: Bearer <token>` (from "
        "`POST /api/auth/token`) or the browser session. Errors are "
        '`{"code", "message", "detail"}`.'
    ),
    auth=[TokenAuth(), MemberSessionAuth()],
    parser=MutualsParser(),
    urls_namespace="api",
    docs_url="/docs",
)

# Each app's router, mounted at the root of the API (its paths are the contract's paths).
ROUTERS = (
    accounts_router,
    connections_router,
    engagement_router,
    insights_router,
    imports_router,
    introductions_router,
    messaging_router,
    events_router,
    feed_router,
    mentorship_router,
    rights_router,
    moderation_router,
    search_router,
)
for router in ROUTERS:
    api.add_router("", router)

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_fields",
    429: "rate_limited",
}


def error_response(
    request: HttpRequest, *, status: int, code: str, message: str, detail: dict[str, Any]
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "detail": detail}, status=status
    )


@api.exception_handler(MutualsError)
def mutuals_error(request: HttpRequest, exc: MutualsError) -> HttpResponse:
    return error_response(
        request, status=exc.status, code=exc.code, message=exc.message, detail=exc.detail
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in {"body", "payload"}]
        if location and location[0] in {"query", "path"}:
            location = location[1:]
        name = ".".join(location) or "body"
        fields.setdefault(name, []).append(str(error.get("msg", "is not valid")))
    first_field, first_messages = next(iter(fields.items()))
    return error_response(
        request,
        status=422,
        code="invalid_fields",
        message=f"{first_field}: {first_messages[0]}",
        detail={"fields": fields},
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code="not_authenticated",
        message="Sign in, or send a valid token as 'Authorization: Bearer <token>'.",
        detail={},
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, MutualsError):
        # ninja turns any error in reading the body into a 400; ours say what was refused
        # (mutuals/api/parser.py).
        return mutuals_error(request, exc.__cause__)
    code = _CODES_BY_STATUS.get(exc.status_code, "error")
    message = exc.message
    if exc.status_code == 403 and "CSRF" in exc.message:
        code, message = "csrf_failed", "The CSRF token is missing or wrong; reload the page."
    elif exc.status_code == 400 and "parse request body" in exc.message:
        code, message = "malformed_json", "The request body is not valid JSON."
    return error_response(request, status=exc.status_code, code=code, message=message, detail={})


@api.exception_handler(SuspiciousOperation)
def unreadable_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django refuses to read a body over its limits (`DATA_UPLOAD_MAX_MEMORY_SIZE`,
    `DATA_UPLOAD_MAX_NUMBER_FIELDS`, `..._FILES`): 413, not a 500. Any other suspicious
    request is a plain 400."""
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return error_response(
            request,
            status=413,
            code="request_too_large",
            message="The request body is too large.",
            detail={
                "max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            },
        )
    return error_response(
        request, status=400, code="bad_request", message="The request could not be read.", detail={}
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message="Not found.", detail={})


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, ReplicaReadFailed):
        # Not an error of this request: it is answered again from the primary
        # (`core.replicas.ReadReplicaMiddleware`).
        raise exc
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    if settings.DEBUG:
        raise exc
    return error_response(
        request,
        status=500,
        code="server_error",
        message="Something went wrong on our side; it has been logged.",
        detail={},
    )
