"""The API keeps its word for any input: every answer that is not 2xx is the error envelope
with a specific status and code, never a 500, a plain-text page or a misleading code.

Cross-cutting defects found by a fuzzer and a hostile client live here; each test fails
without its fix.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from datetime import timedelta
from functools import cache
from typing import Any
from urllib.error import HTTPError

import pytest
from django.test import Client
from django.utils import timezone

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
    return [(method, path, secured) for method, path, secured, _ in _operations()]


@cache
def _operations() -> list[tuple[str, str, bool, bool]]:
    schema = api.get_openapi_schema()
    found: list[tuple[str, str, bool, bool]] = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            concrete = re.sub(r"\{(\w*slug\w*)\}", "x", path)
            concrete = re.sub(r"\{\w+\}", "1", concrete)
            json_body = "application/json" in operation.get("requestBody", {}).get("content", {})
            found.append((method, concrete, bool(operation.get("security")), json_body))
    return found


JSON_BODY_OPERATIONS = [
    pytest.param(method, path, id=f"{method.upper()} {path}")
    for method, path, _, json_body in _operations()
    if json_body
]
GET_OPERATIONS = [
    pytest.param(path, id=f"GET {path}") for method, path, _ in operations() if method == "get"
]


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


def nul_refused(response: Any, field: str) -> None:
    body = assert_envelope(response, 422, "invalid_fields")
    assert field in body["detail"]["fields"], body
    assert "NUL" in body["detail"]["fields"][field][0]


class TestNulIsRefusedEverywhere:
    """PostgreSQL cannot store NUL in text (a DataError, a 500) and SQLite stored it: it is
    refused up front on every input of every operation, with 422 naming the field."""

    def test_token(self, member):
        response = Client().post(
            "/api/auth/token",
            {"email": "sam@example.com\x00", "password": "x"},
            content_type="application/json",
        )
        nul_refused(response, "email")

    def test_post(self, api_client, member):
        response = api_client.post(
            "/api/posts", {"kind": "insight", "body": "a\x00b"}, content_type="application/json"
        )
        nul_refused(response, "body")
        assert not member.posts.exists()

    def test_profile(self, api_client, member):
        response = api_client.patch(
            "/api/me/profile",
            {"headline": "ok", "offers": ["fine", "a\x00"]},
            content_type="application/json",
        )
        nul_refused(response, "offers.1")
        member.profile.refresh_from_db()
        assert member.profile.headline == ""

    def test_event(self, api_client, member):
        start = timezone.now() + timedelta(days=5)
        body = {
            "title": "Risk\x00 workshop",
            "description": "Schedule risk.",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "time_zone": "Europe/London",
            "place": "Chapter house",
            "capacity": 2,
            "topics": ["Risk management"],
        }
        nul_refused(api_client.post("/api/events", body, content_type="application/json"), "title")

    def test_mentor_offer(self, api_client):
        offer = {
            "title": "Pricing schedule risk",
            "description": "Negotiation and clauses that hold up.",
            "topics": ["Risk\x00 management"],
            "formats": ["call"],
            "capacity": 1,
            "min_weeks": 8,
            "max_weeks": 12,
            "availability": "Tuesday evenings",
        }
        response = api_client.post("/api/mentor-offers", offer, content_type="application/json")
        nul_refused(response, "topics.0")

    def test_member_search(self, api_client):
        nul_refused(api_client.get("/api/members", {"q": "Sam\x00"}), "q")

    def test_path(self, api_client):
        nul_refused(api_client.put("/api/topics/risk%00management/follow"), "path")

    def test_nested_keys_and_values_are_named(self, api_client):
        response = api_client.post(
            "/api/invitations/check",
            {"context": {"kind": "other", "text": "met\x00"}, "k\x00": 1},
            content_type="application/json",
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert set(body["detail"]["fields"]) == {"context.text", "k\\u0000"}

    @pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
    def test_every_json_body(self, api_client, method, path):
        nul_refused(call(api_client, method, path, {"any": ["x", "y\x00"]}), "any.1")

    @pytest.mark.parametrize("path", GET_OPERATIONS)
    def test_every_query_string(self, api_client, path):
        nul_refused(api_client.get(path, {"cursor": "\x00"}), "cursor")


class TestBodyMustBeAnObject:
    """A list or a bare value as the body was mapped onto the schema and accepted."""

    @pytest.mark.parametrize("body", [[None, None], "x", 1, None, True])
    def test_profile_and_boundaries(self, api_client, member, body):
        for path in ("/api/me/profile", "/api/me/boundaries"):
            response = api_client.patch(path, json.dumps(body), content_type="application/json")
            body_out = assert_envelope(response, 422, "invalid_fields")
            assert "JSON object" in body_out["detail"]["fields"]["body"][0]
        member.profile.refresh_from_db()
        assert member.profile.title == ""

    @pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
    def test_every_json_body(self, api_client, method, path):
        response = call(api_client, method, path, [None, None])
        assert "JSON object" in assert_envelope(response, 422, "invalid_fields")["message"]


def b64(value: Any) -> str:
    raw = value if isinstance(value, str) else json.dumps(value)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


CRAFTED_CURSORS = [
    pytest.param(b64(["zzz", "1 OR 1=1"]), id="injection"),
    pytest.param("!!!not-base64!!!", id="not-base64"),
    pytest.param(b64("not json"), id="not-json"),
    pytest.param(b64({"a": 1}), id="not-a-list"),
    pytest.param(b64([1, 2, 3, 4, 5]), id="wrong-arity"),
    pytest.param(b64([[1], {"a": 1}, [2]]), id="containers"),
    pytest.param(b64([True, False, True]), id="booleans"),
    pytest.param(b64([None, None, None]), id="nulls"),
    pytest.param(b64([10**30, 10**30, 10**30]), id="huge"),
    pytest.param(b64([-(2**63) - 1, -(2**63) - 1, -(2**63) - 1]), id="huge-negative"),
    pytest.param(b64([2**63, 2**63, 2**63]), id="2^63"),
    pytest.param(b64("[NaN, Infinity, -Infinity]"), id="nan"),
    pytest.param(b64(["9999-12-31T23:00:00-05:00", 1.5, 1]), id="year-10000-in-utc"),
    pytest.param(b64(["2020-01-01T00:00:00", 1.5, 1]), id="naive-datetime"),
    pytest.param(b64(["2020-13-45T00:00:00Z", 1.5, 1]), id="impossible-datetime"),
    pytest.param(b64(["\x00", "\x00", "\x00"]), id="nul"),
    pytest.param(b64("[" * 100_000 + "]" * 100_000), id="deep-nesting"),
]


@pytest.fixture
def paginated_paths(member, other) -> list[str]:
    """Every cursor-paginated list of the served API, its path ids filled with objects the
    member may read; the member moderates, so the moderators' lists answer too."""
    from mutuals.events.tests.factories import make_event
    from mutuals.feed.tests.factories import make_post
    from mutuals.messaging.tests.factories import connect, start
    from mutuals.moderation.services import moderator_grant

    moderator_grant(member=member, granted_by=None, reason="reads every list")
    connect(member, other)
    ids = {
        "conversation_id": start(member, other).conversation.pk,
        "post_id": make_post(member).pk,
        "event_id": make_event(member).pk,
        "member_id": other.pk,
    }
    schema = api.get_openapi_schema()
    paths = []
    for path, methods in schema["paths"].items():
        parameters = methods.get("get", {}).get("parameters", [])
        if any(parameter["name"] == "cursor" for parameter in parameters):
            paths.append(re.sub(r"\{(\w+)\}", lambda m: str(ids[m[1]]), path))
    assert len(paths) >= 17
    return paths


