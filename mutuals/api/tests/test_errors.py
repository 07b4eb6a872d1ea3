"""The API keeps its word for any input: every answer that is not 2xx is the error envelope
with a specific status and code, never a 500, a plain-text page or a misleading code.

Cross-cutting defects found by a fuzzer and a hostile client live here; each test fails
without its fix.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from mutuals.api.api import api

pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}


def assert_envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "detail"}, body
    assert body["code"] == code, body
    assert body["message"]
    return body


def operations() -> list[tuple[str, str, bool]]:
    """(method, concrete path, needs authentication) for every operation of the served API;
    path parameters are filled with 1 (or `x` for a slug)."""
    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            concrete = re.sub(r"\{(\w*slug\w*)\}", "x", path)
            concrete = re.sub(r"\{\w+\}", "1", concrete)
            found.append((method, concrete, bool(operation.get("security"))))
    return found


def call(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, body, content_type="application/json", **extra)


UNSAFE_OPERATIONS = [
    pytest.param(method, path, id=f"{method.upper()} {path}")
    for method, path, secured in operations()
    if method in UNSAFE and secured
]


class TestUnauthenticatedWrites:
    """A request with no signed-in session has no CSRF to check: it is told to authenticate
    (401 `not_authenticated`), never to "reload the page" (403 `csrf_failed`)."""

    @pytest.mark.parametrize(("method", "path"), UNSAFE_OPERATIONS)
    def test_no_credentials_is_not_authenticated(self, method, path):
        client = Client(enforce_csrf_checks=True)
        assert_envelope(call(client, method, path, {}), 401, "not_authenticated")

    @pytest.mark.parametrize(("method", "path"), UNSAFE_OPERATIONS)
    def test_invalid_token_is_not_authenticated(self, method, path):
        client = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer expired"})
        assert_envelope(call(client, method, path, {}), 401, "not_authenticated")

    def test_a_stale_session_cookie_is_not_authenticated(self):
        client = Client(enforce_csrf_checks=True)
        client.cookies["sessionid"] = "no-such-session"
        response = client.post(
            "/api/posts", {"kind": "insight", "body": "hi"}, content_type="application/json"
        )
        assert_envelope(response, 401, "not_authenticated")

    def test_signed_in_session_without_csrf_token_is_refused(self, member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        response = client.post(
            "/api/posts", {"kind": "insight", "body": "hi"}, content_type="application/json"
        )
        assert_envelope(response, 403, "csrf_failed")
        assert not member.posts.exists()

    def test_signed_in_session_with_csrf_token_writes(self, member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        client.get("/")
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/api/posts",
            {"kind": "insight", "body": "hi"},
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201, response.content
