"""The unread-messages digest: scheduled ~15 minutes after a message and past quiet periods,
one e-mail per member and window however often the task runs, nothing when all was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.tasks import default_task_backend
from django.test import override_settings
from django.utils import timezone

from mutuals.accounts.models import Boundaries
from mutuals.accounts.services import boundaries_update
from mutuals.engagement import delivery
from mutuals.messaging import services, tasks
from mutuals.messaging.models import UnreadDigest
from mutuals.messaging.tests.factories import connected_members, start

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def scheduled() -> list[tuple[str, datetime | None, tuple[object, ...]]]:
    return [
        (result.task.name, result.task.run_after, tuple(result.args))
        for result in default_task_backend.results  # type: ignore[attr-defined]
    ]


def test_window_is_the_next_quarter_hour():
    at = datetime(2026, 3, 2, 9, 1, 30, tzinfo=UTC)
    assert services.digest_window(at) == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    exact = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert services.digest_window(exact) == exact


def test_due_is_fifteen_minutes_later_or_after_the_quiet_period():
    boundaries = Boundaries(quiet_until=None)
    at = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert services.digest_due(at, boundaries) == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    boundaries.quiet_until = datetime(2026, 3, 2, 18, 5, tzinfo=UTC)
    assert services.digest_due(at, boundaries) == datetime(2026, 3, 2, 18, 15, tzinfo=UTC)


@override_settings(TASKS=DUMMY)
def test_a_message_schedules_a_digest_for_each_recipient(django_capture_on_commit_callbacks):
    sam, thandi, kwame = connected_members(3)
    quiet_until = timezone.now() + timedelta(hours=8)
    boundaries_update(user=kwame, quiet_until=quiet_until)
    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        started = start(sam, thandi, kwame, text="Hello both")
    at = started.message.created_at
    thandi_window = services.digest_window(at + timedelta(minutes=15))
    kwame_window = services.digest_window(quiet_until)
    digests = {s for s in scheduled() if s[0] == "unread_digest"}
    assert digests == {
        ("unread_digest", thandi_window, (thandi.pk, thandi_window.isoformat())),
        ("unread_digest", kwame_window, (kwame.pk, kwame_window.isoformat())),
    }


def test_sends_one_digest_listing_unread_conversations():
    sam, thandi, kwame = connected_members(3)
    start(sam, thandi, text="Thanks for the workshop tips")
    start(kwame, thandi, text="Coffee on Friday?")
    window = services.digest_window(timezone.now())
    assert tasks.unread_digest.call(thandi.pk, window.isoformat()) == "sent"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [thandi.email]
    assert email.subject == "[mutuals] You have unread messages in 2 conversations"
    assert sam.name in email.body
    assert kwame.name in email.body
    assert "Coffee on Friday?" in email.body
    digest = UnreadDigest.objects.get()
    assert digest.sent_at is not None
    assert digest.conversation_count == 2


def test_retries_never_send_twice():
    sam, thandi = connected_members(2)
    start(sam, thandi)
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "sent"
    assert services.digest_send(member_id=thandi.pk, window=window) == "already_sent"
    assert services.digest_send(member_id=thandi.pk, window=window + timedelta(minutes=15)) == (
        "nothing_new"
    )
    assert len(mail.outbox) == 1


def test_a_new_message_after_a_digest_gets_the_next_one():
    sam, thandi = connected_members(2)
    conversation = start(sam, thandi).conversation
    window = services.digest_window(timezone.now())
    services.digest_send(member_id=thandi.pk, window=window)
    later = timezone.now() + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        services.message_send(sender=sam, conversation_id=conversation.pk, text="Any news?")
    assert (
        services.digest_send(member_id=thandi.pk, window=window + timedelta(minutes=15), now=later)
        == "sent"
    )
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == f"[mutuals] Unread messages from {sam.name}"


def test_nothing_is_sent_once_everything_was_read():
    sam, thandi = connected_members(2)
    conversation = start(sam, thandi).conversation
    services.conversation_mark_read(member=thandi, conversation_id=conversation.pk)
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "nothing_unread"
    assert mail.outbox == []
    assert not UnreadDigest.objects.exists()


@override_settings(TASKS=DUMMY)
def test_quiet_period_defers_instead_of_sending():
    sam, thandi = connected_members(2)
    start(sam, thandi)
    quiet_until = timezone.now() + timedelta(hours=3)
    boundaries_update(user=thandi, quiet_until=quiet_until)
    default_task_backend.clear()  # type: ignore[attr-defined]
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "deferred"
    assert mail.outbox == []
    later = services.digest_window(quiet_until)
    assert scheduled() == [("unread_digest", later, (thandi.pk, later.isoformat()))]
    # After the quiet period the deferred run sends.
    assert (
        services.digest_send(
            member_id=thandi.pk, window=later, now=quiet_until + timedelta(minutes=1)
        )
        == "sent"
    )
    assert len(mail.outbox) == 1


def test_a_failed_send_releases_the_claim_for_the_retry():
    sam, thandi = connected_members(2)
    start(sam, thandi)
    window = services.digest_window(timezone.now())
    with (
        mock.patch("mutuals.messaging.services.email_send", side_effect=OSError("smtp down")),
        pytest.raises(OSError, match="smtp down"),
    ):
        services.digest_send(member_id=thandi.pk, window=window)
    assert not UnreadDigest.objects.exists()
    assert services.digest_send(member_id=thandi.pk, window=window) == "sent"
    assert len(mail.outbox) == 1


def test_inactive_member_gets_nothing():
    sam, thandi = connected_members(2)
    start(sam, thandi)
    thandi.is_active = False
    thandi.save()
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "no_member"
    assert mail.outbox == []


def test_the_unread_e_mail_follows_the_members_choice_for_messages():
    """Messages by e-mail at once is the unread-messages e-mail, with a one-click unsubscribe
    for messages; a member who chose the daily digest or the app only gets none (issue 17)."""
    sam, thandi = connected_members(2)
    start(sam, thandi, text="Thanks for the workshop tips")
    window = services.digest_window(timezone.now())
    assert tasks.unread_digest.call(thandi.pk, window.isoformat()) == "sent"
    (email,) = mail.outbox
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.notification_unsubscribe(
        token=email.extra_headers["List-Unsubscribe"][1:-1].rsplit("/", 2)[-2]
    )
    start(sam, thandi, text="And one more thing")
    later = services.digest_window(timezone.now() + timedelta(minutes=20))
    assert tasks.unread_digest.call(thandi.pk, later.isoformat()) == "not_wanted"
    assert len(mail.outbox) == 1
