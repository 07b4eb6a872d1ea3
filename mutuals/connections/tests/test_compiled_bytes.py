"""A compiled read with a bytes constant (issue 20; here, where a model has a bytes column)."""

from __future__ import annotations

import pytest
from django.db.models import Case, F, When

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Invitation
from mutuals.core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def test_a_bytes_constant_stays_a_constant():
    """PostgreSQL's driver wraps a bytes constant (psycopg's `Binary`, which compares by
    identity), so two compilations of the same `When(minhash=b"")` looked like a value's
    place and the read was refused: every check of a note failed on PostgreSQL."""
    compiled = CompiledQuery(
        lambda sender_id: (
            Invitation.objects.filter(sender=sender_id)
            .annotate(legacy=Case(When(minhash=b"", then=F("signature")), default=None))
            .values_list("legacy", flat=True)
        ),
        sender_id=-1,
    )
    assert compiled.fetch(sender_id=make_member(name="Sam Okafor").pk) == []
