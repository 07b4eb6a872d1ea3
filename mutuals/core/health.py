"""`/healthz` and `/readyz` for load balancers, proxies and orchestrators (issue 21).

- `/healthz` (liveness): the process answers. It touches nothing else, so a slow database
  never gets a healthy process restarted.
- `/readyz` (readiness): this process can serve members now. It checks the primary database
  (`SELECT 1`), that every migration this code knows is applied (a server started before
  `mutuals migrate` finished is not ready), and the cache (a write and a read back: the rate
  limits count there). 503 when one of them fails. Each configured read replica is reported
  with its replay lag, but a replica that is down or lags beyond the bound does not make the
  server unready: reads fall back to the primary (mutuals.core.replicas), so taking every
  server out of the proxy for it would turn a slower answer into none.

Layers above core add checks of their own with `check_register` (from their
`AppConfig.ready`): the graph snapshot's name, version and age (introductions). Such a check
makes the server unready only when its result says `"ok": false`, by its own documented rule.

Both answer JSON outside /api/'s conventions (docs/api.md): they are for machines that read
the status code, carry no session, need no sign-in and are never cached. A failed check
names the kind of error only; the details go to the log, not to anonymous callers.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mutuals.core import replicas

logger = logging.getLogger(__name__)

# Once every migration is applied it stays so for the life of this process (new migrations
# come with new code, hence a new process), so the plan is computed until it is empty once.
_migrations_applied = False


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result: dict[str, Any] = {"ok": True, **check()}
    except Exception as error:  # any failure is "not ready"; logged in full
        logger.exception("readiness check %s failed", getattr(check, "__name__", check))
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def _migrations() -> dict[str, Any]:
    global _migrations_applied  # a per-process memo, see above
    if _migrations_applied:
        return {"pending": 0}
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_applied = not plan
    return {"ok": not plan, "pending": len(plan)}


def _cache() -> dict[str, Any]:
    key = "mutuals:readyz"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise CacheNotKeeping("the cache did not return what was just written")
    return {}


class CacheNotKeeping(Exception):
    pass


def _replica(alias: str) -> dict[str, Any]:
    state = replicas.replica_state(alias, fresh=True)
    return {
        "ok": state.usable,
        "answering": state.answering,
        "lag_seconds": None if state.lag_seconds is None else round(state.lag_seconds, 3),
        "max_lag_seconds": replicas.max_lag_seconds(),
        **({"error": state.error} if state.error else {}),
    }


# Checks registered by higher layers: name → check (a dict with "ok" when it can fail).
_registered: dict[str, Callable[[], dict[str, Any]]] = {}


def check_register(name: str, check: Callable[[], dict[str, Any]]) -> None:
    """Add a readiness check (once per name), reported under `name` in /readyz."""
    _registered[name] = check


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, the checks as JSON) for this process."""
    checks: dict[str, Any] = {
        "database": _timed(_database),
        "migrations": _timed(_migrations),
        "cache": _timed(_cache),
    }
    for name, check in _registered.items():
        checks[name] = _timed(check)
    ready = all(check["ok"] for check in checks.values())
    if aliases := replicas.replica_aliases():
        checks["replicas"] = {
            alias: _timed(functools.partial(_replica, alias)) for alias in aliases
        }
    return ready, checks


@never_cache
@require_safe
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz_view(request: HttpRequest) -> JsonResponse:
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
    )
