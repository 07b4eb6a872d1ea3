"""The API keeps its word for any input: every answer that is not 2xx is the error envelope
with a specific status and code, never a 500, a plain-text page or a misleading code.

Cross-cutting defects found by a fuzzer and a hostile client live here; each test fails
without its fix.
"""

from __future__ import annotations

import json
import re
import urllib.request
from functools import cache
from typing import Any
from urllib.error import HTTPError

import pytest
from django.test import Client

from mutuals.accounts.services import api_token_create
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


@cache
def operations() -> list[tuple[str, str, bool]]:
    """(method, concrete path, needs authentication) for every operation of the served API;
    path parameters are filled with 1 (or `x` for a slug)."""
    schema = api.get_openapi_schema()
    found: list[tuple[str, str, bool]] = []
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


class TestEveryErrorIsTheEnvelope:
    """No answer under /api/ that is not 2xx is plain text or HTML."""

    def test_unsupported_method_is_method_not_allowed_with_allow(self, api_client):
        response = api_client.put("/api/me", {}, content_type="application/json")
        body = assert_envelope(response, 405, "method_not_allowed")
        assert body["detail"]["allowed"] == ["GET"]
        assert response["Allow"] == "GET"

    def test_every_path_refuses_an_unknown_method_in_the_envelope(self, api_client):
        for method, path, _ in operations():
            unused = next(m for m in ("put", "patch", "delete", "post", "get") if m != method)
            allowed = {m for m, p, _ in operations() if p == path}
            if unused in allowed:
                continue
            body = assert_envelope(call(api_client, unused, path, {}), 405, "method_not_allowed")
            assert set(body["detail"]["allowed"]) == {m.upper() for m in allowed}

    def test_unknown_path_is_not_found(self, api_client):
        assert_envelope(api_client.get("/api/no/such/thing"), 404, "not_found")

    def test_a_body_over_the_upload_limit_is_request_too_large(self, api_client, member):
        text = "x" * (3 * 1024 * 1024)
        response = api_client.post(
            "/api/posts", {"kind": "insight", "body": text}, content_type="application/json"
        )
        body = assert_envelope(response, 413, "request_too_large")
        assert body["detail"]["max_bytes"] == 2621440
        assert not member.posts.exists()

    def test_too_many_form_fields_is_request_too_large(self, api_client):
        fields = "&".join(f"f{n}=1" for n in range(1100))
        response = api_client.post(
            "/api/imports/linkedin", fields, content_type="application/x-www-form-urlencoded"
        )
        assert_envelope(response, 413, "request_too_large")

    def test_a_disallowed_host_is_bad_request(self, api_client):
        response = api_client.get("/api/me", headers={"Host": "evil.example"})
        assert_envelope(response, 400, "bad_request")

    def test_pages_outside_the_api_keep_their_own_answers(self, client):
        response = client.put("/accounts/login/")
        assert not response["Content-Type"].startswith("application/json")


@pytest.mark.django_db(transaction=True)
def test_over_real_http_errors_are_the_envelope(live_server, member):
    """Through a real HTTP server, not only the test client: the 405 and the 413 are JSON."""
    _, token = api_token_create(user=member, label="http")
    answers = {}
    for method, path, data in [
        ("PUT", "/api/me", b"{}"),
        ("POST", "/api/posts", json.dumps({"kind": "insight", "body": "x" * 3_000_000}).encode()),
    ]:
        request = urllib.request.Request(  # noqa: S310 (the live test server)
            live_server.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(request)  # noqa: S310
        assert caught.value.headers["Content-Type"].startswith("application/json")
        answers[caught.value.code] = json.loads(caught.value.read())["code"]
    assert answers == {405: "method_not_allowed", 413: "request_too_large"}
