"""Invitation pages through Django's test client: composer, live check (HTMX), inbox, sent."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.services import boundaries_update
from mutuals.connections.models import Invitation
from mutuals.connections.selectors import are_connected
from mutuals.connections.tests.factories import GOOD_MESSAGE, make_pair, send

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trio():
    return make_pair()


def form_data(recipient, mutual, **overrides):
    data = {
        "context_kind": "mutual",
        "mutual": str(mutual.pk),
        "intent": "advice",
        "message": GOOD_MESSAGE.format(first="Thandi", mutual="Kwame", company="Acme Rail"),
    }
    data.update(overrides)
    return data


def test_composer_says_which_intents_are_closed_before_typing(trio):
    sender, recipient, _mutual = trio
    boundaries_update(user=recipient, open_intents=["advice", "peer"])
    html = logged_in(sender).get(f"/members/{recipient.pk}/connect/").content.decode()
    assert "is open to advice, peer connection — not" in html
    assert "Job referral (not open)" in html
    assert "Kwame Asante" in html  # the verifiable mutual connection is offered


def test_live_check_returns_only_the_feedback_fragment(trio):
    sender, recipient, mutual = trio
    response = logged_in(sender).post(
        f"/members/{recipient.pk}/connect/check/",
        form_data(recipient, mutual, message="Hi [First Name], let's connect!"),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Generic" in html
    assert '<mark class="mark-bad"' in html
    assert "[First Name]</mark>" in html
    assert Invitation.objects.count() == 0


def test_sending_redirects_to_sent_list(trio):
    sender, recipient, mutual = trio
    response = logged_in(sender).post(
        f"/members/{recipient.pk}/connect/", form_data(recipient, mutual), follow=True
    )
    assert response.redirect_chain[-1][0] == "/invitations/sent/"
    assert "Your request is on its way to Thandi Mokoena." in response.content.decode()
    assert Invitation.objects.get().state == "pending"


def test_refusal_shows_the_reason_and_findings(trio):
    sender, recipient, mutual = trio
    response = logged_in(sender).post(
        f"/members/{recipient.pk}/connect/",
        form_data(recipient, mutual, message="Hi, I'd like to join your network."),
    )
    html = response.content.decode()
    assert "asks for notes scoring at least 40" in html
    assert "stock phrase" in html
    assert Invitation.objects.count() == 0


def test_queued_request_tells_the_sender_when(trio):
    sender, recipient, mutual = trio
    boundaries_update(user=recipient, weekly_capacity=1)
    from mutuals.accounts.tests.factories import make_member
    from mutuals.connections.services import connection_create

    other = make_member()
    connection_create(member=other, other=mutual)
    send(other, recipient, mutual)
    response = logged_in(sender).post(
        f"/members/{recipient.pk}/connect/", form_data(recipient, mutual), follow=True
    )
    assert "week is full, so your request will reach them on Monday" in response.content.decode()


def test_inbox_accept_connects_and_goes_to_their_profile(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    client = logged_in(recipient)
    inbox = client.get("/invitations/").content.decode()
    assert "Sam Okafor" in inbox
    assert "Mutual: Kwame Asante ✓ verified" in inbox
    response = client.post(f"/invitations/{invitation.pk}/accept/", follow=True)
    assert response.redirect_chain[-1][0] == f"/members/{sender.pk}/"
    assert "You are now connected to Sam Okafor" in response.content.decode()
    assert are_connected(sender.pk, recipient.pk)


def test_decline_and_withdraw_from_pages(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    logged_in(recipient).post(f"/invitations/{invitation.pk}/decline/", {"reason": "no_capacity"})
    invitation.refresh_from_db()
    assert invitation.decline_reason == "no_capacity"
    sent = logged_in(sender).get("/invitations/sent/").content.decode()
    assert "Declined — i have no capacity right now" in sent
    response = logged_in(sender).post(f"/invitations/{invitation.pk}/withdraw/", follow=True)
    assert "already declined" in response.content.decode()


def test_others_cannot_act_on_a_request(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    assert logged_in(mutual).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert logged_in(sender).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert logged_in(recipient).post(f"/invitations/{invitation.pk}/explode/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_profile_shows_the_right_action(trio):
    sender, recipient, mutual = trio
    client = logged_in(sender)
    assert "Ask to connect" in client.get(f"/members/{recipient.pk}/").content.decode()
    send(sender, recipient, mutual)
    assert "waiting for an answer" in client.get(f"/members/{recipient.pk}/").content.decode()
    assert "asked to connect" in logged_in(recipient).get(f"/members/{sender.pk}/").content.decode()


def test_block_from_profile(trio):
    sender, recipient, mutual = trio
    send(sender, recipient, mutual)
    response = logged_in(recipient).post(f"/members/{sender.pk}/block/", follow=True)
    assert "You blocked Sam Okafor" in response.content.decode()
    assert logged_in(sender).get(f"/members/{recipient.pk}/").status_code == 404
    assert Invitation.objects.get().state == "withdrawn"
