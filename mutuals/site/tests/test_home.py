"""The home page, for visitors and for members."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.services import profile_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.introductions.tests.factories import GOOD_NOTE, make_cast
from mutuals.messaging.services import conversation_mark_read, conversation_start

pytestmark = pytest.mark.django_db


def test_home_for_visitors_and_members(web_client, member):
    assert b"Join the community" in Client().get("/").content
    html = web_client.get("/").content.decode()
    assert "Hello, Sam" in html
    assert "Complete your profile" in html


def test_home_suggests_members_who_share_topics_and_are_not_connections_yet(web_client, member):
    profile_update(user=member, topics=["Risk management"])
    known = make_member(name="Known Connection", profile={"topics": ["Risk management"]})
    make_member(name="New Face", profile={"topics": ["Risk management"]})
    connection_create(member=member, other=known)
    html = web_client.get("/").content.decode()
    assert "Members who share your topics" in html
    assert "New Face" in html
    assert "Known Connection" not in html


def test_for_today_lists_what_is_waiting_on_the_member_from_the_notifications(member):
    """The introducer of a requested introduction is told on the home page too (issue 17):
    "For today" reads the same unread notifications as the bell."""
    cast = make_cast(member)
    asked = api_client_for(cast.sam).post(
        "/api/introductions",
        {
            "target_id": cast.thandi.pk,
            "introducer_id": cast.kwame.pk,
            "context": {"kind": "mutual", "ref": cast.kwame.pk},
            "intent": "advice",
            "message": GOOD_NOTE,
        },
        content_type="application/json",
    )
    assert asked.status_code == 201
    html = web_client_for(cast.kwame).get("/").content.decode()
    today = html[html.index("For today") :]
    assert "Sam Okafor asks you for an introduction to Thandi Mokoena" in today
    assert "/notifications/?unread=1" in today


def test_for_today_names_a_new_message_once(member):
    """An unread "New message from Kwame" and the health suggestion "Reply to Kwame" were the
    same moment listed twice (issue 17): the suggestion gives way to the notice, and comes
    back once the notice is read while the reply is still owed."""
    kwame = make_member(name="Kwame Asante")
    connection_create(member=member, other=kwame)
    started = conversation_start(
        creator=kwame, participant_ids=[member.pk], text="Coffee on Friday?"
    )
    client = web_client_for(member)
    html = client.get("/").content.decode()
    today = html[html.index("For today") : html.index("Your profile")]
    assert "New message from Kwame Asante" in today
    assert "Reply to Kwame Asante" not in today
    conversation_mark_read(member=member, conversation_id=started.conversation.pk)
    html = client.get("/").content.decode()
    today = html[html.index("For today") : html.index("Your profile")]
    assert "New message from Kwame Asante" not in today
    assert "Reply to Kwame Asante" in today
