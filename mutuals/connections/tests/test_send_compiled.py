"""Sending a request to connect reads what it checks with statements compiled once per
process (issue 20): building and compiling a statement costs the server several times what
sending a compiled one does, and a request to connect was the mix's slowest write."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import InvitationState
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.compiling import statements_compiled

pytestmark = pytest.mark.django_db


def test_a_request_sent_after_the_first_compiles_no_read():
    """The recipient's lock and boundaries, whether the two are connected, the open request
    between them, the last closed one and the last removal, their mutual connections (the
    request's context), the notes the sender wrote since, the week's deliveries, the
    recipient's notification preference and boundaries for e-mail: each read is compiled by
    the first request sent in a process and only sent by the next."""
    sender, recipient, mutual = make_pair()
    send(sender, recipient, mutual)  # compiles what a request sent reads
    other = make_member(
        name="Ama Mensah", profile={"company": "Acme Rail", "topics": ["Risk management"]}
    )
    connection_create(member=other, other=mutual)
    with statements_compiled() as compiled:
        invitation = send(sender, other, mutual)
    assert invitation.state == InvitationState.PENDING
    assert compiled == []
