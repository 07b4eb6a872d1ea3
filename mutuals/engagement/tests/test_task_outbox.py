"""Tasks commit with the data they are about (issue 21): on the database task backend a service
queues its tasks inside its own transaction (`core.tasks.queue_in_transaction`), an outbox.

Before, every service queued its tasks in `transaction.on_commit`: a server that died between
its commit and those callbacks (the cluster test kills one under load) left the interaction
recorded and its ties never recomputed, the comment's notification never e-mailed. What dies
with the process is exactly the callbacks still waiting to run; these tests drop them by hand
right before the commit and find the tasks queued all the same.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.core.tests.batch_worker import batch_worker
from mutuals.core.tests.test_telemetry import TRACING_TASKS
from mutuals.engagement.models import Interaction
from mutuals.engagement.services import interaction_record

RECOMPUTE = "mutuals.engagement.tasks.ties_recompute"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_db")]


@pytest.fixture
def tasks_in_db():
    with override_settings(TASKS=TRACING_TASKS):
        yield


def _record(ada, ben, key: str = "outbox") -> Interaction | None:
    return interaction_record(
        actor=ada, counterpart=ben, kind="message", at=timezone.now(), source_key=key
    )


def _queued(task_path: str) -> list[list[object]]:
    return sorted(
        DBTaskResult.objects.filter(task_path=task_path).values_list("args_kwargs__args", flat=True)
    )


def test_a_server_dying_right_after_the_commit_has_queued_its_tasks():
    ada, ben = make_member(), make_member()
    connection_create(member=ada, other=ben)
    with transaction.atomic():
        _record(ada, ben)
        # The process dies here: what waits for the commit never runs.
        connection.run_on_commit.clear()
    assert Interaction.objects.filter(actor=ada, counterpart=ben).count() == 1
    assert _queued(RECOMPUTE) == sorted([[ada.pk], [ben.pk]])


def test_tasks_roll_back_with_the_data():
    ada, ben = make_member(), make_member()
    connection_create(member=ada, other=ben)
    seen_inside: list[list[list[object]]] = []

    def fail_after_recording() -> None:
        with transaction.atomic():
            _record(ada, ben)
            seen_inside.append(_queued(RECOMPUTE))  # in this transaction
            raise RuntimeError("the request fails after recording")

    with pytest.raises(RuntimeError):
        fail_after_recording()
    assert seen_inside == [sorted([[ada.pk], [ben.pk]])]
    assert not Interaction.objects.exists()
    assert _queued(RECOMPUTE) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second writer (PostgreSQL)")
def test_no_worker_runs_a_task_before_its_transaction_commits():
    """A worker polling while the writer's transaction is still open finds nothing to run
    (the task rows are not committed); once committed, it runs them."""
    ada, ben = make_member(), make_member()
    connection_create(member=ada, other=ben)

    def work() -> int:
        worker = batch_worker("outbox-worker")
        try:
            worker.run()
            return worker._run_tasks
        finally:
            connections.close_all()

    def in_thread() -> int:
        ran: list[int] = []
        thread = threading.Thread(target=lambda: ran.append(work()))
        thread.start()
        thread.join(60)
        assert not thread.is_alive()
        return ran[0]

    with transaction.atomic():
        _record(ada, ben)
        assert in_thread() == 0  # the rows exist in this transaction only
    assert in_thread() >= 2
    assert set(
        DBTaskResult.objects.filter(task_path=RECOMPUTE).values_list("status", flat=True)
    ) == {"SUCCESSFUL"}
