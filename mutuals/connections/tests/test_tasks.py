"""Invitation background tasks: scheduled for the right time, idempotent when run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import default_task_backend
from django.test import override_settings
from django.utils import timezone

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections import tasks
from mutuals.connections.models import Invitation
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import make_pair, send

pytestmark = pytest.mark.django_db(transaction=True)

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=DUMMY)
def test_queued_request_schedules_delivery_and_expiry_at_their_times():
    sender, recipient, mutual = make_pair()
    boundaries_update(user=recipient, weekly_capacity=1)
    other = make_member()
    connection_create(member=other, other=mutual)
    send(other, recipient, mutual)
    default_task_backend.clear()  # type: ignore[attr-defined]
    queued = send(sender, recipient, mutual)
    scheduled = {
        (result.task.name, result.task.run_after, tuple(result.args))
        for result in default_task_backend.results  # type: ignore[attr-defined]
    }
    assert scheduled == {
        ("invitation_deliver", queued.deliver_at, (queued.pk,)),
        ("invitation_expire", queued.deliver_at + timedelta(days=30), (queued.pk,)),
    }


def test_tasks_run_late_or_twice_change_state_once():
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(
        deliver_at=timezone.now() - timedelta(days=31)
    )
    assert tasks.invitation_expire.call(invitation.pk) is True
    assert tasks.invitation_expire.call(invitation.pk) is False
    assert tasks.invitation_deliver.call(invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.state == "expired"
