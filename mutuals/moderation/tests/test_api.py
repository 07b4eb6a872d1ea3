"""The reports and moderation API end to end (docs/api.md "Reports and moderation")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.engagement.models import Notification
from mutuals.feed.tests.factories import make_post
from mutuals.moderation.tests.factories import ITEMS, make_moderator

pytestmark = pytest.mark.django_db


def post_json(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def test_a_member_reports_and_sees_only_their_own_reports_as_received():
    item = ITEMS["message"]()
    reporter = api_client_for(item.reporter)
    created = post_json(
        reporter,
        "/api/reports",
        {"kind": "message", "target_id": item.id, "reason": "spam", "note": "Phishing"},
    )
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("kind", "target_id", "reason", "note", "status")} == {
        "kind": "message",
        "target_id": item.id,
        "reason": "spam",
        "note": "Phishing",
        "status": "received",
    }
    again = post_json(
        reporter, "/api/reports", {"kind": "message", "target_id": item.id, "reason": "spam"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_reported")
    mine = reporter.get("/api/reports").json()
    assert [r["id"] for r in mine["items"]] == [body["id"]]
    assert reporter.get(f"/api/reports/{body['id']}").json()["status"] == "received"
    reported = api_client_for(item.about)
    assert reported.get("/api/reports").json() == {"items": [], "next": None}
    assert reported.get(f"/api/reports/{body['id']}").status_code == 404
    assert (
        not Notification.objects.filter(member=item.about).exclude(kind="message_received").exists()
    )


def test_my_reports_are_cursor_paginated():
    ana = make_member(name="Ana Ferreira")
    client = api_client_for(ana)
    for n in range(3):
        post = make_post(make_member(name=f"Author {n}"))
        post_json(client, "/api/reports", {"kind": "post", "target_id": post.pk, "reason": "spam"})
    first = client.get("/api/reports?limit=2").json()
    assert len(first["items"]) == 2
    assert first["next"]
    rest = client.get(f"/api/reports?limit=2&cursor={first['next']}").json()
    assert len(rest["items"]) == 1
    assert rest["next"] is None


def test_refusals_of_a_report():
    item = ITEMS["post"]()
    author = api_client_for(item.about)
    own = post_json(
        author, "/api/reports", {"kind": "post", "target_id": item.id, "reason": "spam"}
    )
    assert (own.status_code, own.json()["code"]) == (422, "cannot_report_own_post")
    client = api_client_for(item.reporter)
    other = post_json(
        client, "/api/reports", {"kind": "post", "target_id": item.id, "reason": "other"}
    )
    assert other.status_code == 422
    assert "note" in other.json()["detail"]["fields"]
    unknown = post_json(client, "/api/reports", {"kind": "event", "target_id": 1, "reason": "spam"})
    assert unknown.status_code == 422
    missing = post_json(
        client, "/api/reports", {"kind": "message", "target_id": 999999, "reason": "spam"}
    )
    assert missing.status_code == 404


def test_the_post_report_path_kept_from_before():
    item = ITEMS["post"]()
    client = api_client_for(item.reporter)
    created = post_json(client, f"/api/posts/{item.id}/report", {"reason": "off_topic"})
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("post_id", "reason", "status")} == {
        "post_id": item.id,
        "reason": "off_topic",
        "status": "received",
    }
    again = post_json(client, f"/api/posts/{item.id}/report", {"reason": "spam"})
    assert (again.status_code, again.json()["code"]) == (409, "already_reported")
    own = post_json(api_client_for(item.about), f"/api/posts/{item.id}/report", {"reason": "spam"})
    assert (own.status_code, own.json()["code"]) == (422, "cannot_report_own_post")
    # The same report is in the one queue.
    queue = api_client_for(make_moderator()).get("/api/moderation/reports").json()["items"]
    assert [(r["kind"], r["target_id"]) for r in queue] == [("post", item.id)]


def test_the_moderator_works_through_the_queue():
    item = ITEMS["message"]()
    report_id = post_json(
        api_client_for(item.reporter),
        "/api/reports",
        {"kind": "message", "target_id": item.id, "reason": "harassment"},
    ).json()["id"]
    moderator = make_moderator()
    mod = api_client_for(moderator)
    queue = mod.get("/api/moderation/reports").json()
    entry = queue["items"][0]
    assert entry["reporter"]["id"] == item.reporter.pk
    assert entry["reported"]["id"] == item.about.pk
    assert entry["excerpt"] == "Send me your bank details please"
    assert entry["item_open_reports"] == 1
    detail = mod.get(f"/api/moderation/reports/{report_id}").json()
    assert detail["context"]["exists"]
    assert not detail["context"]["hidden"]
    assert [t["reported"] for t in detail["context"]["thread"]] == [True]
    hidden = post_json(mod, f"/api/moderation/reports/{report_id}/hide", {"reason": "Phishing"})
    assert hidden.status_code == 200
    assert hidden.json()["action"] == "hide"
    assert mod.get(f"/api/moderation/reports/{report_id}").json()["context"]["hidden"]
    assert mod.get("/api/moderation/reports").json()["items"] == []
    closed = mod.get("/api/moderation/reports?status=actioned").json()["items"]
    assert [r["id"] for r in closed] == [report_id]
    dismiss = post_json(mod, f"/api/moderation/reports/{report_id}/dismiss", {"reason": "x"})
    assert (dismiss.status_code, dismiss.json()["code"]) == (409, "report_closed")
    warned = post_json(
        mod,
        f"/api/moderation/members/{item.about.pk}/warn",
        {"message": "No phishing here.", "report_id": report_id},
    )
    assert warned.status_code == 200
    suspended = post_json(
        mod,
        f"/api/moderation/members/{item.about.pk}/suspend",
        {"days": 30, "reason": "Phishing", "report_id": report_id},
    )
    assert suspended.status_code == 201
    assert suspended.json()["member"]["id"] == item.about.pk
    assert suspended.json()["ends_at"]
    twice = post_json(mod, f"/api/moderation/members/{item.about.pk}/suspend", {"reason": "x"})
    assert (twice.status_code, twice.json()["code"]) == (409, "already_suspended")
    current = mod.get("/api/moderation/suspensions").json()["items"]
    assert [s["member"]["id"] for s in current] == [item.about.pk]
    restored = post_json(
        mod, f"/api/moderation/members/{item.about.pk}/restore", {"reason": "Appeal"}
    )
    assert restored.status_code == 200
    assert restored.json()["lifted_at"]
    assert mod.get("/api/moderation/suspensions").json()["items"] == []
    shown = post_json(mod, f"/api/moderation/reports/{report_id}/restore", {"reason": "Appeal"})
    assert shown.status_code == 200
    log = mod.get(f"/api/moderation/actions?member_id={item.about.pk}").json()["items"]
    assert [a["action"] for a in log] == ["unhide", "restore", "suspend", "warn", "hide"]
    assert all(a["moderator"]["id"] == moderator.pk for a in log)
    assert log[2]["reason"] == "Phishing"
    assert log[2]["until"]
    page = mod.get("/api/moderation/actions?limit=2").json()
    assert len(page["items"]) == 2
    assert page["next"]


def test_for_good_is_days_null():
    item = ITEMS["member"]()
    mod = api_client_for(make_moderator())
    suspended = post_json(
        mod, f"/api/moderation/members/{item.about.pk}/suspend", {"days": None, "reason": "Spam"}
    )
    assert suspended.status_code == 201
    assert suspended.json()["ends_at"] is None
    too_long = post_json(
        mod, f"/api/moderation/members/{item.reporter.pk}/suspend", {"days": 9999, "reason": "x"}
    )
    assert too_long.status_code == 422


def test_staff_grant_the_role_through_the_api():
    staff = make_member(name="Stef Staff", is_staff=True)
    member: User = make_member(name="Ben Carter")
    granted = post_json(
        api_client_for(staff), f"/api/moderation/moderators/{member.pk}", {"reason": "Trusted"}
    )
    assert granted.status_code == 200
    assert granted.json()["action"] == "grant"
    assert api_client_for(member).get("/api/moderation/reports").status_code == 200
    revoked = post_json(
        api_client_for(staff), f"/api/moderation/moderators/{member.pk}/revoke", {"reason": "Left"}
    )
    assert revoked.status_code == 200
    refused = api_client_for(User.objects.get(pk=member.pk)).get("/api/moderation/reports")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_moderator")
