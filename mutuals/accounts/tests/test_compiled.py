"""Compiled reads (`core.compiled`, issue 20; tested here, where there are models to read):
the same rows as the queryset they were made from, compiled once, and refused loudly where
the shortcut would be wrong."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.models import ConductAcceptance, Experience, Topic, User
from mutuals.accounts.selectors import MemberCard, member_cards
from mutuals.accounts.tests.factories import make_member
from mutuals.core.compiled import CompiledQuery, _PrecompiledQuery, ids_text, in_ids, prefetched

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
    assert made == [-1, -1, 7918]  # the template, then the one compilation (twice: the slots)


def test_values_querysets_give_their_dicts():
    sam = make_member(name="Sam Okafor")
    compiled = CompiledQuery(
        lambda member_id: User.objects.filter(pk=member_id).values("name", "email"), member_id=-1
    )
    assert compiled.fetch(member_id=sam.pk) == [{"name": "Sam Okafor", "email": sam.email}]


def test_a_value_used_several_times_fills_each_place():
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    twice = CompiledQuery(
        lambda name: User.objects.filter(name=name) | User.objects.filter(email=name), name="x"
    )
    assert twice.fetch(name="Sam Okafor") == [sam]
    assert twice.fetch(name=thandi.email) == [thandi]
    assert twice.fetch(name="x") == []


def test_a_constant_equal_to_a_stand_in_stays_a_constant():
    """Compiled with the stand-in "x" while the query also holds the constant "x": the
    constant must not become a slot (it would then follow the value)."""
    sam = make_member(name="Sam Okafor")
    make_member(name="x")
    compiled = CompiledQuery(
        lambda name: User.objects.filter(name=name).exclude(name="x").order_by("pk"), name="x"
    )
    assert compiled.fetch(name="Sam Okafor") == [sam]
    assert compiled.fetch(name="x") == []  # the exclusion of "x" still holds


def test_several_values_and_subqueries():
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(
        lambda first, second: User.objects.filter(
            pk__in=User.objects.filter(pk=first).values("pk")
        ).union(User.objects.filter(pk=second)),
        first=-1,
        second=-2,
    )
    assert sorted(u.pk for u in compiled.fetch(first=sam.pk, second=thandi.pk)) == sorted(
        [sam.pk, thandi.pk]
    )
    assert [u.pk for u in compiled.fetch(first=sam.pk, second=sam.pk)] == [sam.pk]


def test_what_cannot_be_compiled_is_refused():
    make_member(name="Sam Okafor")
    absent = CompiledQuery(lambda name: User.objects.filter(name__contains=name), name="x")
    with pytest.raises(ValueError, match="made something of a value"):  # the ORM sends "%x%"
        absent.fetch(name="Sam")
    ignored = CompiledQuery(lambda name: User.objects.filter(name="constant"), name="x")
    with pytest.raises(ValueError, match="0 times"):
        ignored.fetch(name="Sam")
    shape = CompiledQuery(
        lambda member_id: User.objects.filter(pk__in=[member_id] if member_id > 0 else [1, 2]),
        member_id=5,
    )
    with pytest.raises(ValueError, match="SQL changes"):
        shape.fetch(member_id=7)
    with pytest.raises(ValueError, match="same value"):
        CompiledQuery(lambda a, b: User.objects.filter(pk=a, id=b), a=-1, b=-1)


def test_values_of_another_type_are_refused():
    compiled = CompiledQuery(lambda member_id: User.objects.filter(pk=member_id), member_id=-1)
    with pytest.raises(TypeError, match="must be a int"):
        compiled.fetch(member_id="1")
    with pytest.raises(TypeError, match="exactly"):
        compiled.fetch()
    with pytest.raises(TypeError, match="a str, an int or a datetime"):
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


def test_an_integer_no_column_can_hold_matches_nothing():
    """Sent as it is, SQLite's driver raised OverflowError: `/api/members/2**63` answered 500."""
    make_member(name="Sam Okafor")
    by_id = CompiledQuery(lambda member_id: User.objects.filter(pk=member_id), member_id=-1)
    for huge in (2**63, -(2**63) - 1, 2**64 * 10**6):
        assert by_id.fetch(member_id=huge) == []
    assert by_id.first(member_id=2**63 - 1) is None  # the largest bigint is sent, and not found


