"""The graph builder's bulk read: the snapshot's tables straight into NumPy arrays.

`build_from_database` reads members, companies, topics, connections, ties, blocks and
check-ins with `columns`, which runs a query of fixed-width columns:

- **PostgreSQL**: `COPY (SELECT string_agg(int8send(a) || float8send(b) …, '') FROM … WHERE
  key in a range) TO STDOUT (FORMAT BINARY)` through psycopg 3, one range of up to
  `RANGE_ROWS` keys at a time. libpq hands over a COPY one message per row it sends, and
  psycopg runs Python per message, so the server packs each range's rows into one value:
  fixed-width big-endian records (bigint, integer, real, double precision; never NULL),
  which one `np.frombuffer` with a structured dtype reads. No Python runs per row, on
  either side of the connection.
- **Anything else** (SQLite): the cursor's rows in chunks of 100,000, each chunk one
  `np.array` call.

Either way the blocks are appended to columns that grow in place (`_Growing`), so no column
is held twice. On PostgreSQL the connections are read on a second database connection in
the same snapshot while the first reads the other tables (`build_from_database`).

`columns` checks the shape of what it reads (record widths, no NULL), so a NULL or a wider
type fails loudly instead of shifting the columns.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from mutuals.accounts.models import Boundaries, Profile, Topic, User
from mutuals.connections.models import Block, Connection
from mutuals.engagement.models import Tie
from mutuals.events.models import Attendance, Event
from mutuals.introductions.strength import age_in_days, default_strengths, tie_edge_strengths

if TYPE_CHECKING:
    from mutuals.graph import GraphSnapshot

# Column kinds: the SQL type a query casts to, and its NumPy type once read.
BIGINT = "bigint"
INTEGER = "integer"
REAL = "real"
DOUBLE = "double"

_SQL = {BIGINT: "BIGINT", INTEGER: "INTEGER", REAL: "REAL", DOUBLE: "DOUBLE PRECISION"}
_WIRE = {BIGINT: ">i8", INTEGER: ">i4", REAL: ">f4", DOUBLE: ">f8"}
_NATIVE = {BIGINT: np.int64, INTEGER: np.int32, REAL: np.float32, DOUBLE: np.float64}

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_SEND = {BIGINT: "int8send", INTEGER: "int4send", REAL: "float4send", DOUBLE: "float8send"}
RANGE_ROWS = 1_000_000
_FETCH = 100_000


def cast(expression: str, kind: str) -> str:
    """`expression` cast to the column kind (the same SQL on PostgreSQL and SQLite)."""
    return f"CAST({expression} AS {_SQL[kind]})"


def columns(
    alias: str,
    select: list[tuple[str, str]],
    source: str,
    *,
    key: tuple[str, str],
    where: str = "TRUE",
) -> list[npt.NDArray[Any]]:
    """`SELECT <expressions> FROM <source> WHERE <where>` on database `alias`, one array per
    column. `select` is (expression, kind) per column; `key` is (table, column in the
    query), an indexed integer column of that table whose ranges split the read."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return _copy_ranges(connection, select, source, key=key, where=where)
    expressions = ", ".join(cast(expression, kind) for expression, kind in select)
    return _fetch_chunks(
        connection,
        f"SELECT {expressions} FROM {source} WHERE {where}",  # noqa: S608 - our own SQL
        [kind for _, kind in select],
    )


def _copy_ranges(
    connection: Any, select: list[tuple[str, str]], source: str, *, key: tuple[str, str], where: str
) -> list[npt.NDArray[Any]]:
    kinds = [kind for _, kind in select]
    record = np.dtype([(f"c{index}", _WIRE[kind]) for index, kind in enumerate(kinds)])
    packed = " || ".join(f"{_SEND[kind]}({cast(e, kind)})" for e, kind in select)
    table, column = key
    found = _Growing(kinds)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        raw.execute(f"SELECT MIN(id), MAX(id) FROM {table}")  # noqa: S608 - a table name
        low, high = raw.fetchone()
        if low is None:
            return found.columns()
        for start in range(int(low), int(high) + 1, RANGE_ROWS):
            query = (
                f"SELECT string_agg({packed}, ''::bytea), COUNT(*) FROM {source} "  # noqa: S608
                f"WHERE ({where}) AND {column} >= {start} AND {column} < {start + RANGE_ROWS}"
            )
            buffer = bytearray()
            with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
                for data in copy:  # a header, one row holding the whole range, a trailer
                    buffer += data
            value, rows = _one_row(buffer)
            if rows == 0:
                continue
            if value is None or len(value) != rows * record.itemsize:
                raise ValueError("COPY: a NULL, or records of another width than the columns'")
            block = np.frombuffer(value, dtype=record)
            found.append([block[f"c{index}"] for index in range(len(kinds))])
    return found.columns()


