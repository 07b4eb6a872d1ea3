"""How notifications reach a member beyond the app (issue 17): a delivery per kind with
sensible defaults, e-mail at once or in a daily digest in the member's own time zone, never
during a quiet period and never twice, the community's name, and a one-click unsubscribe
that works signed out, for its kind only."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.tasks import default_task_backend
from django.test import Client, override_settings
from django.utils import timezone

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.accounts.timezones import member_zone
from mutuals.engagement import delivery, notifications
from mutuals.engagement.models import (
    Delivery,
    NoticeKind,
    NotificationDigest,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db

# One notification kind the product makes for every kind a member chooses for.
EXAMPLES = {
    NoticeKind.REQUESTS: "invitation_received",
    NoticeKind.MESSAGES: "message_received",
    NoticeKind.INTRODUCTIONS: "introduction_asked",
    NoticeKind.PACT: "nudge_first_message",
    NoticeKind.TIES: "tie_stagnant",
    NoticeKind.EVENTS: "event_reminder",
    NoticeKind.MENTORSHIP: "mentorship_requested",
    NoticeKind.COLLABORATIONS: "collaboration_invited",
    NoticeKind.MENTIONS: "mention",
    NoticeKind.COMMENTS: "post_comment",
    NoticeKind.ACCOUNT: "export_ready",
    NoticeKind.OTHER: "something_new",
}
# Every notification kind the apps make today, and the kind a member chooses it by.
MADE_TODAY = {
    "invitation_received": "requests",
    "invitation_accepted": "requests",
    "invitation_declined": "requests",
    "message_received": "messages",
    "introduction_asked": "introductions",
    "introduction_forwarded": "introductions",
    "introduction_accepted": "introductions",
    "nudge_first_message": "pact",
    "nudge_first_exchange": "pact",
    "nudge_check_in": "pact",
    "nudge_mentor_check_in": "pact",
    "pact_missed": "pact",
    "tie_stagnant": "ties",
    "event_reminder": "events",
    "event_changed": "events",
    "event_cancelled": "events",
    "event_place": "events",
    "mentorship_requested": "mentorship",
    "mentorship_accepted": "mentorship",
    "mentorship_completed": "mentorship",
    "mentorship_reflection": "mentorship",
    "programme_joined": "mentorship",
    "collaboration_invited": "collaborations",
    "collaboration_confirmed": "collaborations",
    "mention": "mentions",
    "post_comment": "comments",
    "comment_reply": "comments",
    "post_reshare": "comments",
    "export_ready": "account",
    "export_failed": "account",
}


def _notify(member, kind, capture, key="k", **extra):
    with capture(execute=True):
        return notifications.notify(
            member=member, key=key, kind=kind, title="Ana needs you", url="/somewhere/", **extra
        )


def _digest_time(member):
    """The member's next 08:00, in their own zone."""
    member.boundaries.refresh_from_db()
    return delivery.next_digest_at(timezone.now(), member.boundaries)


def test_every_kind_made_today_is_chosen_by_its_own_kind():
    assert {name: delivery.kind_of(name).value for name in MADE_TODAY} == MADE_TODAY
    assert delivery.kind_of("mentorship_accepted") != delivery.kind_of("mention")


def test_defaults_requests_and_messages_at_once_comments_in_the_digest():
    member = make_member()
    chosen = delivery.deliveries_for(member.pk)
    assert chosen[NoticeKind.REQUESTS] == Delivery.EMAIL
    assert chosen[NoticeKind.MESSAGES] == Delivery.EMAIL
    assert chosen[NoticeKind.COMMENTS] == Delivery.DIGEST
    assert chosen[NoticeKind.TIES] == Delivery.DIGEST


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_is_made_once_for_its_member_and_reaches_them_as_chosen(
    kind, django_capture_on_commit_callbacks
):
    member, other = make_member(), make_member()
    name = EXAMPLES[kind]
    made = _notify(member, name, django_capture_on_commit_callbacks)
    # A retried worker makes the same notification again: nothing new, nothing sent again.
    assert _notify(member, name, django_capture_on_commit_callbacks) is None
    assert delivery.notification_emails_send_due() == 0
    assert [n.pk for n in notifications.notifications_for(member)] == [made.pk]
    assert list(notifications.notifications_for(other)) == []
    default = delivery.deliveries_for(member.pk)[kind]
    at_once = default == Delivery.EMAIL and name not in delivery.EMAILED_ELSEWHERE
    assert len(mail.outbox) == (1 if at_once else 0)
    if default == Delivery.DIGEST:
        assert delivery.notification_digest_send(member_id=member.pk, now=_digest_time(member))
        assert len(mail.outbox) == 1
        assert "Ana needs you" in mail.outbox[0].body


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_chosen_by_e_mail_waits_out_a_quiet_period(
    kind, django_capture_on_commit_callbacks
):
    member = make_member()
    name = EXAMPLES[kind]
    delivery.notification_preferences_set(member=member, choices=[(kind.value, "email")])
    quiet_until = timezone.now() + timedelta(days=1)
    boundaries_update(user=member, quiet_until=quiet_until)
    made = _notify(member, name, django_capture_on_commit_callbacks)
    assert made.delivery == Delivery.EMAIL
    assert delivery.notification_emails_send_due() == 0
    assert mail.outbox == []
    after = quiet_until + timedelta(minutes=1)
    sent = delivery.notification_emails_send_due(now=after)
    assert sent == (0 if name in delivery.EMAILED_ELSEWHERE else 1)
    assert delivery.notification_emails_send_due(now=after) == 0
    assert len(mail.outbox) == sent


