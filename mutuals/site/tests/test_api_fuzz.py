"""The API keeps the word its OpenAPI document gives: schemathesis sends every operation
generated requests, valid and invalid, as a signed-in demo member, through the WSGI
application the server runs (the whole middleware stack, in this test's transaction).

Every answer must be: not a 5xx; a status the operation documents; the documented media type;
a body that matches the documented schema (error envelopes included, with a documented
`code`); and invalid input refused with a 4xx. Path ids are drawn half from the demo
community's real rows and half by the fuzzer, so both the rules and the 404s are reached.

Bounded for CI (about two minutes on two busy cores): a fixed seed, a few examples per
operation and mode, no shrinking, no example database.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import HEADER_LOCATIONS, ParameterLocation
from schemathesis.core.result import Err
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from mutuals.accounts.models import Topic, User
from mutuals.accounts.services import api_token_create
from mutuals.connections.models import Connection, Invitation
from mutuals.engagement.models import Collaboration
from mutuals.events.models import Event
from mutuals.feed.models import Comment, Post
from mutuals.imports.models import Import
from mutuals.introductions.models import Introduction
from mutuals.mentorship.models import Goal, MentorOffer, Mentorship, Programme
from mutuals.messaging.models import Conversation
from mutuals.site import demo_cast
from mutuals.site.demo import demo_seed

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# MUTUALS_FUZZ_SCALE=10 fuzzes ten times longer (locally, to look for more).
SCALE = int(os.environ.get("MUTUALS_FUZZ_SCALE", "1"))
EXAMPLES = {GenerationMode.POSITIVE: 5 * SCALE, GenerationMode.NEGATIVE: 3 * SCALE}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Path parameter → the rows whose ids are real in the demo community.
ROWS: dict[str, Any] = {
    "member_id": User.objects,
    "invitation_id": Invitation.objects,
    "connection_id": Connection.objects,
    "collaboration_id": Collaboration.objects,
    "import_id": Import.objects,
    "introduction_id": Introduction.objects,
    "conversation_id": Conversation.objects,
    "event_id": Event.objects,
    "post_id": Post.objects,
    "comment_id": Comment.objects,
    "offer_id": MentorOffer.objects,
    "mentorship_id": Mentorship.objects,
    "goal_id": Goal.objects,
    "programme_id": Programme.objects,
}


@pytest.fixture
def _connections_stay_open() -> Iterator[None]:
    """Django closes the database connection at the start and end of a request, which would
    close this test's transaction; its own test client unhooks the same signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_token(db: Any) -> str:
    demo_seed()
    sam = User.objects.get(email=f"{demo_cast.DEMO_LOGIN_KEY}@{demo_cast.DEMO_EMAIL_DOMAIN}")
    _, raw = api_token_create(user=sam, label="fuzz")
    return raw


def _real_values() -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = {
        name: list(manager.order_by("pk").values_list("pk", flat=True)[:50])
        for name, manager in ROWS.items()
    }
    values["slug"] = list(Topic.objects.order_by("pk").values_list("slug", flat=True)[:50])
    return {name: found for name, found in values.items() if found}


def _operations(schema: Any) -> list[Any]:
    """Every operation of the document; one schemathesis cannot read fails the test."""
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    return operations


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    real: dict[str, list[Any]],
    headers: dict[str, str],
    statuses: Counter[tuple[str, int]],
) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def fuzz(case: Any, data: st.DataObject) -> None:
        meta = case.meta
        negated = {
            location for location in ParameterLocation if meta and meta.is_negative_at(location)
        }
        if ParameterLocation.PATH not in negated:
            for name in case.path_parameters or {}:
                if name in real and data.draw(st.booleans()):
                    case.path_parameters[name] = data.draw(st.sampled_from(real[name]))
        # Every TCP server tells the application the peer's address; allauth's rate limits
        # need it (werkzeug's test environ has none).
        response = case.call(headers=headers, environ_overrides={"REMOTE_ADDR": "127.0.0.1"})
        statuses[(operation.label, response.status_code)] += 1
        checks = CHECKS
        if negated and negated <= HEADER_LOCATIONS:
            # Only the credentials were spoiled, and the member's own token replaced them.
            checks = [check for check in CHECKS if check is not negative_data_rejection]
        case.validate_response(response, checks=checks, headers=headers)

    fuzz()


@pytest.mark.usefixtures("_connections_stay_open")
def test_every_operation_answers_as_documented(demo_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    real = _real_values()
    headers = {"Authorization": f"Bearer {demo_token}"}
    failures: dict[str, str] = {}
    statuses: Counter[tuple[str, int]] = Counter()
    started = time.monotonic()

    operations = _operations(schema)
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            label = f"{operation.label} ({mode.value})"
            try:
                # Each operation starts from the demo community as seeded: what the one before
                # changed (a block, a deleted post) is rolled back with its savepoint.
                with transaction.atomic():
                    _fuzz(operation, mode, examples, real, headers, statuses)
                    if connection.needs_rollback:
                        failures[label] = "an answer left the database transaction unusable"
            except (Exception, FailureGroup) as exc:  # every operation is tried; all reported
                failures[label] = f"{type(exc).__name__}: {exc}"[:1500]

    elapsed = time.monotonic() - started
    documented = {
        (operation.label, int(status))
        for operation in operations
        for status in operation.definition.raw["responses"]
    }
    reached = documented & set(statuses)
    print(
        f"fuzzed {len({label for label, _ in statuses})} operations in {elapsed:.0f}s; "
        f"answers with {len(reached)} of the {len(documented)} documented statuses seen"
    )
    assert failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