class _Growing:
    """Columns that grow by each block read, in place.

    The arrays are resized with `ndarray.resize`, which reallocates: for arrays this large
    the C library moves the pages (`mremap`) instead of copying them, so a column never
    exists twice, and what is held is what was read. (Collecting blocks and joining them at
    the end held every column twice at the peak: at 1M members / 20M connections, the 640 MB
    of connection columns as blocks and 640 MB joined.)"""

    def __init__(self, kinds: list[str]) -> None:
        self._columns = [np.empty(0, dtype=_NATIVE[kind]) for kind in kinds]
        self._rows = 0

    def append(self, block: list[npt.NDArray[Any]]) -> None:
        rows = len(block[0])
        end = self._rows + rows
        for column, values in zip(self._columns, block, strict=True):
            # The arrays are ours alone (no view of them exists before `columns`).
            column.resize(end, refcheck=False)
            column[self._rows :] = values  # converts byte order and type in place
        self._rows = end

    def columns(self) -> list[npt.NDArray[Any]]:
        return self._columns


def _one_row(buffer: bytearray) -> tuple[memoryview | None, int]:
    """The (records, row count) of the one row of a binary COPY (None: NULL)."""
    view = memoryview(buffer)
    if bytes(view[:11]) != _SIGNATURE:
        raise ValueError("COPY: not PostgreSQL's binary format")
    at = 19 + int.from_bytes(view[15:19], "big")
    if int.from_bytes(view[at : at + 2], "big", signed=True) != 2:
        raise ValueError("COPY: not the records and their count")
    length = int.from_bytes(view[at + 2 : at + 6], "big", signed=True)
    at += 6
    value = None if length < 0 else view[at : at + length]
    at += max(length, 0)
    if int.from_bytes(view[at : at + 4], "big", signed=True) != 8:
        raise ValueError("COPY: the count is not a bigint")
    rows = int.from_bytes(view[at + 4 : at + 12], "big", signed=True)
    if bytes(view[at + 12 :]) != b"\xff\xff":
        raise ValueError("COPY: not one row")
    return value, rows


def _fetch_chunks(connection: Any, sql: str, kinds: list[str]) -> list[npt.NDArray[Any]]:
    found = _Growing(kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_FETCH):
            if any(value is None for row in rows[:1] for value in row):
                raise ValueError("a NULL where the columns are fixed-width")
            block = np.array(rows, dtype=np.float64 if DOUBLE in kinds or REAL in kinds else None)
            if block.dtype == object:
                raise ValueError("a NULL where the columns are fixed-width")
            block = block.reshape(len(rows), len(kinds))
            found.append([block[:, index] for index in range(len(kinds))])
    return found.columns()


def build_from_database(*, version: int = 0, alias: str = DEFAULT_DB_ALIAS) -> GraphSnapshot:
    """Read members, openness, companies, topics, connections, tie strengths, blocks and
    check-ins in bulk (`bulk.columns`: COPY into NumPy on PostgreSQL, chunked fetches
    elsewhere; no Python per row) inside one read-only transaction, so every table is read
    at the same moment, and build a snapshot.

    On PostgreSQL, when this call owns its transaction, the connections (the largest table)
    are read on a second database connection while this one reads the rest, both in the
    same snapshot (`pg_export_snapshot` / `SET TRANSACTION SNAPSHOT`, as `pg_dump --jobs`
    does): the server packs the rows on two cores instead of one. Each table's arrays are
    dropped as soon as what they feed is computed, so the peak is the read columns plus
    the engine's build, not every intermediate at once."""
    from mutuals.graph import build_snapshot

    database = connections[alias]
    outermost = not database.in_atomic_block  # else the caller's transaction decides
    with transaction.atomic(using=alias), ThreadPoolExecutor(max_workers=1) as pool:
        beside: Future[list[npt.NDArray[Any]]] | None = None
        if database.vendor == "postgresql" and outermost:
            with database.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot_name,) = cursor.fetchone()
            beside = pool.submit(_connections_in_snapshot, alias, snapshot_name)
        read = _Reader(alias)
        member_ids, company_rank, open_flags = read.members()
        companies = read.company_names()
        topic_members, topic_ids = read.topics()
        ties = read.ties()
        blocker, blocked = read.blocks()
        event_members, event_ids = read.check_ins()
        topic_list = np.unique(topic_ids)
        names = dict(
            Topic.objects.using(alias).filter(pk__in=topic_list.tolist()).values_list("id", "name")
        )
        event_list = np.unique(event_ids)
        titles = dict(
            Event.objects.using(alias).filter(pk__in=event_list.tolist()).values_list("id", "title")
        )
        now_days = timezone.now().timestamp() / 86400.0
        connection_ids, low, high, age_days = (
            beside.result() if beside is not None else read.connections()
        )
        beside = None  # a future holds its result: the columns go when they are dropped below
    measured = _measured_strengths(connection_ids, ties)
    del connection_ids, ties
    age_in_days(age_days, now_days, out=age_days)  # days since 1970 when made → age, in place
    topic_pairs = np.stack([topic_members, np.searchsorted(topic_list, topic_ids)], axis=1)
    del topic_members, topic_ids
    strengths = _default_strengths(member_ids, topic_pairs, low=low, high=high, age_days=age_days)
    del age_days
    has = ~np.isnan(measured)
    strengths[has] = measured[has]
    del measured, has
    return build_snapshot(
        member_ids=member_ids,
        sources=low,
        targets=high,
        strengths=strengths,
        version=version,
        open_to_introductions=open_flags.astype(np.bool_),
        company_codes=(company_rank, companies),
        topic_pairs=(topic_pairs, [names[int(topic_id)] for topic_id in topic_list]),
        event_pairs=(
            np.stack([event_members, np.searchsorted(event_list, event_ids)], axis=1),
            [titles[int(event_id)] for event_id in event_list],
        ),
        blocked_pairs=(blocker, blocked),
    )


