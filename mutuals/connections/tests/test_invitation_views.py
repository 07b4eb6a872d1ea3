"""Invitation pages through Django's test client: composer, live check (HTMX), inbox, sent."""

from __future__ import annotations

import pytest

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import web_client_for
from mutuals.connections.models import Invitation
from mutuals.connections.selectors import are_connected
from mutuals.connections.tests.factories import GOOD_MESSAGE, make_pair, send

pytestmark = pytest.mark.django_db


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
    html = web_client_for(sender).get(f"/members/{recipient.pk}/connect/").content.decode()
    assert "is open to advice, peer connection — not" in html
    assert "Job referral (not open)" in html
    assert "Kwame Asante" in html  # the verifiable mutual connection is offered


def test_live_check_returns_only_the_feedback_fragment(trio):
    sender, recipient, mutual = trio
    response = web_client_for(sender).post(
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
    response = web_client_for(sender).post(
        f"/members/{recipient.pk}/connect/", form_data(recipient, mutual), follow=True
    )
    assert response.redirect_chain[-1][0] == "/invitations/sent/"
    assert "Your request is on its way to Thandi Mokoena." in response.content.decode()
    assert Invitation.objects.get().state == "pending"


def test_refusal_shows_the_reason_and_findings(trio):
    sender, recipient, mutual = trio
    response = web_client_for(sender).post(
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
    response = web_client_for(sender).post(
        f"/members/{recipient.pk}/connect/", form_data(recipient, mutual), follow=True
    )
    assert "week is full, so your request will reach them on Monday" in response.content.decode()


def test_inbox_accept_connects_and_goes_to_their_profile(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    client = web_client_for(recipient)
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
    web_client_for(recipient).post(
        f"/invitations/{invitation.pk}/decline/", {"reason": "no_capacity"}
    )
    invitation.refresh_from_db()
    assert invitation.decline_reason == "no_capacity"
    sent = web_client_for(sender).get("/invitations/sent/").content.decode()
    # The reason reads as the member chose it, not lower-cased ("i have no capacity").
    assert "Declined: “I have no capacity right now”" in sent
    response = web_client_for(sender).post(f"/invitations/{invitation.pk}/withdraw/", follow=True)
    assert "already declined" in response.content.decode()


def test_others_cannot_act_on_a_request(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    assert web_client_for(mutual).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert web_client_for(sender).post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert (
        web_client_for(recipient).post(f"/invitations/{invitation.pk}/explode/").status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_profile_shows_the_right_action(trio):
    sender, recipient, mutual = trio
    client = web_client_for(sender)
    assert "Ask to connect" in client.get(f"/members/{recipient.pk}/").content.decode()
    send(sender, recipient, mutual)
    assert "waiting for an answer" in client.get(f"/members/{recipient.pk}/").content.decode()
    assert (
        "asked to connect"
        in web_client_for(recipient).get(f"/members/{sender.pk}/").content.decode()
    )


def test_block_from_profile(trio):
    sender, recipient, mutual = trio
    send(sender, recipient, mutual)
    response = web_client_for(recipient).post(f"/members/{sender.pk}/block/", follow=True)
    assert "You blocked Sam Okafor" in response.content.decode()
    assert web_client_for(sender).get(f"/members/{recipient.pk}/").status_code == 404
    assert Invitation.objects.get().state == "withdrawn"


# --- The composer's topic (issue 15: it preselected the alphabetically first) ----------------

RETRO_NOTE = (
    "Ana, your async retro format with silent voting and a 20-minute call for the top two "
    "items is clever. Our attendance is stuck around half the team. Did the 48-hour window "
    "cause any problems across time zones?"
)


@pytest.fixture
def ana_and_sam():
    from mutuals.connections.tests.factories import make_member

    topics = ["Agile", "Remote work", "Retrospectives"]
    sam = make_member(name="Sam Okafor", profile={"company": "Kestrel", "topics": topics})
    ana = make_member(
        name="Ana Ferreira",
        profile={
            "company": "Northwind Logistics",
            "headline": "Coach helping distributed teams run better retrospectives",
            "bio": "I write about asynchronous retros: a shared board, silent voting, a "
            "20-minute call for the top two items.",
            "topics": topics,
        },
    )
    return sam, ana


def selected_topic(html: str) -> str:
    import re

    select = html[html.index('<select name="topic"') :]
    select = select[: select.index("</select>")]
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select)
    return chosen.group(1) if chosen else ""


def test_composer_preselects_the_topic_their_profile_is_about_not_the_first(ana_and_sam):
    sam, ana = ana_and_sam
    html = web_client_for(sam).get(f"/members/{ana.pk}/connect/").content.decode()
    assert selected_topic(html) == "retrospectives"


def test_composer_preselects_no_topic_it_cannot_justify(ana_and_sam):
    from mutuals.accounts.services import profile_update

    sam, ana = ana_and_sam
    profile_update(user=ana, headline="Coach", bio="")
    html = web_client_for(sam).get(f"/members/{ana.pk}/connect/").content.decode()
    assert selected_topic(html) == ""
    assert "Choose…" in html


def test_live_check_with_no_topic_chosen_takes_the_one_the_note_is_about(ana_and_sam):
    sam, ana = ana_and_sam
    response = web_client_for(sam).post(
        f"/members/{ana.pk}/connect/check/",
        {
            "context_kind": "topic",
            "topic": "",
            "intent": "knowledge_exchange",
            "message": RETRO_NOTE,
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Personal" in html
    assert "not both list that topic" not in html
    assert "Choose the topic you share" not in html


def test_a_personal_note_is_not_marked_down_for_the_topic_it_does_not_name(ana_and_sam):
    sam, ana = ana_and_sam
    client = web_client_for(sam)
    scores = set()
    for topic in ("agile", "remote-work", "retrospectives"):
        html = client.post(
            f"/members/{ana.pk}/connect/check/",
            {"context_kind": "topic", "topic": topic, "intent": "peer", "message": RETRO_NOTE},
            headers={"HX-Request": "true"},
        ).content.decode()
        assert "Personal" in html, topic
        scores.add(html[html.index('class="score">') :][:20])
    assert len(scores) == 1


def test_the_live_check_rates_exactly_the_draft_that_is_sent(trio, monkeypatch):
    """The same form input, checked live and then sent, gives the engine one draft: a note
    with the blank lines a textarea keeps around it, and words typed under "Other" before
    choosing a mutual connection (the field stays in the form), were rated as typed but sent
    trimmed and without those words."""
    from mutuals.connections import services

    rated, sent = [], []
    check, send = services.invitation_check, services.invitation_send

    def check_spy(*, sender, draft):
        rated.append(draft)
        return check(sender=sender, draft=draft)

    def send_spy(*, sender, draft):
        sent.append(draft)
        return send(sender=sender, draft=draft)

    monkeypatch.setattr(services, "invitation_check", check_spy)
    monkeypatch.setattr(services, "invitation_send", send_spy)
    sender, recipient, mutual = trio
    data = form_data(recipient, mutual, context_text="Your talk at the spring PMO forum")
    data["message"] = f"\r\n  {data['message']}\r\n\r\n"
    client = web_client_for(sender)
    client.post(f"/members/{recipient.pk}/connect/check/", data, headers={"HX-Request": "true"})
    client.post(f"/members/{recipient.pk}/connect/", data)
    assert Invitation.objects.get().state == "pending"
    assert rated == sent


def test_the_live_check_shows_why_a_note_cannot_be_sent_at_its_length(trio):
    from mutuals.connections.services import MAX_MESSAGE_LENGTH

    sender, recipient, mutual = trio
    data = form_data(recipient, mutual, message="word " * MAX_MESSAGE_LENGTH)
    html = (
        web_client_for(sender)
        .post(f"/members/{recipient.pk}/connect/check/", data, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert f"at most {MAX_MESSAGE_LENGTH} characters" in html
