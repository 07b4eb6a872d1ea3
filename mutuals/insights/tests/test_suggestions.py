"""Today's suggested actions on the network-health page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.clients import web_client_for
from mutuals.connections.services import block_create
from mutuals.engagement.tests.test_api_and_pages import connected
from mutuals.insights.selectors import health_for
from mutuals.messaging.models import Message
from mutuals.messaging.selectors import unanswered_for
from mutuals.messaging.services import conversation_start, message_send

pytestmark = pytest.mark.django_db

__all__ = ["connected"]  # the fixture, used by name


def test_a_message_waiting_for_an_answer_is_todays_first_action(connected):
    """'Reply to X' leads the suggestions while the newest message of a one-to-one conversation
    is the other side's (read or not) and under two weeks old; answering it, two weeks of
    silence, or a block leaves nothing to reply to."""
    sender, recipient, _ = connected
    started = conversation_start(creator=recipient, participant_ids=[sender.pk], text="Hello!")
    conversation = started.conversation
    first = health_for(sender).suggestions[0]
    assert (first.kind, first.member_id) == ("reply", recipient.pk)
    assert first.url == f"/messages/{conversation.pk}/"
    assert "Reply to Thandi Mokoena" in web_client_for(sender).get("/insights/").content.decode()
    assert unanswered_for(recipient) == []  # her own message is not waiting for her

    message_send(sender=sender, conversation_id=conversation.pk, text="Good to meet you too.")
    assert unanswered_for(sender) == []
    assert unanswered_for(recipient) == [(sender.pk, f"/messages/{conversation.pk}/")]

    Message.objects.filter(conversation=conversation).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    assert unanswered_for(recipient) == []  # a two-week silence is a tie going cold instead

    message_send(sender=sender, conversation_id=conversation.pk, text="Coffee next week?")
    assert [other for other, _ in unanswered_for(recipient)] == [sender.pk]
    block_create(blocker=recipient, blocked=sender)
    assert unanswered_for(recipient) == []
