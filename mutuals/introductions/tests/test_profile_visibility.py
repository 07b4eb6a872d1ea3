"""Profile visibility (issue 18): a member who shows their profile to connections only is left
out of the directory, their page, the members API and people-you-may-know for everyone else,
and stays visible to their connections and to whom a request between them waits."""

from __future__ import annotations

import pytest

from mutuals.accounts.services import privacy_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import invitation_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(member, other):
    """Priya shows her profile to connections only; `member` is her connection, `other`
    a member who shares a connection with her (so she would be suggested)."""
    priya = make_member(name="Priya Private", profile={"headline": "Quiet achiever"})
    privacy_update(user=priya, visibility="connections")
    connection_create(member=member, other=priya)
    connection_create(member=member, other=other)
    return priya


def _directory_ids(client) -> set[int]:
    return {m["id"] for m in client.get("/api/members?limit=100").json()["items"]}


def _suggested_ids(client) -> set[int]:
    items = client.get("/api/recommendations/people").json()["items"]
    return {s["member"]["id"] for s in items}


class TestConnectionsOnly:
    def test_a_connection_sees_everything(self, private, member):
        api = api_client_for(member)
        assert private.pk in _directory_ids(api)
        assert api.get(f"/api/members/{private.pk}").status_code == 200
        assert api.get(f"/api/members/{private.pk}/collaborations").status_code == 200
        assert web_client_for(member).get(f"/members/{private.pk}/").status_code == 200

    def test_anyone_else_finds_nothing(self, private, other):
        api = api_client_for(other)
        assert private.pk not in _directory_ids(api)
        assert private.pk not in {m["id"] for m in api.get("/api/members?q=Priya").json()["items"]}
        assert api.get(f"/api/members/{private.pk}").status_code == 404
        assert api.get(f"/api/members/{private.pk}/collaborations").status_code == 404
        web = web_client_for(other)
        assert web.get(f"/members/{private.pk}/").status_code == 404
        assert "Priya Private" not in web.get("/members/?q=Priya").content.decode()
        assert private.pk not in _suggested_ids(api)

    def test_suggested_again_once_the_whole_community_may_see_her(self, private, other):
        api = api_client_for(other)
        assert private.pk not in _suggested_ids(api)
        privacy_update(user=private, visibility="community")
        assert private.pk in _suggested_ids(api)
        assert private.pk in _directory_ids(api)
        assert api.get(f"/api/members/{private.pk}").status_code == 200

    def test_a_request_waiting_between_them_shows_her(self, private, other):
        invitation_row(private, other, at=private.date_joined)
        assert api_client_for(other).get(f"/api/members/{private.pk}").status_code == 200

    def test_she_sees_her_own_page(self, private):
        assert web_client_for(private).get(f"/members/{private.pk}/").status_code == 200
