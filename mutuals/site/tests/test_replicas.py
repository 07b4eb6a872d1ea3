"""Reads on a replica, writes on the primary, a member's own writes read back (issue 21).

The replica here is `replica_1`, a second connection to the test database (config/settings/
test.py, TEST MIRROR): it sees only committed rows, as a streaming replica does, so these tests
commit (transaction=True). Which connection a query used is what they assert.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.db import DatabaseError, ProgrammingError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.core import replicas

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica_1"]),
    pytest.mark.usefixtures("_one_replica"),
]


@pytest.fixture
def _one_replica() -> Iterator[None]:
    replicas.forget_replica_states()
    with override_settings(MUTUALS_READ_REPLICAS=["replica_1"]):
        yield
    replicas.forget_replica_states()


@pytest.fixture
def sam() -> User:
    return make_member(name="Sam Okafor", email="sam@example.com")


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def _tables(captured: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_a_page_that_writes_nothing_reads_its_rows_from_the_replica(sam: User) -> None:
    client = web_client_for(sam)

    with _queries("replica_1") as on_replica, _queries("default") as on_primary:
        response = client.get("/me/profile/")

    assert response.status_code == 200
    assert "accounts_user" in _tables(on_replica)
    # The session is read on the primary: a sign-in on another server is seen at once.
    assert "django_session" in _tables(on_primary)
    assert "django_session" not in _tables(on_replica)
    assert replicas.PIN_COOKIE not in response.cookies


def test_a_member_who_wrote_reads_from_the_primary_for_the_pin_window(sam: User) -> None:
    client = web_client_for(sam)

    with _queries("replica_1") as during_write:
        wrote = client.post("/me/tokens/", {"label": "laptop"})
    with _queries("replica_1") as after_write:
        listed = client.get("/me/tokens/")

    assert wrote.status_code == 200
    assert len(during_write.captured_queries) == 0
    pin = wrote.cookies[replicas.PIN_COOKIE]
    assert pin["max-age"] == 15
    assert pin["httponly"]
    # The next page, on whichever server, lists the token from the primary.
    assert len(after_write.captured_queries) == 0
    assert b"laptop" in listed.content


def test_the_pin_ends_with_its_cookie(sam: User) -> None:
    client = web_client_for(sam)
    client.post("/me/tokens/", {"label": "laptop"})
    client.cookies.pop(replicas.PIN_COOKIE)  # the browser drops it after Max-Age

    with _queries("replica_1") as on_replica:
        client.get("/me/tokens/")

    assert len(on_replica.captured_queries) > 0


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(sam: User) -> None:
    with replicas.reading_from_replica() as alias, _queries("replica_1") as on_replica:
        assert alias == "replica_1"
        User.objects.get(pk=sam.pk)
        before = len(on_replica.captured_queries)
        User.objects.filter(pk=sam.pk).update(name="Sam O.")
        assert User.objects.get(pk=sam.pk).name == "Sam O."

    assert before == 1
    assert len(on_replica.captured_queries) == 1


def test_a_row_read_on_the_replica_is_saved_on_the_primary(sam: User) -> None:
    """Django sends a save to the alias the row was read from unless the router names one."""
    with replicas.reading_from_replica():
        read = User.objects.get(pk=sam.pk)
        assert read._state.db == "replica_1"
        read.name = "Sam O."
        with _queries("replica_1") as on_replica, _queries("default") as on_primary:
            read.save(update_fields=["name"])

    assert "UPDATE" not in _tables(on_replica)
    assert "UPDATE" in _tables(on_primary)


def test_reads_inside_a_transaction_go_to_the_primary(sam: User) -> None:
    with (
        replicas.reading_from_replica(),
        _queries("replica_1") as on_replica,
        transaction.atomic(),
    ):
        User.objects.select_related("profile").get(pk=sam.pk)

    assert len(on_replica.captured_queries) == 0


def test_outside_a_request_or_an_explicit_block_everything_reads_the_primary(sam: User) -> None:
    """Workers and commands: a task usually acts on the write that queued it."""
    with _queries("replica_1") as on_replica:
        assert User.objects.filter(pk=sam.pk).exists()

    assert len(on_replica.captured_queries) == 0


@pytest.mark.parametrize(
    "measured",
    [
        {"side_effect": DatabaseError("connection refused")},
        {"return_value": 5.5},
    ],
    ids=["down", "lagging beyond the bound"],
)
def test_reads_fall_back_to_the_primary_when_the_replica_is_down_or_lags(
    sam: User, measured: dict[str, Any]
) -> None:
    client = web_client_for(sam)

    with (
        mock.patch.object(replicas, "measure_lag", **measured),
        _queries("replica_1") as on_replica,
    ):
        response = client.get("/me/profile/")

    assert response.status_code == 200
    assert len(on_replica.captured_queries) == 0


class _DroppingCursor:
    """A replica's cursor whose statements fail, past the first few of its connection, as a
    replica stopped or restarted in the middle of a request fails them: the driver's
    OperationalError ("server closed the connection unexpectedly")."""

    def __init__(self, cursor: Any, failure: type[Exception], seen: list[str], after: int):
        self._cursor, self._failure, self._seen, self._after = cursor, failure, seen, after

    def execute(self, sql: str, params: Any = None) -> Any:
        self._seen.append(sql)
        if len(self._seen) > self._after:
            raise self._failure("server closed the connection unexpectedly")
        return self._cursor.execute(sql, params)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@contextmanager
def _replica_drops(after: int, failure: str = "OperationalError") -> Iterator[list[str]]:
    """The replica answers `after` statements, then fails every one with the driver's
    `failure` (its state as measured says it is up: the failure comes between two measures).
    Yields the statements it got."""
    connection = connections["replica_1"]
    create_cursor = connection.create_cursor
    raised = getattr(connection.Database, failure)  # type: ignore[attr-defined]
    seen: list[str] = []

    def dropping(name: str | None = None) -> _DroppingCursor:
        return _DroppingCursor(create_cursor(name), raised, seen, after)

    connection.close()
    with (
        mock.patch.object(replicas, "measure_lag", return_value=0.0),
        mock.patch.object(connection, "create_cursor", dropping),
    ):
        yield seen
    connection.close()


@pytest.mark.parametrize("after", [0, 1, 2], ids=["at its first read", "after one", "after two"])
def test_a_page_whose_replica_fails_mid_request_is_answered_from_the_primary(
    sam: User, after: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The replica restarted while a request read from it (the cluster test's restart):
    the request wrote nothing, so it is answered again on the primary, not with a 500, and
    no error is logged for it (a middleware's read failed first here: the member's time
    zone, then the view's)."""
    client = Client(raise_request_exception=False)
    client.force_login(sam)

    with (
        _replica_drops(after=after) as on_replica,
        _queries("default") as on_primary,
        caplog.at_level("WARNING"),
    ):
        response = client.get("/me/profile/")

    assert response.status_code == 200
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []
    assert b"Sam Okafor" in response.content
    assert len(on_replica) == after + 1  # the failed statement was not tried again there
    assert "accounts_user" in _tables(on_primary)
    # Until it is measured again (a few seconds: not measured again here, however slow the
    # machine), this process reads nothing more from it.
    with mock.patch.object(replicas, "REPLICA_CHECK_SECONDS", 3600):
        assert replicas.usable_replica() is None


