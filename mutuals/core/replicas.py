"""Reads from PostgreSQL streaming replicas, writes to the primary (issue 21).

`DATABASE_REPLICA_URLS` adds the aliases `replica_1`, `replica_2`, … (config/settings/base.py)
and lists them in `MUTUALS_READ_REPLICAS`. Without it every query goes to the primary and
nothing here runs but a context-variable lookup per query.

Reads go to a replica only where a stale answer cannot surprise anyone:

- in a web request that writes nothing (GET, HEAD, OPTIONS), from a browser or script that
  has not written in the last `MUTUALS_READ_YOUR_WRITES_SECONDS` (a cookie,
  `ReadReplicaMiddleware`: it follows the member to whichever application server answers
  next, so no server keeps state), and outside a transaction on the primary (a read inside
  one is the read of a read-modify-write);
- inside `reading_from_replica()`, which a background job that tolerates a few seconds of lag
  opens explicitly (the graph snapshot's builder is the one it is meant for).

Everything else, including every task a worker runs and every management command, reads
from the primary: a task is usually queued by the write it acts on, which a replica may not
have yet. Sessions, the cache table and the task queue are always read on the primary.

A few writes must reach every reader at once, not only their writer: a block hides two members
from each other in the very next answer, whichever server and database gives it. Their
services call `replicas_catch_up` once committed (`transaction.on_commit`): the writer's
answer waits until every replica answering has replayed the primary's position, a few
milliseconds usually, `MUTUALS_REPLICA_MAX_LAG_SECONDS` at most (a replica still behind then
is past the bound, so no process reads from it for long either).

A replica is used only while it answers and its replay lag is within
`MUTUALS_REPLICA_MAX_LAG_SECONDS`; its state is measured at most every
`REPLICA_CHECK_SECONDS` per process, so a replica that goes down costs one failed connection
attempt (bounded by `connect_timeout`) every few seconds, and the reads fall back to the
primary meanwhile.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

PIN_COOKIE = "mutuals_primary"
REPLICA_CHECK_SECONDS = 2.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read on the primary whatever the scope: what a replica lagging by a second would get wrong
# for everyone (sessions just written, rate-limit counters, claimed tasks).
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_tasks_db"})

# The seconds of replay lag behind the primary, 0 when nothing is waiting to be replayed (an
# idle primary sends nothing, and the last replayed commit's age would grow forever).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_aliases() -> list[str]:
    return list(getattr(settings, "MUTUALS_READ_REPLICAS", []))


def max_lag_seconds() -> float:
    return float(getattr(settings, "MUTUALS_REPLICA_MAX_LAG_SECONDS", 5))


def pin_seconds() -> int:
    return int(getattr(settings, "MUTUALS_READ_YOUR_WRITES_SECONDS", 15))


@dataclass(frozen=True)
class ReplicaState:
    alias: str
    answering: bool
    lag_seconds: float | None
    error: str = ""

    @property
    def usable(self) -> bool:
        return (
            self.answering
            and self.lag_seconds is not None
            and self.lag_seconds <= max_lag_seconds()
        )


def measure_lag(alias: str) -> float:
    """The replica's replay lag in seconds (0 on a server that is not in recovery, and on
    SQLite, where a "replica" can only be another name for the same file, as in tests)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


_states: dict[str, tuple[float, ReplicaState]] = {}
_states_lock = threading.Lock()


def replica_state(alias: str, *, fresh: bool = False) -> ReplicaState:
    """The replica's state, measured again when the last measure is older than
    REPLICA_CHECK_SECONDS (or `fresh`)."""
    now = time.monotonic()
    cached = _states.get(alias)
    if cached and not fresh and now - cached[0] < REPLICA_CHECK_SECONDS:
        return cached[1]
    try:
        state = ReplicaState(alias, answering=True, lag_seconds=measure_lag(alias))
    except DatabaseError as error:
        logger.warning("replica %s is not answering: %s", alias, error)
        # A broken connection must not be reused by the next query in this thread.
        connections[alias].close()
        state = ReplicaState(alias, answering=False, lag_seconds=None, error=type(error).__name__)
    if state.answering and not state.usable:
        logger.warning("replica %s lags %.1f s; reading from the primary", alias, state.lag_seconds)
    with _states_lock:
        _states[alias] = (time.monotonic(), state)
    return state


