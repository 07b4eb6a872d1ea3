"""Crossed requests cannot happen (issue 17): while a request between two members waits for
an answer — delivered, queued for the recipient's next week, or set aside — neither can send
another, and the one asked is offered to answer theirs instead of asking back."""

from __future__ import annotations

import pytest

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import (
    connection_create,
    invitation_accept,
    invitation_ignore,
    invitation_send,
)
from mutuals.connections.tests.factories import GOOD_MESSAGE, good_draft, make_pair, send
from mutuals.core.errors import Conflict

pytestmark = pytest.mark.django_db


def _ask_back(ben, sam, mutual):
    """Sam asks Ben, whose request to Sam is waiting."""
    return invitation_send(sender=sam, draft=good_draft(ben, mutual))


@pytest.fixture
def pair():
    ben, sam, mutual = make_pair(sender_name="Ben Adeyemi", recipient_name="Sam Okafor")
    # Ben's company, so Sam's note can name it as the good draft does.
    ben.profile.company = "Kestrel"
    ben.profile.save()
    return ben, sam, mutual


@pytest.mark.parametrize("state", ["pending", "ignored", "queued"])
def test_asking_back_is_refused_with_the_incoming_request(pair, state):
    ben, sam, mutual = pair
    if state == "queued":
        boundaries_update(user=sam, weekly_capacity=1)
        other = make_member()
        connection_create(member=other, other=mutual)
        send(other, sam, mutual)
    theirs = send(ben, sam, mutual)
    if state == "ignored":
        invitation_ignore(member=sam, invitation_id=theirs.pk)
    assert Invitation.objects.get(pk=theirs.pk).state == state
    with pytest.raises(Conflict) as refused:
        _ask_back(ben, sam, mutual)
    assert refused.value.code == "invitation_pending"
    assert refused.value.detail == {"invitation_id": theirs.pk, "direction": "incoming"}
    assert "accept their request" in refused.value.message
    assert Invitation.objects.filter(sender=sam).count() == 0
    # Sam takes the offer: theirs is accepted, queued or not, and the two are connected.
    invitation_accept(member=sam, invitation_id=theirs.pk)
    assert are_connected(ben.pk, sam.pk)


def test_the_sender_of_a_set_aside_request_cannot_send_a_second(pair):
    """The sender cannot tell their request was set aside; a second one would be a duplicate
    (before the fix only pending and queued requests counted as open)."""
    ben, sam, mutual = pair
    theirs = send(ben, sam, mutual)
    invitation_ignore(member=sam, invitation_id=theirs.pk)
    with pytest.raises(Conflict) as refused:
        send(ben, sam, mutual)
    assert refused.value.detail == {"invitation_id": theirs.pk, "direction": "outgoing"}
    assert "ignored" not in refused.value.message.lower()
    assert Invitation.objects.filter(sender=ben).count() == 1


def test_api_answers_409_with_the_incoming_request(pair):
    ben, sam, mutual = pair
    theirs = send(ben, sam, mutual)
    invitation_ignore(member=sam, invitation_id=theirs.pk)
    answer = api_client_for(sam).post(
        "/api/invitations",
        {
            "recipient_id": ben.pk,
            "context": {"kind": "mutual", "ref": mutual.pk},
            "intent": "advice",
            "message": GOOD_MESSAGE.format(first="Ben", mutual="Kwame", company="Kestrel"),
        },
        "application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "invitation_pending"
    assert answer.json()["detail"] == {"invitation_id": theirs.pk, "direction": "incoming"}


def test_pages_offer_to_accept_theirs_instead(pair):
    ben, sam, mutual = pair
    theirs = send(ben, sam, mutual)
    invitation_ignore(member=sam, invitation_id=theirs.pk)
    client = web_client_for(sam)
    accept_url = f"/invitations/{theirs.pk}/accept/"
    profile = client.get(f"/members/{ben.pk}/").content.decode()
    assert "Ben asked to connect" in profile
    assert accept_url in profile
    composer = client.get(f"/members/{ben.pk}/connect/").content.decode()
    assert "Ben asked to connect with you" in composer
    assert accept_url in composer
    client.post(accept_url)
    assert Invitation.objects.get(pk=theirs.pk).state == InvitationState.ACCEPTED
