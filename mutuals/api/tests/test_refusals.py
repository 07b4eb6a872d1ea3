"""Every refusal the code can raise is documented, and every documented refusal can happen.

The documented side is the served OpenAPI document (each operation's `refusals()` plus the
ones its shape brings, mutuals/api/openapi.py); the code side is read from the endpoint and
every function of mutuals it calls (refusal_analysis.py). The fuzz test checks the same
promise against real answers.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from ninja.operation import Operation

from mutuals.api.api import ROUTERS
from mutuals.api.openapi import ERROR_REF, shared_refusals
from mutuals.api.tests.refusal_analysis import UNKNOWN_CODE, Refusal, _code_pattern, refusals_of
from mutuals.core.pagination import MAX_LIMIT
from mutuals.core.schemas import REFUSALS_KEY

# What the analysis finds but cannot happen, each with the reason (keep this short).
UNREACHABLE: dict[tuple[str, Refusal], str] = {
    ("events_create", (404, "not_found")): "reads back the event it has just created",
    ("members_list", (422, "query_too_long")): "the directory searches q's first 200 characters",
    ("posts_report", (409, "state_changed")): "a post's report never closes a request",
    ("events_thanks_create", (422, "group_too_large")): (
        "a thank-you conversation has two members; the size rule is for groups"
    ),
    **{
        (operation, refusal): reason
        for operation in ("mentorships_accept", "programmes_publish")
        for refusal, reason in (
            ((409, "already_connected"), "connection_open's conflict is caught: they connected"),
            ((422, "cannot_connect_self"), "a mentorship never pairs a member with themself"),
        )
    },
}


def _operations() -> Iterator[tuple[str, Operation]]:
    for router in ROUTERS:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                assert operation.operation_id, operation.view_func
                yield operation.operation_id, operation


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


@pytest.fixture(scope="module")
def documented(document) -> dict[str, tuple[str, dict[str, Any], set[Refusal]]]:
    """operation id → (method, operation, documented refusals)."""
    found = {}
    for operations in document["paths"].values():
        for method, operation in operations.items():
            refusals: set[Refusal] = set()
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                parts = schema.get("allOf", [])
                if parts and parts[0] == {"$ref": ERROR_REF}:
                    codes = parts[1]["properties"]["code"]["enum"]
                    refusals |= {(int(status), code) for code in codes}
            found[operation["operationId"]] = (method, operation, refusals)
    return found


def _bounded_limit(operation: dict[str, Any]) -> bool:
    """`invalid_limit` is the pagination helper's guard; a `limit` the query schema bounds
    to 1..MAX_LIMIT is refused as `invalid_fields` before it gets there."""
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "limit":
            schema = parameter["schema"]
            options = schema.get("anyOf", [schema])
            return all(
                option.get("type") == "null"
                or (option.get("minimum", 0) >= 1 and option.get("maximum", 10**9) <= MAX_LIMIT)
                for option in options
            )
    return True


def _matches(found: Refusal, refusal: Refusal) -> bool:
    return found[0] == refusal[0] and (
        found[1] == UNKNOWN_CODE or fnmatch.fnmatchcase(refusal[1], found[1])
    )


def test_every_refusal_the_code_raises_is_documented(documented):
    missing: dict[str, list[Refusal]] = {}
    for operation_id, operation in _operations():
        _, doc, promised = documented[operation_id]
        for refusal in refusals_of(operation.view_func):
            if (operation_id, refusal) in UNREACHABLE:
                continue
            if refusal == (400, "invalid_limit") and _bounded_limit(doc):
                continue
            if not any(_matches(refusal, documented_one) for documented_one in promised):
                missing.setdefault(operation_id, []).append(refusal)
    assert missing == {}, "raised but not documented; add them to the operation's refusals()"


def test_every_documented_refusal_can_happen(documented):
    """An operation's own refusals are found in its code; the shared ones follow from its
    shape (signed-in, takes input, JSON body, cursor) by construction."""
    unreachable: dict[str, list[tuple[Any, ...]]] = {}
    for operation_id, operation in _operations():
        method, doc, _ = documented[operation_id]
        declared = (operation.openapi_extra or {}).get(REFUSALS_KEY, {})
        found = refusals_of(operation.view_func)
        shared = shared_refusals(method, doc)
        for status, codes in declared.items():
            for code in codes:
                refusal = (status, code)
                if code in shared.get(status, ()):
                    unreachable.setdefault(operation_id, []).append(
                        (*refusal, "also shared: list it once")
                    )
                elif not any(_matches(one, refusal) for one in found) or (
                    (operation_id, refusal) in UNREACHABLE
                ):
                    unreachable.setdefault(operation_id, []).append(refusal)
    assert unreachable == {}, "documented but never raised; remove them"


def test_every_operation_states_its_refusals_the_same_way(documented):
    """Error responses all carry the envelope's schema and list their codes."""
    for operation_id, (_, operation, refusals) in documented.items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert "allOf" in response["content"]["application/json"]["schema"], (
                    operation_id,
                    status,
                )
        if operation.get("security"):
            assert (401, "not_authenticated") in refusals, operation_id


def test_the_analysis_follows_helpers_and_codes_set_later():
    """The analysis itself: it follows module functions and helpers that build the error they
    return (the lost race's `state_changed` is built in core/transitions.py), and sees a code
    set after the error was built."""
    from mutuals.mentorship.api import mentor_offers_update, mentorships_end

    found = refusals_of(mentorships_end)
    assert (409, "state_changed") in found
    # No code is formatted at run time any more; should one be, it is read as a glob.
    assert _code_pattern(ast.parse('f"not_{state}"', mode="eval").body) == "not_*"
    assert (404, "not_found") in found
    assert (422, "capacity_below_active") in refusals_of(mentor_offers_update)
