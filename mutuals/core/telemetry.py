"""What every request leaves behind: its id, its access log line, its metrics (issue 21).

`RequestTelemetryMiddleware`, outermost in MIDDLEWARE so it times everything else:

- takes a sane `X-Request-ID` from the proxy or makes one, binds it for the request's log
  lines and the tasks it queues (`mutuals.core.logs`), and echoes it in the answer;
- counts and times the request's database queries on every alias (an execute wrapper, only
  while the request runs);
- records the duration, status and queries in the Prometheus metrics (`mutuals.core.metrics`);
- writes one access line (`mutuals.access`, unless MUTUALS_ACCESS_LOG=0): method, path,
  view, status, milliseconds, queries, bytes. The path has no query string, and URL values
  named like a secret (a calendar feed's token, an e-mail confirmation key) are replaced by
  `[redacted]`.

Its cost per request is measured by `benchmarks/telemetry.py` (docs/benchmarks.md,
"Request telemetry").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponseBase

from mutuals.core import logs, metrics

access_logger = logging.getLogger("mutuals.access")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REDACTED = "[redacted]"


class QueryCounter:
    """An execute wrapper: how many queries, and how long, per database alias."""

    __slots__ = ("counts", "seconds")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            alias = context["connection"].alias
            self.counts[alias] = self.counts.get(alias, 0) + 1
            self.seconds[alias] = self.seconds.get(alias, 0.0) + time.perf_counter() - started

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def view_label(request: HttpRequest) -> str:
    """The view's name (`home`, `api:members_list`), its route when it has none, or
    `unmatched` for paths no view answers (bounded, whatever paths clients send)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.view_name or match.route or "unmatched")


def _is_secret(name: str) -> bool:
    return name in {"token", "key"} or name.endswith(("_token", "_key")) or name.startswith("uidb")


def logged_path(request: HttpRequest) -> str:
    """The path without its query string, secret URL values replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if _is_secret(name) and isinstance(value, str) and value:
                path = path.replace(value, REDACTED)
    return path


class RequestTelemetryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.access_log = settings.MUTUALS_ACCESS_LOG

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = logs.request_id_from(request.headers.get(logs.REQUEST_ID_HEADER))
        # Bound until the answer is sent (`logs.request_finished` clears it), so Django's own
        # line about a failed request, written after the middleware, carries it too.
        logs.bind(request_id)
        counter = QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        response[logs.REQUEST_ID_HEADER] = request_id
        self._record(request, response, seconds, counter)
        return response

    def _record(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        seconds: float,
        counter: QueryCounter,
    ) -> None:
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        recorded = metrics.instruments()
        recorded.request_seconds.labels(view, method).observe(seconds)
        recorded.responses.labels(view, method, str(response.status_code)).inc()
        recorded.request_queries.labels(view).observe(counter.total)
        for alias, count in counter.counts.items():
            recorded.queries.labels(alias).inc(count)
            recorded.query_seconds.labels(alias).inc(counter.seconds[alias])
        if self.access_log:
            path = logged_path(request)
            access_logger.info(
                "%s %s %s",
                method,
                path,
                response.status_code,
                extra={
                    "method": method,
                    "path": path,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 2),
                    "queries": counter.total,
                    "bytes": None if response.streaming else len(response.content),  # type: ignore[attr-defined]
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
