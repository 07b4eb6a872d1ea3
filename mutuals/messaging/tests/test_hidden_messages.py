"""A message a moderator hides (issue 18): announced to nobody any more — its "new message"
notice is withdrawn and the unread digest leaves it out — and its sender sees it marked
`hidden` in the API, not silently gone."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for
from mutuals.engagement import notifications
from mutuals.engagement.models import Notification
from mutuals.messaging import services
from mutuals.messaging.tests.factories import connected_members, start

pytestmark = pytest.mark.django_db


def _told(member):
    return list(Notification.objects.filter(member=member, kind="message_received"))


def test_hiding_the_only_unread_message_withdraws_its_notice_and_the_digest_says_nothing():
    sam, thandi = connected_members(2)
    started = start(sam, thandi, text="Buy my course, 50% off today")
    assert len(_told(thandi)) == 1
    assert services.message_set_hidden(message_id=started.message.pk, hidden=True)
    assert _told(thandi) == []
    assert notifications.unread_count(thandi) == 0
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "nothing_unread"
    assert mail.outbox == []


def test_a_notice_still_owed_for_other_messages_names_who_sent_them():
    sam, kwame, thandi = connected_members(3)
    conversation = start(kwame, sam, thandi, text="Welcome, both", title="Chapter").conversation
    Notification.objects.filter(member=thandi).delete()
    services.message_send(sender=kwame, conversation_id=conversation.pk, text="Agenda attached")
    spam = services.message_send(sender=sam, conversation_id=conversation.pk, text="Buy now")
    [told] = _told(thandi)
    services.message_set_hidden(message_id=spam.pk, hidden=True)
    told.refresh_from_db()
    assert told.read_at is None
    assert told.title == f"New message from {kwame.name} in Chapter"
    # The digest lists the messages still to read, never the hidden one.
    window = services.digest_window(timezone.now())
    assert services.digest_send(member_id=thandi.pk, window=window) == "sent"
    assert "Buy now" not in mail.outbox[0].body
    assert "Agenda attached" in mail.outbox[0].body


def test_a_notice_already_read_stays_and_the_sender_is_not_told():
    sam, thandi = connected_members(2)
    started = start(sam, thandi, text="Hello")
    services.conversation_mark_read(member=thandi, conversation_id=started.conversation.pk)
    services.message_set_hidden(message_id=started.message.pk, hidden=True)
    [told] = _told(thandi)
    assert told.read_at is not None
    assert _told(sam) == []


def test_the_sender_sees_their_hidden_message_marked_others_do_not_see_it():
    sam, thandi = connected_members(2)
    started = start(sam, thandi, text="Buy my course")
    kept = services.message_send(
        sender=sam, conversation_id=started.conversation.pk, text="Sorry, wrong chat"
    )
    services.message_set_hidden(message_id=started.message.pk, hidden=True)
    url = f"/api/conversations/{started.conversation.pk}/messages"
    mine = api_client_for(sam).get(url).json()["items"]
    assert sorted((m["text"], m["hidden"]) for m in mine) == [
        ("Buy my course", True),
        ("Sorry, wrong chat", False),
    ]
    theirs = api_client_for(thandi).get(url).json()["items"]
    assert [(m["id"], m["hidden"]) for m in theirs] == [(kept.pk, False)]


def test_the_conversation_page_marks_it_for_the_sender_and_leaves_it_out_for_others():
    from mutuals.accounts.tests.clients import web_client_for

    sam, thandi = connected_members(2)
    started = start(sam, thandi, text="Buy my course")
    services.message_set_hidden(message_id=started.message.pk, hidden=True)
    url = f"/messages/{started.conversation.pk}/"
    own = web_client_for(sam).get(url).content.decode()
    assert "Buy my course" in own
    assert "A moderator hid this message: only you can see it." in own
    theirs = web_client_for(thandi).get(url).content.decode()
    assert "Buy my course" not in theirs
