"""The moderators' action buttons on the pages: each calls its service with the form's
fields, says what happened (or why nothing did), and goes back to the report or the member."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.feed.models import Post
from mutuals.moderation import services
from mutuals.moderation.models import ActionKind, ModerationAction, Report, Suspension
from mutuals.moderation.tests.factories import ITEMS, make_moderator

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, data: dict[str, str]) -> tuple[str, list[str]]:
    """Where the button goes back to, and the messages shown there."""
    response = client.post(url, data, follow=True)
    [(back, status)] = response.redirect_chain
    assert status == 302, url
    return back, [str(m) for m in get_messages(response.wsgi_request)]


def _reported_post() -> tuple[User, Report]:
    item = ITEMS["post"]()
    report = services.report_create(
        reporter=item.reporter, kind="post", target_id=item.id, reason="spam"
    )
    return item.about, report


def test_report_buttons_act_and_go_back_to_the_report():
    _, report = _reported_post()
    client = web_client_for(make_moderator())
    back = f"/moderation/reports/{report.pk}/"
    assert _post(client, f"{back}hide/", {"reason": "Spam"}) == (
        back,
        ["Hidden: only its author still sees it."],
    )
    assert Post.objects.get(pk=report.target_id).hidden_at is not None
    assert _post(client, f"{back}restore/", {"reason": "On second look"}) == (
        back,
        ["Shown again to everyone."],
    )
    assert Post.objects.get(pk=report.target_id).hidden_at is None
    assert _post(client, f"{back}restore/", {"reason": "Again"}) == (
        back,
        ["That is not hidden."],
    )
    assert _post(client, f"{back}dismiss/", {"reason": ""}) == (back, ["Say why, for the record."])
    other = _reported_post()[1]
    assert _post(client, f"/moderation/reports/{other.pk}/dismiss/", {"reason": "Fair"}) == (
        f"/moderation/reports/{other.pk}/",
        ["Report dismissed."],
    )
    assert Report.objects.get(pk=other.pk).status == "dismissed"
    assert [a.action for a in ModerationAction.objects.exclude(action="grant").order_by("pk")] == [
        ActionKind.HIDE,
        ActionKind.UNHIDE,
        ActionKind.DISMISS,
    ]


def test_member_buttons_act_and_go_back_to_the_report_they_came_from():
    ben, report = _reported_post()
    client = web_client_for(make_moderator())
    member = f"/moderation/members/{ben.pk}/"
    from_report = f"/moderation/reports/{report.pk}/"
    assert _post(client, f"{member}warn/", {"message": ""}) == (
        member,
        ["Write the warning to send."],
    )
    assert _post(client, f"{member}warn/", {"message": "Stop.", "report_id": str(report.pk)}) == (
        from_report,
        ["Warning sent."],
    )
    assert _post(client, f"{member}warn/", {"message": "Stop, please."}) == (
        member,
        ["Warning sent."],
    )
    assert _post(client, f"{member}suspend/", {"days": "7", "reason": ""}) == (
        member,
        ["Say why, for the record."],
    )
    suspended = {"days": "7", "reason": "Spam again", "report_id": str(report.pk)}
    assert _post(client, f"{member}suspend/", suspended) == (
        from_report,
        ["Suspended: they cannot sign in until restored."],
    )
    suspension = Suspension.objects.get(member=ben)
    assert suspension.ends_at is not None
    assert (suspension.ends_at - suspension.starts_at).days == 7
    assert _post(client, f"{member}suspend/", {"days": "", "reason": "Twice"}) == (
        member,
        ["This member is already suspended."],
    )
    assert _post(client, f"{member}restore/", {"reason": "Appeal heard"}) == (
        member,
        ["Restored: they can sign in again."],
    )
    assert User.objects.get(pk=ben.pk).is_active
    assert _post(client, f"{member}suspend/", {"days": "", "reason": "For good"}) == (
        member,
        ["Suspended: they cannot sign in until restored."],
    )
    assert Suspension.objects.filter(member=ben).latest("pk").ends_at is None