def test_the_converters_are_worked_out_once_per_connection(monkeypatch):
    """The ORM works out each column's converters for every query; a compiled read keeps
    those of its columns per database connection (issue 20: a tenth of its CPU). The rows are
    converted as before: aware datetimes, booleans."""
    from django.db.models.sql.compiler import SQLCompiler

    worked_out = []
    original = SQLCompiler.get_converters

    def counting(self, expressions):
        worked_out.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counting)
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(
        lambda member_id: User.objects.select_related("profile").filter(pk=member_id),
        member_id=-1,
    )
    first = compiled.first(member_id=sam.pk)
    worked_out.clear()
    second = compiled.first(member_id=thandi.pk)
    third = compiled.first(member_id=sam.pk)
    assert worked_out == []
    assert (first, second, third) == (sam, thandi, sam)
    assert third is not None
    assert third.date_joined == User.objects.get(pk=sam.pk).date_joined
    assert third.date_joined.tzinfo is not None
    assert third.is_active is True
    assert third.profile == sam.profile


def test_an_aware_datetime_is_a_value_sent_as_the_backend_sends_it():
    """A "since" compared with a date-time column (issue 20): on SQLite the ORM sends it as
    text in UTC, on PostgreSQL as it is; either way each fetch answers as the queryset."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    old, new = make_member(name="Old Member"), make_member(name="New Member")
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    User.objects.filter(pk=old.pk).update(date_joined=now - timedelta(days=30))
    User.objects.filter(pk=new.pk).update(date_joined=now - timedelta(hours=1))

    def joined_since(since: datetime):
        return (
            User.objects.filter(date_joined__gte=since).order_by("pk").values_list("pk", flat=True)
        )

    compiled = CompiledQuery(joined_since, since=datetime(2001, 2, 3, tzinfo=UTC))
    for since in [
        now - timedelta(days=60),
        now - timedelta(days=1),
        (now - timedelta(days=1)).astimezone(ZoneInfo("Asia/Tokyo")),
        now,
    ]:
        assert compiled.fetch(since=since) == list(joined_since(since))
    assert compiled.fetch(since=now - timedelta(days=1)) == [new.pk]
    with pytest.raises(TypeError):
        compiled.fetch(since=datetime(2026, 12, 1))  # noqa: DTZ001 - naive, refused
    with pytest.raises(TypeError):
        CompiledQuery(joined_since, since=datetime(2001, 2, 3))  # noqa: DTZ001


def test_an_aggregate_as_one_row_answers_as_aggregate_does_and_compiles():
    from django.db.models import Count, Q

    from mutuals.core.compiled import aggregated

    sam = make_member(name="Sam Okafor")
    make_member(name="Thandi Mokoena")

    def counts(name: str):
        return aggregated(
            User.objects.filter(is_active=True),
            total=Count("id"),
            named=Count("id", filter=Q(name=name)),
        )

    compiled = CompiledQuery(counts, name="stand-in")
    for name in ["Sam Okafor", "Nobody"]:
        expected = User.objects.filter(is_active=True).aggregate(
            total=Count("id"), named=Count("id", filter=Q(name=name))
        )
        assert compiled.fetch(name=name) == [expected]  # one row, not one per member
    User.objects.filter(pk=sam.pk).delete()
    User.objects.update(is_active=False)
    assert compiled.fetch(name="Sam Okafor") == [{"total": 0, "named": 0}]  # over no rows


def test_the_queryset_is_made_at_the_first_fetch_not_when_defined():
    """A module defines its compiled reads at import, before the registries their rules come
    from (`accounts.providers`) are filled: making the queryset then would fail."""
    ready: list[bool] = []

    def make(name: str):
        if not ready:
            raise AssertionError("made before the first fetch")
        return _members_named(name)

    compiled = CompiledQuery(make, name="stand-in")  # nothing made yet
    ready.append(True)
    sam = make_member(name="Sam Okafor")
    assert [member.pk for member in compiled.fetch(name="Sam Okafor")] == [sam.pk]


def test_each_shape_is_compiled_once_and_the_shapes_are_bounded():
    from dataclasses import dataclass

    from mutuals.core.compiled import CompiledShapes

    @dataclass(frozen=True)
    class Shape:
        active_only: bool

    made = []

    def statement(shape: Shape, name: str):
        made.append(shape)
        members = User.objects.filter(name=name)
        return members.filter(is_active=True) if shape.active_only else members

    shapes: CompiledShapes[Shape, User] = CompiledShapes(statement, {"name": "stand-in"}, bound=1)
    sam = make_member(name="Sam Okafor")
    User.objects.filter(pk=sam.pk).update(is_active=False)
    assert shapes.fetch(Shape(active_only=True), name="Sam Okafor") == []
    assert [m.pk for m in shapes.fetch(Shape(active_only=False), name="Sam Okafor")] == [sam.pk]
    compilations = len(made)
    assert [m.pk for m in shapes.fetch(Shape(active_only=False), name="Sam Okafor")] == [sam.pk]
    assert len(made) == compilations  # the kept shape: no new queryset
    shapes.fetch(Shape(active_only=True), name="Sam Okafor")
    assert len(made) > compilations  # the bound of 1 had dropped it


def _ids_of(ids: str):
    return User.objects.filter(in_ids("pk", ids)).order_by("pk").values_list("pk", flat=True)


def test_in_ids_reads_any_number_of_ids_with_one_compiled_statement():
    """`in_ids` (issue 20): one `%s` parameter for all the ids, so the statement compiles
    once and is the same for one id or many (Django's `__in` writes one `%s` per value)."""
    members = [make_member(name=f"Member {index}") for index in range(5)]
    ids = [m.pk for m in members]
    made = []

    def make(ids: str):
        made.append(ids)
        return _ids_of(ids)

    compiled = CompiledQuery(make, ids="-1,-2")
    for chosen in ([ids[0]], ids[1:4], ids, [], [ids[0], -5, 10**12]):
        with CaptureQueriesContext(connection) as captured:
            assert compiled.fetch(ids=ids_text(chosen)) == sorted(set(chosen) & set(ids))
        assert len(captured) == 1
    assert len(made) == 3  # the template, then one compilation (twice: the slots)
    plain = User.objects.filter(in_ids("pk", ids[:2])).values_list("pk", flat=True)
    assert sorted(plain) == sorted(ids[:2])


def test_ids_text_takes_only_integers():
    assert ids_text([3, 1, 2]) == "3,1,2"
    assert ids_text([]) == ""
    with pytest.raises(ValueError, match="invalid literal"):
        ids_text(["1) OR (1=1"])  # type: ignore[list-item]


def test_member_cards_are_the_active_members_with_their_topics_in_order():
    sam = make_member(name="Sam Okafor", photo_key="abc123")
    thandi = make_member(name="Thandi Mokoena")
    gone = make_member(name="Gone Member", is_active=False)
    risk = Topic.objects.create(slug="risk", name="risk")
    agile = Topic.objects.create(slug="agile", name="Agile")
    sam.profile.topics.set([risk, agile])
    sam.profile.headline, sam.profile.company, sam.profile.title = "Builds teams", "Acme", "CTO"
    sam.profile.save()
    with CaptureQueriesContext(connection) as captured:
        cards = member_cards([sam.pk, thandi.pk, gone.pk, sam.pk])
    assert len(captured) == 2  # the rows and their topics, whatever the number of ids
    assert set(cards) == {sam.pk, thandi.pk}
    assert cards[sam.pk] == MemberCard(
        id=sam.pk,
        name="Sam Okafor",
        photo_key="abc123",
        headline="Builds teams",
        company="Acme",
        title="CTO",
        topics=("Agile", "risk"),  # the topics' own order: by name, case aside
    )
    assert cards[thandi.pk].topics == ()
    loaded = User.objects.select_related("profile").prefetch_related("profile__topics")
    assert MemberCard.of(loaded.get(pk=sam.pk)) == cards[sam.pk]
    assert member_cards([]) == {}


def test_a_stand_in_the_orm_knows_matches_nothing_is_refused_by_name():
    """A negative stand-in for a PositiveIntegerField: the ORM sends no statement at all
    (EmptyResultSet), which used to fail every page's code-of-conduct check on PostgreSQL."""
    sam = make_member(name="Sam Okafor")
    compiled = CompiledQuery(
        lambda member_id, version: ConductAcceptance.objects.filter(
            user_id=member_id, version=version
        ),
        member_id=-1,
        version=-2,
    )
    with pytest.raises(ValueError, match="stand-in outside its field's range"):
        compiled.fetch(member_id=sam.pk, version=1)


def _values_reads(member_id: int):
    """A read of each values kind with columns the backends convert (an aware datetime and a
    boolean on SQLite), an annotation, and one whose ordering column is selected only to
    order by (`distinct`: the ORM adds it after the values, and leaves it out of the rows)."""
    mine = User.objects.filter(pk__gte=member_id)
    return {
        "dict": mine.values("name", "date_joined", "is_active").order_by("pk"),
        "tuple": mine.values_list("name", "date_joined", "is_active").order_by("pk"),
        "flat": mine.values_list("date_joined", flat=True).order_by("pk"),
        "annotated": mine.annotate(n=Count("experiences")).values("name", "n").order_by("pk"),
        "extra ordering": mine.values_list("name").order_by("-date_joined").distinct(),
    }


@pytest.mark.parametrize("kind", ["dict", "tuple", "flat", "annotated", "extra ordering"])
def test_a_values_read_gives_what_the_queryset_gives(kind):
    """`.values()` and `.values_list()` reads make their rows from one cursor, without the
    ORM's queryset copy and iterables (issue 20): the rows are the ORM's own, converters
    applied, and the statement passes through the connection's execute wrappers."""
    sam = make_member(name="Sam Okafor")
    make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(lambda member_id: _values_reads(member_id)[kind], member_id=-1)
    compiled.fetch(member_id=sam.pk)
    counted = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        rows = compiled.fetch(member_id=sam.pk)
    assert rows == list(_values_reads(sam.pk)[kind])
    assert len(counted) == 1
    assert len(rows) == 2
    first = rows[0]
    if kind in ("dict", "tuple", "flat"):
        joined = first if kind == "flat" else (first["date_joined"] if kind == "dict" else first[1])
        assert joined.tzinfo is not None  # converted on SQLite, as the ORM converts it
    if kind == "tuple":
        assert first[2] is True
        assert type(first) is tuple
    if kind == "extra ordering":
        assert all(len(row) == 1 for row in rows)  # the ordering column is left out


def test_a_values_read_makes_no_queryset_copy(monkeypatch):
    """What the values path saves: the template queryset is not copied for each fetch (the
    ORM's clone deep-copies parts of the query), nor run through the ORM's values iterable."""
    from django.db.models import QuerySet
    from django.db.models.query import ValuesIterable

    sam = make_member(name="Sam Okafor")
    compiled = CompiledQuery(
        lambda member_id: User.objects.filter(pk=member_id).values("name"), member_id=-1
    )
    compiled.fetch(member_id=sam.pk)

    def refuse(*args, **kwargs):
        raise AssertionError("the values path copied a queryset or used the ORM's iterable")

    monkeypatch.setattr(QuerySet, "_clone", refuse)
    monkeypatch.setattr(ValuesIterable, "__iter__", refuse)
    assert compiled.fetch(member_id=sam.pk) == [{"name": "Sam Okafor"}]


def test_model_rows_come_from_a_copy_that_leaves_the_template_as_it_was():
    """Model rows still come through the ORM, from a shallow copy of the template whose query
    answers with the compiled SQL: the template keeps its own query and is never evaluated."""
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    compiled = CompiledQuery(
        lambda member_id: User.objects.select_related("profile").filter(pk=member_id),
        member_id=-1,
    )
    assert compiled.fetch(member_id=sam.pk) == [sam]
    assert compiled.fetch(member_id=thandi.pk) == [thandi]
    template = compiled._template
    assert template is not None
    assert template._result_cache is None
    assert type(template.query) is not _PrecompiledQuery
    assert compiled.fetch(member_id=sam.pk)[0].profile == sam.profile