def test_off_tells_nothing_and_app_only_sends_nothing(django_capture_on_commit_callbacks):
    member = make_member()
    delivery.notification_preferences_set(
        member=member, choices=[("mentions", "off"), ("requests", "app")]
    )
    assert _notify(member, "mention", django_capture_on_commit_callbacks, key="a") is None
    kept = _notify(member, "invitation_received", django_capture_on_commit_callbacks, key="b")
    assert kept.delivery == Delivery.APP
    assert delivery.notification_emails_send_due() == 0
    assert mail.outbox == []
    assert [n.kind for n in notifications.notifications_for(member)] == ["invitation_received"]


@override_settings(SITE_NAME="Risk Chapter", SITE_URL="https://net.example.org")
def test_an_e_mail_carries_the_community_and_a_one_click_unsubscribe(
    django_capture_on_commit_callbacks,
):
    member = make_member()
    _notify(member, "invitation_received", django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject == "[Risk Chapter] Ana needs you"
    assert "— Risk Chapter" in email.body
    assert "https://net.example.org/somewhere/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://net.example.org/notifications/unsubscribe/")
    assert link[1:-1] in email.body
    assert email.message()["List-Unsubscribe"] == link


def _unsubscribe_path(email):
    return email.extra_headers["List-Unsubscribe"][1:-1].removeprefix("http://127.0.0.1:8000")


def test_one_click_unsubscribe_works_signed_out_and_only_for_its_kind(
    django_capture_on_commit_callbacks,
):
    member = make_member()
    delivery.notification_preferences_set(member=member, choices=[("events", "digest")])
    _notify(member, "invitation_received", django_capture_on_commit_callbacks, key="a")
    path = _unsubscribe_path(mail.outbox[0])
    # The mail client's one-click POST: no cookie, no CSRF token (RFC 8058).
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert "no more e-mail about connection requests" in answer.content.decode()
    chosen = delivery.deliveries_for(member.pk)
    assert chosen[NoticeKind.REQUESTS] == Delivery.APP
    assert chosen[NoticeKind.MESSAGES] == Delivery.EMAIL
    assert chosen[NoticeKind.EVENTS] == Delivery.DIGEST
    # Requests still arrive in the app, without e-mail; other kinds still e-mail.
    mail.outbox.clear()
    assert _notify(member, "invitation_accepted", django_capture_on_commit_callbacks, key="b")
    assert mail.outbox == []
    _notify(member, "mentorship_requested", django_capture_on_commit_callbacks, key="c")
    assert len(mail.outbox) == 1
    # Again changes nothing.
    assert client.post(path).status_code == 200
    assert NotificationPreference.objects.filter(member=member, kind="requests").count() == 1


