"""Compiled reads (`core.compiled`, issue 20; tested here, where there are models to read):
the same rows as the queryset they were made from, compiled once, and refused loudly where
the shortcut would be wrong."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.models import Experience, Topic, User
from mutuals.accounts.tests.factories import make_member
from mutuals.core.compiled import CompiledQuery, _PrecompiledQuery, prefetched

pytestmark = pytest.mark.django_db


def _members_named(name: str):
    return User.objects.select_related("profile").filter(name=name, is_active=True)


def test_fetch_answers_as_the_queryset_does_for_each_value():
    sam = make_member(name="Sam Okafor")
    make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(_members_named, name="stand-in")
    for name in ["Sam Okafor", "Thandi Mokoena", "Nobody"]:
        assert compiled.fetch(name=name) == list(_members_named(name))
    [found] = compiled.fetch(name="Sam Okafor")
    with CaptureQueriesContext(connection) as captured:
        assert found.profile.pk == sam.profile.pk  # select_related: loaded with the row
    assert len(captured) == 0
    sam.is_active = False
    sam.save()
    assert compiled.fetch(name="Sam Okafor") == []  # the constant parameters stay in place


def test_it_compiles_once_per_database_and_sends_one_query():
    made = []

    def make(member_id: int):
        made.append(member_id)
        return User.objects.filter(pk=member_id)

    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(make, member_id=-1)
    assert compiled.first(member_id=sam.pk) == sam
    with CaptureQueriesContext(connection) as captured:
        assert compiled.first(member_id=thandi.pk) == thandi
    assert len(captured) == 1
    assert made == [-1, -1, -2]  # the template, then the one compilation (and its check)


def test_values_querysets_give_their_dicts():
    sam = make_member(name="Sam Okafor")
    compiled = CompiledQuery(
        lambda member_id: User.objects.filter(pk=member_id).values("name", "email"), member_id=-1
    )
    assert compiled.fetch(member_id=sam.pk) == [{"name": "Sam Okafor", "email": sam.email}]


def test_a_value_in_several_places_takes_each_of_them():
    """A viewer's id sits in every subquery of a visibility rule (search's statements)."""
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(
        lambda name: User.objects.filter(name=name) | User.objects.filter(email=name), name="x"
    )
    assert compiled.fetch(name="Sam Okafor") == [sam]
    assert compiled.fetch(name=thandi.email) == [thandi]


def test_a_constant_equal_to_a_stand_in_stays_a_constant():
    """Before, a stand-in was found by its value alone: one the query also held as a constant
    was refused, or would have replaced the constant."""
    sam = make_member(name="Sam Okafor")
    make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(
        lambda name: User.objects.filter(name=name).exclude(email="x"), name="x"
    )
    assert compiled.fetch(name="Sam Okafor") == [sam]
    User.objects.filter(pk=sam.pk).update(email="x")
    assert compiled.fetch(name="Sam Okafor") == []  # the constant "x" stayed in its place


def test_what_cannot_be_compiled_once_is_refused():
    make_member(name="Sam Okafor")
    transformed = CompiledQuery(lambda name: User.objects.filter(name__contains=name), name="x")
    with pytest.raises(ValueError, match="transformed"):  # the ORM sends "%x%", not "x"
        transformed.fetch(name="Sam")
    absent = CompiledQuery(lambda name: User.objects.filter(name="Sam"), name="x")
    with pytest.raises(ValueError, match="not in the query"):
        absent.fetch(name="Sam")
    shaped = CompiledQuery(
        lambda member_id: User.objects.filter(pk__in=range(member_id % 3)), member_id=-1
    )
    with pytest.raises(ValueError, match="SQL changes"):
        shaped.fetch(member_id=1)


def test_values_of_another_type_are_refused():
    compiled = CompiledQuery(lambda member_id: User.objects.filter(pk=member_id), member_id=-1)
    with pytest.raises(TypeError, match="must be a int"):
        compiled.fetch(member_id="1")
    with pytest.raises(TypeError, match="exactly"):
        compiled.fetch()
    with pytest.raises(TypeError, match="str or an int"):
        CompiledQuery(lambda at: User.objects.filter(date_joined=at), at=1.5)  # type: ignore[arg-type]


def test_a_compiled_query_cannot_be_refined():
    query = _PrecompiledQuery(User)
    with pytest.raises(TypeError, match="cannot be refined"):
        query.clone()


def test_prefetched_rows_answer_the_related_manager_without_a_query():
    sam = make_member(name="Sam Okafor")
    topic = Topic.objects.create(slug="risk", name="Risk")
    entry = Experience.objects.create(
        user=sam, organisation="Metro Rail", role="PM", started_on="2020-01-01", position=0
    )
    prefetched(sam.profile, "topics", [topic])
    prefetched(sam, "experiences", [entry])
    with CaptureQueriesContext(connection) as captured:
        assert list(sam.profile.topics.all()) == [topic]
        assert list(sam.experiences.all()) == [entry]
    assert len(captured) == 0
