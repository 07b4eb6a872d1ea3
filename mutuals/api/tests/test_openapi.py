"""The served OpenAPI document is the API's contract: it must match the committed snapshot.

A deliberate API change updates the snapshot with
`UPDATE_OPENAPI_SNAPSHOT=1 make test` (or pytest on this file) and the diff is reviewed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")

# docs/api.md promises these paths and methods; the snapshot may hold more, never fewer.
PROMISED = {
    "/api/auth/token": {"post"},
    "/api/me": {"get"},
    "/api/me/profile": {"patch"},
    "/api/me/boundaries": {"patch"},
    "/api/me/tokens": {"get"},
    "/api/me/tokens/{token_id}": {"delete"},
    "/api/members": {"get"},
    "/api/members/{member_id}": {"get"},
    "/api/members/{member_id}/collaborations": {"get"},
    "/api/invitations/allowance": {"get"},
    "/api/invitations/check": {"post"},
    "/api/invitations": {"post", "get"},
    "/api/invitations/{invitation_id}/accept": {"post"},
    "/api/invitations/{invitation_id}/decline": {"post"},
    "/api/invitations/{invitation_id}/ignore": {"post"},
    "/api/invitations/{invitation_id}/withdraw": {"post"},
    "/api/invitations/{invitation_id}/report": {"post"},
    "/api/blocks": {"post", "get"},
    "/api/blocks/{member_id}": {"delete"},
    "/api/me/export": {"post", "get"},
    "/api/me/export/{export_id}/download": {"get"},
    "/api/connections": {"get"},
    "/api/connections/{connection_id}": {"get"},
    "/api/connections/{connection_id}/rest": {"post", "delete"},
    "/api/connections/{connection_id}/interactions": {"post"},
    "/api/insights/health": {"get"},
    "/api/notifications": {"get"},
    "/api/introductions/paths": {"get"},
    "/api/introductions": {"post"},
    "/api/introductions/{introduction_id}/forward": {"post"},
    "/api/introductions/{introduction_id}/accept": {"post"},
    "/api/introductions/{introduction_id}/decline": {"post"},
    "/api/recommendations/people": {"get"},
    "/api/imports/linkedin": {"post"},
    "/api/imports/{import_id}": {"get", "delete"},
    "/api/imports/{import_id}/audit": {"get"},
    "/api/conversations": {"post", "get"},
    "/api/conversations/{conversation_id}/messages": {"post", "get"},
    "/api/mentor-offers": {"post", "get"},
    "/api/mentor-offers/{offer_id}": {"get", "put"},
    "/api/mentor-offers/{offer_id}/pause": {"post"},
    "/api/mentor-offers/{offer_id}/resume": {"post"},
    "/api/mentor-offers/suggestions": {"post"},
    "/api/mentorships/check": {"post"},
    "/api/mentorships": {"post", "get"},
    "/api/mentorships/{mentorship_id}": {"get"},
    "/api/mentorships/{mentorship_id}/accept": {"post"},
    "/api/mentorships/{mentorship_id}/decline": {"post"},
    "/api/mentorships/{mentorship_id}/withdraw": {"post"},
    "/api/mentorships/{mentorship_id}/end": {"post"},
    "/api/mentorships/{mentorship_id}/goals": {"post"},
    "/api/mentorships/{mentorship_id}/goals/{goal_id}": {"patch"},
    "/api/mentorships/{mentorship_id}/checkins": {"post"},
    "/api/mentorships/{mentorship_id}/checkins/ics": {"get"},
    "/api/mentorships/{mentorship_id}/reflection": {"put"},
    "/api/mentorships/{mentorship_id}/testimonial": {"post"},
    "/api/programmes": {"post", "get"},
    "/api/programmes/{programme_id}": {"get"},
    "/api/programmes/{programme_id}/participants": {"post"},
    "/api/programmes/{programme_id}/ranking": {"put"},
    "/api/programmes/{programme_id}/compute": {"post"},
    "/api/programmes/{programme_id}/publish": {"post"},
    "/api/feed": {"get"},
    "/api/posts": {"post", "get"},
    "/api/posts/{post_id}": {"get", "patch", "delete"},
    "/api/posts/{post_id}/comments": {"get", "post"},
    "/api/comments/{comment_id}": {"delete"},
    "/api/posts/{post_id}/reaction": {"put", "delete"},
    "/api/posts/{post_id}/reactions": {"get"},
    "/api/posts/{post_id}/reshares": {"post"},
    "/api/posts/{post_id}/report": {"post"},
    "/api/topics": {"get"},
    "/api/topics/followed": {"get"},
    "/api/mentions/suggestions": {"get"},
    "/api/topics/{slug}/follow": {"put", "delete"},
    "/api/me/contributions": {"get"},
    "/api/collaborations": {"post", "get"},
    "/api/collaborations/{collaboration_id}": {"get"},
    "/api/collaborations/{collaboration_id}/confirm": {"post"},
    "/api/collaborations/{collaboration_id}/decline": {"post"},
    "/api/collaborations/{collaboration_id}/complete": {"post"},
    "/api/collaborations/{collaboration_id}/withdraw": {"post"},
    "/api/events": {"get", "post"},
    "/api/events/{event_id}": {"get", "patch"},
    "/api/events/{event_id}/rsvp": {"post", "delete"},
    "/api/events/{event_id}/check-ins": {"post"},
    "/api/events/{event_id}/hidden": {"post", "delete"},
    "/api/events/{event_id}/code": {"post"},
    "/api/events/{event_id}/cancel": {"post"},
    "/api/events/{event_id}/attendees": {"get"},
    "/api/events/{event_id}/people": {"get"},
    "/api/events/{event_id}/follow-up": {"get"},
    "/api/events/{event_id}/follow-up/thanks": {"post"},
    "/api/events/{event_id}/ics": {"get"},
    "/api/events/calendar": {"get"},
    "/api/events/calendar/reset": {"post"},
}


@pytest.fixture
def served_text() -> str:
    """The document exactly as a client receives it, before any parser has forgiven it."""
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def served(served_text: str) -> dict:
    return json.loads(served_text)


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise ValueError(f"duplicated keys {duplicated} in an object with keys {keys}")
    return dict(pairs)


def test_served_text_has_no_duplicated_key(served_text):
    """JSON parsers keep the last of two equal keys, so the snapshot (parsed JSON) cannot see
    them; Swagger UI's YAML parser refuses the whole document ("duplicated mapping key"). It
    happened: `events_ics` documented 200 under the key 200 and again under "200"."""
    json.loads(served_text, object_pairs_hook=_refuse_duplicate_keys)


def test_served_text_is_a_valid_openapi_document(served_text):
    validate(json.loads(served_text, object_pairs_hook=_refuse_duplicate_keys))


def test_served_document_matches_the_committed_snapshot(served):
    rendered = json.dumps(served, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(rendered)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_OPENAPI_SNAPSHOT=1"
    assert rendered == SNAPSHOT.read_text(), (
        "The API changed. If intended, regenerate with UPDATE_OPENAPI_SNAPSHOT=1 and review "
        "the diff of openapi.snapshot.json."
    )


def test_every_promised_operation_is_documented(served):
    for path, methods in PROMISED.items():
        assert path in served["paths"], path
        assert methods <= set(served["paths"][path]), path


def test_operations_have_ids_and_security(served):
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), f"{method} {path}"
            if path != "/api/auth/token":
                assert operation.get("security"), f"{method} {path} is not authenticated"


def test_interactive_docs_are_served_without_a_cdn():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "openapi.json" in html
    assert "swagger-ui-bundle.js" in html
    assert "https://" not in html, "docs must not load remote assets"
    assert "http://" not in html, "docs must not load remote assets"


def test_schema_names_are_unique_so_no_component_hides_another():
    """The document names each component after its schema class: two classes with one name
    would silently describe one endpoint with the other's fields (it happened: three apps each
    had a `SuggestionOut`)."""
    from collections import defaultdict

    from ninja import Schema

    import mutuals.api.api  # noqa: F401  (imports every router and its schemas)

    def subclasses(cls: type) -> list[type]:
        found: list[type] = []
        direct: type
        for direct in cls.__subclasses__():
            found += [direct, *subclasses(direct)]
        return found

    homes: dict[str, set[str]] = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("mutuals.") and ".tests." not in cls.__module__:
            homes[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in homes.items() if len(where) > 1} == {}