def test_an_api_read_whose_replica_fails_is_answered_from_the_primary_without_an_error_logged(
    sam: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = api_client_for(sam)

    with _replica_drops(after=0) as on_replica, caplog.at_level("WARNING"):
        response = client.get("/api/me")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == sam.pk
    assert on_replica  # the replica was read from first
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert errors == []
    assert any("again from the primary" in record.getMessage() for record in caplog.records)


def test_a_replica_that_refuses_the_connection_is_left_for_the_primary(sam: User) -> None:
    """Its state said up a moment ago (measured at most every few seconds); connecting fails
    now: the request reads from the primary from its first statement."""
    connection = connections["replica_1"]
    connection.close()
    refused = connection.Database.OperationalError("connection refused")  # type: ignore[attr-defined]
    with (
        mock.patch.object(replicas, "measure_lag", return_value=0.0),
        mock.patch.object(connection, "get_new_connection", side_effect=refused),
        _queries("default") as on_primary,
    ):
        response = web_client_for(sam).get("/me/profile/")

    assert response.status_code == 200
    assert "accounts_user" in _tables(on_primary)


def test_a_kept_replica_connection_the_replica_ended_is_left_for_the_primary(sam: User) -> None:
    """The cluster test's failure (2026-12-02 13:13): a server's kept connection to the
    replica, ended by the replica's restart, fails its health check at the request's first
    read, and the new connection is refused ("the database system is shutting down"): the
    request reads from the primary instead of answering 500."""
    connection = connections["replica_1"]
    connection.close()
    connection.ensure_connection()  # kept from an earlier request
    refused = connection.Database.OperationalError(  # type: ignore[attr-defined]
        "FATAL:  the database system is shutting down"
    )
    with (
        mock.patch.object(replicas, "measure_lag", return_value=0.0),
        mock.patch.object(connection, "health_check_enabled", True),
        mock.patch.object(connection, "close_if_unusable_or_obsolete"),  # kept, as in serving
        mock.patch.object(connection, "health_check_done", False),
        mock.patch.object(connection, "is_usable", return_value=False),
        mock.patch.object(connection, "get_new_connection", side_effect=refused),
        _queries("default") as on_primary,
    ):
        response = api_client_for(sam).get("/api/me")

    assert response.status_code == 200, response.content
    assert "api_token" in _tables(on_primary) or "accounts" in _tables(on_primary)
    connection.close()


def _middleware_around(view: Any) -> replicas.ReadReplicaMiddleware:
    """The middleware around a view, as Django stacks them: an exception becomes a 500."""
    return replicas.ReadReplicaMiddleware(convert_exception_to_response(view))  # type: ignore[arg-type]


def test_a_request_is_answered_again_only_when_its_replica_failed(sam: User) -> None:
    calls = []

    def view(request: HttpRequest) -> HttpResponse:
        calls.append(User.objects.get(pk=sam.pk)._state.db)
        return HttpResponse("ok")

    middleware = _middleware_around(view)
    with mock.patch.object(replicas, "measure_lag", return_value=0.0):
        assert middleware(RequestFactory().get("/")).status_code == 200
    assert calls == ["replica_1"]

    calls.clear()
    with _replica_drops(after=0):
        assert middleware(RequestFactory().get("/")).status_code == 200
    assert calls == ["default"]  # the attempt on the replica raised before it was counted


def test_a_request_that_wrote_after_its_replica_failed_is_not_answered_twice(sam: User) -> None:
    """Its write would be made twice: the failure is its answer."""
    calls = []

    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.path)
        try:
            User.objects.get(pk=sam.pk)
        except DatabaseError:
            User.objects.filter(pk=sam.pk).update(name="Sam O.")
            raise
        return HttpResponse("ok")

    with _replica_drops(after=0):
        response = _middleware_around(view)(RequestFactory().get("/"))

    assert response.status_code == 500
    assert calls == ["/"]


