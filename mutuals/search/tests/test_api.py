"""GET /api/search: grouped and by kind, cursors, and its refusals."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.events.tests.factories import make_event
from mutuals.feed.tests.factories import connect, make_post
from mutuals.messaging.tests.factories import start

pytestmark = pytest.mark.django_db


def test_without_a_kind_every_kind_answers_its_first_five(api_client, member):
    friend = make_member(name="Priya Raman", profile={"company": "Pricewise"})
    connect(member, friend)
    for n in range(6):
        make_member(name=f"Priya Other{n}")
    make_post(friend, "Pricing reviews, a primer")
    make_event(title="Pricing clinic", organizer=friend)
    start(member, friend, text="Priya, the pricing deck is attached")
    answer = api_client.get("/api/search", {"q": "pri"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["words"] == ["pri"]
    assert len(body["members"]["items"]) == 5
    assert body["members"]["next"]
    assert body["members"]["items"][0]["name"].startswith("Priya")
    assert body["posts"]["items"][0]["author"]["name"] == "Priya Raman"
    assert body["posts"]["items"][0]["excerpt"] == "Pricing reviews, a primer"
    assert body["events"]["items"][0]["title"] == "Pricing clinic"
    assert body["messages"]["items"][0]["sender"]["name"] == member.name
    following = api_client.get(
        "/api/search", {"q": "pri", "kind": "members", "cursor": body["members"]["next"]}
    ).json()
    assert following["posts"] is None
    assert len(following["members"]["items"]) == 2
    assert following["members"]["next"] is None
    everyone = {m["id"] for m in body["members"]["items"] + following["members"]["items"]}
    assert len(everyone) == 7


def test_a_kind_with_member_filters(api_client, member):
    make_member(name="Lee Park", profile={"company": "Acme", "topics": ["Logistics"]})
    make_member(name="Lee Chan", profile={"company": "Globex"})
    answer = api_client.get("/api/search", {"q": "lee", "kind": "members", "company": "acme"})
    assert [m["name"] for m in answer.json()["members"]["items"]] == ["Lee Park"]
    assert answer.json()["members"]["items"][0]["topics"] == ["Logistics"]


def test_blocked_members_and_their_posts_are_not_found(api_client, member):
    other = make_member(name="Priya Blocked")
    make_post(other, "Priya's pricing primer")
    block_create(blocker=other, blocked=member)
    body = api_client.get("/api/search", {"q": "pri"}).json()
    assert body["members"]["items"] == []
    assert body["posts"]["items"] == []


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": "x" * 201}, 422, "query_too_long"),
        ({"q": "pri", "cursor": "WzVd"}, 422, "kind_required"),
        ({"q": "pri", "kind": "members", "cursor": "nope"}, 400, "invalid_cursor"),
        ({"q": "pri\x00"}, 422, "invalid_fields"),
        ({"q": "pri", "kind": "people"}, 422, "invalid_fields"),
        ({"q": "pri", "limit": 0}, 422, "invalid_fields"),
        ({"q": "pri", "cursor": "bm9wZQ"}, 400, "invalid_cursor"),
    ],
)
def test_refusals(api_client, params, status, code):
    answer = api_client.get("/api/search", params)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_operators_are_words_not_syntax(api_client, member):
    make_member(name="Priya Raman")
    for q in ['"pri', "pri* OR x", "NEAR(pri", "'pri':* & !x", "pri)"]:
        answer = api_client.get("/api/search", {"q": q, "kind": "members"})
        assert answer.status_code == 200, q


def test_signed_out_is_refused(client):
    assert client.get("/api/search", {"q": "pri"}).status_code == 401
