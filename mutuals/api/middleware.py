"""The error envelope for answers the API's own handlers never see.

Ninja's handlers (mutuals/api/api.py) shape every error raised inside an operation. A few
answers under /api/ are made elsewhere: ninja's 405 for a method the path does not have
(plain text), Django's 400 for a request it will not read (a disallowed host, say), the 404
and 500 handlers. This middleware, outermost, rewrites the body of any such answer into
`{"code", "message", "detail"}`, keeping its status and headers (`Allow` among them), so no
answer under /api/ that is not 2xx is anything else.

One answer never reaches Django: granian itself refuses a request line over its limit
(about 64 KiB) with an empty `414 URI Too Long` before any application code runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from mutuals.api.parser import NUL, NUL_MESSAGE

API_PREFIX = "/api/"
# django-allauth's headless account flows (config/urls.py) answer in allauth's own envelope,
# `{status, errors, meta}`, which its clients read (the pending flows of a 401 among them).
ALLAUTH_HEADLESS_PREFIX = "/api/auth/app/"


def _ours(path: str) -> bool:
    """Whether an answer at `path` follows docs/api.md's conventions (all of /api/ but
    allauth's headless flows)."""
    return path.startswith(API_PREFIX) and not path.startswith(ALLAUTH_HEADLESS_PREFIX)


# Statuses produced outside ninja's handlers, with the code and message clients get.
_ANSWERS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be read."),
    403: ("forbidden", "You are not allowed to do that."),
    404: ("not_found", "No such API endpoint."),
    405: ("method_not_allowed", "This path does not accept that method."),
    413: ("request_too_large", "The request body is too large."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
}


class ApiErrorEnvelopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _ours(request.path) and (refused := _nul_in_address(request)):
            return refused
        response = self.get_response(request)
        if not _ours(request.path) or response.status_code < 400 or _is_envelope(response):
            return response
        return envelope_for(response)


def envelope_for(response: HttpResponseBase) -> HttpResponseBase:
    """The same answer (status, headers, cookies) with the envelope as its body."""
    status = response.status_code
    code, message = _ANSWERS.get(status) or _answer_for_other(status)
    detail: dict[str, Any] = {}
    if status == 405 and response.has_header("Allow"):
        allowed = sorted(method.strip() for method in response["Allow"].split(","))
        detail["allowed"] = allowed
        message = f"This path accepts {', '.join(allowed)}."
    body = json.dumps({"code": code, "message": message, "detail": detail}).encode()
    if not isinstance(response, HttpResponse):  # streaming: start a fresh answer
        fresh = HttpResponse(status=status)
        for header, value in response.items():
            fresh[header] = value
        response = fresh
    response.content = body
    response["Content-Type"] = "application/json; charset=utf-8"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(body))
    return response


def _nul_in_address(request: HttpRequest) -> HttpResponse | None:
    """The NUL character is refused in the path and the query string here, before routing,
    for every operation (docs in mutuals/api/parser.py, which refuses it in bodies)."""
    fields = [
        key.replace(NUL, "\\u0000")
        for key, values in request.GET.lists()
        if NUL in key or any(NUL in value for value in values)
    ]
    if NUL in request.path:
        fields.insert(0, "path")
    if not fields:
        return None
    return JsonResponse(
        {
            "code": "invalid_fields",
            "message": f"{fields[0]}: {NUL_MESSAGE}",
            "detail": {"fields": {name: [NUL_MESSAGE] for name in fields}},
        },
        status=422,
    )


def _answer_for_other(status: int) -> tuple[str, str]:
    if status >= 500:
        return _ANSWERS[500]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return _ANSWERS[400]
    return "_".join(phrase.lower().replace("-", " ").split()), f"{phrase}."


def _is_envelope(response: HttpResponseBase) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    if not isinstance(response, HttpResponse):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "detail"} <= set(body)
