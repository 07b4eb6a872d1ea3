"""What apps above connections register for invitations: one source per context kind, and
the follow-through rate the allowance cannot do without."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from mutuals.accounts.tests.factories import make_member
from mutuals.connections import invitations
from mutuals.connections.invitations import ContextSource
from mutuals.core.errors import Refused


def test_a_second_source_for_a_context_kind_is_refused(monkeypatch):
    monkeypatch.setattr(invitations, "_context_sources", {})
    source = ContextSource(
        kind="event", choices=lambda s, r: [], find=lambda s, r, ref: None, refusal="No."
    )
    invitations.context_source_register(source)
    invitations.context_source_register(source)  # the same again is harmless
    other = ContextSource(
        kind="event", choices=lambda s, r: [], find=lambda s, r, ref: ("1", "x"), refusal="No."
    )
    with pytest.raises(ImproperlyConfigured, match="'event'"):
        invitations.context_source_register(other)


@pytest.mark.django_db
def test_a_registered_source_verifies_its_kind_and_refuses_with_its_message(monkeypatch):
    monkeypatch.setattr(invitations, "_context_sources", {})
    invitations.context_source_register(
        ContextSource(
            kind="event",
            choices=lambda s, r: [(5, "Workshop")],
            find=lambda s, r, ref: ("5", "Workshop") if ref == "5" else None,
            refusal="Choose an event you both attended.",
        )
    )
    sam, thandi = make_member(), make_member()
    found = invitations.context_resolve(sender=sam, recipient=thandi, kind="event", ref="5")
    assert (found.ref, found.label, found.verified) == ("5", "Workshop", True)
    assert invitations.context_choices(sam, thandi) == {"event": [(5, "Workshop")]}
    with pytest.raises(Refused) as refused:
        invitations.context_resolve(sender=sam, recipient=thandi, kind="event", ref="6")
    assert refused.value.code == "invalid_context"
    assert refused.value.message == "Choose an event you both attended."


@pytest.mark.django_db
def test_without_the_follow_through_rate_the_allowance_is_not_computed(monkeypatch):
    """Leaving the pact out would quietly drop a factor of the allowance: it fails instead."""
    monkeypatch.setattr(invitations, "_follow_through", [])
    with pytest.raises(ImproperlyConfigured, match="follow-through"):
        invitations.sender_allowance(make_member())
