"""Settings for the test suite: fast hashing, in-memory e-mail, the database from DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("MUTUALS_SECRET_KEY", "tests-only-not-secret")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "/photos/"},
    },
    # On disk, as in production: the import reads the upload as a stream.
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.path.join(tempfile.gettempdir(), f"mutuals-test-imports-{os.getpid()}")
        },
    },
}
# Background tasks run inline in tests unless a test selects the database backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# The graph builder runs in the asking process whenever the published snapshot is behind, as
# if a builder had always caught up (the tests of the builder itself turn this off).
GRAPH_BUILD_ON_READ = True
# A test that runs what `mutuals worker` runs at start must not leave a builder thread polling.
GRAPH_BUILDER_IN_WORKER = False
GRAPH_DIR = Path(tempfile.gettempdir()) / f"mutuals-test-graph-{os.getpid()}"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files from the apps' folders (the browser tests need them; no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

_database = globals()["DATABASES"]["default"]
# Threads in tests (the live server, the race tests) must not keep connections open past
# their work, or PostgreSQL cannot drop the test database at the end.
_database["CONN_MAX_AGE"] = 0
_database["CONN_HEALTH_CHECKS"] = False
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The browser journeys' live server answers from several threads (a page's HTMX check can
    # overlap its form post). An in-memory test database is one connection shared by all of
    # them, which SQLite refuses ("bad parameter or other API misuse"); a file per test
    # process gives each thread its own connection. No WAL and no fsync: nothing to keep.
    _database["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"mutuals-tests-{os.getpid()}.sqlite3")
    }
    _database["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF;"

# A second name for the test database, as a streaming replica would be (TEST MIRROR: a
# separate connection to the same database, so it sees only committed rows). The routing
# tests turn it on with override_settings(MUTUALS_READ_REPLICAS=["replica_1"]); the rest of
# the suite reads and writes the primary only.
globals()["DATABASES"]["replica_1"] = {**_database, "TEST": {"MIRROR": "default"}}
MUTUALS_READ_REPLICAS = []
