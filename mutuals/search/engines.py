"""The engine choice, in one place: PostgreSQL full-text search or SQLite FTS5.

Each kind of result has an `Index` (what text, from which table, with which weight); the
engine of the database in use turns a search's words (`query.Terms`) into its two query
texts for a kind (`texts`: the one that finds rows, the last word a prefix, and the exact
one) and SQL the selectors put into ordinary querysets: `condition` (does this row match),
`rank` (how well: higher is better) and `ids` (the matching ids, as a subquery). The texts
are the SQL's only parameters, so a statement compiled once serves every search
(`search.selectors`). Nothing else in the code base knows which engine runs.

- **PostgreSQL**: a text search configuration `mutuals_search` (the `simple` parser and
  dictionary, after `unaccent`: no stemming, names stay names; case and accents folded). A
  stored generated `tsvector` column `search_vector` on posts, events, messages and member
  documents, with a GIN index: the database keeps it current on every write, whoever
  writes. Stored rather than an expression index because a search reads it for rows the
  index did not find (the planner walks the newest rows for a common prefix) and ranks
  every candidate: parsing the text again costs about 40 µs a row, which made an events
  search over 5,000 rows take 0.8 s. (A generated column forbids changing the type of the
  columns it reads: a migration that changes, say, `Event.title`'s length on PostgreSQL
  drops the column first and runs `engines.postgres_install` again.) Queries are
  `to_tsquery` of quoted prefixes, ranked by `ts_rank` with weights A–D.
- **SQLite**: an external-content FTS5 table per kind (tokenizer `unicode61 remove_diacritics
  2`, prefix indexes for 2 and 3 characters) kept by triggers on the source table, so every
  write path keeps it (services, the admin, bulk updates, cascading deletes) without knowing
  about search. Django remakes a SQLite table to alter it, which drops its triggers:
  `sqlite_triggers_ensure` runs after every `migrate` and puts back missing triggers and
  rebuilds that index. Ranked by `bm25` with the same column weights.

Both rank a word matched whole above one matched as a prefix (the rank of the exact query
is added, `EXACT_BONUS` times), so "ana" puts Ana Ferreira before Anastasia, and before
"Marta Analytics-Analyst" whose name holds the prefix three times.
"""

# Every SQL text here is built from the constants of `INDEXES`; what a member typed reaches the
# database only as a bind parameter (and only as words: core/search_terms.py).
# ruff: noqa: S608, S611

from __future__ import annotations

import bisect
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection as default_connection
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Field, FloatField, QuerySet, Subquery
from django.db.models.expressions import Expression, RawSQL
from django.db.models.sql.compiler import SQLCompiler

from mutuals.core.search_terms import Terms

CONFIG = "mutuals_search"
VECTOR = "search_vector"
# Column weights: bm25's multipliers on SQLite for PostgreSQL's A, B, C, D.
BM25_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
EXACT_BONUS = 4


class Kind(StrEnum):
    MEMBERS = "members"
    POSTS = "posts"
    EVENTS = "events"
    MESSAGES = "messages"


@dataclass(frozen=True)
class Index:
    """A kind's text: `columns` (name, weight) of `source`, whose `source_key` is the id of
    the result row in `table`."""

    table: str
    source: str
    source_key: str
    columns: tuple[tuple[str, str], ...]
    fts: str  # SQLite: the FTS5 table
    # The shortest last word matched as a prefix (shorter: matched whole). A prefix of two
    # letters gathers a large part of a million posts' index on every keystroke.
    min_prefix: int = 3

    @property
    def separate(self) -> bool:
        return self.source != self.table


INDEXES: dict[Kind, Index] = {
    Kind.MEMBERS: Index(
        table="accounts_user",
        source="search_memberdocument",
        source_key="member_id",
        columns=(("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")),
        fts="search_member_fts",
        min_prefix=2,
    ),
    Kind.POSTS: Index(
        table="feed_post",
        source="feed_post",
        source_key="id",
        columns=(("body", "A"),),
        fts="search_post_fts",
    ),
    Kind.EVENTS: Index(
        table="events_event",
        source="events_event",
        source_key="id",
        columns=(("title", "A"), ("description", "B"), ("place", "C")),
        fts="search_event_fts",
    ),
    Kind.MESSAGES: Index(
        table="messaging_message",
        source="messaging_message",
        source_key="id",
        columns=(("text", "A"),),
        fts="search_message_fts",
    ),
}


@dataclass(frozen=True)
class Texts:
    """A search's words as one engine's queries for one kind: `match` finds the rows (the last
    word a prefix when it is long enough for that index), `exact` ranks whole words higher."""

    match: str
    exact: str