def test_following_the_link_asks_first(django_capture_on_commit_callbacks):
    member = make_member()
    _notify(member, "invitation_received", django_capture_on_commit_callbacks)
    page = Client().get(_unsubscribe_path(mail.outbox[0]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop these e-mails" in html
    assert member.email in html
    assert delivery.deliveries_for(member.pk)[NoticeKind.REQUESTS] == Delivery.EMAIL


def test_a_forged_or_expired_link_is_refused_clearly():
    member = make_member()
    token = delivery.unsubscribe_token(member.pk, [NoticeKind.REQUESTS])
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    answer = Client().post(f"/notifications/unsubscribe/{forged}/")
    assert answer.status_code == 400
    assert "not one we sent" in answer.content.decode()
    other_salt = signing.dumps({"m": member.pk, "k": ["requests"]})
    assert Client().post(f"/notifications/unsubscribe/{other_salt}/").status_code == 400
    long_ago = timezone.now() - delivery.UNSUBSCRIBE_VALID_FOR - timedelta(days=1)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        old = delivery.unsubscribe_token(member.pk, [NoticeKind.REQUESTS])
    answer = Client().post(f"/notifications/unsubscribe/{old}/")
    assert answer.status_code == 410
    assert "expired" in answer.content.decode()
    assert not NotificationPreference.objects.filter(member=member).exists()


def test_an_unsubscribe_stops_an_e_mail_already_planned(django_capture_on_commit_callbacks):
    member = make_member()
    boundaries_update(user=member, quiet_until=timezone.now() + timedelta(hours=2))
    made = _notify(member, "invitation_received", django_capture_on_commit_callbacks)
    token = delivery.unsubscribe_token(member.pk, [NoticeKind.REQUESTS])
    delivery.notification_unsubscribe(token=token)
    later = timezone.now() + timedelta(hours=3)
    assert delivery.notification_email_send(notification_id=made.pk, now=later) is False
    assert delivery.notification_emails_send_due(now=later) == 0
    assert mail.outbox == []
    made.refresh_from_db()
    assert made.delivery == Delivery.APP


# --- The daily digest --------------------------------------------------------------------------


def test_the_digest_goes_once_a_day_from_eight_in_the_members_zone(
    django_capture_on_commit_callbacks,
):
    member = make_member()
    boundaries_update(user=member, time_zone="Pacific/Auckland")
    first = _notify(member, "post_comment", django_capture_on_commit_callbacks, key="a")
    second = _notify(member, "tie_stagnant", django_capture_on_commit_callbacks, key="b")
    assert mail.outbox == []
    at = _digest_time(member)
    local = at.astimezone(member_zone(member.boundaries))
    assert (local.hour, local.minute) == (8, 0)
    assert delivery.notification_digest_send(
        member_id=member.pk, now=at - timedelta(minutes=1)
    ) in (
        "not_yet",
        "nothing",
    )
    assert mail.outbox == []
    assert delivery.notification_digest_send(member_id=member.pk, now=at) == "sent"
    # A retried task, the sweep, the same day: nothing more.
    assert delivery.notification_digest_send(member_id=member.pk, now=at) == "nothing"
    assert delivery.notification_digests_send_due(now=at + timedelta(hours=3)) == 0
    (email,) = mail.outbox
    assert email.subject == "[mutuals] Your daily digest: 2 notices"
    assert "Comments, replies and reshares of your posts:" in email.body
    assert "Relationships gone quiet:" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    digest = NotificationDigest.objects.get(member=member)
    assert digest.day == local.date()
    assert set(digest.notifications.values_list("pk", flat=True)) == {first.pk, second.pk}
    # One-click from the digest stops e-mail for the kinds it carried.
    Client().post(_unsubscribe_path(email))
    chosen = delivery.deliveries_for(member.pk)
    assert chosen[NoticeKind.COMMENTS] == chosen[NoticeKind.TIES] == Delivery.APP
    assert chosen[NoticeKind.REQUESTS] == Delivery.EMAIL


def test_a_notice_read_in_the_app_stays_out_of_the_digest(django_capture_on_commit_callbacks):
    member = make_member()
    _notify(member, "post_comment", django_capture_on_commit_callbacks)
    notifications.notification_mark_read(member=member)
    assert delivery.notification_digest_send(member_id=member.pk, now=_digest_time(member)) == (
        "nothing"
    )
    assert mail.outbox == []


def test_the_digest_waits_out_a_quiet_period(django_capture_on_commit_callbacks):
    member = make_member()
    _notify(member, "post_comment", django_capture_on_commit_callbacks)
    at = _digest_time(member)
    boundaries_update(user=member, quiet_until=at + timedelta(hours=5))
    assert delivery.notification_digest_send(member_id=member.pk, now=at) == "quiet"
    assert delivery.notification_digests_send_due(now=at + timedelta(hours=1)) == 0
    assert mail.outbox == []
    assert delivery.notification_digests_send_due(now=at + timedelta(hours=6)) == 1
    assert len(mail.outbox) == 1


def test_a_killed_worker_never_sends_a_digest_twice(django_capture_on_commit_callbacks):
    member = make_member()
    _notify(member, "post_comment", django_capture_on_commit_callbacks)
    at = _digest_time(member)
    with (
        mock.patch("mutuals.engagement.delivery.EmailMessage.send", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        delivery.notification_digest_send(member_id=member.pk, now=at)
    assert delivery.notification_digest_send(member_id=member.pk, now=at) == "nothing"
    assert delivery.notification_digests_send_due(now=at) == 0
    assert mail.outbox == []
    assert NotificationDigest.objects.filter(member=member).count() == 1


def test_a_failed_send_releases_the_digest_for_the_retry(django_capture_on_commit_callbacks):
    member = make_member()
    _notify(member, "post_comment", django_capture_on_commit_callbacks)
    at = _digest_time(member)
    with (
        mock.patch(
            "mutuals.engagement.delivery.EmailMessage.send", side_effect=OSError("smtp down")
        ),
        pytest.raises(OSError, match="smtp down"),
    ):
        delivery.notification_digest_send(member_id=member.pk, now=at)
    assert not NotificationDigest.objects.exists()
    assert delivery.notification_digest_send(member_id=member.pk, now=at) == "sent"
    assert len(mail.outbox) == 1


# --- Preferences on the boundaries page and in the API -----------------------------------------


def test_preferences_through_the_api():
    member = make_member()
    client = api_client_for(member)
    read = client.get("/api/notifications/preferences").json()
    assert read["digest_hour"] == 8
    by_kind = {p["kind"]: p for p in read["preferences"]}
    assert set(by_kind) == set(NoticeKind.values)
    assert by_kind["requests"]["delivery"] == by_kind["requests"]["default"] == "email"
    assert by_kind["comments"]["delivery"] == "digest"
    assert by_kind["requests"]["covers"] == ["invitation_"]
    changed = client.put(
        "/api/notifications/preferences",
        {"preferences": [{"kind": "comments", "delivery": "off"}]},
        content_type="application/json",
    )
    assert changed.status_code == 200
    by_kind = {p["kind"]: p for p in changed.json()["preferences"]}
    assert by_kind["comments"]["delivery"] == "off"
    assert by_kind["requests"]["delivery"] == "email"
    for body, field in (
        ({"preferences": [{"kind": "gossip", "delivery": "off"}]}, "gossip"),
        (
            {
                "preferences": [
                    {"kind": "events", "delivery": "off"},
                    {"kind": "events", "delivery": "app"},
                ]
            },
            "events",
        ),
    ):
        refused = client.put(
            "/api/notifications/preferences", body, content_type="application/json"
        )
        assert refused.status_code == 422
        assert refused.json()["code"] == "invalid_fields"
        assert field in refused.json()["detail"]["fields"]
    bad_delivery = client.put(
        "/api/notifications/preferences",
        {"preferences": [{"kind": "events", "delivery": "pigeon"}]},
        content_type="application/json",
    )
    assert bad_delivery.status_code == 422
    assert delivery.deliveries_for(member.pk)[NoticeKind.EVENTS] == Delivery.EMAIL
    assert Client().get("/api/notifications/preferences").status_code == 401


def test_preferences_on_the_boundaries_page():
    member = make_member()
    client = web_client_for(member)
    html = client.get("/me/boundaries/").content.decode()
    assert "How you hear of each kind of notification" in html
    assert 'name="comments"' in html
    form = {kind.value: choice.value for kind, choice in delivery.deliveries_for(member.pk).items()}
    form["messages"] = "digest"
    answer = client.post("/notifications/preferences/", form, follow=True)
    assert answer.redirect_chain[-1][0] == "/me/boundaries/#notifications"
    assert "Your notification settings are saved." in answer.content.decode()
    assert delivery.deliveries_for(member.pk)[NoticeKind.MESSAGES] == Delivery.DIGEST
    refused = client.post("/notifications/preferences/", {**form, "events": "pigeon"}, follow=True)
    assert "Choose one of the four deliveries" in refused.content.decode()
    assert delivery.deliveries_for(member.pk)[NoticeKind.EVENTS] == Delivery.EMAIL


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
@pytest.mark.parametrize("kind", ["message_received", "post_comment"])
def test_a_digest_notification_plans_the_members_next_digest(
    kind, django_capture_on_commit_callbacks
):
    member = make_member()
    delivery.notification_preferences_set(member=member, choices=[("messages", "digest")])
    default_task_backend.clear()  # type: ignore[attr-defined]
    _notify(member, kind, django_capture_on_commit_callbacks)
    planned = [
        (result.task.name, result.task.run_after, tuple(result.args))
        for result in default_task_backend.results  # type: ignore[attr-defined]
    ]
    assert planned == [("notification_digest", _digest_time(member), (member.pk,))]
    assert delivery.notification_digest_send(member_id=member.pk, now=_digest_time(member)) == (
        "sent"
    )
