"""A compiled read (`core.compiled`) of a `BigIntegerField`: on PostgreSQL Django gives
psycopg the value as `Int8`, which the compiled read must take for the value it is (people
you may know's exclusions read `ConnectionRemoval.pair_low`; they answered 500 there)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import ConnectionRemoval
from mutuals.core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def _removed_with(member_id: int):
    return ConnectionRemoval.objects.filter(pair_low=member_id).values_list("pair_high", flat=True)


def test_a_big_integer_column_compiles_and_is_sent_typed_as_the_orm_types_it():
    first, second, third = (make_member(name=name) for name in ("Ana A", "Ben B", "Cy C"))
    now = timezone.now()
    for low, high in ((first, second), (first, third), (second, third)):
        ConnectionRemoval.objects.create(
            pair_low=low.pk, pair_high=high.pk, removed_by=low, connected_at=now, at=now
        )
    compiled = CompiledQuery(_removed_with, member_id=-1)
    for member in (first, second, third):
        assert sorted(compiled.fetch(member_id=member.pk)) == sorted(_removed_with(member.pk))
    assert sorted(compiled.fetch(member_id=first.pk)) == sorted([second.pk, third.pk])
    # The parameter goes to the driver typed as the ORM would type it.
    sql_params = _removed_with(first.pk).query.get_compiler(using="default").as_sql()[1]
    sent = compiled._compiled["default"].params_for({"member_id": first.pk})
    assert [type(p) for p in sent] == [type(p) for p in sql_params], connection.vendor
