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
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase

logger = logging.getLogger(__name__)

PIN_COOKIE = "mutuals_primary"
REPLICA_CHECK_SECONDS = 2.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read on the primary whatever the scope: what a replica lagging by a second would get wrong
# for everyone (sessions just written, rate-limit counters, claimed tasks).
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_tasks_db"})

# The seconds of replay lag behind the primary: 0 once the replica has replayed the position
# the primary had just before (an idle primary sends nothing, and the last replayed commit's
# age would grow forever), else the age of the last commit it replayed; NULL when it has
# replayed none since it started (a restarted replica that has not caught up yet: its own
# received and replayed positions agree while the primary is ahead of both).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN %s::pg_lsn IS NOT NULL AND pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
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
    """The replica's replay lag in seconds, against the primary's write position read first
    (0 on a server that is not in recovery, and on SQLite, where a "replica" can only be
    another name for the same file, as in tests); infinite for a replica that has replayed
    nothing since it started and is behind the primary."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return 0.0
    position = _primary_position()
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL, [position, position])
        row = cursor.fetchone()
    return float(row[0]) if row and row[0] is not None else math.inf


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
    # The replica's connection is open and watched (`_attach`).
    watch: _ReplicaWatch | None = None
    # A statement on the replica failed for a reason of the connection or of the replica
    # itself (ReplicaReadFailed): what the scope answered may be an error it should not be.
    replica_failed: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("mutuals_read_scope", default=None)

# What a replica that stops in the middle of a read raises: the server closed the connection
# (a restart, `pg_ctl stop -m fast`: "terminating connection due to administrator command"),
# it cannot be reached, or the replica cancelled the statement ("conflict with recovery").
# Django raises these as OperationalError or InterfaceError. PostgreSQL says which by the
# error's SQLSTATE class: 08 connection exception, 57 operator intervention (shutdown,
# cancelled statement), 53 insufficient resources (too many connections), 40001 a statement
# cancelled by recovery; psycopg's own "server closed the connection unexpectedly" has none.
# A mistake in a statement would fail on the primary too: it is not read again.
REPLICA_FAILURES = (OperationalError, InterfaceError)
REPLICA_FAILURE_STATES = ("08", "57", "53", "40001")


def replica_failure(error: BaseException) -> bool:
    """Whether a replica's error comes from the replica or its connection, not the read."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(REPLICA_FAILURE_STATES)


class ReplicaReadFailed(OperationalError):
    """A read on a replica failed for a reason of the connection or of the replica; raised
    from the replica's error (`__cause__`) so that whoever reads can tell it apart."""


def _mark_down(alias: str, error: BaseException) -> None:
    """The replica failed a read: no read of this process goes to it until it is measured
    again (after REPLICA_CHECK_SECONDS)."""
    logger.warning("replica %s failed a read (%s); reading from the primary", alias, error)
    state = ReplicaState(alias, answering=False, lag_seconds=None, error=type(error).__name__)
    with _states_lock:
        _states[alias] = (time.monotonic(), state)


class _ReplicaWatch:
    """An execute wrapper (`connection.execute_wrapper`) on a replica's connection while a
    scope reads from it: a statement that fails for a replica's reason marks the scope and
    the replica, and raises ReplicaReadFailed."""

    def __init__(self, alias: str, scope: _Scope) -> None:
        self.alias = alias
        self.scope = scope

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        try:
            return execute(sql, params, many, context)
        except REPLICA_FAILURES as error:
            if not replica_failure(error):
                raise
            self.scope.replica_failed = True
            _mark_down(self.alias, error)
            raise ReplicaReadFailed(f"replica {self.alias}: {error}") from error


