"""A sender's history of notes is read once per process and kept up to date by adding what
was sent since (issue 15: a 10,000-note history was rebuilt on the request path, about 2 s,
after every note sent), and signatures are stored packed so reading it is one array."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.tests.factories import make_member
from mutuals.connections import invitations as rules
from mutuals.connections.migrations import _signatures
from mutuals.connections.models import Invitation
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import make_pair, send
from mutuals.personalization import minhash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    rules._history_cache.clear()
    yield
    rules._history_cache.clear()


def _connected_stranger(sender, mutual, name):
    other = make_member(name=name, profile={"company": "Acme Rail", "topics": ["Agile"]})
    connection_create(member=other, other=mutual)
    return other


def test_a_note_sent_after_the_history_was_read_is_added_not_read_again():
    sender, recipient, mutual = make_pair()
    first = send(sender, recipient, mutual)
    history = rules.sender_history(sender.pk)
    assert len(history) == 1
    second = send(sender, _connected_stranger(sender, mutual, "Lee Chen"), mutual)
    with CaptureQueriesContext(connection) as queries:
        again = rules.sender_history(sender.pk)
    assert again is history  # the same index, brought up to date
    assert len(again) == 2
    # One aggregate (the stamp) and one read of the notes sent since the last one indexed.
    assert len(queries) == 2
    assert str(first.pk) in queries[1]["sql"]
    signature = minhash.unpack(bytes(second.minhash))
    assert again.near_duplicates(signature, key="nobody") == 2


def test_an_unchanged_history_costs_one_query():
    sender, recipient, mutual = make_pair()
    send(sender, recipient, mutual)
    history = rules.sender_history(sender.pk)
    with CaptureQueriesContext(connection) as queries:
        assert rules.sender_history(sender.pk) is history
    assert len(queries) == 1


def test_notes_that_went_away_make_it_read_again():
    sender, recipient, mutual = make_pair()
    send(sender, recipient, mutual)
    send(sender, _connected_stranger(sender, mutual, "Lee Chen"), mutual)
    history = rules.sender_history(sender.pk)
    Invitation.objects.filter(sender=sender).order_by("id")[0].delete()
    again = rules.sender_history(sender.pk)
    assert again is not history
    assert len(again) == 1


def test_the_stored_signature_is_the_reports():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    stored = bytes(invitation.minhash)
    assert len(stored) == minhash.NUM_PERMUTATIONS * 4
    assert minhash.unpack(stored) == tuple(invitation.signature)
    history = rules.sender_history(sender.pk)
    # The note to Thandi is not a copy sent to anyone else, but a copy to someone new is.
    assert history.near_duplicates(minhash.unpack(stored), key=str(recipient.pk)) == 0
    assert history.near_duplicates(minhash.unpack(stored), key="someone else") == 1


def test_a_note_written_by_the_previous_release_counts_from_its_json():
    """During a rolling upgrade a server of the previous release writes only `signature`."""
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(minhash=b"")
    history = rules.sender_history(sender.pk)
    assert history.near_duplicates(tuple(invitation.signature), key="someone else") == 1


@pytest.mark.parametrize(
    ("stored", "expected_length"),
    [
        (list(range(128)), 512),
        (list(range(64)), 0),  # an older scheme's signature: could not be compared before
        ([], 0),
        (None, 0),
        ("not a list", 0),
        ([True] * 128, 0),
        ([-1] * 128, 0),
        ([2**32] * 128, 0),
    ],
)
def test_json_signatures_are_packed_by_the_migration_or_dropped(stored, expected_length):
    packed = _signatures.packed(stored)
    assert len(packed) == expected_length
    if expected_length:
        assert minhash.unpack(packed) == tuple(stored)
