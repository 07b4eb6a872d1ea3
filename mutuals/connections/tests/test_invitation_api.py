"""Invitations API (docs/api.md "Invitations"): shapes, status codes and refusal codes."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import api_client_for
from mutuals.connections.models import Invitation
from mutuals.connections.services import block_create, connection_create
from mutuals.connections.tests.factories import GOOD_MESSAGE, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    sender, recipient, mutual = make_pair()
    draft = {
        "recipient_id": recipient.pk,
        "context": {"kind": "mutual", "ref": mutual.pk},
        "intent": "advice",
        "message": GOOD_MESSAGE.format(first="Thandi", mutual="Kwame", company="Acme Rail"),
    }
    return sender, recipient, mutual, draft, api_client_for(sender), api_client_for(recipient)


def test_check_answers_score_verdict_and_findings(setup):
    *_, draft, sender_client, _ = setup
    body = sender_client.post("/api/invitations/check", draft, "application/json").json()
    assert body["verdict"] == "personal"
    assert 0 <= body["score"] <= 100
    assert {"code", "message", "start", "end", "suggestion"} <= set(body["findings"][0])
    assert Invitation.objects.count() == 0


def test_send_list_accept_flow(setup):
    sender, _recipient, _, draft, sender_client, recipient_client = setup
    created = sender_client.post("/api/invitations", draft, "application/json")
    assert created.status_code == 201
    assert set(created.json()) == {"id", "state", "deliver_at"}
    assert created.json()["state"] == "pending"
    invitation_id = created.json()["id"]

    received = recipient_client.get("/api/invitations?box=received").json()["items"]
    assert [i["id"] for i in received] == [invitation_id]
    item = received[0]
    assert item["sender"]["id"] == sender.pk
    assert item["context"] == {
        "kind": "mutual",
        "ref": str(draft["context"]["ref"]),
        "text": "",
        "label": "Kwame Asante",
        "verified": True,
    }
    assert {"intent", "message", "state", "score", "created_at"} <= set(item)
    assert sender_client.get("/api/invitations?box=received").json()["items"] == []
    assert len(sender_client.get("/api/invitations?box=sent&state=pending").json()["items"]) == 1

    accepted = recipient_client.post(f"/api/invitations/{invitation_id}/accept")
    assert accepted.status_code == 200
    assert "connection_id" in accepted.json()
    again = recipient_client.post(f"/api/invitations/{invitation_id}/accept")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"message": "Hi, I'd like to join your network."}, 422, "below_personalization_threshold"),
        ({"intent": "hiring"}, 422, "recipient_closed_to_intent"),
        ({"context": {"kind": "event", "ref": 1}}, 422, "invalid_context"),
        ({"recipient_id": "self"}, 422, "cannot_invite_self"),
        ({"recipient_id": 999999}, 404, "not_found"),
        ({"intent": "bribery"}, 422, "invalid_fields"),
    ],
)
def test_refusal_codes(setup, change, status, code):
    sender, recipient, _, draft, sender_client, _ = setup
    boundaries_update(user=recipient, open_intents=["advice", "peer"])
    body = {**draft, **change}
    if body["recipient_id"] == "self":
        body["recipient_id"] = sender.pk
    response = sender_client.post("/api/invitations", body, "application/json")
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    if code == "below_personalization_threshold":
        assert response.json()["detail"]["findings"]
    assert Invitation.objects.count() == 0


def test_conflicts_and_blocks(setup):
    sender, recipient, _mutual, draft, sender_client, _recipient_client = setup
    sender_client.post("/api/invitations", draft, "application/json")
    assert (
        sender_client.post("/api/invitations", draft, "application/json").json()["code"]
        == "invitation_pending"
    )
    block_create(blocker=recipient, blocked=sender)
    response = sender_client.post("/api/invitations", draft, "application/json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_already_connected_is_409(setup):
    sender, recipient, _, draft, sender_client, _ = setup
    connection_create(member=sender, other=recipient)
    response = sender_client.post("/api/invitations", draft, "application/json")
    assert (response.status_code, response.json()["code"]) == (409, "already_connected")


def test_decline_ignore_report_withdraw_permissions(setup):
    _sender, _recipient, mutual, draft, sender_client, recipient_client = setup
    invitation_id = sender_client.post("/api/invitations", draft, "application/json").json()["id"]
    # The sender cannot answer their own request, nor a third party anything.
    assert sender_client.post(f"/api/invitations/{invitation_id}/ignore").status_code == 404
    assert (
        api_client_for(mutual).post(f"/api/invitations/{invitation_id}/withdraw").status_code == 404
    )
    bad = recipient_client.post(
        f"/api/invitations/{invitation_id}/decline", {"reason": "meh"}, "application/json"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_fields")
    ignored = recipient_client.post(f"/api/invitations/{invitation_id}/ignore")
    assert ignored.json()["state"] == "ignored"
    sent = sender_client.get("/api/invitations?box=sent").json()["items"]
    assert sent[0]["state"] == "pending"  # ignoring is silent
    reported = recipient_client.post(
        f"/api/invitations/{invitation_id}/report", {"kind": "spam"}, "application/json"
    )
    assert reported.json()["state"] == "reported"
    withdraw = sender_client.post(f"/api/invitations/{invitation_id}/withdraw")
    assert withdraw.status_code == 409


def test_allowance_exhausted_is_429_with_retry_at(setup, monkeypatch):
    from mutuals.accounts.tests.factories import make_member
    from mutuals.connections import invitations as rules

    _, _, mutual, draft, sender_client, _ = setup
    monkeypatch.setattr(rules, "BASE_ALLOWANCE", 1)
    monkeypatch.setattr(rules, "MIN_ALLOWANCE", 1)
    assert sender_client.post("/api/invitations", draft, "application/json").status_code == 201
    other = make_member(name="Lee Chen", profile={"company": "Acme Rail"})
    connection_create(member=other, other=mutual)
    response = sender_client.post(
        "/api/invitations",
        {**draft, "recipient_id": other.pk, "message": draft["message"].replace("Thandi", "Lee")},
        "application/json",
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "sender_allowance_exhausted"
    assert body["detail"]["retry_at"]
    assert Invitation.objects.count() == 1


def test_list_is_paginated_newest_first(setup):
    _sender, _recipient, mutual, draft, sender_client, _ = setup
    from mutuals.accounts.tests.factories import make_member

    ids = []
    for n in range(5):
        other = make_member(name=f"Other {n}", profile={"company": "Acme Rail"})
        connection_create(member=other, other=mutual)
        ids.append(
            sender_client.post(
                "/api/invitations",
                {
                    **draft,
                    "recipient_id": other.pk,
                    "message": draft["message"].replace("Thandi", f"Other {n}"),
                },
                "application/json",
            )
            .json()
            .get("id")
        )
    seen = []
    url = "/api/invitations?box=sent&limit=2"
    while url:
        body = sender_client.get(url).json()
        seen += [i["id"] for i in body["items"]]
        url = f"/api/invitations?box=sent&limit=2&cursor={body['next']}" if body["next"] else ""
    assert seen == sorted([i for i in ids if i], reverse=True)


def test_block_endpoint(setup):
    sender, recipient, _, _, sender_client, recipient_client = setup
    response = recipient_client.post("/api/blocks", {"member_id": sender.pk}, "application/json")
    assert response.status_code == 201
    assert recipient_client.get(f"/api/members/{sender.pk}").status_code == 404
    assert sender_client.get(f"/api/members/{recipient.pk}").status_code == 404
    assert (
        recipient_client.post(
            "/api/blocks", {"member_id": sender.pk}, "application/json"
        ).status_code
        == 404
    )


def test_allowance_before_and_after_sending(setup):
    from datetime import datetime, timedelta

    _, _, _, draft, sender_client, _ = setup
    fresh = sender_client.get("/api/invitations/allowance")
    assert fresh.status_code == 200
    assert fresh.json() == {
        "limit": 20,
        "used": 0,
        "remaining": 20,
        "window_days": 7,
        "acceptance_rate": None,
        "follow_through_rate": None,
        "reports": 0,
        "retry_at": None,
        "frees_at": None,
    }
    sent = sender_client.post("/api/invitations", draft, "application/json")
    created_at = Invitation.objects.get(pk=sent.json()["id"]).created_at
    body = sender_client.get("/api/invitations/allowance").json()
    assert (body["used"], body["remaining"], body["retry_at"]) == (1, 19, None)
    frees_at = datetime.fromisoformat(body["frees_at"])  # sent to the millisecond
    assert abs(frees_at - (created_at + timedelta(days=7))) < timedelta(milliseconds=1)


def test_allowance_exhausted_says_when_the_next_request_frees(setup, monkeypatch):
    from datetime import datetime

    from mutuals.connections import invitations as rules

    _, _, _, draft, sender_client, _ = setup
    monkeypatch.setattr(rules, "BASE_ALLOWANCE", 1)
    monkeypatch.setattr(rules, "MIN_ALLOWANCE", 1)
    sender_client.post("/api/invitations", draft, "application/json")
    body = sender_client.get("/api/invitations/allowance").json()
    assert (body["limit"], body["used"], body["remaining"]) == (1, 1, 0)
    assert body["retry_at"] == body["frees_at"]
    assert datetime.fromisoformat(body["retry_at"]).tzinfo is not None


def test_allowance_is_your_own_and_needs_sign_in(setup):
    _, _, _, draft, sender_client, recipient_client = setup
    sender_client.post("/api/invitations", draft, "application/json")
    assert recipient_client.get("/api/invitations/allowance").json()["used"] == 0
    response = Client().get("/api/invitations/allowance")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