@pytest.mark.parametrize("cursor", CRAFTED_CURSORS)
def test_a_crafted_cursor_is_invalid_cursor_on_every_list(api_client, paginated_paths, cursor):
    for path in paginated_paths:
        response = api_client.get(path, {"cursor": cursor})
        assert_envelope(response, 400, "invalid_cursor")


class TestNumbersAndDatesAtTheEdges:
    """Ids beyond a bigint and datetimes at the end of the calendar were 500s (OverflowError
    on SQLite, DataError on PostgreSQL)."""

    @pytest.mark.parametrize("member_id", [2**63, 2**64, -(2**63) - 1])
    def test_participant_ids_beyond_bigint(self, api_client, member_id):
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [member_id], "text": "hi"},
            content_type="application/json",
        )
        body = refused_field(response, "participant_ids.0")
        assert "64-bit" in body["message"] or "between" in body["message"]

    @pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
    def test_every_json_body_refuses_a_number_beyond_bigint(self, api_client, method, path):
        refused_field(call(api_client, method, path, {"any": {"id": 2**63}}), "any.id")

    @pytest.mark.parametrize(
        "path", ["/api/posts?author={}", "/api/introductions/paths?to={}"], ids=["author", "to"]
    )
    @pytest.mark.parametrize("value", [2**63, 0, -1])
    def test_id_query_parameters_are_bounded(self, api_client, path, value):
        assert_envelope(api_client.get(path.format(value)), 422, "invalid_fields")

    def test_ids_in_the_path_beyond_bigint_are_not_found(self, api_client, member):
        from mutuals.moderation.services import moderator_grant

        moderator_grant(member=member, granted_by=None, reason="reaches every path")
        for method, path, _ in operations():
            if method != "get" or "/1" not in path:
                continue
            for huge in (2**63, 2**64 * 10**6):
                response = api_client.get(path.replace("/1", f"/{huge}"))
                assert_envelope(response, 404, "not_found")

    @pytest.mark.parametrize(
        ("starts_at", "ends_at"),
        [
            ("9999-12-31T20:00:00-05:00", "9999-12-31T23:00:00-05:00"),
            ("9999-12-30T20:00:00+00:00", "9999-12-30T23:00:00+00:00"),
            ("0001-01-01T00:00:00+14:00", "0001-01-01T02:00:00+14:00"),
        ],
    )
    def test_event_dates_at_the_ends_of_the_calendar(self, api_client, starts_at, ends_at):
        body = {
            "title": "Far future",
            "description": "",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": "Pacific/Kiritimati",
            "place": "Chapter house",
            "capacity": 2,
            "topics": [],
        }
        response = api_client.post("/api/events", body, content_type="application/json")
        fields = assert_envelope(response, 422, "invalid_fields")["detail"]["fields"]
        assert fields["starts_at"] == ["Choose a date between the years 1900 and 2200."]

    def test_event_patch_to_year_9999(self, api_client, member):
        from mutuals.events.tests.factories import make_event

        event = make_event(member)
        response = api_client.patch(
            f"/api/events/{event.pk}",
            {"starts_at": "9999-12-31T20:00:00-05:00", "ends_at": "9999-12-31T23:00:00-05:00"},
            content_type="application/json",
        )
        assert "ends_at" in assert_envelope(response, 422, "invalid_fields")["detail"]["fields"]


def refused_field(response: Any, field: str) -> dict[str, Any]:
    body = assert_envelope(response, 422, "invalid_fields")
    assert field in body["detail"]["fields"], body
    return body


API_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def test_retry_at_is_written_like_every_other_datetime(api_client, member):
    """429's `retry_at` was `+00:00` with microseconds; the rest of the API writes `Z`."""
    post = api_client.post(
        "/api/posts", {"kind": "insight", "body": "hi"}, content_type="application/json"
    ).json()
    assert API_DATETIME.match(post["created_at"]), post["created_at"]
    client = Client()
    for _ in range(6):
        response = client.post(
            "/api/auth/token",
            {"email": "sam@example.com", "password": "wrong"},
            content_type="application/json",
        )
    retry_at = assert_envelope(response, 429, "rate_limited")["detail"]["retry_at"]
    assert API_DATETIME.match(retry_at), retry_at
