"""Structured logs: one JSON object per line, each carrying the request id (issue 21).

- **The request id** names one request in every line it causes, on the server that answered
  and in the worker that ran what it queued. `RequestTelemetryMiddleware`
  (`mutuals.core.telemetry`) takes a sane incoming `X-Request-ID` (the proxy's: nginx's
  `$request_id`) or makes one, echoes it in the answer and binds it here for the request;
  `core.tasks.RequestTracingBackend` stores it beside the task's arguments, and the worker
  binds it again while it runs the task (`task_bind` / `task_unbind`, connected to
  django.tasks' started and finished signals in `CoreConfig.ready`).
- **`RequestIdFilter`** copies the bound id onto every log record (`record.request_id`),
  whatever logger wrote it, so third-party lines carry it too.
- **`JsonFormatter`**: `ts` (UTC, milliseconds), `level`, `logger`, `message`, `request_id`,
  the record's extra fields (`logger.info("…", extra={"status": 200})`) and `exc` for a
  traceback. `MUTUALS_LOG_FORMAT=text` gives a line for people instead (`make demo`).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: a UUID, nginx's 32 hex digits, a tracing system's id; no spaces,
# quotes or control characters that would forge log lines or headers.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_request_id: ContextVar[str | None] = ContextVar("mutuals_request_id", default=None)

# The attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = frozenset(logging.LogRecord("", logging.INFO, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is sane, else a new one (32 hex digits)."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def bind(request_id: str | None) -> Token[str | None]:
    return _request_id.set(request_id)


def unbind(token: Token[str | None]) -> None:
    _request_id.reset(token)


def request_finished(sender: Any, **kwargs: Any) -> None:
    """Django's `request_finished`: the answer is sent, the thread's next lines are not this
    request's."""
    _request_id.set(None)


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """Every log line (and every task queued) inside carries `request_id`."""
    token = bind(request_id)
    try:
        yield
    finally:
        unbind(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request or a task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, keys in a fixed order, extras after."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`MUTUALS_LOG_FORMAT=text`: a line for people, still with the request id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_tag)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or _request_id.get()
        record.request_tag = f" [{request_id}]" if request_id else ""
        return super().format(record)
