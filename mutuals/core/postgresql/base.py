"""Django's PostgreSQL backend, with a health check that does not cost a round trip.

Each server thread keeps its connection across requests (`CONN_MAX_AGE`) and checks it
before a request's first statement (`CONN_HEALTH_CHECKS`, config/settings/base.py), so that
a connection the server ended meanwhile (a restart, a failover, an idle timeout) is replaced
instead of failing the request. Django checks with `SELECT 1`: a round trip and a statement
on every request, 0.45 ms of the 4.6 ms of CPU a `GET /api/me` cost (docs/benchmarks.md, "A
health check without a round trip"). Here the check first asks the socket: a server that
ends a connection says so on it, with an error message ("terminating connection due to
administrator command") or by closing it, so an idle connection on which nothing arrived
since its last answer is alive as far as anything could tell without a statement, and is
used as it is. A connection with anything waiting to be read, or not idle, or that psycopg
saw fail, is checked with `SELECT 1` as before. (The check pgx, Go's PostgreSQL driver,
makes before lending a pooled connection, `CheckConn`: a non-blocking read.) A connection
lost without a word (the server's host vanished, nothing sent) is found by no check but a
statement's: the request's first statement now waits for the operating system's timeout
where the `SELECT 1` did, and fails the request instead of being replaced; Django closes it
at the end of that request."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


def nothing_waiting_on(socket: int) -> bool:
    """True when nothing can be read from the socket now (no wait)."""
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)  # POLLHUP and POLLERR are reported even when not asked for


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        idle = connection.info.transaction_status == pq.TransactionStatus.IDLE
        if idle and nothing_waiting_on(connection.pgconn.socket):
            return True
        return bool(super().is_usable())  # SELECT 1
