"""Members are told at each moment of a connection request (issue 17): it arrives (when it
leaves the queue, not when it is queued), it is accepted (with a way to thank them), it is
declined (with the reason the recipient chose). Once each, whatever retries."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Invitation
from mutuals.connections.services import (
    connection_create,
    invitation_accept,
    invitation_decline,
    invitation_deliver_if_due,
    invitation_ignore,
    invitations_deliver_due,
)
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    return make_pair()


def _of(member, kind=None):
    rows = Notification.objects.filter(member=member)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_delivered_request_tells_the_recipient_once(trio, django_capture_on_commit_callbacks):
    sender, recipient, mutual = trio
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send(sender, recipient, mutual)
    [told] = _of(recipient, "invitation_received")
    assert told.title == "Sam Okafor asked to connect"
    assert "advice" in told.body
    assert "Kwame Asante" in told.body
    assert told.url == "/invitations/"
    assert _of(sender) == []
    assert [m.subject for m in mail.outbox] == ["[mutuals] Sam Okafor asked to connect"]
    # Set aside and answered later: still one notice.
    invitation_ignore(member=recipient, invitation_id=invitation.pk)
    assert len(_of(recipient)) == 1


def test_a_queued_request_tells_the_recipient_when_it_leaves_the_queue(trio):
    sender, recipient, mutual = trio
    boundaries_update(user=recipient, weekly_capacity=1)
    first = make_member()
    connection_create(member=first, other=mutual)
    send(first, recipient, mutual)
    queued = send(sender, recipient, mutual)
    assert queued.state == "queued"
    assert [n.title for n in _of(recipient)] == [f"{first.name} asked to connect"]
    later = queued.deliver_at
    assert invitation_deliver_if_due(invitation_id=queued.pk, now=later)
    # A retried delivery (a killed worker, the sweep) neither moves it nor tells twice.
    assert not invitation_deliver_if_due(invitation_id=queued.pk, now=later)
    assert invitations_deliver_due(now=later) == 0
    told = _of(recipient, "invitation_received")
    assert [n.title for n in told] == [
        "Sam Okafor asked to connect",
        f"{first.name} asked to connect",
    ]


def test_acceptance_tells_the_sender_with_a_message_to_write(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    invitation_accept(member=recipient, invitation_id=invitation.pk)
    [told] = _of(sender, "invitation_accepted")
    assert told.title == "Thandi Mokoena accepted your request"
    url = urlsplit(told.url)
    assert url.path == "/messages/new/"
    query = parse_qs(url.query)
    assert query["to"] == [str(recipient.pk)]
    assert query["text"][0].startswith("Thank you for connecting, Thandi!")
    assert _of(recipient, "invitation_accepted") == []


def test_the_thank_you_link_opens_a_message_with_the_suggested_opening(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    invitation_accept(member=recipient, invitation_id=invitation.pk)
    [told] = _of(sender, "invitation_accepted")
    page = web_client_for(sender).get(told.url).content.decode()
    assert "Thank you for connecting, Thandi!" in page


def test_declining_tells_the_sender_the_reason(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    invitation_decline(member=recipient, invitation_id=invitation.pk, reason="no_capacity")
    [told] = _of(sender, "invitation_declined")
    assert told.title == "Thandi Mokoena declined your request"
    assert "I have no capacity right now" in told.body
    assert told.url == "/invitations/sent/"


def test_ignoring_tells_the_sender_nothing(trio):
    sender, recipient, mutual = trio
    invitation = send(sender, recipient, mutual)
    invitation_ignore(member=recipient, invitation_id=invitation.pk)
    assert _of(sender) == []
    assert Invitation.objects.get(pk=invitation.pk).state == "ignored"
