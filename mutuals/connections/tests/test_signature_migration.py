"""Migration 0003 recomputes stored note signatures with the engine's new scheme (issue 15):
a 64-value signature of the old engine cannot be compared with the new 128-value ones, so
without it every earlier note would stop counting as a copy."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from mutuals.connections.models import Invitation
from mutuals.connections.tests.factories import make_pair, send
from mutuals.personalization import Context, Recipient, minhash, recipient_terms, signature

pytestmark = pytest.mark.django_db


def test_stored_signatures_are_recomputed_for_the_new_scheme():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(signature=list(range(64)))
    migration = importlib.import_module("mutuals.connections.migrations.0003_signatures_recomputed")
    migration.recompute(apps, None)
    invitation.refresh_from_db()
    expected = signature(
        invitation.message,
        recipient_terms(
            Recipient(name=recipient.name, company=recipient.profile.company),
            Context("mutual", invitation.context_label),
        ),
    )
    assert len(invitation.signature) == minhash.NUM_PERMUTATIONS
    assert tuple(invitation.signature) == expected
