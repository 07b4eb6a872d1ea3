"""Rate limits hold across server processes (issue 13).

The limits' counters live in the cache. An in-process cache gave each of `mutuals serve`'s
workers its own count: 30 wrong passwords got 10 real checks before the first 429, with 5
configured. Without REDIS_URL the cache is now a database table every process shares; these
tests run two real servers on one database and alternate between them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
MUTUALS = str(Path(sys.executable).with_name("mutuals"))
# What config/settings/base.py uses without REDIS_URL.
SHARED_CACHE = {
    "default": {"BACKEND": "mutuals.core.cache.DatabaseCache", "LOCATION": "mutuals_cache"}
}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own local server
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture
def shared_cache() -> Iterator[None]:
    """The production cache, its table in the test database, empty."""
    with override_settings(CACHES=SHARED_CACHE):
        call_command("createcachetable")
        cache.clear()
        yield


@pytest.fixture
def two_servers(tmp_path: Path, shared_cache: None) -> Iterator[list[str]]:
    """Two `mutuals serve` processes with production settings on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "two-servers-test",
    }
    env.pop("REDIS_URL", None)
    command = [MUTUALS, "serve", "--workers", "1", "--threads", "2", "--no-collectstatic"]
    urls = []
    servers = []
    try:
        for _ in range(2):
            port = _free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 - our own command
                    [*command, "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while not all(_answering(f"{url}/api/openapi.json") for url in urls):
            assert time.monotonic() < deadline, "the servers did not start"
            assert all(server.poll() is None for server in servers), "a server stopped"
            time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _token_status(url: str, email: str, password: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own local server
        f"{url}/api/auth/token",
        data=f'{{"email": "{email}", "password": "{password}"}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_meet_the_configured_limit_across_two_servers(member, two_servers):
    """`login_failed` allows 5 failures per account in 5 minutes: the sixth wrong password
    is refused with 429 whichever server it reaches."""
    statuses = [
        _token_status(two_servers[attempt % 2], member.email, f"wrong password {attempt}")
        for attempt in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3


@pytest.mark.django_db(transaction=True)
def test_counting_from_many_threads_loses_no_increment(shared_cache):
    """The limiter's counter (events' check-in codes: `add`, then `incr`) counts every try
    even when requests arrive together; Django's own `incr` reads and writes back."""
    from django.db import connections

    cache.add("tries", 0)
    errors = []

    def count() -> None:
        try:
            for _ in range(10):
                cache.incr("tries")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("tries") == 40


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS mutuals_cache")
    with override_settings(CACHES=SHARED_CACHE):
        call_command("migrate", verbosity=0)
        assert "mutuals_cache" in connection.introspection.table_names()
        assert cache.add("counted", 1)
        assert cache.incr("counted") == 2
