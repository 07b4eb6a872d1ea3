"""Connections and blocks: database invariants and service refusals."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from mutuals.connections.models import Block, Connection
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import block_create, block_remove, connection_create
from mutuals.core.errors import Conflict, NotFound, Refused

pytestmark = pytest.mark.django_db


class TestDatabaseInvariants:
    def test_one_row_per_pair(self, member, other):
        connection_create(member=member, other=other)
        low, high = sorted((member.pk, other.pk))
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=low, member_high_id=high, created_at=member.date_joined
            )

    def test_pair_must_be_ordered_which_also_forbids_self(self, member, other):
        low, high = sorted((member.pk, other.pk))
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=high, member_high_id=low, created_at=member.date_joined
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Connection.objects.create(
                member_low_id=low, member_high_id=low, created_at=member.date_joined
            )

    def test_no_self_block(self, member):
        with pytest.raises(IntegrityError), transaction.atomic():
            Block.objects.create(blocker=member, blocked=member)


class TestConnectionCreate:
    def test_connects_either_order_once(self, member, other):
        connection_create(member=other, other=member)
        assert are_connected(member.pk, other.pk)
        with pytest.raises(Conflict) as caught:
            connection_create(member=member, other=other)
        assert caught.value.code == "already_connected"
        assert Connection.objects.count() == 1

    def test_refuses_self(self, member):
        with pytest.raises(Refused):
            connection_create(member=member, other=member)

    def test_blocked_pair_answers_not_found(self, member, other):
        block_create(blocker=other, blocked=member)
        with pytest.raises(NotFound):
            connection_create(member=member, other=other)
        assert Connection.objects.count() == 0


class TestBlocks:
    def test_block_removes_the_connection_and_is_idempotent(self, member, other):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        block_create(blocker=member, blocked=other)
        assert not are_connected(member.pk, other.pk)
        assert Block.objects.count() == 1

    def test_unblock_does_not_restore_the_connection(self, member, other):
        connection_create(member=member, other=other)
        block_create(blocker=member, blocked=other)
        block_remove(blocker=member, blocked_id=other.pk)
        assert Block.objects.count() == 0
        assert not are_connected(member.pk, other.pk)

    def test_unblock_without_a_block_is_not_found_and_changes_nothing(self, member, other):
        block_create(blocker=other, blocked=member)
        with pytest.raises(NotFound):
            block_remove(blocker=member, blocked_id=other.pk)
        # The other member's block on `member` is not theirs to lift.
        assert Block.objects.filter(blocker=other, blocked=member).exists()

    def test_cannot_block_self(self, member):
        with pytest.raises(Refused):
            block_create(blocker=member, blocked=member)
