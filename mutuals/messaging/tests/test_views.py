"""Messaging pages, with and without HTMX: the list with unread badges, a conversation that
polls and sends in place, starting a conversation, the profile button and the nav count."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.messaging import services
from mutuals.messaging.models import Conversation, Message, Participant
from mutuals.messaging.selectors import unread_conversation_count
from mutuals.messaging.tests.factories import connect, start

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


class TestList:
    def test_shows_conversations_with_unread_badges(self, web_client, member, other):
        connect(member, other)
        start(other, member, text="Lovely to meet you at the workshop")
        response = web_client.get("/messages/")
        html = response.content.decode()
        assert response.status_code == 200
        assert other.name in html
        assert "1 unread" in html
        assert "Lovely to meet you at the workshop" in html

    def test_empty(self, web_client):
        assert "No conversations yet" in web_client.get("/messages/").content.decode()

    def test_sign_in_required(self):
        response = Client().get("/messages/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_nav_shows_unread_count(self, web_client, member):
        for _ in range(2):
            o = make_member()
            connect(member, o)
            start(o, member)
        html = web_client.get("/messages/").content.decode()
        assert '<span class="visually-hidden">unread: </span>2</span>' in html

    def test_nav_count_is_one_query_and_only_when_shown(self, member, django_assert_num_queries):
        from django.test import RequestFactory

        from mutuals.messaging.context_processors import unread_messages

        request = RequestFactory().get("/")
        request.user = member
        with django_assert_num_queries(0):
            context = unread_messages(request)
        with django_assert_num_queries(1):
            assert context["unread_conversations"]() == 0

    def test_no_count_for_anonymous_visitors(self):
        from django.contrib.auth.models import AnonymousUser
        from django.test import RequestFactory

        from mutuals.messaging.context_processors import unread_messages

        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        assert unread_messages(request) == {}

    def test_page_queries_are_bounded(self, web_client, member, django_assert_max_num_queries):
        for _ in range(10):
            o = make_member()
            connect(member, o)
            start(o, member)
        with django_assert_max_num_queries(14):
            response = web_client.get("/messages/")
        assert response.content.decode().count("conversation-row") == 10


class TestConversationPage:
    def test_shows_thread_marks_read_and_polls(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member, text="Coffee next week?").conversation
        response = web_client.get(f"/messages/{conversation.pk}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Coffee next week?" in html
        assert 'hx-trigger="every 4s"' in html
        last = conversation.messages.get()
        assert f"/messages/{conversation.pk}/poll/?after={last.pk}" in html
        assert Participant.objects.get(member=member).last_read_at == last.created_at
        assert unread_conversation_count(member) == 0

    def test_times_show_in_the_viewers_time_zone(self, web_client, member, other):
        from datetime import UTC, datetime

        from mutuals.accounts.services import boundaries_update

        boundaries_update(user=member, time_zone="Asia/Tokyo")
        connect(member, other)
        conversation = start(other, member).conversation
        conversation.messages.update(created_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
        html = web_client.get(f"/messages/{conversation.pk}/").content.decode()
        assert 'datetime="2026-03-03T08:30:00+09:00"' in html
        assert "3 Mar, 08:30" in html

    def test_outsider_gets_404(self, web_client):
        a, b = make_member(), make_member()
        connect(a, b)
        conversation = start(a, b).conversation
        assert web_client.get(f"/messages/{conversation.pk}/").status_code == 404
        assert web_client.get(f"/messages/{conversation.pk}/poll/?after=0").status_code == 404
        response = web_client.post(f"/messages/{conversation.pk}/send/", {"text": "Hi"})
        assert response.status_code == 404
        assert Message.objects.count() == 1

    def test_blocked_one_to_one_is_404(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        block_create(blocker=other, blocked=member)
        assert web_client.get(f"/messages/{conversation.pk}/").status_code == 404

    def test_closed_after_disconnecting(self, web_client, member, other):
        from mutuals.connections.models import Connection

        connect(member, other)
        conversation = start(other, member).conversation
        Connection.objects.all().delete()
        html = web_client.get(f"/messages/{conversation.pk}/").content.decode()
        assert "no longer connected" in html
        assert 'id="compose"' not in html

    def test_earlier_messages_link(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member, text="first").conversation
        Message.objects.bulk_create(
            Message(
                conversation=conversation, sender=other, text=f"n{n}", created_at=timezone.now()
            )
            for n in range(50)
        )
        html = web_client.get(f"/messages/{conversation.pk}/").content.decode()
        assert "Earlier messages" in html
        assert ">first<" not in html
        earliest = Message.objects.filter(text="n0").get()
        older = web_client.get(f"/messages/{conversation.pk}/?before={earliest.pk}")
        assert "first" in older.content.decode()
        assert "every 4s" not in older.content.decode()


class TestPoll:
    def test_nothing_new_is_204(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        last = conversation.messages.get()
        response = web_client.get(f"/messages/{conversation.pk}/poll/?after={last.pk}", headers=HX)
        assert response.status_code == 204

    def test_new_messages_then_a_fresh_poller_and_marked_read(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        first = conversation.messages.get()
        newer = services.message_send(
            sender=other, conversation_id=conversation.pk, text="Are you there?"
        )
        response = web_client.get(f"/messages/{conversation.pk}/poll/?after={first.pk}", headers=HX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Are you there?" in html
        assert f'id="message-{first.pk}"' not in html
        assert f"poll/?after={newer.pk}" in html
        assert "<html" not in html
        assert Participant.objects.get(member=member).last_read_at == newer.created_at


class TestSend:
    def test_without_javascript_posts_and_redirects(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        response = web_client.post(f"/messages/{conversation.pk}/send/", {"text": "Yes, Tuesday"})
        message = Message.objects.get(text="Yes, Tuesday")
        assert response.status_code == 302
        assert response["Location"] == f"/messages/{conversation.pk}/#message-{message.pk}"
        assert message.sender == member

    def test_without_javascript_blank_shows_the_error(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        response = web_client.post(f"/messages/{conversation.pk}/send/", {"text": "  "})
        assert response.status_code == 200
        assert "empty messages are not sent" in response.content.decode()
        assert Message.objects.count() == 1

    def test_with_htmx_appends_messages_since_and_clears_the_box(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        first = conversation.messages.get()
        meanwhile = services.message_send(
            sender=other, conversation_id=conversation.pk, text="Meanwhile…"
        )
        response = web_client.post(
            f"/messages/{conversation.pk}/send/",
            {"text": "Replying", "after": first.pk},
            headers=HX,
        )
        html = response.content.decode()
        mine = Message.objects.get(text="Replying")
        assert response.status_code == 200
        assert html.index(f"message-{meanwhile.pk}") < html.index(f"message-{mine.pk}")
        assert f"poll/?after={mine.pk}" in html
        assert json.loads(response["HX-Trigger"]) == {"message-sent": {}}

    def test_with_htmx_error_is_retargeted_and_keeps_the_text(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        Message.objects.bulk_create(
            Message(conversation=conversation, sender=member, text="x", created_at=timezone.now())
            for _ in range(30)
        )
        response = web_client.post(
            f"/messages/{conversation.pk}/send/", {"text": "One more", "after": 0}, headers=HX
        )
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#compose-errors"
        assert response["HX-Reswap"] == "innerHTML"
        assert "HX-Trigger" not in response
        assert "30 messages" in response.content.decode()
        assert not Message.objects.filter(text="One more").exists()


class TestStart:
    def test_profile_shows_message_button_for_connections_only(self, web_client, member, other):
        stranger = make_member()
        connect(member, other)
        assert (
            f"/messages/new/?to={other.pk}"
            in web_client.get(f"/members/{other.pk}/").content.decode()
        )
        assert "/messages/new/" not in web_client.get(f"/members/{stranger.pk}/").content.decode()

    def test_new_page_preselects_and_sends(self, web_client, member, other):
        connect(member, other)
        page = web_client.get(f"/messages/new/?to={other.pk}").content.decode()
        assert f'value="{other.pk}"' in page
        assert "checked" in page
        response = web_client.post(
            "/messages/new/", {"participants": [other.pk], "text": "Thank you for connecting"}
        )
        conversation = Conversation.objects.get()
        assert response.status_code == 302
        assert response["Location"].startswith(f"/messages/{conversation.pk}/#message-")

    def test_existing_conversation_opens_instead(self, web_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        response = web_client.get(f"/messages/new/?to={other.pk}")
        assert response.status_code == 302
        assert response["Location"] == f"/messages/{conversation.pk}/"

    def test_group(self, web_client, member):
        a, b = make_member(), make_member()
        connect(member, a)
        connect(member, b)
        web_client.post(
            "/messages/new/",
            {"participants": [a.pk, b.pk], "title": "Risk circle", "text": "Shall we meet?"},
        )
        conversation = Conversation.objects.get()
        assert conversation.is_group
        assert conversation.title == "Risk circle"

    def test_only_connections_are_offered(self, web_client, member, other):
        stranger = make_member()
        connect(member, other)
        response = web_client.post("/messages/new/", {"participants": [stranger.pk], "text": "Hi"})
        assert response.status_code == 200
        assert "is not one of the available choices" in response.content.decode()
        assert not Conversation.objects.exists()

    def test_refusal_shows_as_form_error(self, web_client, member):
        others = [make_member() for _ in range(8)]
        for o in others:
            connect(member, o)
        response = web_client.post(
            "/messages/new/", {"participants": [o.pk for o in others], "text": "Hi all"}
        )
        assert "at most 8 people" in response.content.decode()
        assert not Conversation.objects.exists()

    def test_without_connections(self, web_client):
        assert "you have none yet" in web_client.get("/messages/new/").content.decode()
