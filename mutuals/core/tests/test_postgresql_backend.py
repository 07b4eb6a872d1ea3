"""The PostgreSQL backend's health check (mutuals/core/postgresql/base.py, issue 20): a quiet
kept connection is used without a round trip; one the server ended, or that has anything
waiting on it, is checked with a statement as Django does."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from mutuals.core.postgresql.base import nothing_waiting_on

# django-stubs know neither health_check_enabled nor health_check_done of a wrapper.
Wrapper = Any

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def kept() -> Iterator[Wrapper]:
    """A connection of its own, kept between requests as a server thread keeps it."""
    wrapper: Wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True  # as CONN_HEALTH_CHECKS in serving (set on connecting)
    yield wrapper
    wrapper.close()


@pytest.fixture
def other() -> Iterator[Wrapper]:
    wrapper: Wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def _pid(wrapper: Wrapper) -> int:
    return int(wrapper.connection.info.backend_pid)


def _last_statement(other: Wrapper, pid: int) -> str:
    with other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return str(cursor.fetchone()[0])


def _a_request_begins(wrapper: Wrapper) -> None:
    """What Django does before a request's first statement on a kept connection."""
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()


def _until_something_arrives(wrapper: Wrapper) -> None:
    socket = wrapper.connection.pgconn.socket
    deadline = time.monotonic() + 5
    while nothing_waiting_on(socket) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_quiet_kept_connection_is_used_without_a_statement(kept, other) -> None:
    marker = f"SELECT 'request {uuid.uuid4()}'"
    with kept.cursor() as cursor:
        cursor.execute(marker)
    pid = _pid(kept)

    _a_request_begins(kept)

    assert kept.connection is not None
    assert _pid(kept) == pid  # kept, not replaced
    assert _last_statement(other, pid) == marker  # Django's check would have sent SELECT 1


def test_a_kept_connection_the_server_ended_is_replaced(kept, other) -> None:
    pid = _pid(kept)
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _until_something_arrives(kept)

    _a_request_begins(kept)

    assert kept.connection is None  # closed by the check, not handed to the request
    with kept.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    assert _pid(kept) != pid


def test_a_kept_connection_with_something_waiting_is_asked_and_kept(kept, other) -> None:
    """A notification (or a notice) waiting on a live connection sends the check to the
    server, which answers: the connection stays."""
    channel = f"c{uuid.uuid4().hex}"
    with kept.cursor() as cursor:
        cursor.execute(f"LISTEN {channel}")
    with other.cursor() as cursor:
        cursor.execute(f"NOTIFY {channel}")
    _until_something_arrives(kept)
    pid = _pid(kept)
    assert not nothing_waiting_on(kept.connection.pgconn.socket)

    _a_request_begins(kept)

    assert kept.connection is not None
    assert _pid(kept) == pid
    assert _last_statement(other, pid) == "SELECT 1"


def test_a_kept_connection_left_inside_a_transaction_is_asked(kept, other) -> None:
    kept.connection.execute("BEGIN")
    pid = _pid(kept)

    _a_request_begins(kept)

    assert _last_statement(other, pid) == "SELECT 1"
