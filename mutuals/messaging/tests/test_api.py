"""The conversation endpoints (docs/api.md "Connections, messages, engagement"): shapes, status
codes and the error envelope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.messaging import services
from mutuals.messaging.models import Message, Participant
from mutuals.messaging.tests.factories import connect, start

pytestmark = pytest.mark.django_db


def assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    assert body["message"]
    return body


class TestCreate:
    def test_creates_with_first_message(self, api_client, member, other):
        connect(member, other)
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "Thanks for connecting"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["created"] is True
        assert body["is_group"] is False
        assert {p["id"] for p in body["participants"]} == {member.pk, other.pk}
        assert body["message"]["text"] == "Thanks for connecting"
        assert body["message"]["sender_id"] == member.pk
        assert body["last_message"]["id"] == body["message"]["id"]
        assert body["unread_count"] == 0
        assert set(body) >= {"id", "title", "created_at", "last_message_at"}

    def test_second_start_reuses_with_200(self, api_client, member, other):
        connect(member, other)
        first = start(other, member).conversation
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "Hello again"},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert response.json()["id"] == first.pk
        assert response.json()["created"] is False

    def test_group_with_title(self, api_client, member):
        a, b = make_member(), make_member()
        connect(member, a)
        connect(member, b)
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [a.pk, b.pk], "text": "Hi both", "title": "Workshop follow-up"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert response.json()["title"] == "Workshop follow-up"
        assert response.json()["is_group"] is True

    def test_not_connected_is_422(self, api_client, other):
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "Hi"},
            content_type="application/json",
        )
        body = assert_envelope(response, 422, "not_connected")
        assert body["detail"]["member_ids"] == [other.pk]

    def test_blocked_is_404(self, api_client, member, other):
        connect(member, other)
        block_create(blocker=other, blocked=member)
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "Hi"},
            content_type="application/json",
        )
        assert_envelope(response, 404, "not_found")

    def test_blank_text_is_422_with_fields(self, api_client, member, other):
        connect(member, other)
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "   "},
            content_type="application/json",
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert "text" in body["detail"]["fields"]

    def test_missing_fields_is_422(self, api_client):
        response = api_client.post(
            "/api/conversations", {"text": "Hi"}, content_type="application/json"
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert "participant_ids" in body["detail"]["fields"]

    def test_group_too_large_is_422(self, api_client, member):
        others = [make_member() for _ in range(8)]
        for o in others:
            connect(member, o)
        response = api_client.post(
            "/api/conversations",
            {"participant_ids": [o.pk for o in others], "text": "Hi"},
            content_type="application/json",
        )
        assert_envelope(response, 422, "group_too_large")

    def test_not_signed_in_is_401(self, other):
        response = Client().post(
            "/api/conversations",
            {"participant_ids": [other.pk], "text": "Hi"},
            content_type="application/json",
        )
        assert_envelope(response, 401, "not_authenticated")


class TestList:
    def test_lists_with_unread_participants_last_message(self, api_client, member):
        a, b = make_member(name="Ada Obi"), make_member(name="Ben Kay")
        connect(member, a, b)
        older = start(a, member, text="From Ada").conversation
        newer = start(b, member, a, text="Group from Ben").conversation
        services.message_send(sender=a, conversation_id=newer.pk, text="Ada adds")
        response = api_client.get("/api/conversations")
        assert response.status_code == 200
        body = response.json()
        assert body["next"] is None
        assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
        first = body["items"][0]
        assert first["unread_count"] == 2
        assert first["last_message"]["text"] == "Ada adds"
        assert first["last_message"]["sender_name"] == "Ada Obi"
        assert {p["name"] for p in first["participants"]} == {"Ada Obi", "Ben Kay", member.name}
        assert body["items"][1]["unread_count"] == 1

    def test_cursor_pagination(self, api_client, member):
        others = [make_member() for _ in range(3)]
        for o in others:
            connect(member, o)
            start(o, member)
        page = api_client.get("/api/conversations?limit=2").json()
        assert len(page["items"]) == 2
        assert page["next"]
        rest = api_client.get(f"/api/conversations?limit=2&cursor={page['next']}").json()
        assert len(rest["items"]) == 1
        assert rest["next"] is None
        ids = [i["id"] for i in page["items"] + rest["items"]]
        assert len(set(ids)) == 3

    def test_bad_cursor_is_400(self, api_client):
        assert_envelope(api_client.get("/api/conversations?cursor=%%%"), 400, "invalid_cursor")

    def test_only_my_conversations(self, api_client, member):
        a, b = make_member(), make_member()
        connect(a, b)
        start(a, b)
        assert api_client.get("/api/conversations").json()["items"] == []

    def test_query_count_is_bounded(self, api_client, member, django_assert_max_num_queries):
        for _ in range(12):
            o = make_member()
            connect(member, o)
            start(o, member)
        with django_assert_max_num_queries(8):
            response = api_client.get("/api/conversations?limit=50")
        assert len(response.json()["items"]) == 12


class TestMessages:
    def test_send_is_201(self, api_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        response = api_client.post(
            f"/api/conversations/{conversation.pk}/messages",
            {"text": "Sounds good"},
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["text"] == "Sounds good"
        assert body["conversation_id"] == conversation.pk
        assert body["sender_id"] == member.pk

    def test_send_to_someone_elses_conversation_is_404(self, api_client):
        a, b = make_member(), make_member()
        connect(a, b)
        conversation = start(a, b).conversation
        response = api_client.post(
            f"/api/conversations/{conversation.pk}/messages",
            {"text": "Hi"},
            content_type="application/json",
        )
        assert_envelope(response, 404, "not_found")
        assert_envelope(
            api_client.get(f"/api/conversations/{conversation.pk}/messages"), 404, "not_found"
        )

    def test_rate_limited_is_429_with_retry_at(self, api_client, member, other):
        connect(member, other)
        conversation = start(member, other).conversation
        Message.objects.bulk_create(
            Message(conversation=conversation, sender=member, text="x", created_at=timezone.now())
            for _ in range(29)
        )
        response = api_client.post(
            f"/api/conversations/{conversation.pk}/messages",
            {"text": "again"},
            content_type="application/json",
        )
        body = assert_envelope(response, 429, "message_rate_limited")
        assert "retry_at" in body["detail"]

    def test_list_newest_first_paginated_and_marks_read(self, api_client, member, other):
        connect(member, other)
        conversation = start(other, member, text="m0").conversation
        base = timezone.now()
        Message.objects.bulk_create(
            Message(
                conversation=conversation,
                sender=other,
                text=f"m{n}",
                created_at=base + timedelta(seconds=n),
            )
            for n in range(1, 5)
        )
        page = api_client.get(f"/api/conversations/{conversation.pk}/messages?limit=3").json()
        assert [m["text"] for m in page["items"]] == ["m4", "m3", "m2"]
        assert Participant.objects.get(member=member).last_read_at == base + timedelta(seconds=4)
        rest = api_client.get(
            f"/api/conversations/{conversation.pk}/messages?limit=3&cursor={page['next']}"
        ).json()
        assert [m["text"] for m in rest["items"]] == ["m1", "m0"]
        assert rest["next"] is None
        assert api_client.get("/api/conversations").json()["items"][0]["unread_count"] == 0

    def test_limit_out_of_range_is_422(self, api_client, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        response = api_client.get(f"/api/conversations/{conversation.pk}/messages?limit=500")
        assert_envelope(response, 422, "invalid_fields")

    def test_session_auth_needs_csrf(self, member, other):
        connect(member, other)
        conversation = start(other, member).conversation
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        response = client.post(
            f"/api/conversations/{conversation.pk}/messages",
            {"text": "Hi"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
