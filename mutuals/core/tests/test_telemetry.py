"""The request id, the JSON access log and the Prometheus metrics (issue 21)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutuals.core import logs
from mutuals.core.tests.worker_tasks import record_run

TOKEN = "metrics-test-token"
TRACING_TASKS = {"default": {"BACKEND": "mutuals.core.tasks.RequestTracingBackend"}}


def _scrape(client: Client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name{labels}` in a text exposition, None when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.partition("}")[0]))
        if (line.startswith(name + " ") and not labels) or found == labels:
            return float(line.rsplit(" ", 1)[1])
    return None


# The request id


def test_a_sane_incoming_request_id_is_echoed(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a9c:01"})
    assert response["X-Request-ID"] == "proxy-7f3a9c:01"


@pytest.mark.parametrize(
    "incoming",
    [None, "", "has space", "x" * 129, 'quote"d', "new\nline", "-starts-with-dash", "é"],
)
def test_a_missing_or_insane_request_id_is_replaced(client: Client, incoming: str | None) -> None:
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    response = client.get("/healthz", headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(client: Client) -> None:
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]
    assert logs.current_request_id() is None  # cleared once the answer was sent


def test_djangos_line_about_a_failed_request_carries_its_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """Django logs a 5xx after the middleware returned; the id is still bound then."""
    seen: list[str | None] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(logs.current_request_id())

    spy = Spy(level=logging.ERROR)
    logging.getLogger("django.request").addHandler(spy)
    try:
        client.get("/readyz", headers={"X-Request-ID": "failing-readyz"})  # no database: 503
    finally:
        logging.getLogger("django.request").removeHandler(spy)
    assert seen == ["failing-readyz"]


# The access log


@pytest.mark.django_db
def test_one_access_line_per_request_with_its_facts(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mutuals.access"):
        client.get("/readyz?secret=1", headers={"X-Request-ID": "access-line-1"})
    (line,) = [record for record in caplog.records if record.name == "mutuals.access"]
    assert line.method == "GET"  # type: ignore[attr-defined]
    assert line.path == "/readyz"  # type: ignore[attr-defined]  # no query string
    assert line.view == "readyz"  # type: ignore[attr-defined]
    assert line.status == 200  # type: ignore[attr-defined]
    assert line.queries >= 1  # type: ignore[attr-defined]  # SELECT 1 at least
    assert line.duration_ms > 0  # type: ignore[attr-defined]
    formatted = json.loads(_format(line, request_id="access-line-1"))
    assert formatted["message"] == "GET /readyz 200"
    assert formatted["request_id"] == "access-line-1"
    assert formatted["view"] == "readyz"


@pytest.mark.django_db
def test_secrets_in_the_path_are_not_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A calendar feed's token is the feed's only protection: it never reaches the log."""
    with caplog.at_level(logging.INFO, logger="mutuals.access"):
        client.get("/events/calendar/s3cr3t-feed-token.ics")
    (line,) = [record for record in caplog.records if record.name == "mutuals.access"]
    assert "s3cr3t" not in line.path  # type: ignore[attr-defined]
    assert line.path == "/events/calendar/[redacted].ics"  # type: ignore[attr-defined]


@override_settings(MUTUALS_ACCESS_LOG=False)
def test_the_access_log_can_be_turned_off(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mutuals.access"):
        Client().get("/healthz")
    assert not [record for record in caplog.records if record.name == "mutuals.access"]


def _format(record: logging.LogRecord, *, request_id: str | None) -> str:
    with logs.bound(request_id):
        logs.RequestIdFilter().filter(record)
    return logs.JsonFormatter().format(record)


def test_the_json_formatter_writes_one_object_with_extras_and_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("twice",), exc_info=sys.exc_info()
        )
    record.__dict__.update({"task_id": "t-1", "count": 3})
    entry = json.loads(_format(record, request_id="r-1"))
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "x"
    assert entry["message"] == "failed twice"
    assert entry["request_id"] == "r-1"
    assert entry["task_id"] == "t-1"
    assert entry["count"] == 3
    assert "ValueError: boom" in entry["exc"]
    assert entry["ts"].endswith("+00:00")
    assert "\n" not in _format(record, request_id=None)  # one line, whatever the traceback


def test_the_text_format_names_the_request_when_there_is_one() -> None:
    record = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hi", (), None)
    with logs.bound("r-2"):
        assert logs.TextFormatter().format(record).endswith(" INFO x [r-2] hi")
    record = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hi", (), None)
    assert logs.TextFormatter().format(record).endswith(" INFO x hi")


# /metrics


def test_metrics_are_off_without_a_token(client: Client) -> None:
    assert client.get("/metrics").status_code == 404


