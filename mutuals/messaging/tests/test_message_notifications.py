"""A new message tells its recipients once per conversation until they read it (issue 17);
the e-mail stays the unread digest's, so the notification adds none."""

from __future__ import annotations

import pytest
from django.core import mail

from mutuals.accounts.tests.clients import web_client_for
from mutuals.engagement import delivery, notifications
from mutuals.engagement.models import Notification
from mutuals.messaging import services
from mutuals.messaging.tests.factories import connected_members, start

pytestmark = pytest.mark.django_db


def _told(member):
    return list(Notification.objects.filter(member=member, kind="message_received"))


def test_one_notice_per_conversation_until_read(django_capture_on_commit_callbacks):
    sam, thandi = connected_members(2)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start(sam, thandi, text="Thank you for connecting!").conversation
        services.message_send(sender=sam, conversation_id=conversation.pk, text="And one more")
    [told] = _told(thandi)
    assert told.title == f"New message from {sam.name}"
    assert told.url == f"/messages/{conversation.pk}/"
    assert told.read_at is None
    assert _told(sam) == []
    # The notification is not e-mailed on its own, now or by the sweep: the digest is.
    assert not [m for m in mail.outbox if m.subject == told.title]
    assert delivery.notification_emails_send_due() == 0

    # Reading the conversation reads its notice; the next message brings a new one.
    web_client_for(thandi).get(f"/messages/{conversation.pk}/")
    told.refresh_from_db()
    assert told.read_at is not None
    assert notifications.unread_count(thandi) == 0
    services.message_send(sender=sam, conversation_id=conversation.pk, text="Coffee Thursday?")
    assert len(_told(thandi)) == 2
    assert notifications.unread_count(thandi) == 1


def test_replying_reads_the_notice_of_that_conversation():
    sam, thandi = connected_members(2)
    conversation = start(sam, thandi).conversation
    services.message_send(sender=thandi, conversation_id=conversation.pk, text="Hello Sam!")
    assert notifications.unread_count(thandi) == 0
    assert notifications.unread_count(sam) == 1
