"""Simultaneous writes end as the rules say: two members starting their conversation at the
same moment share one, and the rate limit holds for two sends at once.

Real threads with their own database connections, on PostgreSQL (SQLite serializes every
writer, so the race cannot be staged there).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from mutuals.core.tests.concurrency import race
from mutuals.messaging import services
from mutuals.messaging.models import Conversation, Message
from mutuals.messaging.tests.factories import connected_members, start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


@pytest.mark.parametrize("rounds", range(3))
def test_both_starting_at_once_share_one_conversation(rounds):
    sam, thandi = connected_members(2)
    outcomes = race(
        lambda: start(sam, thandi, text="Hello Thandi"),
        lambda: start(thandi, sam, text="Hello Sam"),
    )
    assert outcomes == ["ok", "ok"]
    conversation = Conversation.objects.get()
    assert conversation.participants.count() == 2
    assert set(conversation.messages.values_list("text", flat=True)) == {
        "Hello Thandi",
        "Hello Sam",
    }


def test_two_sends_at_the_limit_let_one_through():
    sam, thandi = connected_members(2)
    conversation = start(sam, thandi).conversation
    Message.objects.bulk_create(
        Message(conversation=conversation, sender=sam, text="x", created_at=timezone.now())
        for _ in range(28)
    )

    def send() -> Message:
        return services.message_send(sender=sam, conversation_id=conversation.pk, text="last")

    assert race(send, send) == ["message_rate_limited", "ok"]
    assert Message.objects.filter(sender=sam).count() == 30
