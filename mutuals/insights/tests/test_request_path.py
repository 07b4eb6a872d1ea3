"""Reading network health writes nothing and costs a fixed number of queries (issue 20).

Stale ties are the worker's to recompute (after each interaction, and `mutuals sweep` once
a day old: `engagement.ties.ties_refresh_stale`): the dashboard answers from the stored ties
and queues nothing, since queuing a task is itself a write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.tasks import default_task_backend
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_open
from mutuals.engagement import services
from mutuals.engagement.models import Obligation, Tie, TieState
from mutuals.engagement.tests.test_api_and_pages import connected

pytestmark = pytest.mark.django_db

__all__ = ["connected"]  # the fixture, used by name

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
WRITES = ("INSERT", "UPDATE", "DELETE")
# The health endpoint's queries (issue 20, 18 before; raising one is a decision): the token,
# the ties, the connections with no tie row yet, the counts with the member's zone (give and
# take, follow-through, acceptance, collaborations: one statement, they were five), the
# unanswered messages, the open pact items, the shared topics of the ties going cold (one read
# for all), the pact's weeks.
HEALTH_BUDGET = 8
# The page: the session and its member instead of the token, the same reads, the member's zone
# for the page, the active collaborations and their seats, the notifications bell.
PAGE_BUDGET = 14


def writes_in(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@override_settings(TASKS=DUMMY)
@pytest.mark.parametrize("stale", [False, True])
def test_reading_network_health_writes_nothing_and_queues_nothing(connected, stale):
    sender, _, _ = connected
    long_ago = timezone.now() - timedelta(days=2)
    if stale:
        Tie.objects.filter(member=sender).update(computed_at=long_ago)
    else:
        Tie.objects.filter(member=sender).update(computed_at=None)  # never computed
    api, web = api_client_for(sender), web_client_for(sender)
    api.get("/api/insights/health")  # the token's once-a-minute "last used" stamp
    web.get("/insights/")
    default_task_backend.clear()  # type: ignore[attr-defined]
    before = list(Tie.objects.filter(member=sender).values_list("computed_at", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/insights/health")
        page = web.get("/insights/")
    assert response.status_code == 200
    assert page.status_code == 200
    assert writes_in(queries) == []
    assert default_task_backend.results == []  # type: ignore[attr-defined]
    assert list(Tie.objects.filter(member=sender).values_list("computed_at", flat=True)) == before


def grow(member, extra: int) -> None:
    """More connections sharing a topic with `member`, going cold (their pact items set aside,
    so the suggestions reach them): a budget cannot hide a query per tie."""
    for index in range(extra):
        other = make_member(name=f"Cold {index}", profile={"topics": ["Risk management"]})
        connection_open(member=member, other=other, at=timezone.now() - timedelta(days=60))
        services.interaction_record(
            actor=other,
            counterpart=member,
            kind="message",
            at=timezone.now() - timedelta(days=40),
            source_key=f"grow:{index}",
        )
    Tie.objects.filter(member=member).update(state=TieState.FADING)
    Obligation.objects.filter(connection__ties__member=member).update(cancelled_at=timezone.now())


def queries_for(client, url: str) -> int:
    client.get(url)  # the token's stamp, the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "budget", "page"),
    [("/api/insights/health", HEALTH_BUDGET, False), ("/insights/", PAGE_BUDGET, True)],
)
def test_network_health_stays_within_its_query_budget(url, budget, page):
    member = make_member(name="Ama Boateng", profile={"topics": ["Risk management"]})
    client = web_client_for(member) if page else api_client_for(member)
    counts = []
    for extra in (1, 4):
        grow(member, extra)
        counts.append(queries_for(client, url))
    body = client.get(url)
    if not page:
        reasons = [s["reason"] for s in body.json()["suggestions"]]
        assert "You both care about Risk management." in reasons
    assert counts[0] == counts[1], "a query per tie"
    assert counts[1] <= budget, f"{counts[1]} queries, budget {budget}"
