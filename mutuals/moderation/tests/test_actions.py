"""What moderators do: dismiss, hide and show again, warn, suspend and restore; who may; and
the audit log every action writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement.models import Notification
from mutuals.feed.access import access_post_by_id
from mutuals.feed.models import Comment, Post
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import messages_for
from mutuals.moderation import services
from mutuals.moderation.models import ActionKind, ModerationAction, Report, Suspension
from mutuals.moderation.tests.factories import ITEMS, make_moderator

pytestmark = pytest.mark.django_db


def _reported(kind: str):
    item = ITEMS[kind]()
    report = services.report_create(
        reporter=item.reporter, kind=kind, target_id=item.id, reason="spam"
    )
    return item, report


def test_only_moderators_act():
    item, report = _reported("post")
    member = make_member(name="Max Member")
    calls = [
        lambda m: services.report_dismiss(moderator=m, report_id=report.pk, reason="r"),
        lambda m: services.content_hide(moderator=m, report_id=report.pk, reason="r"),
        lambda m: services.content_restore(moderator=m, report_id=report.pk, reason="r"),
        lambda m: services.member_warn(moderator=m, member_id=item.about.pk, message="m"),
        lambda m: services.member_suspend(moderator=m, member_id=item.about.pk, days=1, reason="r"),
        lambda m: services.member_restore(moderator=m, member_id=item.about.pk, reason="r"),
    ]
    for call in calls:
        for who in (member, item.reporter, item.about):
            with pytest.raises(NotAllowed) as caught:
                call(who)
            assert caught.value.code == "not_moderator"
    assert not ModerationAction.objects.exists()
    assert Report.objects.get().status == "open"


def test_dismissing_closes_the_report_and_is_logged():
    item, report = _reported("post")
    moderator = make_moderator()
    action = services.report_dismiss(moderator=moderator, report_id=report.pk, reason="Fair post")
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == ("dismissed", moderator)
    assert (action.action, action.moderator, action.member, action.reason) == (
        "dismiss",
        moderator,
        item.about,
        "Fair post",
    )
    with pytest.raises(Conflict) as again:
        services.report_dismiss(moderator=moderator, report_id=report.pk, reason="x")
    assert again.value.code == "report_closed"
    with pytest.raises(Refused):  # the audit log needs a why
        services.report_dismiss(moderator=moderator, report_id=report.pk, reason="  ")
    with pytest.raises(NotFound):
        services.report_dismiss(moderator=moderator, report_id=999999, reason="x")


def test_hiding_a_post_hides_it_from_everyone_but_its_author_and_closes_its_reports():
    item, report = _reported("post")
    second = services.report_create(
        reporter=make_member(name="Cleo Park"), kind="post", target_id=item.id, reason="spam"
    )
    moderator = make_moderator()
    services.content_hide(moderator=moderator, report_id=report.pk, reason="Advertising")
    with pytest.raises(NotFound):
        access_post_by_id(item.reporter, item.id)
    assert access_post_by_id(item.about, item.id).hidden_at is not None
    assert Post.objects.filter(pk=item.id).exists()  # kept for the record
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    second.refresh_from_db()
    assert second.resolved_by == moderator
    with pytest.raises(Conflict):
        services.content_hide(moderator=moderator, report_id=report.pk, reason="again")
    services.content_restore(moderator=moderator, report_id=report.pk, reason="Appeal upheld")
    assert access_post_by_id(item.reporter, item.id)
    logged = ModerationAction.objects.exclude(action="grant").order_by("id")
    assert [(a.action, a.moderator, a.reason) for a in logged] == [
        ("hide", moderator, "Advertising"),
        ("unhide", moderator, "Appeal upheld"),
    ]


def test_a_hidden_message_disappears_for_the_others_in_the_conversation():
    item, report = _reported("message")
    services.content_hide(moderator=make_moderator(), report_id=report.pk, reason="Scam")
    message = Message.objects.get(pk=item.id)
    assert message.hidden_at is not None
    assert list(messages_for(item.reporter, message.conversation)) == []
    assert list(messages_for(item.about, message.conversation)) == [message]


def test_a_hidden_comment_stays_for_the_record():
    item, report = _reported("comment")
    services.content_hide(moderator=make_moderator(), report_id=report.pk, reason="Spam")
    assert Comment.objects.get(pk=item.id).hidden_at is not None


@pytest.mark.parametrize("kind", ["member", "invitation", "mentorship", "introduction"])
def test_only_posts_comments_and_messages_can_be_hidden(kind):
    _, report = _reported(kind)
    with pytest.raises(Refused) as caught:
        services.content_hide(moderator=make_moderator(), report_id=report.pk, reason="x")
    assert caught.value.code == "not_hideable"


def test_a_warning_is_a_notification_that_never_names_the_reporter():
    item, report = _reported("message")
    moderator = make_moderator()
    services.member_warn(
        moderator=moderator,
        member_id=item.about.pk,
        message="Please keep messages professional.",
        report_id=report.pk,
    )
    warning = Notification.objects.get(member=item.about, kind="moderation_warning")
    assert warning.body == "Please keep messages professional."
    assert item.reporter.name not in warning.title + warning.body
    report.refresh_from_db()
    assert report.status == "actioned"
    action = ModerationAction.objects.get(action="warn")
    assert (action.moderator, action.member, action.report) == (moderator, item.about, report)


def test_an_action_on_a_member_names_a_report_about_them():
    _, report = _reported("post")
    stranger = make_member(name="Sid Stranger")
    with pytest.raises(Refused) as caught:
        services.member_warn(
            moderator=make_moderator(), member_id=stranger.pk, message="m", report_id=report.pk
        )
    assert "report_id" in caught.value.detail["fields"]


def test_suspending_for_a_period_and_the_sweep_lifting_it():
    item, report = _reported("message")
    moderator = make_moderator()
    suspension = services.member_suspend(
        moderator=moderator, member_id=item.about.pk, days=7, reason="Scam", report_id=report.pk
    )
    member = User.objects.get(pk=item.about.pk)
    assert not member.is_active
    assert suspension.ends_at is not None
    assert timedelta(days=6, hours=23) < suspension.ends_at - suspension.starts_at
    report.refresh_from_db()
    assert report.status == "actioned"
    logged = ModerationAction.objects.get(action=ActionKind.SUSPEND)
    assert (logged.moderator, logged.member, logged.until) == (
        moderator,
        member,
        suspension.ends_at,
    )
    assert services.suspensions_lift_due() == 0  # not yet
    later = timezone.now() + timedelta(days=8)
    assert services.suspensions_lift_due(later) == 1
    assert services.suspensions_lift_due(later) == 0  # idempotent
    assert User.objects.get(pk=member.pk).is_active
    lifted = ModerationAction.objects.get(action=ActionKind.RESTORE)
    assert (lifted.moderator, lifted.member, lifted.reason) == (
        None,
        member,
        "The suspension ended.",
    )


def test_suspending_for_good_until_a_moderator_restores():
    item = ITEMS["member"]()
    moderator = make_moderator()
    suspension = services.member_suspend(
        moderator=moderator, member_id=item.about.pk, days=None, reason="Repeated harassment"
    )
    assert suspension.ends_at is None
    assert services.suspensions_lift_due(timezone.now() + timedelta(days=4000)) == 0
    with pytest.raises(Conflict) as twice:
        services.member_suspend(moderator=moderator, member_id=item.about.pk, days=1, reason="x")
    assert twice.value.code == "already_suspended"
    services.member_restore(moderator=moderator, member_id=item.about.pk, reason="Appeal")
    assert User.objects.get(pk=item.about.pk).is_active
    assert Suspension.objects.get().lifted_by == moderator
    with pytest.raises(Conflict) as again:
        services.member_restore(moderator=moderator, member_id=item.about.pk, reason="x")
    assert again.value.code == "not_suspended"


def test_who_cannot_be_suspended_and_for_how_long():
    moderator = make_moderator()
    other_moderator = make_moderator("Otto Moderator")
    staff = make_member(name="Stef Staff", is_staff=True)
    member = make_member(name="Ben Carter")
    cases = [
        (moderator.pk, 1, "cannot_suspend_yourself"),
        (other_moderator.pk, 1, "cannot_suspend_moderator"),
        (staff.pk, 1, "cannot_suspend_moderator"),
        (member.pk, 0, "invalid_fields"),
        (member.pk, 3651, "invalid_fields"),
    ]
    for member_id, days, code in cases:
        with pytest.raises(Refused) as caught:
            services.member_suspend(moderator=moderator, member_id=member_id, days=days, reason="r")
        assert caught.value.code == code
    with pytest.raises(NotFound):
        services.member_suspend(moderator=moderator, member_id=999999, days=1, reason="r")
    assert not Suspension.objects.exists()


def test_the_database_holds_one_current_suspension_per_member():
    from django.db import IntegrityError

    member = make_member()
    now = timezone.now()
    Suspension.objects.create(member=member, starts_at=now, reason="r")
    with pytest.raises(IntegrityError):
        Suspension.objects.create(member=member, starts_at=now, reason="r")


def test_staff_grant_and_revoke_the_role():
    staff = make_member(name="Stef Staff", is_staff=True)
    member = make_member(name="Ben Carter")
    with pytest.raises(NotAllowed) as caught:
        services.moderator_grant_by_staff(staff=member, member_id=member.pk, reason="me")
    assert caught.value.code == "not_staff"
    services.moderator_grant_by_staff(staff=staff, member_id=member.pk, reason="Trusted")
    assert services.is_moderator(User.objects.get(pk=member.pk))
    services.moderator_revoke(revoked_by=staff, member_id=member.pk, reason="Stepped down")
    assert not services.is_moderator(User.objects.get(pk=member.pk))
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "grant",
        "revoke",
    ]
