"""Query budgets of the endpoints in the issue-20 mix that are not the graph's (those are in
`introductions/tests/test_query_budget.py`, network health in
`insights/tests/test_request_path.py`): each costs a fixed number of queries however much
the member has, checked by growing what it reads. Raising a budget is a decision.

In site, the top layer: the check reads what feed, events and mentorship hold about the
recipient, and the pages compose every app's parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.feed.tests.factories import connect, make_post
from mutuals.introductions import graph

pytestmark = pytest.mark.django_db

NOTE = (
    "Hi Thandi, your post on supplier contracts and schedule risk was what my team needed: "
    "could we compare notes for twenty minutes next week?"
)


@pytest.fixture
def people(settings, tmp_path: Path):
    settings.GRAPH_BUILD_ON_READ = False  # the builder publishes; requests only read
    settings.GRAPH_DIR = tmp_path / "graph"
    sam = make_member(name="Sam Okafor", profile={"topics": ["Risk management"]})
    thandi = make_member(name="Thandi Mokoena", profile={"topics": ["Risk management"]})
    kwame = make_member(name="Kwame Mensah")
    connect(sam, kwame)
    connect(kwame, thandi)
    return sam, thandi, kwame


def grow(sam, thandi, kwame, index: int) -> None:
    """One more of everything the endpoints read: a post of Thandi's mentioning Kwame, a
    member in the directory connected to Sam, a post of theirs in Sam's feed."""
    make_post(thandi, f"Schedule risk, part {index}, with @[Kwame Mensah]({kwame.pk}).")
    other = make_member(name=f"Member {index}", profile={"topics": ["Risk management"]})
    connect(sam, other)
    make_post(other, f"A note on supplier risk reviews, number {index}.")


def queries_for(call: Callable[[], object]) -> int:
    call()  # the token's stamp, the session, caches warm
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(captured)


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        # The token, the recipient, their topics, a block between the two, the topics both
        # list (the context), the recipient's posts the sender may see (one statement, the
        # sender's connections and blocks read inside it; then the names their mentions point
        # at: one read for all, not one a post), their events, their mentor offer, the
        # sender's history's stamp.
        ("check", 10),
        # The token, the directory page (members and their profiles, their topics), the graph
        # version.
        ("members", 5),
        # The token, the feed page (its posts and what each card shows, in bulk).
        ("feed", 10),
        # The session's member, the same reads as the API, the page's own: the composer's
        # options (the contexts it offers, the posts' labels with one read of their mentions)
        # and the highlighted note (the HTMX partial).
        ("page:check", 30),
        ("page:members", 14),
        ("page:feed", 17),
    ],
)
def test_endpoints_stay_within_their_query_budget(people, name, budget):
    sam, thandi, kwame = people
    api, web = api_client_for(sam), web_client_for(sam)
    calls = {
        "check": lambda: api.post(
            "/api/invitations/check",
            {
                "recipient_id": thandi.pk,
                "context": {"kind": "topic", "ref": "risk-management"},
                "intent": "advice",
                "message": NOTE,
            },
            content_type="application/json",
        ),
        "members": lambda: api.get("/api/members"),
        "feed": lambda: api.get("/api/feed"),
        "page:check": lambda: web.post(
            f"/members/{thandi.pk}/connect/check/",
            {
                "context_kind": "topic",
                "topic": "risk-management",
                "intent": "advice",
                "message": NOTE,
            },
            headers={"hx-request": "true"},
        ),
        "page:members": lambda: web.get("/members/"),
        "page:feed": lambda: web.get("/feed/"),
    }
    counts = []
    for index in range(2):
        grow(sam, thandi, kwame, index)
        grow(sam, thandi, kwame, index + 10)
        graph.graph_build()
        counts.append(queries_for(calls[name]))
    assert counts[0] == counts[1], f"{name}: a query per row: {counts}"
    assert counts[1] <= budget, f"{name}: {counts[1]} queries, budget {budget}"