class RowSQL(Expression):
    """SQL about the row of the query it is put in, written with `{pk}` (the row's id) and
    `{table}` (its table), both as that query names them: a query used as a subquery renames
    its tables ("V0"), and SQL naming the table itself would reach the outer query's row (a
    correlated subquery run once per row of the outer table)."""

    contains_aggregate = False

    def __init__(self, sql: str, params: list[Any], output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params
        self.pk: Any = F("pk")  # resolved to the row's id column by the query

    def get_source_expressions(self) -> list[Any]:
        return [self.pk]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.pk,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        table = pk_sql.rsplit(".", 1)[0]
        return self.sql.format(pk=pk_sql, table=table), (*pk_params, *self.params)


class AmongIds(Expression):
    """The row's id is one of `ids` (a query of ids). On PostgreSQL `= ANY(ARRAY(…))`: the
    ids are gathered once and each read by the primary key, where `IN (…)` may make the
    planner read a whole table to join it with a few hundred candidates."""

    contains_aggregate = False
    output_field = BooleanField()

    def __init__(self, ids: QuerySet[Any, Any]) -> None:
        super().__init__()
        self.pk: Any = F("pk")  # resolved to the row's id column by the query
        self.ids = Subquery(ids)

    def get_source_expressions(self) -> list[Any]:
        return [self.pk, self.ids]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.pk, self.ids = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        ids_sql, ids_params = compiler.compile(self.ids)
        if connection.vendor == "postgresql":
            return f"{pk_sql} = ANY(ARRAY{ids_sql})", (*pk_params, *ids_params)
        return f"{pk_sql} IN {ids_sql}", (*pk_params, *ids_params)


class Engine(Protocol):
    def texts(self, kind: Kind, terms: Terms) -> Texts: ...

    def condition(
        self, kind: Kind, texts: Texts, *, walk: bool = False, source: bool = False
    ) -> RowSQL:
        """Does the row match: a row of the kind's table, or with `source` of its index's
        source table (members: a document). `walk`: the same test, asked of each row read
        rather than answered by the index."""
        ...

    def share(self, kind: Kind, terms: Terms) -> float: ...

    def rank(self, kind: Kind, texts: Texts) -> RowSQL: ...

    def ids(self, kind: Kind, terms: Terms) -> RawSQL: ...


def engine(connection: BaseDatabaseWrapper | None = None) -> Engine:
    """The engine of the database in use (the only place that asks which one it is)."""
    vendor = (connection or default_connection).vendor
    if vendor == "postgresql":
        return PostgresEngine()
    if vendor == "sqlite":
        return SqliteEngine()
    # mutuals runs on SQLite and PostgreSQL only (config/settings/base.py reads DATABASE_URL).
    raise ImproperlyConfigured(f"Search has no engine for {vendor}: use SQLite or PostgreSQL.")


def _q(name: str) -> str:
    return f'"{name}"'


# --- PostgreSQL --------------------------------------------------------------------------------


def _column(alias: str, column: str) -> str:
    """A column, qualified by its table's alias unless none is given (inside DDL)."""
    return f"{alias}.{_q(column)}" if alias else _q(column)


def _pg_vector_expr(index: Index, alias: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({_column(alias, column)}, '')), "
        f"'{weight}')"
        for column, weight in index.columns
    )


def _pg_vector(index: Index, alias: str) -> str:
    return _column(alias, VECTOR)


def _prefixed(index: Index, terms: Terms) -> list[tuple[str, bool]]:
    """Each word, and whether it is matched as a prefix: only the last one (the word being
    typed; those before it are finished), when it is long enough for this index."""
    last = len(terms.words) - 1
    return [
        (word, n == last and len(word) >= index.min_prefix) for n, word in enumerate(terms.words)
    ]


def _braces(sql: str) -> str:
    """`sql` inside a `RowSQL` template, its own braces kept."""
    return sql.replace("{", "{{").replace("}", "}}")


def _pg_prefix(index: Index, terms: Terms) -> str:
    return " & ".join(f"'{w}':*" if p else f"'{w}'" for w, p in _prefixed(index, terms))


def _pg_exact(terms: Terms) -> str:
    return " & ".join(f"'{word}'" for word in terms.words)


