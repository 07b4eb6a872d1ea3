"""Two people acting on one request at the same moment end in exactly one outcome.

Real threads with their own database connections; run on PostgreSQL (CI runs the suite
there). SQLite serializes every writer, so the race cannot be staged on it.
"""

from __future__ import annotations

import pytest
from django.db import connection

from mutuals.connections.models import Connection, Invitation, InvitationEvent
from mutuals.connections.services import invitation_accept, invitation_decline, invitation_withdraw
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.parametrize("rounds", range(5))
def test_accept_withdraw_decline_race_has_one_winner(rounds):
    sender, recipient, mutual = make_pair(
        sender_name=f"Sam Okafor {rounds}", recipient_name=f"Thandi Mokoena {rounds}"
    )
    invitation = send(sender, recipient, mutual)
    outcomes = race(
        lambda: invitation_accept(member=recipient, invitation_id=invitation.pk),
        lambda: invitation_withdraw(member=sender, invitation_id=invitation.pk),
        lambda: invitation_decline(member=recipient, invitation_id=invitation.pk, reason="other"),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"state_changed"}
    invitation.refresh_from_db()
    closing = InvitationEvent.objects.filter(invitation=invitation).exclude(from_state="")
    assert closing.count() == 1
    assert closing.get().to_state == invitation.state
    connected = Connection.objects.filter(invitation=invitation).exists()
    assert connected == (invitation.state == "accepted")
    assert Invitation.objects.filter(pk=invitation.pk).count() == 1
