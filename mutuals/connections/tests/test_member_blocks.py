"""A block hides two members from each other on the members' pages and API (the rule is
registered with accounts in ConnectionsConfig.ready)."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.test_api import assert_envelope
from mutuals.connections.services import block_create

pytestmark = pytest.mark.django_db


class TestMembersApi:
    def test_blocked_members_are_hidden_and_not_found(self, api_client, member, other):
        block_create(blocker=other, blocked=member)
        assert api_client.get("/api/members").json()["items"] == []
        assert_envelope(api_client.get(f"/api/members/{other.pk}"), 404, "not_found")
        assert_envelope(api_client.get("/api/members/999999"), 404, "not_found")


class TestMemberPage:
    def test_blocked_or_missing_member_is_a_404_page(self, web_client, member, other):
        block_create(blocker=other, blocked=member)
        response = web_client.get(f"/members/{other.pk}/")
        assert response.status_code == 404
        assert b"We could not find that page" in response.content
        assert web_client.get("/members/999999/").status_code == 404