CATCH_UP_POLL_SECONDS = 0.005


def _primary_position() -> str | None:
    """The primary's write position in its WAL (None on SQLite, which has no replica)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _replayed(alias: str, position: str) -> bool:
    """Whether the replica has replayed the primary's WAL up to `position` (a server not in
    recovery, such as the tests' mirror of the primary, has nothing to replay)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [position],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def replicas_catch_up(timeout: float | None = None) -> list[str]:
    """Wait until every replica that answers has replayed what the primary committed so far,
    for at most `timeout` seconds (default `MUTUALS_REPLICA_MAX_LAG_SECONDS`): called after
    the commit of a write every reader must see in their next answer (a block). Returns the
    replicas still behind when the time ran out (logged); a replica that stops answering
    meanwhile is left out, since no read goes to it."""
    aliases = replica_aliases()
    if not aliases:
        return []
    position = _primary_position()
    if position is None:
        return []
    deadline = time.monotonic() + (max_lag_seconds() if timeout is None else timeout)
    behind = []
    for alias in aliases:
        if not replica_state(alias).answering:
            continue
        try:
            while not _replayed(alias, position):
                if time.monotonic() >= deadline:
                    logger.warning("replica %s has not replayed %s in time", alias, position)
                    behind.append(alias)
                    break
                time.sleep(CATCH_UP_POLL_SECONDS)
        except DatabaseError as error:
            logger.warning("replica %s stopped answering: %s", alias, error)
            connections[alias].close()
    return behind


def replica_metrics() -> Iterator[tuple[tuple[str, ...], float]]:
    """`/metrics`' `mutuals_replica_up` samples: each replica's state measured afresh, 1 when
    this server would read from it (answering, within the lag bound), else 0."""
    for alias in replica_aliases():
        yield (alias,), 1.0 if replica_state(alias, fresh=True).usable else 0.0


def replica_lag_metrics() -> Iterator[tuple[tuple[str, ...], float]]:
    """`mutuals_replica_lag_seconds`: each answering replica's replay lag as last measured."""
    for alias in replica_aliases():
        state = replica_state(alias)
        if state.lag_seconds is not None:
            yield (alias,), state.lag_seconds


def forget_replica_states() -> None:
    """Measure every replica afresh at its next use (tests; a changed configuration)."""
    with _states_lock:
        _states.clear()


def usable_replica() -> str | None:
    """A replica that answers within the lag bound, chosen at random among them, or None."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if replica_state(alias).usable:
            return alias
    return None


@dataclass
class _Scope:
    """Where the reads of one request (or one `reading_from_replica` block) go."""

    read_alias: str | None
    wrote: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("mutuals_read_scope", default=None)


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Reads inside the block go to a usable replica (the primary when none is); yields the
    alias chosen. For background reads that tolerate `MUTUALS_REPLICA_MAX_LAG_SECONDS` of
    staleness: the graph snapshot's build."""
    alias = usable_replica() if replica_aliases() else None
    token = _scope.set(_Scope(read_alias=alias))
    try:
        yield alias or DEFAULT_DB_ALIAS
    finally:
        _scope.reset(token)


class ReplicaRouter:
    """Django's database router (DATABASE_ROUTERS): see the module docstring."""

    # Both name the primary explicitly: with no answer Django would fall back to the alias an
    # instance was read from, so saving (or following a relation of) a row read on a replica
    # would go to the replica.

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        scope = _scope.get()
        if scope is None or scope.read_alias is None or scope.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return scope.read_alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        scope = _scope.get()
        if scope is not None and model._meta.app_label != "django_cache":
            # From now on this request reads its own writes (and the next ones, by cookie).
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A replica replays the primary's schema; it cannot be migrated itself.
        return False if db in replica_aliases() else None


class ReadReplicaMiddleware:
    """Chooses where a request's reads go and pins a client that wrote to the primary for
    `MUTUALS_READ_YOUR_WRITES_SECONDS` (the `mutuals_primary` cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not replica_aliases():
            return self.get_response(request)
        writing = request.method not in SAFE_METHODS
        pinned = writing or PIN_COOKIE in request.COOKIES
        scope = _Scope(read_alias=None if pinned else usable_replica())
        token = _scope.set(scope)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if scope.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