def test_reading_on_the_replica_runs_again_on_the_primary_when_the_replica_fails(
    sam: User,
) -> None:
    """The graph builder's reads (`read_on_replica`): a replica that fails them is left for
    the primary, and the function runs again there."""
    aliases = []

    def read(alias: str) -> str:
        aliases.append(alias)
        return User.objects.using(alias).get(pk=sam.pk).name

    with _replica_drops(after=0):
        assert replicas.read_on_replica(read) == "Sam Okafor"

    assert aliases == ["replica_1", "default"]


def test_reading_on_the_replica_lets_a_mistake_in_the_read_through(sam: User) -> None:
    """Only a replica's failure is read again on the primary, not an error the primary would
    give too (a mistake in the statement)."""
    aliases = []

    def read(alias: str) -> str:
        aliases.append(alias)
        return User.objects.using(alias).get(pk=sam.pk).name

    with _replica_drops(after=0, failure="ProgrammingError"), pytest.raises(ProgrammingError):
        replicas.read_on_replica(read)

    assert aliases == ["replica_1"]
    with mock.patch.object(replicas, "REPLICA_CHECK_SECONDS", 3600):
        assert replicas.usable_replica() == "replica_1"  # still read from


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="a PostgreSQL server's own errors"
)
@pytest.mark.parametrize(
    ("statements", "failure"),
    [
        (["SELECT pg_terminate_backend(pg_backend_pid())"], True),
        (["SET statement_timeout = 1", "SELECT pg_sleep(1)"], True),
        (["SELECT no_such_column FROM accounts_user"], False),
    ],
    ids=["the server ends the connection", "a cancelled statement", "a mistake"],
)
def test_which_errors_of_a_postgresql_replica_are_its_failures(
    statements: list[str], failure: bool
) -> None:
    """A replica stopped with `pg_ctl stop -m fast` ends each connection as
    pg_terminate_backend does (57P01); a statement it cancels (57014; "conflict with
    recovery" is 40001) is its failure too; a mistake (42703) would fail on the primary."""
    connection = connections["replica_1"]
    connection.close()
    with connection.cursor() as cursor:
        for statement in statements[:-1]:
            cursor.execute(statement)
        with pytest.raises(DatabaseError) as raised:
            cursor.execute(statements[-1])
    connection.close()

    assert replicas.replica_failure(raised.value) is failure