# What pg_export_snapshot returns: hexadecimal groups joined by hyphens ("00000003-0000001B-1").
_SNAPSHOT_NAME = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


def _connections_in_snapshot(alias: str, snapshot_name: str) -> list[npt.NDArray[Any]]:
    """`_Reader.connections` on this thread's own database connection, in the snapshot
    another transaction exported (it must stay open until this returns), then that
    connection closed."""
    # A utility statement takes no bound parameter (with server-side binding the driver
    # would send `$1`), so the name is written into it, once known to be one.
    if not _SNAPSHOT_NAME.fullmatch(snapshot_name):
        raise ValueError(f"not a snapshot name: {snapshot_name!r}")
    database = connections[alias]
    try:
        with transaction.atomic(using=alias), database.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_name}'")
            return _Reader(alias).connections()
    finally:
        database.close()


def _measured_strengths(
    connection_ids: npt.NDArray[np.int64], ties: list[npt.NDArray[Any]]
) -> npt.NDArray[np.float32]:
    """Per connection (in the order of `connection_ids`, sorted), the strength its Tie rows
    give (`tie_edge_strengths`), NaN where none was computed. `ties` is `_Reader.ties`'s
    columns; the list is emptied and each column dropped as soon as it is used (at 1M
    members / 20M connections they are 13M rows: every copy held at once was this phase's
    peak, the build's highest)."""
    tie_connection, tie_strength, tie_computed, tie_resting = ties
    ties.clear()
    position = np.searchsorted(connection_ids, tie_connection)
    np.minimum(position, max(connection_ids.size - 1, 0), out=position)
    found = connection_ids[position] == tie_connection if connection_ids.size else position < 0
    del tie_connection
    # An index into the connections: 32 bits hold it below 2**31 connections.
    index: npt.NDArray[np.integer[Any]] = position.astype(
        np.int32 if connection_ids.size < 2**31 else np.int64
    )
    del position
    resting = tie_resting != 0
    del tie_resting
    tie_computed[tie_computed < 0] = np.nan  # -1: never computed
    if not found.all():  # rows of connections that were not read (none, in one snapshot)
        index, tie_strength = index[found], tie_strength[found]
        tie_computed, resting = tie_computed[found], resting[found]
    del found
    return tie_edge_strengths(
        connection=index,
        strength=tie_strength,
        computed=tie_computed,
        resting=resting,
        connections=connection_ids.size,
    )


def _default_strengths(
    member_ids: npt.NDArray[np.int64],
    topic_pairs: npt.NDArray[np.int64],
    *,
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    age_days: npt.NDArray[np.float64],
) -> npt.NDArray[np.float32]:
    """Each connection's default strength (`default_strengths`), from its age and the
    topics its two members share."""
    from mutuals.graph.snapshot import Csr, GraphSnapshotIds

    order = np.argsort(member_ids, kind="stable")
    probe = GraphSnapshotIds(np.ascontiguousarray(member_ids[order]))
    nodes = probe.nodes(topic_pairs[:, 0])
    known = nodes >= 0  # topics of inactive members
    topics = Csr.from_pairs(member_ids.size, nodes[known], topic_pairs[known, 1])
    shared = topics.shared(probe.nodes(low), probe.nodes(high))
    return default_strengths(age_days, shared)


