"""Reading network health writes nothing: stale ties are the worker's to recompute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.tasks import default_task_backend
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for
from mutuals.engagement.models import Tie
from mutuals.engagement.tests.test_api_and_pages import connected
from mutuals.engagement.ties import ties_recompute

pytestmark = pytest.mark.django_db

__all__ = ["connected"]  # the fixture, used by name

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
WRITES = ("INSERT", "UPDATE", "DELETE")


@override_settings(TASKS=DUMMY)
def test_a_stale_dashboard_queues_one_recompute_and_writes_nothing(connected):
    sender, _, _ = connected
    long_ago = timezone.now() - timedelta(days=2)
    Tie.objects.filter(member=sender).update(computed_at=long_ago)
    default_task_backend.clear()  # type: ignore[attr-defined]
    client = api_client_for(sender)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/insights/health")
        client.get("/api/insights/health")
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert [w for w in writes if "engagement_tie" in w] == []
    assert set(Tie.objects.filter(member=sender).values_list("computed_at", flat=True)) == {
        long_ago
    }
    results = default_task_backend.results  # type: ignore[attr-defined]
    queued = [r for r in results if r.task.name == "ties_recompute"]
    assert [r.args for r in queued] == [[sender.pk]]


@override_settings(TASKS=DUMMY)
def test_fresh_ties_queue_nothing(connected):
    sender, _, _ = connected
    ties_recompute(member_id=sender.pk)  # a tie row for every connection, computed now
    default_task_backend.clear()  # type: ignore[attr-defined]
    assert api_client_for(sender).get("/api/insights/health").status_code == 200
    assert default_task_backend.results == []  # type: ignore[attr-defined]
