"""`/healthz` and `/readyz` (issue 21): what a load balancer or orchestrator reads."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

from mutuals.core import health, replicas


@pytest.fixture(autouse=True)
def _measure_again() -> Any:
    """Each test computes the migration plan and the replicas' state afresh."""
    health._migrations_applied = False
    replicas.forget_replica_states()
    yield
    health._migrations_applied = False
    replicas.forget_replica_states()


def test_healthz_answers_without_touching_the_database() -> None:
    # No `db` fixture: a query would fail the test (pytest-django blocks database access).
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_the_migrations_and_the_cache() -> None:
    response = Client().get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    # "graph": the published snapshot's age, registered by introductions (check_register).
    assert set(body["checks"]) == {"database", "migrations", "cache", "graph"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["pending"] == 0
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_not_ready_when_the_database_does_not_answer() -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
        response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_not_ready_while_a_migration_is_not_applied() -> None:
    applied = MigrationRecorder(connection).applied_migrations()
    one_short = {
        key: value for key, value in applied.items() if key != ("sessions", "0001_initial")
    }

    with mock.patch.object(MigrationRecorder, "applied_migrations", return_value=one_short):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False
    assert response.json()["checks"]["migrations"]["pending"] == 1
    # Once the plan is empty the answer is remembered: migrations stay applied for a process.
    assert Client().get("/readyz").status_code == 200
    with mock.patch.object(MigrationRecorder, "applied_migrations", return_value=one_short):
        assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_readyz_is_not_ready_when_the_cache_keeps_nothing() -> None:
    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {
        "ok": False,
        "error": "CacheNotKeeping",
        "ms": response.json()["checks"]["cache"]["ms"],
    }


def test_health_checks_accept_only_reads() -> None:
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_checks_answer_over_plain_http_when_the_site_redirects_to_https() -> None:
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/readyz").status_code == 200
    assert Client().get("/").status_code == 301


@pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])
@override_settings(MUTUALS_READ_REPLICAS=["replica_1"])
def test_readyz_reports_each_replica_and_its_lag() -> None:
    """On PostgreSQL the lag comes from pg_last_xact_replay_timestamp(); the test database is
    not in recovery, so its lag is 0, as a replica with nothing left to replay."""
    body = Client().get("/readyz").json()

    replica = body["checks"]["replicas"]["replica_1"]
    assert replica["ok"] is True
    assert replica["answering"] is True
    assert replica["lag_seconds"] == 0
    assert replica["max_lag_seconds"] == 5


@pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])
@override_settings(MUTUALS_READ_REPLICAS=["replica_1"])
def test_a_replica_down_or_lagging_is_reported_but_the_server_stays_ready() -> None:
    """Reads fall back to the primary, so the server can still serve (mutuals.core.replicas)."""
    with mock.patch.object(replicas, "measure_lag", side_effect=DatabaseError("down")):
        down = Client().get("/readyz")
    with mock.patch.object(replicas, "measure_lag", return_value=42.0):
        lagging = Client().get("/readyz")

    assert down.status_code == 200
    assert down.json()["checks"]["replicas"]["replica_1"]["ok"] is False
    assert down.json()["checks"]["replicas"]["replica_1"]["answering"] is False
    assert down.json()["checks"]["replicas"]["replica_1"]["error"] == "DatabaseError"
    assert lagging.status_code == 200
    assert lagging.json()["checks"]["replicas"]["replica_1"]["ok"] is False
    assert lagging.json()["checks"]["replicas"]["replica_1"]["lag_seconds"] == 42.0
