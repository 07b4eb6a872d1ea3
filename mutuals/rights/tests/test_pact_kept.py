"""When a connection ends, its pact's items are kept, closed with a reason, not deleted
(issue 18): by a block here; by an erasure in `test_erasure.py`."""

from __future__ import annotations

import pytest

from mutuals.connections.endings import connection_end
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import block_create, connection_open
from mutuals.engagement.models import Obligation, ObligationClosed
from mutuals.messaging.services import conversation_start
from mutuals.rights.export import member_data

pytestmark = pytest.mark.django_db


def test_a_block_keeps_the_pact_closed_for_both_and_the_export_says_why(member, other):
    """Issue 18: the connection a block ends goes, its pact's items stay — what was kept
    stays kept, what was open closes as `blocked` — and "Download my data" still lists them."""
    connection = connection_open(member=member, other=other)
    conversation_start(creator=member, participant_ids=[other.pk], text="Thanks for connecting!")
    block_create(blocker=other, blocked=member)
    assert not are_connected(member.pk, other.pk)
    items = Obligation.objects.filter(
        member_low_id=connection.member_low_id, member_high_id=connection.member_high_id
    )
    assert items.count() == 3
    assert items.get(party=member).fulfilled_at is not None
    assert {o.closed_reason for o in items.exclude(party=member)} == {ObligationClosed.BLOCKED}
    pact = member_data(member)["pact"]
    assert sorted((row["kind"], row["closed_reason"] or "") for row in pact) == [
        ("first_exchange", "blocked"),
        ("first_message", ""),
        ("first_message", "blocked"),
    ]


def test_ending_a_connection_twice_or_one_that_is_not_there_changes_nothing(member, other):
    assert not connection_end(member_id=member.pk, other_id=other.pk, reason="removed")
    connection_open(member=member, other=other)
    assert connection_end(member_id=member.pk, other_id=other.pk, reason="removed")
    assert not connection_end(member_id=other.pk, other_id=member.pk, reason="removed")
    assert set(Obligation.objects.values_list("closed_reason", flat=True)) == {"removed"}
