"""Sending a message reads what it checks and records with statements compiled once per
process (issue 20): a message was among the mix's slowest writes (31 statements, most of
them built and compiled by the ORM for each message)."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.core.tests.compiling import statements_compiled
from mutuals.engagement.models import Interaction
from mutuals.messaging.models import Message
from mutuals.messaging.services import conversation_start, message_send

pytestmark = pytest.mark.django_db


def test_a_message_sent_after_the_first_compiles_no_read():
    """The conversation and the sender's place in it, the sender's lock and recent messages,
    the last sender, the other seats, the pair's connection, the interaction already
    recorded, the open obligations and the pair's ties (locked): each read is compiled by
    the first messages sent in a process and only sent by the next."""
    ama = make_member(name="Ama Mensah")
    ben = make_member(name="Ben Osei")
    connection_create(member=ama, other=ben)
    started = conversation_start(creator=ama, participant_ids=[ben.pk], text="Hello")
    conversation_id = started.conversation.pk
    message_send(sender=ben, conversation_id=conversation_id, text="Hello back")
    message_send(sender=ama, conversation_id=conversation_id, text="Coffee on Friday?")
    with statements_compiled() as compiled:
        message = message_send(sender=ben, conversation_id=conversation_id, text="Friday works")
    assert compiled == []
    assert Message.objects.filter(conversation_id=conversation_id).count() == 4
    recorded = Interaction.objects.get(source_key=f"message:{message.pk}")
    assert (recorded.actor_id, recorded.counterpart_id, recorded.kind) == (ben.pk, ama.pk, "reply")
