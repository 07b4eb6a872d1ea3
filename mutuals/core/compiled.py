"""Reads whose SQL the ORM compiles once per process (issue 20).

Building a queryset and compiling it to SQL costs far more than PostgreSQL takes to answer a
lookup by key: for the API token check every request makes, about 1.6 ms of the server's CPU
against 0.3 ms to send the query and read its row. A query that runs on every request with
only its values changing is written once with the ORM, as usual, and wrapped:

    _token = CompiledQuery(
        lambda token_hash: ApiToken.objects.select_related("user").filter(token_hash=token_hash),
        token_hash="stand-in",
    )
    rows = _token.fetch(token_hash=digest)  # a list of ApiToken, their users loaded

The first `fetch` on a database alias builds the queryset with the stand-in values, compiles
it, and remembers the SQL, where each stand-in's value sits among the parameters, and what
the compiler worked out about the columns. Later calls put the new values in those places
and let the ORM run the query and make the rows into instances as it always does:
select_related, prefetch_related, annotations and converters behave as with the plain
queryset. A `.values()` or `.values_list()` read goes one step further: its rows are made
from one cursor as Django's values iterables make them (the same converters, dicts, tuples
or single values), without a copy of the queryset or the ORM's iterables. The alias comes
from the database routers at each call, so reads still go to a replica when `core.replicas`
sends them there.

What can be compiled: a queryset whose SQL does not change with its values, each value a
`str` or an `int` compared as it is (a key, a hash, a number; not a list for `__in`), or an
aware `datetime` compared with a date-time column (sent as the driver takes it: the backend's
own adaptation, text in UTC on SQLite), such as a "since" or a "now". A value may be used
several times in the query (a member on either side of a pair, in a subquery too). The
slots are found by compiling the queryset twice, with the stand-ins and with other values:
the parameters that differ, and only those, are the values' places, so a constant that
happens to equal a stand-in stays a constant (a value the ORM wraps, as psycopg's `Int8` for
an integer in some subqueries on PostgreSQL, is wrapped alike at each fetch). A
query whose SQL changes with the values, a stand-in found nowhere among the parameters (the
ORM sent something made from it, such as `%x%`), or two stand-ins of the same value are
refused when first compiled (`ValueError`), so a query this cannot handle fails loudly in the
first test that runs it, never silently.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Lookup
from django.db.models import Value as SqlValue
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable
from django.db.models.sql import Query

# What the compiler works out in `pre_sql_setup` and the iterables read after `execute_sql`.
_COMPILER_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # (value's name, index among the parameters, the type the ORM wrapped it in or None: on
    # PostgreSQL an integer compared in some subqueries is sent as psycopg's Int8).
    slots: tuple[tuple[str, int, type | None], ...]
    state: dict[str, Any]
    # How a `.values()` or `.values_list()` read makes its rows without the ORM's iterables
    # ("dict" with `names`, "tuple" or "flat"), or None for model instances (see `fetch`).
    rows_as: str | None = None
    names: tuple[str, ...] = ()
    # The converters of the selected columns, worked out at the first fetch on each database
    # connection (they are the connection's own methods, and connections are per thread):
    # the ORM works them out again for every query, about a tenth of a compiled read's CPU.
    converters: weakref.WeakKeyDictionary[Any, dict[int, Any]] = field(
        default_factory=weakref.WeakKeyDictionary, compare=False
    )

    def params_for(self, values: dict[str, Any]) -> tuple[Any, ...]:
        params = list(self.params)
        for name, index, wrap in self.slots:
            params[index] = values[name] if wrap is None else wrap(values[name])
        return tuple(params)


class _PrecompiledQuery(Query):
    """A query whose compiler answers with SQL compiled earlier. Made inside `fetch` and
    evaluated there, so nothing can refine it (a refined copy would be compiled anew, with the
    stand-in values still in it: `clone` refuses)."""

    compiled: _Compiled
    compiled_params: tuple[Any, ...]

    def get_compiler(
        self, using: Any = None, connection: Any = None, elide_empty: bool = True
    ) -> Any:
        compiler = super().get_compiler(using, connection, elide_empty)
        compiled = self.compiled
        compiler.__dict__.update(compiled.state)
        sql, params = compiled.sql, self.compiled_params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        work_out = compiler.get_converters
        selected = [
            column for column, _, _ in compiled.state["select"][: compiled.state["col_count"]]
        ]

        def get_converters(expressions: list[Any]) -> dict[int, Any]:
            if len(expressions) != len(selected) or any(
                mine is not theirs for mine, theirs in zip(expressions, selected, strict=True)
            ):  # only the selected columns' converters are kept
                return cast(dict[int, Any], work_out(expressions))
            converters = compiled.converters.get(compiler.connection)
            if converters is None:
                converters = work_out(expressions)
                compiled.converters[compiler.connection] = converters
            return converters

        compiler.get_converters = get_converters
        return compiler

    def clone(self) -> Query:
        raise TypeError("a compiled query cannot be refined; change the queryset it was made from")


type Value = str | int | datetime


_NOTHING = object()


def _same_constant(param: Any, other: Any) -> bool:
    """Whether a parameter is the same in both compilations: equal, or a driver's wrapper
    around equal values (psycopg's `Binary` for a bytes constant compares by identity, so
    two compilations of `minhash=b""` would otherwise look like a value's place)."""
    if type(param) is not type(other):
        return False
    if param == other:
        return True
    wrapped = getattr(param, "obj", _NOTHING)
    return wrapped is not _NOTHING and wrapped == getattr(other, "obj", _NOTHING)


def _sent(value: Value, alias: str) -> Any:
    """What the ORM sends for a value compared with a column: an aware datetime as the
    database's driver takes it (SQLite: text in UTC), anything else as it is."""
    if isinstance(value, datetime):
        return connections[alias].ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery[Row]:
    """A read compiled once per process and database alias; see the module docstring. `Row`
    is what it yields: a model instance, or a dict for `.values()`."""

    def __init__(self, make: Callable[..., models.QuerySet[Any, Row]], **stand_ins: Value):
        for name, value in stand_ins.items():
            if type(value) not in (str, int, datetime):
                raise TypeError(f"the stand-in for {name!r} must be a str, an int or a datetime")
            if isinstance(value, datetime) and value.tzinfo is None:
                raise TypeError(f"the stand-in for {name!r} must be an aware datetime")
        if len(set(stand_ins.values())) != len(stand_ins):
            raise ValueError("two stand-ins have the same value: give each its own")
        self._make = make
        self._stand_ins = stand_ins
        # Made at the first fetch, not here: a module may define its compiled reads at import,
        # before the apps' registries (`accounts.providers`) that a query's rules come from
        # are filled.
        self._template: models.QuerySet[Any, Row] | None = None
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._make(**self._stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            # The ORM sends nothing for a lookup it knows matches nothing, such as a value
            # outside the field's range (a negative stand-in for a PositiveIntegerField).
            raise ValueError(
                "the query with its stand-ins matches nothing before it reaches the database "
                f"(a stand-in outside its field's range?): {self._stand_ins}"
            ) from None
        # The same query with other values: the parameters that changed are the slots.
        others = {name: _other(value) for name, value in self._stand_ins.items()}
        other_sql, other_params = self._make(**others).query.get_compiler(using=alias).as_sql()
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("the query's SQL changes with its values: it cannot be compiled")
        owner = {
            (_sent(value, alias), _sent(others[name], alias)): name
            for name, value in self._stand_ins.items()
        }
        slots = []
        for index, (param, other) in enumerate(zip(params, other_params, strict=True)):
            if _same_constant(param, other):
                continue  # a constant
            name = owner.get((param, other))
            sent = None if name is None else type(_sent(self._stand_ins[name], alias))
            if sent is None or not isinstance(param, sent):
                raise ValueError(
                    f"parameter {index} ({param!r}) changes with the values but is none of "
                    "them as it is: the ORM made something of a value"
                )
            slots.append((cast(str, name), index, None if type(param) is sent else type(param)))
        for name, value in self._stand_ins.items():
            if name not in {found for found, _, _ in slots}:
                raise ValueError(
                    f"the stand-in {value!r} for {name!r} is among the compiled parameters "
                    "0 times: the ORM sends something made from it, which cannot be compiled"
                )
        state = {key: getattr(compiler, key) for key in _COMPILER_STATE}
        rows_as, names = _rows_as(queryset, compiler)
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            state=state,
            rows_as=rows_as,
            names=names,
        )

    def fetch(self, **values: Value) -> list[Row]:
        """The rows for these values: model instances, or what `.values()` and the like give."""
        if values.keys() != self._stand_ins.keys():
            raise TypeError(f"values for exactly {sorted(self._stand_ins)} are needed")
        for name, value in values.items():
            if type(value) is not type(self._stand_ins[name]):
                raise TypeError(f"{name!r} must be a {type(self._stand_ins[name]).__name__}")
            if isinstance(value, int) and not _BIGINT_MIN <= value <= _BIGINT_MAX:
                # No integer column holds it, so nothing matches (the ORM's own lookups answer
                # so too); sent as it is, SQLite's driver would raise OverflowError (a 500 for
                # `/api/members/9223372036854775808`).
                return []
            if isinstance(value, datetime) and value.tzinfo is None:
                raise TypeError(f"{name!r} must be an aware datetime")
        template = self._template
        if template is None:
            template = self._template = self._make(**self._stand_ins)
        alias = template.db
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        params = compiled.params_for({name: _sent(value, alias) for name, value in values.items()})
        if compiled.rows_as is not None:
            return cast(list[Row], _read_values(template, compiled, alias, params))
        return list(_precompiled(template, alias, compiled, params))

    def first(self, **values: Value) -> Row | None:
        rows = self.fetch(**values)
        return rows[0] if rows else None


def _rows_as(
    queryset: models.QuerySet[Any, Any], compiler: Any
) -> tuple[str | None, tuple[str, ...]]:
    """How `_read_values` makes this queryset's rows, or None where the ORM must (model
    instances, prefetches, composite fields, an iterable of its own such as `named=True`)."""
    selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
    if queryset.__dict__["_prefetch_related_lookups"] or compiler.has_composite_fields(selected):
        return None, ()
    kind = queryset._iterable_class
    if kind is FlatValuesListIterable:
        return "flat", ()
    if kind is ValuesListIterable:
        return "tuple", ()
    if kind is ValuesIterable:
        query = queryset.query
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        return "dict", tuple(names)
    return None, ()


def _read_values(
    template: models.QuerySet[Any, Any], compiled: _Compiled, alias: str, params: tuple[Any, ...]
) -> list[Any]:
    """The rows of a compiled `.values()` / `.values_list()` read, made as Django's values
    iterables make them (the same converters, the same dicts, tuples or single values), from
    one cursor of the alias's connection: its execute wrappers (the query counter, the
    telemetry) and error translation apply as to any query. Skipping the queryset copy, the
    compiler and the iterables saves about a quarter of what a compiled read of a few values
    costs in Python (167 → 124 µs for one aggregate row on PostgreSQL, measured in-process;
    the same SQL on a bare cursor: 115 µs)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows: list[Any] = cursor.fetchall()
    state = compiled.state
    if state["has_extra_select"]:  # ordering columns the ORM selected after the values
        rows = [row[: state["col_count"]] for row in rows]
    converters = compiled.converters.get(connection)
    if converters is None:
        selected = [column for column, _, _ in state["select"][: state["col_count"]]]
        converters = template.query.get_compiler(using=alias).get_converters(selected)
        compiled.converters[connection] = converters
    if converters:
        by_position = list(converters.items())
        converted = []
        for row in rows:
            values = list(row)
            for position, (functions, expression) in by_position:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            converted.append(values)
        rows = converted
    if compiled.rows_as == "flat":
        return [row[0] for row in rows]
    if compiled.rows_as == "tuple":
        return [tuple(row) for row in rows] if converters else rows
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in rows]


def _precompiled(
    template: models.QuerySet[Any, Any], alias: str, compiled: _Compiled, params: tuple[Any, ...]
) -> models.QuerySet[Any, Any]:
    """A fresh copy of the template queryset on `alias` whose query answers with the compiled
    SQL. A shallow copy, not `template.using(alias)`: the ORM's clone copies the where tree
    and deep-copies `select_related`, which the compiled SQL makes useless, and nothing can
    change the shared parts (the copy's query refuses to be cloned, and the template is never
    evaluated)."""
    query = object.__new__(_PrecompiledQuery)
    query.__dict__ = template.query.__dict__.copy()
    query.compiled = compiled
    query.compiled_params = params
    queryset = object.__new__(type(template))
    queryset.__dict__ = template.__dict__ | {
        "_db": alias,
        "_query": query,
        "_result_cache": None,
        "_prefetch_done": False,
    }
    return queryset


class CompiledShapes[Shape, Row]:
    """A statement whose SQL depends on a few choices (its `Shape`: a frozen dataclass, say
    whether a filter or a cursor is present, and a page's length), compiled once per process
    and shape: `statement(shape, **values)` makes the queryset, `stand_ins` names a stand-in
    for every value any shape takes, and each shape's `CompiledQuery` is made at its first
    fetch with the stand-ins of the values given. At most `bound` shapes are kept (all are
    dropped when one more comes): a guard, since a shape's fields come from a request."""

    def __init__(
        self,
        statement: Callable[..., models.QuerySet[Any, Row]],
        stand_ins: dict[str, Value],
        *,
        bound: int = 512,
    ) -> None:
        self._statement = statement
        self._stand_ins = stand_ins
        self._bound = bound
        self._compiled: dict[Shape, CompiledQuery[Row]] = {}

    def fresh(self) -> CompiledShapes[Shape, Row]:
        """The same statement with nothing compiled yet, as a new process has it (tests)."""
        return CompiledShapes(self._statement, self._stand_ins, bound=self._bound)

    def fetch(self, shape: Shape, **values: Value) -> list[Row]:
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= self._bound:
                self._compiled.clear()
            stand_ins = {name: self._stand_ins[name] for name in values}
            compiled = self._compiled.setdefault(
                shape, CompiledQuery(functools.partial(self._statement, shape), **stand_ins)
            )
        return compiled.fetch(**values)


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _other(value: Value) -> Value:
    """A value of the same type as a stand-in and different from it."""
    if isinstance(value, str):
        return value + "\u2063other"
    if isinstance(value, datetime):
        return value + timedelta(days=1, seconds=7919)
    return value - 7919 if value > 0 else value + 7919


def aggregated(queryset: models.QuerySet[Any], **aggregates: Any) -> models.QuerySet[Any, Any]:
    """`queryset.aggregate(**aggregates)` as a queryset of one row (a dict), which a
    `CompiledQuery` can compile (`aggregate` runs at once and returns a dict): grouped by a
    constant, which the ORM leaves out of the SQL, so the database folds every row into one
    (and answers one row for none too, with counts of 0)."""
    grouped = (
        queryset.order_by()
        .annotate(whole_=models.Value(1, output_field=models.IntegerField()))
        .values("whole_")
        .annotate(**aggregates)
    )
    return cast(models.QuerySet[Any, Any], grouped.values(*aggregates))


def prefetched(instance: models.Model, name: str, rows: list[Any]) -> None:
    """Keep `rows` as what `instance.<name>.all()` gives, as `prefetch_related` does, for a
    related list read with a compiled query (a many-to-many field or a reverse foreign key)."""
    manager = getattr(instance, name)
    cached: models.QuerySet[Any, Any] = models.QuerySet(model=manager.model)
    cached._result_cache = rows
    cached._prefetch_done = True  # type: ignore[attr-defined]
    cache_name = (
        getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    )
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    instance._prefetched_objects_cache[cache_name] = cached  # type: ignore[attr-defined]


class InIds(Lookup):
    """`column IN (ids)` with the ids as one text parameter, so that the statement's SQL is the
    same whatever their number and a `CompiledQuery` can compile it (Django's `__in` writes
    one `%s` parameter marker per value): `filter(in_ids("pk", ids))`, or `in_ids("pk",
    stand_in)` with a stand-in string where the query is compiled (`lhs` and `rhs` are the
    ORM's own compiled column and `%s` marker, never text from a request). PostgreSQL
    compares with `= ANY` of the array the text makes (an index scan, as `IN` gives); SQLite
    reads the ids with `json_each`."""

    lookup_name = "in_ids"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            sql = f"{lhs} = ANY(string_to_array({rhs}, ',')::bigint[])"
        else:
            sql = f"{lhs} IN (SELECT value FROM json_each('[' || {rhs} || ']'))"  # noqa: S608
        return sql, (*lhs_params, *rhs_params)


def ids_text(ids: Iterable[int]) -> str:
    """The text `InIds` takes: the ids, comma-separated ("" for none). Each is made an `int`
    first, so nothing but digits and signs reaches the statement."""
    return ",".join(str(int(member_id)) for member_id in ids)


def in_ids(column: str, ids: Iterable[int] | str) -> InIds:
    """`InIds` on a column, from ids or a compiled query's stand-in text."""
    return InIds(models.F(column), SqlValue(ids if isinstance(ids, str) else ids_text(ids)))