@contextmanager
def _replica_in_recovery(*, replayed: str, replay_timestamp: str | None) -> Iterator[None]:
    """The tests' replica (the test database itself) answers the recovery functions as a
    streaming replica would: stand-ins for them in a schema its connection searches before
    pg_catalog. A restarted replica has received what it replayed (the primary may be ahead
    of both) and knows no replayed commit's time until it replays one."""
    connection = connections["replica_1"]
    connection.close()
    timestamp = "NULL" if replay_timestamp is None else replay_timestamp
    stand_ins = {
        "pg_is_in_recovery() RETURNS boolean": "SELECT true",
        "pg_last_wal_replay_lsn() RETURNS pg_lsn": f"SELECT '{replayed}'::pg_lsn",
        "pg_last_wal_receive_lsn() RETURNS pg_lsn": f"SELECT '{replayed}'::pg_lsn",
        "pg_last_xact_replay_timestamp() RETURNS timestamptz": f"SELECT ({timestamp})::timestamptz",
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA recovery_stand_in")
            for signature, body in stand_ins.items():
                cursor.execute(
                    f"CREATE FUNCTION recovery_stand_in.{signature} LANGUAGE sql AS $${body}$$"
                )
            cursor.execute("SET search_path = recovery_stand_in, pg_catalog, public")
        yield
    finally:
        connection.close()
        with connections["default"].cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS recovery_stand_in CASCADE")


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's recovery functions"
)
@pytest.mark.parametrize(
    ("replayed", "replay_timestamp", "usable"),
    [
        ("FFFF/0", None, True),
        ("0/1", None, False),
        ("0/1", "now() - interval '1 second'", True),
        ("0/1", "now() - interval '1 minute'", False),
    ],
    ids=[
        "caught up with the primary",
        "restarted, nothing replayed yet",
        "behind by a second",
        "behind by a minute",
    ],
)
def test_a_restarted_replica_is_not_read_until_it_has_caught_up(
    replayed: str, replay_timestamp: str | None, usable: bool
) -> None:
    """Its lag is measured against the primary's write position: a replica restarted while
    the primary wrote has replayed all it received so far, and no commit yet, and is behind;
    it used to report no lag at all then."""
    with _replica_in_recovery(replayed=replayed, replay_timestamp=replay_timestamp):
        state = replicas.replica_state("replica_1", fresh=True)

    assert state.answering
    assert state.usable is usable


