"""One request waiting per pair is the database's rule too (issue 17): a request set aside
(`ignored`) counts like a pending or queued one, and migration 0004 resolves the crossed
pairs stored before the rule, keeping the unanswered request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mutuals.connections.models import Invitation, InvitationEvent, InvitationState
from mutuals.connections.services import invitation_ignore
from mutuals.connections.tests.factories import make_pair, send

BEFORE = [("connections", "0004_invitation_minhash")]
AFTER = [("connections", "0005_one_waiting_request_per_pair")]


def _copy_back(invitation: Invitation, **changes: object) -> Invitation:
    """The same request the other way round, written around the services (as a crossed pair
    could be before the rule)."""
    copy = Invitation.objects.get(pk=invitation.pk)
    copy.pk = None
    copy.sender, copy.recipient = invitation.recipient, invitation.sender
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


@pytest.mark.django_db
def test_the_database_refuses_a_request_beside_one_set_aside():
    ben, sam, mutual = make_pair()
    theirs = send(ben, sam, mutual)
    invitation_ignore(member=sam, invitation_id=theirs.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy_back(theirs, state=InvitationState.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy_back(theirs, state=InvitationState.IGNORED)


@pytest.mark.django_db
def test_closed_requests_stay_free_of_the_rule():
    ben, sam, mutual = make_pair()
    theirs = send(ben, sam, mutual)
    Invitation.objects.filter(pk=theirs.pk).update(state=InvitationState.EXPIRED)
    _copy_back(theirs, state=InvitationState.PENDING)
    _copy_back(theirs, state=InvitationState.DECLINED)


@pytest.mark.django_db(transaction=True)
def test_the_migration_closes_crossed_pairs_keeping_the_unanswered_request(monkeypatch):
    # Before 0006 there is no table of removals for `send`'s 21-day rule to read.
    monkeypatch.setattr("mutuals.connections.invitations.last_removal_between", lambda *_: None)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        now = timezone.now()
        # Ben's request was set aside, then Sam asked Ben: Sam's request stays.
        ben, sam, mutual = make_pair()
        set_aside = send(ben, sam, mutual)
        Invitation.objects.filter(pk=set_aside.pk).update(state=InvitationState.IGNORED)
        sams = _copy_back(set_aside, state=InvitationState.PENDING, created_at=now)
        # Two requests both set aside: the newer stays.
        ana, kofi, other_mutual = make_pair()
        older = send(ana, kofi, other_mutual)
        Invitation.objects.filter(pk=older.pk).update(
            state=InvitationState.IGNORED, created_at=now - timedelta(days=2)
        )
        newer = _copy_back(older, state=InvitationState.IGNORED, created_at=now)
        # A pair with one request is left alone.
        lone_sender, lone_recipient, lone_mutual = make_pair()
        lone = send(lone_sender, lone_recipient, lone_mutual)
        Invitation.objects.filter(pk=lone.pk).update(state=InvitationState.IGNORED)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        states = dict(Invitation.objects.values_list("pk", "state"))
        assert states[sams.pk] == InvitationState.PENDING
        assert states[set_aside.pk] == InvitationState.EXPIRED
        assert states[newer.pk] == InvitationState.IGNORED
        assert states[older.pk] == InvitationState.EXPIRED
        assert states[lone.pk] == InvitationState.IGNORED
        audit = InvitationEvent.objects.get(invitation_id=set_aside.pk, to_state="expired")
        assert audit.from_state == "ignored"
        assert audit.actor_id is None
        assert audit.detail == {"reason": "crossed_request", "kept": sams.pk}
        # The rule now holds in the database.
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy_back(sams, state=InvitationState.IGNORED)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
