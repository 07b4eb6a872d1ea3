"""The list of members you blocked and lifting a block: `GET /api/blocks`,
`DELETE /api/blocks/{member_id}` and the blocked members page (issue 18)."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.accounts.tests.test_api import assert_envelope
from mutuals.connections.models import Block, InvitationState
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import (
    block_create,
    block_remove,
    connection_create,
    invitation_ignore,
)
from mutuals.connections.tests.factories import make_pair, send

pytestmark = pytest.mark.django_db


class TestBlocksApi:
    def test_lists_only_the_blocks_you_made_newest_first(self, api_client, member, other):
        third = make_member(name="Ana Lima")
        block_create(blocker=member, blocked=other)
        block_create(blocker=member, blocked=third)
        block_create(blocker=make_member(name="Kofi Mensah"), blocked=member)
        body = api_client.get("/api/blocks").json()
        assert [item["member"]["name"] for item in body["items"]] == ["Ana Lima", "Thandi Mokoena"]
        assert body["items"][0]["member"]["id"] == third.pk
        assert body["items"][0]["blocked_at"].endswith("Z")
        assert body["next"] is None

    def test_the_list_is_cursor_paginated(self, api_client, member):
        for i in range(3):
            block_create(blocker=member, blocked=make_member(name=f"Blocked {i}"))
        first = api_client.get("/api/blocks?limit=2").json()
        second = api_client.get(f"/api/blocks?limit=2&cursor={first['next']}").json()
        names = [i["member"]["name"] for i in first["items"] + second["items"]]
        assert names == ["Blocked 2", "Blocked 1", "Blocked 0"]
        assert second["next"] is None
        assert_envelope(api_client.get("/api/blocks?cursor=nonsense"), 400, "invalid_cursor")

    def test_unblock_lets_the_two_see_each_other_but_restores_no_connection(
        self, api_client, member, other
    ):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        assert_envelope(api_client.get(f"/api/members/{other.pk}"), 404, "not_found")
        response = api_client.delete(f"/api/blocks/{other.pk}")
        assert response.status_code == 204
        assert not Block.objects.exists()
        assert api_client.get(f"/api/members/{other.pk}").status_code == 200
        assert not are_connected(member.pk, other.pk)
        assert api_client.get("/api/blocks").json()["items"] == []

    def test_requests_the_block_closed_stay_closed_and_start_no_wait(self):
        sender, recipient, mutual = make_pair()
        invitation = send(sender, recipient, mutual)
        block_create(blocker=recipient, blocked=sender)
        assert api_client_for(recipient).delete(f"/api/blocks/{sender.pk}").status_code == 204
        invitation.refresh_from_db()
        assert invitation.state == InvitationState.WITHDRAWN
        # The sender may ask again at once: the request the block closed starts no wait.
        again = send(sender, recipient, mutual)
        assert again.state == InvitationState.PENDING

    def test_a_block_closes_a_request_set_aside_too(self):
        """A set-aside request could still be accepted: the block must close it, or either
        could connect across the block by accepting it after the block is lifted."""
        sender, recipient, mutual = make_pair()
        invitation = send(sender, recipient, mutual)
        invitation_ignore(member=recipient, invitation_id=invitation.pk)
        block_create(blocker=sender, blocked=recipient)
        invitation.refresh_from_db()
        assert invitation.state == InvitationState.WITHDRAWN
        assert invitation.closed_by_block
        block_remove(blocker=sender, blocked_id=recipient.pk)
        answer = api_client_for(recipient).post(f"/api/invitations/{invitation.pk}/accept")
        assert answer.status_code in (404, 409)
        assert not are_connected(sender.pk, recipient.pk)

    def test_lifting_a_block_you_did_not_make_is_not_found_and_changes_nothing(
        self, api_client, member, other
    ):
        block_create(blocker=other, blocked=member)
        assert_envelope(api_client.delete(f"/api/blocks/{other.pk}"), 404, "not_found")
        assert_envelope(api_client.delete("/api/blocks/999999"), 404, "not_found")
        assert_envelope(api_client.delete(f"/api/blocks/{2**70}"), 404, "not_found")
        assert Block.objects.filter(blocker=other, blocked=member).count() == 1

    def test_unblocking_twice_is_not_found_the_second_time(self, api_client, member, other):
        block_create(blocker=member, blocked=other)
        assert api_client.delete(f"/api/blocks/{other.pk}").status_code == 204
        assert_envelope(api_client.delete(f"/api/blocks/{other.pk}"), 404, "not_found")

    def test_signed_out_is_not_authenticated(self, member, other):
        block_create(blocker=member, blocked=other)
        assert_envelope(Client().get("/api/blocks"), 401, "not_authenticated")
        assert_envelope(Client().delete(f"/api/blocks/{other.pk}"), 401, "not_authenticated")
        assert Block.objects.count() == 1

    def test_the_blocked_member_cannot_lift_it(self, member, other):
        block_create(blocker=member, blocked=other)
        blocked_client = api_client_for(other)
        assert blocked_client.get("/api/blocks").json()["items"] == []
        assert_envelope(blocked_client.delete(f"/api/blocks/{member.pk}"), 404, "not_found")
        assert Block.objects.count() == 1


class TestBlocksPage:
    def test_lists_blocked_members_with_an_unblock_button(self, web_client, member, other):
        block_create(blocker=member, blocked=other)
        response = web_client.get("/blocks/")
        assert response.status_code == 200
        assert b"Thandi Mokoena" in response.content
        assert f'action="/blocks/{other.pk}/unblock/"'.encode() in response.content

    def test_empty_list_says_so(self, web_client):
        assert b"You have not blocked anyone." in web_client.get("/blocks/").content

    def test_unblock_lifts_the_block_and_says_what_stays_ended(self, web_client, member, other):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        response = web_client.post(f"/blocks/{other.pk}/unblock/", follow=True)
        assert response.redirect_chain[-1][0] == "/blocks/"
        assert b"Block lifted" in response.content
        assert b"not restored" in response.content
        assert not Block.objects.exists()
        assert not are_connected(member.pk, other.pk)

    def test_unblocking_someone_not_blocked_is_a_404_page(self, web_client, member, other):
        block_create(blocker=other, blocked=member)
        assert web_client.post(f"/blocks/{other.pk}/unblock/").status_code == 404
        assert Block.objects.count() == 1

    def test_get_does_not_unblock(self, web_client, member, other):
        block_create(blocker=member, blocked=other)
        assert web_client.get(f"/blocks/{other.pk}/unblock/").status_code == 405
        assert Block.objects.count() == 1

    def test_signed_out_is_sent_to_sign_in(self, member, other):
        block_create(blocker=member, blocked=other)
        response = Client().get("/blocks/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert Client().post(f"/blocks/{other.pk}/unblock/").status_code == 302
        assert Block.objects.count() == 1

    def test_the_page_shows_no_one_elses_blocks(self, member, other):
        block_create(blocker=member, blocked=other)
        page = web_client_for(other).get("/blocks/")
        assert b"Sam Okafor" not in page.content