@override_settings(MUTUALS_METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_metrics_need_the_bearer_token(client: Client, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@override_settings(MUTUALS_METRICS_TOKEN=TOKEN)
@pytest.mark.django_db
def test_requests_are_counted_and_timed_by_view(client: Client) -> None:
    before = _scrape(client)
    for _ in range(3):
        client.get("/readyz")
    client.get("/no-such-page-at-all")
    after = _scrape(client)

    def grew(name: str, **labels: str) -> float:
        return (_sample(after, name, **labels) or 0) - (_sample(before, name, **labels) or 0)

    assert grew("mutuals_http_request_duration_seconds_count", view="readyz", method="GET") == 3
    assert grew("mutuals_http_responses_total", view="readyz", method="GET", status="200") == 3
    assert grew("mutuals_http_responses_total", view="unmatched", method="GET", status="404") == 1
    assert grew("mutuals_http_request_queries_count", view="readyz") == 3
    assert grew("mutuals_db_queries_total", database="default") >= 3
    assert grew("mutuals_db_query_seconds_total", database="default") > 0


@override_settings(MUTUALS_METRICS_TOKEN=TOKEN, TASKS=TRACING_TASKS)
@pytest.mark.django_db
def test_the_task_queue_depth_and_age(client: Client, tmp_path) -> None:
    assert _sample(_scrape(client), "mutuals_tasks", queue="default", state="due") == 0
    assert _sample(_scrape(client), "mutuals_tasks_oldest_due_age_seconds", queue="default") == 0
    for number in range(3):
        record_run.enqueue(number, str(tmp_path / "runs"))
    record_run.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(9, "later")
    DBTaskResult.objects.filter(args_kwargs__args=[0, str(tmp_path / "runs")]).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    text = _scrape(client)
    assert _sample(text, "mutuals_tasks", queue="default", state="due") == 3
    assert _sample(text, "mutuals_tasks", queue="default", state="scheduled") == 1
    assert _sample(text, "mutuals_tasks", queue="default", state="running") == 0
    age = _sample(text, "mutuals_tasks_oldest_due_age_seconds", queue="default")
    assert age is not None
    assert 599 < age < 700


@override_settings(MUTUALS_METRICS_TOKEN=TOKEN)
@pytest.mark.django_db
def test_the_graph_snapshot_age(client: Client, tmp_path) -> None:
    with override_settings(GRAPH_DIR=tmp_path):
        assert _sample(_scrape(client), "mutuals_graph_snapshot_age_seconds") is None
        current = tmp_path / "CURRENT"
        current.write_text("v1-abc")
        published = timezone.now().timestamp() - 42
        import os

        os.utime(current, (published, published))
        age = _sample(_scrape(client), "mutuals_graph_snapshot_age_seconds")
    assert age is not None
    assert 41 < age < 60


# The request id follows a request into the tasks it queues


@override_settings(TASKS=TRACING_TASKS)
@pytest.mark.django_db
def test_a_task_is_stored_with_the_id_of_the_request_that_queued_it(tmp_path) -> None:
    with logs.bound("queued-by-request-1"):
        record_run.enqueue(1, str(tmp_path / "runs"))
    record_run.enqueue(2, str(tmp_path / "runs"))
    stored = {
        row.args_kwargs["args"][0]: row.args_kwargs.get("request_id")
        for row in DBTaskResult.objects.all()
    }
    assert stored == {1: "queued-by-request-1", 2: None}
    # The task itself is called with its own arguments only.
    row = DBTaskResult.objects.get(args_kwargs__args__0=1)
    assert row.task_result.args == [1, str(tmp_path / "runs")]
    assert row.task_result.kwargs == {}


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_task_with_the_request_id_that_queued_it(tmp_path) -> None:
    """A real `mutuals worker` (production settings, JSON logs) runs a task queued inside a
    request: its own lines and the worker's lines about it carry that request's id."""
    import os
    import subprocess

    from mutuals.core.tests.test_shared_rate_limits import MUTUALS, ROOT, _database_url
    from mutuals.core.tests.worker_tasks import log_line

    with override_settings(TASKS=TRACING_TASKS), logs.bound("req-followed-into-task"):
        log_line.enqueue("said by the task")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "MUTUALS_DATA_DIR": str(tmp_path),
        "MUTUALS_SECRET_KEY": "telemetry-test",
        "MUTUALS_GRAPH_BUILDER_IN_WORKER": "0",
        "MUTUALS_LOG_FORMAT": "json",
    }
    finished = subprocess.run(  # noqa: S603 - our own command
        [MUTUALS, "worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    lines = []
    for raw in finished.stderr.decode().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    traced = {line["message"]: line for line in lines if line.get("request_id")}
    assert traced["said by the task"]["request_id"] == "req-followed-into-task"
    assert traced["task started"]["request_id"] == "req-followed-into-task"
    assert traced["task started"]["task"].endswith("worker_tasks.log_line")
    assert traced["task finished"]["status"] == "SUCCESSFUL"
    assert traced["task finished"]["duration_ms"] >= 0
