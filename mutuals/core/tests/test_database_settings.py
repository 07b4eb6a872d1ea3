"""The databases the environment describes (config/settings/base.py, issues 20 and 21)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "databases": {
        alias: {"host": db["HOST"], "port": db["PORT"], "name": db["NAME"],
                "connect_timeout": db.get("OPTIONS", {}).get("connect_timeout"),
                "engine": db["ENGINE"],
                "prepared": [db.get("OPTIONS", {}).get("server_side_binding"),
                             db.get("OPTIONS", {}).get("prepare_threshold")]}
        for alias, db in settings.DATABASES.items()
    },
    "replicas": settings.MUTUALS_READ_REPLICAS,
    "routers": settings.DATABASE_ROUTERS,
}))
"""


def _settings_for(tmp_path: Path, **environment: str) -> dict:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}
        },
        **environment,
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "settings-test",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_replica_urls_become_replica_aliases_with_a_connect_timeout(tmp_path: Path) -> None:
    found = _settings_for(
        tmp_path,
        DATABASE_URL="postgres://app@db1.internal:5432/mutuals",
        DATABASE_REPLICA_URLS=(
            "postgres://app@db2.internal:5432/mutuals, "
            "postgres://app@db3.internal:5433/mutuals?connect_timeout=1"
        ),
    )

    assert found["replicas"] == ["replica_1", "replica_2"]
    assert found["databases"] == {
        "default": {
            "host": "db1.internal",
            "port": 5432,
            "name": "mutuals",
            "connect_timeout": 10,
            "engine": "mutuals.core.postgresql",
            "prepared": [True, 5],
        },
        "replica_1": {
            "host": "db2.internal",
            "port": 5432,
            "name": "mutuals",
            "connect_timeout": 3,
            "engine": "mutuals.core.postgresql",
            "prepared": [True, 5],
        },
        "replica_2": {
            "host": "db3.internal",
            "port": 5433,
            "name": "mutuals",
            "connect_timeout": 1,
            "engine": "mutuals.core.postgresql",
            "prepared": [True, 5],
        },
    }
    assert found["routers"] == ["mutuals.core.replicas.ReplicaRouter"]


def test_without_replica_urls_there_is_one_database(tmp_path: Path) -> None:
    found = _settings_for(tmp_path)

    assert list(found["databases"]) == ["default"]
    assert found["replicas"] == []


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_drops_them(
    tmp_path: Path,
) -> None:
    """MUTUALS_DB_PREPARED_STATEMENTS=0: client-side binding on the primary and every
    replica, as Django does by default (for a pooler in transaction mode without support
    for prepared statements)."""
    found = _settings_for(
        tmp_path,
        DATABASE_URL="postgres://app@db1.internal:5432/mutuals",
        DATABASE_REPLICA_URLS="postgres://app@db2.internal:5432/mutuals",
        MUTUALS_DB_PREPARED_STATEMENTS="0",
    )

    assert [db["prepared"] for db in found["databases"].values()] == [[None, None]] * 2


def test_sqlite_keeps_django_s_backend_without_prepared_statement_options(
    tmp_path: Path,
) -> None:
    found = _settings_for(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert found["databases"]["default"]["prepared"] == [None, None]
    assert found["databases"]["default"]["engine"] == "django.db.backends.sqlite3"
