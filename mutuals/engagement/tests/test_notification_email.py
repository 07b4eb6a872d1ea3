"""Notification e-mail respects the member's quiet period and what they already read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.factories import make_member
from mutuals.engagement import delivery, notifications
from mutuals.engagement.models import Notification

pytestmark = pytest.mark.django_db


def _notify(member, key="hello", capture=None):
    with capture(execute=True):
        return notifications.notify(member=member, key=key, kind="test", title="Ana mentioned you")


def test_e_mail_goes_at_once_for_a_member_who_is_not_quiet(django_capture_on_commit_callbacks):
    member = make_member()
    notification = _notify(member, capture=django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == ["[mutuals] Ana mentioned you"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_quiet_moves_the_e_mail_past_the_quiet_period_and_never_drops_it(
    django_capture_on_commit_callbacks, capsys
):
    member = make_member()
    quiet_until = timezone.now() + timedelta(days=2)
    boundaries_update(user=member, quiet_until=quiet_until)
    notification = _notify(member, capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Still quiet: neither the deferred task nor the sweep sends it.
    assert delivery.notification_email_send(notification_id=notification.pk) is False
    assert delivery.notification_emails_send_due() == 0
    assert mail.outbox == []
    # Once the quiet period is over, the sweep sends it, once.
    after = quiet_until + timedelta(minutes=1)
    assert delivery.notification_emails_send_due(now=after) == 1
    assert delivery.notification_emails_send_due(now=after) == 0
    assert len(mail.outbox) == 1
    boundaries_update(user=member, quiet_until=None)
    call_command("sweep")
    assert "e-mailed 0 notifications" in capsys.readouterr().out


def test_an_extended_quiet_period_holds_an_e_mail_already_planned(
    django_capture_on_commit_callbacks,
):
    member = make_member()
    first_end = timezone.now() + timedelta(hours=1)
    boundaries_update(user=member, quiet_until=first_end)
    notification = _notify(member, capture=django_capture_on_commit_callbacks)
    boundaries_update(user=member, quiet_until=first_end + timedelta(days=3))
    # The task planned for the first end runs, finds the member still quiet, and waits.
    later = first_end + timedelta(minutes=1)
    assert delivery.notification_email_send(notification_id=notification.pk, now=later) is False
    assert mail.outbox == []
    assert Notification.objects.get(pk=notification.pk).emailed_at is None


def test_no_e_mail_for_a_notification_already_read_in_the_app(django_capture_on_commit_callbacks):
    member = make_member()
    boundaries_update(user=member, quiet_until=timezone.now() + timedelta(hours=1))
    notification = _notify(member, capture=django_capture_on_commit_callbacks)
    notifications.notification_mark_read(member=member)
    later = timezone.now() + timedelta(hours=2)
    assert delivery.notification_email_send(notification_id=notification.pk, now=later) is False
    assert delivery.notification_emails_send_due(now=later) == 0
    assert mail.outbox == []


def test_the_sweep_leaves_week_old_news_to_the_app(django_capture_on_commit_callbacks):
    member = make_member()
    boundaries_update(user=member, quiet_until=timezone.now() + timedelta(days=10))
    _notify(member, capture=django_capture_on_commit_callbacks)
    assert delivery.notification_emails_send_due(now=timezone.now() + timedelta(days=11)) == 0
    assert mail.outbox == []