class _Reader:
    """The builder's bulk queries, each a few fixed-width columns (`bulk.columns`)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.vendor = connections[alias].vendor
        self.quote = connections[alias].ops.quote_name

    def table(self, model: type[Any]) -> str:
        return str(self.quote(model._meta.db_table))

    def run(
        self, select: list[tuple[str, str]], source: str, key: type[Any], where: str = "TRUE"
    ) -> list[npt.NDArray[Any]]:
        """`columns` over `source`, in ranges of the id of `key`, the model whose table is
        named `k` in `source`."""
        return columns(self.alias, select, source, key=(self.table(key), "k.id"), where=where)

    def members(self) -> list[npt.NDArray[Any]]:
        """(id, index of the company in `company_names` or -1, open to introductions 0/1)
        of every active member."""
        return self.run(
            [
                ("k.id", BIGINT),
                ("COALESCE(r.rank, -1)", INTEGER),
                ("CASE WHEN b.open_to_introductions = FALSE THEN 0 ELSE 1 END", INTEGER),
            ],
            f"{self.table(User)} k "  # noqa: S608 - table names
            f"LEFT JOIN {self.table(Profile)} p ON p.user_id = k.id "
            f"LEFT JOIN {self.table(Boundaries)} b ON b.user_id = k.id "
            f"LEFT JOIN (SELECT company, DENSE_RANK() OVER (ORDER BY company) - 1 AS rank "
            f"FROM ({self._companies()}) d) r ON r.company = COALESCE(p.company, '')",
            User,
            where="k.is_active = TRUE",
        )

    def _companies(self) -> str:
        """Every active member's distinct non-blank company."""
        return (
            f"SELECT DISTINCT COALESCE(p.company, '') AS company "  # noqa: S608
            f"FROM {self.table(User)} u "
            f"LEFT JOIN {self.table(Profile)} p ON p.user_id = u.id "
            f"WHERE u.is_active = TRUE AND COALESCE(p.company, '') <> ''"
        )

    def company_names(self) -> list[str]:
        """The companies in the order of `members`'s ranks (sorted by the same collation,
        in the same transaction)."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(f"{self._companies()} ORDER BY company")
            return [row[0] for row in cursor.fetchall()]

    def topics(self) -> list[npt.NDArray[Any]]:
        through = Profile.topics.through
        return self.run(
            [("p.user_id", BIGINT), ("k.topic_id", BIGINT)],
            f"{self.table(through)} k JOIN {self.table(Profile)} p ON p.id = k.profile_id",
            through,
        )

    def connections(self) -> list[npt.NDArray[Any]]:
        """(id, low, high, days since 1970 when made), ordered by id."""
        days = (
            "date_part('epoch', k.created_at) / 86400.0"
            if self.vendor == "postgresql"
            else "julianday(k.created_at) - 2440587.5"
        )
        found = self.run(
            [
                ("k.id", BIGINT),
                ("k.member_low_id", BIGINT),
                ("k.member_high_id", BIGINT),
                (days, DOUBLE),
            ],
            f"{self.table(Connection)} k",
            Connection,
        )
        ids = found[0]
        if ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            order = np.argsort(ids, kind="stable")
            for index in range(len(found)):  # one column at a time: one copy at the peak
                found[index] = found[index][order]
        return found

    def ties(self) -> list[npt.NDArray[Any]]:
        """(connection id, strength, when computed or -1, resting 0/1) of the Tie rows that
        were measured or rest (rows never computed hold only the field's default)."""
        computed = (
            "date_part('epoch', k.computed_at)"
            if self.vendor == "postgresql"
            else "(julianday(k.computed_at) - 2440587.5) * 86400.0"
        )
        return self.run(
            [
                ("k.connection_id", BIGINT),
                ("k.strength", DOUBLE),
                (f"COALESCE({computed}, -1)", DOUBLE),
                ("CASE WHEN k.resting_since IS NULL THEN 0 ELSE 1 END", INTEGER),
            ],
            f"{self.table(Tie)} k",
            Tie,
            where="k.computed_at IS NOT NULL OR k.resting_since IS NOT NULL",
        )

    def blocks(self) -> list[npt.NDArray[Any]]:
        return self.run(
            [("k.blocker_id", BIGINT), ("k.blocked_id", BIGINT)], f"{self.table(Block)} k", Block
        )

    def check_ins(self) -> list[npt.NDArray[Any]]:
        """(member id, event id) for every check-in (attended, not merely going). An
        attendance the member hides from the attendee list is left out: "you both attended"
        must not reveal it."""
        return self.run(
            [("k.member_id", BIGINT), ("k.event_id", BIGINT)],
            f"{self.table(Attendance)} k",
            Attendance,
            where="k.checked_in_at IS NOT NULL AND k.hidden = FALSE",
        )
