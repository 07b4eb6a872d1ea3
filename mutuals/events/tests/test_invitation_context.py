"""The `event` context of a connection request: verified when both checked in at the event
(whatever the time since), refused otherwise; the engine sees the event's title."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.invitations import context_resolve
from mutuals.connections.models import Invitation
from mutuals.connections.services import Draft, invitation_check, invitation_send
from mutuals.core.errors import Refused
from mutuals.events.tests.factories import attend, make_event, move

pytestmark = pytest.mark.django_db

NOTE = (
    "Hi Thandi, your point at the risk workshop about pricing schedule risk into supplier "
    "contracts is exactly what my team at Kestrel is wrestling with. Could I ask your advice "
    "for 20 minutes on how you introduced it at Acme Rail?"
)


@pytest.fixture
def scene():
    sam = make_member(name="Sam Okafor", profile={"company": "Kestrel"})
    thandi = make_member(
        name="Thandi Mokoena", profile={"company": "Acme Rail", "topics": ["Risk management"]}
    )
    event = make_event(title="Chapter risk workshop", starts_in=timedelta(hours=-5))
    return sam, thandi, event


def test_both_checked_in_verifies_with_the_event_title(scene):
    sam, thandi, event = scene
    attend(event, sam, checked_in=True)
    attend(event, thandi, checked_in=True)
    context = context_resolve(sender=sam, recipient=thandi, kind="event", ref=str(event.pk))
    assert context.verified
    assert context.label == "Chapter risk workshop"
    assert context.ref == str(event.pk)


def test_refused_when_the_recipient_did_not_check_in(scene):
    sam, thandi, event = scene
    attend(event, sam, checked_in=True)
    attend(event, thandi)  # said they were going, never checked in
    with pytest.raises(Refused) as caught:
        context_resolve(sender=sam, recipient=thandi, kind="event", ref=str(event.pk))
    assert caught.value.code == "invalid_context"


def test_refused_when_the_sender_did_not_attend_or_the_ref_is_not_an_event(scene):
    sam, thandi, event = scene
    attend(event, thandi, checked_in=True)
    for ref in (str(event.pk), "", "abc", str(event.pk + 999)):
        with pytest.raises(Refused):
            context_resolve(sender=sam, recipient=thandi, kind="event", ref=ref)


def test_still_verified_long_after_the_follow_up_window(scene):
    sam, thandi, event = scene
    attend(event, sam, checked_in=True)
    attend(event, thandi, checked_in=True)
    move(event, starts_at=timezone.now() - timedelta(days=60))
    assert context_resolve(sender=sam, recipient=thandi, kind="event", ref=str(event.pk)).verified


def test_a_request_that_says_where_they_met_is_sent_and_scored_with_the_event(scene):
    sam, thandi, event = scene
    attend(event, sam, checked_in=True)
    attend(event, thandi, checked_in=True)
    thandi.boundaries.open_intents = ["advice"]
    thandi.boundaries.save()
    draft = Draft(
        recipient_id=thandi.pk,
        context_kind="event",
        context_ref=str(event.pk),
        intent="advice",
        message=NOTE,
    )
    report = invitation_check(sender=sam, draft=draft)
    assert report.verdict == "personal"
    invitation = invitation_send(sender=sam, draft=draft)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.context_kind == "event"
    assert stored.context_ref == str(event.pk)
