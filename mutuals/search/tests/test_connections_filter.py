"""The connections list (engagement's page and `GET /api/connections`) filtered by the same
member search as the header's box (registered from search into accounts.providers)."""

from __future__ import annotations

import pytest

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.feed.tests.factories import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(member):
    people = {
        "priya": make_member(name="Priya Raman", profile={"company": "Northwind"}),
        "jose": make_member(name="José Núñez", profile={"topics": ["Supplier risk"]}),
        "kwame": make_member(name="Kwame Asante", profile={"headline": "Pricing lead"}),
    }
    for other in people.values():
        connect(member, other)
    make_member(name="Priya Stranger")  # not a connection: never listed
    return people


def names(answer) -> list[str]:
    return sorted(item["member"]["name"] for item in answer.json()["items"])


def test_the_api_filters_connections_by_search(api_client, network):
    assert names(api_client.get("/api/connections", {"q": "pri"})) == [
        "Kwame Asante",  # "Pricing lead"
        "Priya Raman",
    ]
    assert names(api_client.get("/api/connections", {"q": "jose"})) == ["José Núñez"]
    assert names(api_client.get("/api/connections", {"q": "supplier ri"})) == ["José Núñez"]
    assert names(api_client.get("/api/connections", {"q": "north"})) == ["Priya Raman"]
    assert names(api_client.get("/api/connections", {"q": "p"})) == []
    assert len(names(api_client.get("/api/connections"))) == 3


def test_inactive_connections_stay_out_and_long_queries_are_refused(api_client, network):
    User.objects.filter(pk=network["priya"].pk).update(is_active=False)
    assert names(api_client.get("/api/connections", {"q": "pri"})) == ["Kwame Asante"]
    answer = api_client.get("/api/connections", {"q": "x" * 201})
    assert (answer.status_code, answer.json()["code"]) == (422, "query_too_long")


def test_the_page_filters_and_keeps_the_words(web_client, network):
    page = web_client.get("/connections/", {"q": "kwa"}).content.decode()
    assert "Kwame Asante" in page
    assert "Priya Raman" not in page
    assert 'value="kwa"' in page
    page = web_client.get("/connections/", {"q": "nobody"}).content.decode()
    assert "None of your connections matches “nobody”." in page
    page = web_client.get("/connections/", {"q": "x" * 300}).content.decode()
    assert "Search for at most 200 characters." in page
    assert "Priya Raman" in page
