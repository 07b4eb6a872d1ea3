"""Connections, pact, interactions, notifications and the health dashboard through the API
and the pages (docs/api.md "Connections, messages, engagement")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.connections.services import invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement import services
from mutuals.engagement.models import Obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    connection = invitation_accept(member=recipient, invitation_id=invitation.pk)
    return sender, recipient, connection


def test_connections_list_has_strength_tier_state_and_pact(connected):
    sender, recipient, connection = connected
    body = api_client_for(sender).get("/api/connections").json()
    item = next(i for i in body["items"] if i["id"] == connection.pk)
    assert item["member"]["id"] == recipient.pk
    assert 0 < item["strength"] <= 1
    assert item["tier"] in {"inner", "close", "active", "wider", "acquaintance"}
    assert item["state"] in {"engaged", "warm", "fading", "stagnant", "resting"}
    assert {p["kind"] for p in item["pact"]} == {"first_message", "first_exchange"}
    assert set(item["pact"][0]) == {"party_id", "kind", "due_at", "fulfilled_at", "status"}
    assert {p["status"] for p in item["pact"]} == {"open"}


def test_connection_detail_shows_both_parties_pact_and_interactions(connected):
    sender, recipient, connection = connected
    services.interaction_record(
        actor=sender, counterpart=recipient, kind="message", at=timezone.now(), source_key="m:1"
    )
    body = api_client_for(recipient).get(f"/api/connections/{connection.pk}").json()
    parties = {p["party_id"] for p in body["pact"] if p["kind"] == "first_message"}
    assert parties == {sender.pk, recipient.pk}
    assert body["recent_interactions"][0]["kind"] == "message"
    assert (
        api_client_for(make_pair(sender_name="X Y", recipient_name="Z W")[2])
        .get(f"/api/connections/{connection.pk}")
        .status_code
        == 404
    )


def test_log_interaction_and_rest(connected):
    sender, _, connection = connected
    client = api_client_for(sender)
    created = client.post(
        f"/api/connections/{connection.pk}/interactions",
        {"kind": "call", "at": timezone.now().isoformat(), "note": "Talked PMO gates"},
        "application/json",
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "call"
    future = client.post(
        f"/api/connections/{connection.pk}/interactions",
        {"kind": "call", "at": (timezone.now() + timedelta(days=3)).isoformat()},
        "application/json",
    )
    assert (future.status_code, future.json()["code"]) == (422, "invalid_fields")
    theirs = api_client_for(connected[1]).get(f"/api/connections/{connection.pk}").json()
    assert theirs["recent_interactions"][0]["note"] == ""  # private to the one who logged it
    mine = client.get(f"/api/connections/{connection.pk}").json()
    assert mine["recent_interactions"][0]["note"] == "Talked PMO gates"
    rested = client.post(f"/api/connections/{connection.pk}/rest")
    assert rested.json()["state"] == "resting"


def test_notifications_list_and_read(connected, django_capture_on_commit_callbacks):
    sender, _, connection = connected
    Obligation.objects.filter(connection=connection).update(
        due_at=timezone.now() + timedelta(hours=1)
    )
    services.nudges_send_due()
    client = api_client_for(sender)
    body = client.get("/api/notifications").json()
    # The two pact nudges, and the acceptance of the request that connected them.
    assert body["unread"] == 3
    assert [n["kind"] for n in body["items"]].count("invitation_accepted") == 1
    nudges = client.get("/api/notifications?kind=nudge_").json()["items"]
    assert {n["kind"] for n in nudges} == {"nudge_first_message", "nudge_first_exchange"}
    accepted = client.get("/api/notifications?kind=invitation_accepted").json()["items"]
    assert len(accepted) == 1
    assert client.get("/api/notifications/unread").json() == {"unread": 3}
    one = client.post(f"/api/notifications/{accepted[0]['id']}/read")
    assert one.json()["read_at"] is not None
    assert client.get("/api/notifications/unread").json() == {"unread": 2}
    assert len(client.get("/api/notifications?unread=true").json()["items"]) == 2
    assert len(client.get("/api/notifications?unread=false").json()["items"]) == 1
    other = api_client_for(connected[1])
    assert other.post(f"/api/notifications/{accepted[0]['id']}/read").status_code == 404
    assert client.post("/api/notifications/read", {}, "application/json").json()["updated"] == 2
    assert client.get("/api/notifications").json()["unread"] == 0


def test_health_endpoint_and_page(connected):
    sender, recipient, _ = connected
    body = api_client_for(sender).get("/api/insights/health").json()
    assert body["connections"] >= 2
    assert set(body["by_state"]) == {"engaged", "warm", "fading", "stagnant", "resting"}
    assert set(body["give_take"]) == {"given", "received"}
    assert len(body["suggestions"]) <= 5
    thank = [s for s in body["suggestions"] if s["kind"] == "thank"]
    assert thank
    assert thank[0]["member_id"] == recipient.pk
    html = web_client_for(sender).get("/insights/").content.decode()
    assert "Thank Thandi Mokoena for connecting" in html
    assert "<svg" in html
    assert "Relationships by state" in html
    # One request, accepted: said as such, not "—" until five are decided (issue 19).
    assert "<dt>Your requests accepted</dt><dd>1 of 1 so far</dd>" in html


def test_connection_pages(connected):
    sender, _recipient, connection = connected
    client = web_client_for(sender)
    assert "Thandi Mokoena" in client.get("/connections/").content.decode()
    page = client.get(f"/connections/{connection.pk}/").content.decode()
    assert "Your pact" in page
    assert "first message" in page
    response = client.post(
        f"/connections/{connection.pk}/",
        {
            "kind": "meeting",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "coffee",
        },
        follow=True,
    )
    assert "Logged." in response.content.decode()
    assert (
        web_client_for(make_pair(sender_name="A B", recipient_name="C D")[0])
        .get(f"/connections/{connection.pk}/")
        .status_code
        == 404
    )


def test_wake_a_resting_tie_resumes_check_ins(connected):
    sender, recipient, connection = connected
    # A first real exchange (messages both ways) opens the keep-warm check-ins.
    for n, (actor, counterpart) in enumerate([(sender, recipient), (recipient, sender)]):
        services.interaction_record(
            actor=actor,
            counterpart=counterpart,
            kind="message",
            at=timezone.now(),
            source_key=f"wake:{n}",
        )
    open_check_ins = Obligation.objects.filter(
        connection=connection,
        party=sender,
        kind="check_in",
        fulfilled_at__isnull=True,
        cancelled_at__isnull=True,
    )
    assert open_check_ins.exists()
    client = api_client_for(sender)
    assert client.post(f"/api/connections/{connection.pk}/rest").json()["state"] == "resting"
    assert not open_check_ins.exists()
    woken = client.delete(f"/api/connections/{connection.pk}/rest")
    assert woken.status_code == 200
    assert woken.json()["state"] in {"engaged", "warm", "fading", "stagnant"}
    assert woken.json()["id"] == connection.pk
    assert open_check_ins.exists()
    # Waking again is harmless; the other side's tie was never resting.
    assert client.delete(f"/api/connections/{connection.pk}/rest").json()["state"] != "resting"
    assert (
        api_client_for(recipient).get(f"/api/connections/{connection.pk}").json()["state"]
        != "resting"
    )


def test_rest_and_wake_refusals(connected):
    sender, _, connection = connected
    stranger = make_pair(sender_name="X Y", recipient_name="Z W")[2]
    for method in ("post", "delete"):
        response = getattr(api_client_for(stranger), method)(
            f"/api/connections/{connection.pk}/rest"
        )
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        response = getattr(Client(), method)(f"/api/connections/{connection.pk}/rest")
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert (
        api_client_for(sender).get(f"/api/connections/{connection.pk}").json()["state"] != "resting"
    )