def test_a_replica_within_the_bound_is_used(sam: User) -> None:
    with mock.patch.object(replicas, "measure_lag", return_value=4.9):
        assert replicas.usable_replica() == "replica_1"


def test_the_replica_state_is_measured_at_most_every_few_seconds() -> None:
    with mock.patch.object(replicas, "measure_lag", return_value=0.0) as measure:
        for _ in range(5):
            replicas.usable_replica()

    assert measure.call_count == 1


def test_without_replicas_nothing_is_routed_or_pinned(sam: User) -> None:
    client = web_client_for(sam)
    with override_settings(MUTUALS_READ_REPLICAS=[]), _queries("replica_1") as on_replica:
        wrote = client.post("/me/tokens/", {"label": "laptop"})
        client.get("/me/tokens/")

    assert len(on_replica.captured_queries) == 0
    assert replicas.PIN_COOKIE not in wrote.cookies


def test_a_replica_is_never_migrated() -> None:
    router = replicas.ReplicaRouter()

    assert router.allow_migrate("replica_1", "accounts") is False
    assert router.allow_migrate("default", "accounts") is None


# A block reaches every reader's next answer


def test_a_block_answers_once_the_replica_has_it(sam: User) -> None:
    """The blocked member's next page reads from a replica: the block's answer waits until
    the replica has replayed it (here: behind twice, then caught up)."""
    from mutuals.connections.models import Block

    other = make_member(name="Grace Lee", email="grace@example.com")
    looks = []

    def replayed(alias: str, position: str) -> bool:
        looks.append((alias, position))
        return len(looks) > 2

    with (
        mock.patch.object(replicas, "_primary_position", return_value="0/3000060"),
        mock.patch.object(replicas, "_replayed", side_effect=replayed),
    ):
        answer = api_client_for(sam).post(
            "/api/blocks", {"member_id": other.pk}, content_type="application/json"
        )

    assert answer.status_code == 201
    assert Block.objects.filter(blocker=sam, blocked=other).exists()
    assert looks == [("replica_1", "0/3000060")] * 3


def test_a_replica_that_does_not_catch_up_is_given_up_on_in_time() -> None:
    with (
        mock.patch.object(replicas, "_primary_position", return_value="0/3000060"),
        mock.patch.object(replicas, "_replayed", return_value=False) as replayed,
    ):
        behind = replicas.replicas_catch_up(timeout=0.05)

    assert behind == ["replica_1"]
    assert replayed.call_count >= 2


def test_a_replica_that_is_down_is_not_waited_for() -> None:
    down = replicas.ReplicaState("replica_1", answering=False, lag_seconds=None)
    with (
        mock.patch.object(replicas, "_primary_position", return_value="0/3000060"),
        mock.patch.object(replicas, "replica_state", return_value=down),
        mock.patch.object(replicas, "_replayed") as replayed,
    ):
        assert replicas.replicas_catch_up() == []

    replayed.assert_not_called()


def test_catching_up_asks_the_real_databases() -> None:
    """On PostgreSQL the tests' replica is the primary itself (not in recovery: nothing to
    replay); on SQLite there is no WAL position and nothing is waited for."""
    assert replicas.replicas_catch_up(timeout=1) == []


# /metrics


@pytest.mark.parametrize(
    ("measured", "up", "lag"),
    [
        ({"return_value": 0.4}, 1.0, 0.4),
        ({"return_value": 5.5}, 0.0, 5.5),
        ({"side_effect": DatabaseError("connection refused")}, 0.0, None),
    ],
    ids=["within the bound", "lagging beyond it", "down"],
)
def test_metrics_say_whether_each_replica_is_read_and_its_lag(
    measured: dict[str, Any], up: float, lag: float | None
) -> None:
    from mutuals.core import metrics
    from mutuals.core.tests.test_telemetry import _sample

    with mock.patch.object(replicas, "measure_lag", **measured):
        text = metrics.exposition().decode()

    assert _sample(text, "mutuals_replica_up", replica="replica_1") == up
    assert _sample(text, "mutuals_replica_lag_seconds", replica="replica_1") == lag