class PostgresEngine:
    def texts(self, kind: Kind, terms: Terms) -> Texts:
        return Texts(_pg_prefix(INDEXES[kind], terms), _pg_exact(terms))

    def condition(
        self, kind: Kind, texts: Texts, *, walk: bool = False, source: bool = False
    ) -> RowSQL:
        index = INDEXES[kind]
        if index.separate and not source:
            return RowSQL(
                f"{{pk}} IN ({_braces(self._ids_sql(index))})",
                [texts.match],
                output_field=BooleanField(),
            )
        # `ts_match_vq` is the function behind `@@`: the same test of each row, but no index
        # answers a function call, so the planner reads the newest rows by primary key and
        # asks it of each (`walk`) instead of gathering every match from the GIN index.
        match = "ts_match_vq({vector}, {query})" if walk else "{vector} @@ {query}"
        return RowSQL(
            match.format(vector=f"{{table}}.{_q(VECTOR)}", query=f"to_tsquery('{CONFIG}', %s)"),
            [texts.match],
            output_field=BooleanField(),
        )

    def share(self, kind: Kind, terms: Terms) -> float:
        """About which share of the kind's rows match: PostgreSQL's own statistics of the
        column (`ANALYZE` keeps the most common lexemes of a `tsvector` column and the share
        of rows holding each, `pg_stats.most_common_elems`), the words taken as
        independent. A word the statistics do not list counts as rare (0), as does a prefix
        none of whose listed lexemes is: a low estimate only keeps the index's plan."""
        shares = _lexeme_shares(INDEXES[kind])
        estimate = 1.0
        for word, prefix in _prefixed(INDEXES[kind], terms):
            estimate *= shares.of(_unaccent(word), prefix=prefix)
        return estimate

    def rank(self, kind: Kind, texts: Texts) -> RowSQL:
        index = INDEXES[kind]
        vector = _pg_vector(index, "search_doc") if index.separate else f"{{table}}.{_q(VECTOR)}"
        score = (
            f"ts_rank({vector}, to_tsquery('{CONFIG}', %s)) "
            f"+ {EXACT_BONUS} * ts_rank({vector}, to_tsquery('{CONFIG}', %s))"
        )
        if index.separate:
            score = (
                f"(SELECT {score} FROM {_q(index.source)} search_doc "
                f"WHERE search_doc.{_q(index.source_key)} = {{pk}})"
            )
        return RowSQL(score, [texts.match, texts.exact], output_field=FloatField())

    def ids(self, kind: Kind, terms: Terms) -> RawSQL:
        index = INDEXES[kind]
        return RawSQL(self._ids_sql(index), [_pg_prefix(index, terms)])

    def _ids_sql(self, index: Index) -> str:
        return (
            f"SELECT {_q(index.source_key)} FROM {_q(index.source)} "
            f"WHERE {_pg_vector(index, _q(index.source))} @@ to_tsquery('{CONFIG}', %s)"
        )


# How long a process keeps a table's lexeme statistics before reading them again: they move
# only when the table is analyzed (autovacuum, after a tenth or so of it changed).
SHARES_TTL = 600.0


@dataclass(frozen=True)
class Shares:
    """The most common lexemes of a column, sorted, and the share of rows holding each."""

    lexemes: tuple[str, ...] = ()
    shares: tuple[float, ...] = ()

    def of(self, word: str, *, prefix: bool) -> float:
        """The share of rows holding `word`, or as a prefix any listed lexeme it begins
        (their shares summed, at most 1: words of one prefix seldom share a row); 0 for a
        word the statistics do not list."""
        at = bisect.bisect_left(self.lexemes, word)
        if not prefix:
            found = at < len(self.lexemes) and self.lexemes[at] == word
            return self.shares[at] if found else 0.0
        total = 0.0
        while at < len(self.lexemes) and self.lexemes[at].startswith(word):
            total += self.shares[at]
            at += 1
        return min(total, 1.0)


_shares: dict[tuple[str, str], tuple[float, Shares]] = {}


def _lexeme_shares(index: Index) -> Shares:
    """The statistics of the index's column, read at most once a `SHARES_TTL` per process
    (nothing before the table was first analyzed)."""
    key = (default_connection.alias, index.source)
    now = time.monotonic()
    cached = _shares.get(key)
    if cached is not None and now - cached[0] <= SHARES_TTL:
        return cached[1]
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [index.source, VECTOR],
        )
        row = cursor.fetchone()
    pairs = sorted(zip(row[0] or (), row[1] or (), strict=False)) if row else []
    shares = Shares(tuple(p[0] for p in pairs), tuple(float(p[1]) for p in pairs))
    _shares[key] = (now, shares)
    return shares