def _attach(scope: _Scope) -> str | None:
    """Before the scope's first read on its replica: open (or check) the replica's connection
    and watch it. A replica that went away since it was last measured is marked down and the
    scope reads from the primary from then on. Returns the alias to read from, None for the
    primary."""
    alias = scope.read_alias
    if alias is None or scope.watch is not None:
        return alias
    connection = connections[alias]
    try:
        # As Django's first cursor of a request does: a kept connection that the replica
        # ended (a restart) fails its health check here, and the new one is refused while
        # the replica shuts down or starts, here and not at the first statement.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except REPLICA_FAILURES as error:
        _mark_down(alias, error)
        _close_quietly(alias)
        scope.read_alias = None
        return None
    scope.watch = _ReplicaWatch(alias, scope)
    connection.execute_wrappers.append(scope.watch)
    return alias


def _detach(scope: _Scope) -> None:
    """The scope ends: stop watching its replica's connection, and close it when it failed
    (it must not be reused by the next request of this thread)."""
    watch, scope.watch = scope.watch, None
    if watch is None:
        return
    wrappers = connections[watch.alias].execute_wrappers
    if watch in wrappers:
        wrappers.remove(watch)
    if scope.replica_failed:
        _close_quietly(watch.alias)


def _close_quietly(alias: str) -> None:
    with suppress(DatabaseError):  # closing a connection the server already dropped
        connections[alias].close()


@contextmanager
def _reading(scope: _Scope) -> Iterator[_Scope]:
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)
        _detach(scope)


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Reads inside the block go to a usable replica (the primary when none is); yields the
    alias chosen. For background reads that tolerate `MUTUALS_REPLICA_MAX_LAG_SECONDS` of
    staleness: the graph snapshot's build. A read on the replica that fails for a replica's
    reason raises ReplicaReadFailed and keeps the replica out of this process's reads for a
    while: `read_on_replica` runs a function again on the primary then."""
    chosen = usable_replica() if replica_aliases() else None
    with _reading(_Scope(read_alias=chosen)) as scope:
        # Attached now: the block may name the alias itself (`.using(alias)`).
        yield _attach(scope) or DEFAULT_DB_ALIAS


def read_on_replica[T](read: Callable[[str], T]) -> T:
    """`read(alias)` inside `reading_from_replica()`; when the replica fails it (stopped,
    restarted, unreachable, a statement cancelled by recovery), `read` once more on the
    primary. `read` must be safe to repeat: it reads, and what it wrote on the primary in a
    transaction that failed was rolled back."""
    try:
        with reading_from_replica() as alias:
            return read(alias)
    except ReplicaReadFailed as failed:
        logger.warning("%s; reading again from the primary", failed)
    with _reading(_Scope(read_alias=None)):
        return read(DEFAULT_DB_ALIAS)


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
        return _attach(scope) or DEFAULT_DB_ALIAS

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


class AnsweredAgainFilter(logging.Filter):
    """On `django.request`: leaves out the 500 of an error a replica caused (raised by a
    middleware, which Django answers and logs itself) when the request is answered again from
    the primary; `ReadReplicaMiddleware` logs a warning instead. A request that wrote is not
    answered again, and its error is logged as any other."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, ReplicaReadFailed):
            return True
        scope = _scope.get()
        return scope is None or not scope.replica_failed or scope.wrote


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
        response = self._respond(request, scope)
        if scope.replica_failed and not scope.wrote:
            # The replica failed a read of this request (it stopped or restarted meanwhile):
            # the request wrote nothing, so it is answered again, reading from the primary.
            logger.warning("answering %s %s again from the primary", request.method, request.path)
            scope = _Scope(read_alias=None)
            response = self._respond(request, scope)
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

    def _respond(self, request: HttpRequest, scope: _Scope) -> HttpResponseBase:
        with _reading(scope):
            return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """A view that failed on the replica is answered again on the primary (`__call__`),
        which discards this 503 and sends the primary's answer instead. Answering here keeps
        Django from logging and reporting the replica's failure as the request's own error
        (it does so for an exception that leaves the middleware) before it is answered again.
        Tested in `site/tests/test_replicas.py` (the member never sees the 503)."""
        scope = _scope.get()
        if scope is not None and scope.replica_failed and not scope.wrote:
            return HttpResponse(status=503)
        return None
