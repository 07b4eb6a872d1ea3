"""Every new endpoint and page, walked as four people: signed out, an ordinary member, the
reported member and a moderator (and staff for the moderators' role).

A member's reports are theirs alone; the queue, the reported items in context, the actions,
the suspensions and the audit log are the moderators'. Signed out, the API answers 401 and
a page sends to sign-in; without the role the API answers 403 `not_moderator` and a page the
403 page; the reported member learns nothing of the report anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.feed.tests.factories import make_post
from mutuals.messaging.tests.factories import start
from mutuals.moderation import services
from mutuals.moderation.models import Report
from mutuals.moderation.tests.factories import make_moderator

pytestmark = pytest.mark.django_db

ROLES = ("signed_out", "member", "reported", "moderator")


@dataclass
class World:
    reporter: User
    reported: User
    member: User
    moderator: User
    post_report: Report
    message_report: Report


def _world() -> World:
    reporter = make_member(name="Ana Ferreira")
    reported = make_member(name="Ben Carter")
    connection_create(member=reporter, other=reported)
    post = make_post(reported, "Buy my course today")
    message = start(reported, reporter, text="Send me your bank details").message
    return World(
        reporter=reporter,
        reported=reported,
        member=make_member(name="Cleo Park"),
        moderator=make_moderator(),
        post_report=services.report_create(
            reporter=reporter, kind="post", target_id=post.pk, reason="spam"
        ),
        message_report=services.report_create(
            reporter=reporter, kind="message", target_id=message.pk, reason="harassment"
        ),
    )


def _clients(world: World, role: str) -> tuple[Client, Client]:
    """(API client, web client) for a role."""
    if role == "signed_out":
        return Client(), Client()
    who = {"member": world.member, "reported": world.reported, "moderator": world.moderator}[role]
    return api_client_for(who), web_client_for(who)


def _api_calls(w: World) -> list[tuple[str, str, Any, dict[str, int]]]:
    """(method, path, body, expected status by role), in an order that lets the moderator's
    every call succeed."""
    post, message, ben = w.post_report.pk, w.message_report.pk, w.reported.pk
    refused = {"signed_out": 401, "member": 403, "reported": 403}
    reason = {"reason": "for the record"}
    return [
        (
            "get",
            "/api/reports",
            None,
            {"signed_out": 401, "member": 200, "reported": 200, "moderator": 200},
        ),
        # The reporter's own report is nobody else's, a moderator's included (they use the queue).
        (
            "get",
            f"/api/reports/{post}",
            None,
            {"signed_out": 401, "member": 404, "reported": 404, "moderator": 404},
        ),
        ("get", "/api/moderation/reports", None, {**refused, "moderator": 200}),
        ("get", "/api/moderation/reports?status=dismissed", None, {**refused, "moderator": 200}),
        ("get", f"/api/moderation/reports/{post}", None, {**refused, "moderator": 200}),
        ("post", f"/api/moderation/reports/{post}/hide", reason, {**refused, "moderator": 200}),
        ("post", f"/api/moderation/reports/{post}/restore", reason, {**refused, "moderator": 200}),
        (
            "post",
            f"/api/moderation/reports/{message}/dismiss",
            reason,
            {**refused, "moderator": 200},
        ),
        (
            "post",
            f"/api/moderation/members/{ben}/warn",
            {"message": "Stop."},
            {**refused, "moderator": 200},
        ),
        (
            "post",
            f"/api/moderation/members/{ben}/suspend",
            {"days": 1, **reason},
            {**refused, "moderator": 201},
        ),
        ("get", "/api/moderation/suspensions", None, {**refused, "moderator": 200}),
        ("post", f"/api/moderation/members/{ben}/restore", reason, {**refused, "moderator": 200}),
        ("get", "/api/moderation/actions", None, {**refused, "moderator": 200}),
        ("get", f"/api/moderation/actions?member_id={ben}", None, {**refused, "moderator": 200}),
        # The role is staff's to give: a moderator is refused too.
        (
            "post",
            f"/api/moderation/moderators/{ben}",
            reason,
            {"signed_out": 401, "member": 403, "reported": 403, "moderator": 403},
        ),
        (
            "post",
            f"/api/moderation/moderators/{ben}/revoke",
            reason,
            {"signed_out": 401, "member": 403, "reported": 403, "moderator": 403},
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_new_endpoint(role):
    world = _world()
    api, _ = _clients(world, role)
    for method, path, body, expected in _api_calls(world):
        if body is None:
            response = getattr(api, method)(path)
        else:
            response = getattr(api, method)(path, body, content_type="application/json")
        assert response.status_code == expected[role], (role, method, path, response.content)
        if expected[role] == 403:
            code = "not_staff" if "/moderators/" in path else "not_moderator"
            assert response.json()["code"] == code
    if role == "reported":
        # Nothing tells the reported member they were reported.
        assert api.get("/api/reports").json()["items"] == []
        notices = api.get("/api/notifications").json()["items"]
        assert all("report" not in n["title"].lower() for n in notices)


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_report(role):
    world = _world()
    api, _ = _clients(world, role)
    post = make_post(world.reported, "Another post")
    response = api.post(
        "/api/reports",
        {"kind": "post", "target_id": post.pk, "reason": "spam"},
        content_type="application/json",
    )
    expected = {"signed_out": 401, "member": 201, "reported": 422, "moderator": 201}[role]
    assert response.status_code == expected, response.content


def _pages(w: World) -> list[tuple[str, str, Any, dict[str, int]]]:
    post, message, ben = w.post_report.pk, w.message_report.pk, w.reported.pk
    refused = {"signed_out": 302, "member": 403, "reported": 403}
    reason = {"reason": "for the record"}
    own_report = w.post_report.target_id
    return [
        (
            "get",
            "/me/reports/",
            None,
            {"signed_out": 302, "member": 200, "reported": 200, "moderator": 200},
        ),
        (
            "get",
            f"/report/post/{own_report}/",
            None,
            {"signed_out": 302, "member": 200, "reported": 200, "moderator": 200},
        ),
        (
            "get",
            f"/feed/posts/{own_report}/report/",
            None,
            {"signed_out": 302, "member": 200, "reported": 200, "moderator": 200},
        ),
        ("get", "/moderation/", None, {**refused, "moderator": 200}),
        ("get", f"/moderation/reports/{post}/", None, {**refused, "moderator": 200}),
        ("get", f"/moderation/members/{ben}/", None, {**refused, "moderator": 200}),
        ("get", "/moderation/log/", None, {**refused, "moderator": 200}),
        ("post", f"/moderation/reports/{post}/hide/", reason, {**refused, "moderator": 302}),
        ("post", f"/moderation/reports/{post}/restore/", reason, {**refused, "moderator": 302}),
        ("post", f"/moderation/reports/{message}/dismiss/", reason, {**refused, "moderator": 302}),
        (
            "post",
            f"/moderation/members/{ben}/warn/",
            {"message": "Stop."},
            {**refused, "moderator": 302},
        ),
        (
            "post",
            f"/moderation/members/{ben}/suspend/",
            {"days": "1", **reason},
            {**refused, "moderator": 302},
        ),
        ("post", f"/moderation/members/{ben}/restore/", reason, {**refused, "moderator": 302}),
        ("get", "/moderation/moderators/", None, {**refused, "moderator": 403}),
        ("post", f"/moderation/moderators/{ben}/revoke/", {}, {**refused, "moderator": 403}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_new_page(role):
    world = _world()
    _, web = _clients(world, role)
    for method, path, data, expected in _pages(world):
        response = getattr(web, method)(path, data or {})
        assert response.status_code == expected[role], (role, method, path)
        if role == "signed_out":
            assert response["Location"].startswith("/accounts/login/")
    if role == "moderator":
        # Every action took: the log holds them, each with its moderator and reason.
        from mutuals.moderation.models import ModerationAction

        actions = ModerationAction.objects.exclude(action="grant").order_by("id")
        assert [a.action for a in actions] == [
            "hide",
            "unhide",
            "dismiss",
            "warn",
            "suspend",
            "restore",
        ]
        assert {a.moderator_id for a in actions} == {world.moderator.pk}
    else:
        assert not Report.objects.exclude(status="open").exists()
    if role == "reported":
        reports_page = web.get("/me/reports/").content.decode()
        assert "You have not reported anything" in reports_page


def test_staff_reach_the_moderators_page_and_give_the_role():
    staff = make_member(name="Stef Staff", is_staff=True)
    member = make_member(name="Ben Carter", email="ben@example.com")
    web = web_client_for(staff)
    assert web.get("/moderation/moderators/").status_code == 200
    response = web.post(
        "/moderation/moderators/", {"email": "BEN@example.com", "reason": "Trusted"}
    )
    assert response.status_code == 302
    assert services.is_moderator(User.objects.get(pk=member.pk))
    assert "Ben Carter" in web.get("/moderation/moderators/").content.decode()
    missing = web.post("/moderation/moderators/", {"email": "nobody@example.com", "reason": "x"})
    assert "No active member has that e-mail address" in missing.content.decode()