def _unaccent(word: str) -> str:
    """A word as the `mutuals_search` configuration stores it: accents taken off (the
    statistics' lexemes are unaccented; an odd letter `unaccent` folds otherwise only makes
    the estimate miss, never a result)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def postgres_install(connection: BaseDatabaseWrapper) -> None:
    """The configuration, the generated columns and the GIN indexes (a migration runs it)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG} CASCADE")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
            "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, "
            "numhword, hword_numpart WITH unaccent, simple"
        )
        for index in INDEXES.values():
            cursor.execute(
                f"ALTER TABLE {_q(index.source)} ADD COLUMN {VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({_pg_vector_expr(index, '')}) STORED"
            )
            cursor.execute(
                f"CREATE INDEX {index.source}_search ON {_q(index.source)} "
                f"USING gin ({_pg_vector(index, '')})"
            )


def postgres_uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            cursor.execute(f"DROP INDEX IF EXISTS {index.source}_search")
            cursor.execute(f"ALTER TABLE {_q(index.source)} DROP COLUMN IF EXISTS {VECTOR}")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


# --- SQLite ------------------------------------------------------------------------------------


def _fts_prefix(index: Index, terms: Terms) -> str:
    return " ".join(f'"{w}"*' if p else f'"{w}"' for w, p in _prefixed(index, terms))


def _fts_exact(terms: Terms) -> str:
    return " ".join(f'"{word}"' for word in terms.words)


class SqliteEngine:
    def texts(self, kind: Kind, terms: Terms) -> Texts:
        return Texts(_fts_prefix(INDEXES[kind], terms), _fts_exact(terms))

    def condition(
        self, kind: Kind, texts: Texts, *, walk: bool = False, source: bool = False
    ) -> RowSQL:
        # The FTS5 table's rowid is the source row's key and the result row's id alike.
        index = INDEXES[kind]
        return RowSQL(
            f"{{pk}} IN ({self._ids_sql(index)})", [texts.match], output_field=BooleanField()
        )

    def share(self, kind: Kind, terms: Terms) -> float:
        """Not estimated (0: every search gathers its matches from the FTS5 index, whose
        lookups are the embedded default's at its size)."""
        return 0.0

    def rank(self, kind: Kind, texts: Texts) -> RowSQL:
        index = INDEXES[kind]
        weights = ", ".join(str(BM25_WEIGHTS[weight]) for _, weight in index.columns)

        def score() -> str:
            return (
                f"coalesce(-(SELECT bm25({index.fts}, {weights}) FROM {index.fts} "
                f"WHERE {index.fts} MATCH %s AND rowid = {{pk}}), 0)"
            )

        return RowSQL(
            f"{score()} + {EXACT_BONUS} * {score()}",
            [texts.match, texts.exact],
            output_field=FloatField(),
        )

    def ids(self, kind: Kind, terms: Terms) -> RawSQL:
        index = INDEXES[kind]
        return RawSQL(self._ids_sql(index), [_fts_prefix(index, terms)])

    def _ids_sql(self, index: Index) -> str:
        return f"SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s"


def _sqlite_triggers(index: Index) -> dict[str, str]:
    columns = ", ".join(column for column, _ in index.columns)
    new = ", ".join(f"new.{column}" for column, _ in index.columns)
    old = ", ".join(f"old.{column}" for column, _ in index.columns)
    key, fts, source = index.source_key, index.fts, index.source
    insert = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.{key}, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.{key}, {old});"
    return {
        f"{fts}_insert": f"AFTER INSERT ON {source} BEGIN {insert} END",
        f"{fts}_delete": f"AFTER DELETE ON {source} BEGIN {delete} END",
        f"{fts}_update": f"AFTER UPDATE OF {columns} ON {source} BEGIN {delete} {insert} END",
    }


def sqlite_install(connection: BaseDatabaseWrapper) -> None:
    """The FTS5 tables, their triggers, and the rows already there (a migration runs it)."""
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            columns = ", ".join(column for column, _ in index.columns)
            cursor.execute(
                f"CREATE VIRTUAL TABLE {index.fts} USING fts5({columns}, "
                f"content='{index.source}', content_rowid='{index.source_key}', "
                "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
            )
            for name, body in _sqlite_triggers(index).items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")
            cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")


def sqlite_uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            for name in _sqlite_triggers(index):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {index.fts}")


def sqlite_triggers_ensure(using: str = "default", **_: Any) -> list[str]:
    """Put back the triggers a table remake dropped, and reindex those tables from their
    rows; the names of the indexes rebuilt. Nothing to do on PostgreSQL, or before the
    search migration ran."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for _, name in cursor.fetchall()}
        for index in INDEXES.values():
            triggers = _sqlite_triggers(index)
            if index.fts not in present or set(triggers) <= present:
                continue
            for name, body in triggers.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
            cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")
            rebuilt.append(index.fts)
    return rebuilt
