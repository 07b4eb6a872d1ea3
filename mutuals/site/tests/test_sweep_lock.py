"""`mutuals sweep` from several hosts at once (issue 21): one pass runs, the others stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mutuals.connections.models import Invitation
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.locks import held_exclusively

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sweep_running_elsewhere() -> Iterator[None]:
    """Another host's sweep: the lock held by another database connection (a thread has its
    own) until the test ends."""
    taken, release = threading.Event(), threading.Event()
    outcome: list[bool] = []

    def hold() -> None:
        try:
            with held_exclusively("mutuals-sweep") as held:
                outcome.append(held)
                taken.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(timeout=30)
    assert outcome == [True]
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)


def _due_invitation() -> Invitation:
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(
        deliver_at=timezone.now() - timedelta(days=31)
    )
    return invitation


def test_a_sweep_while_another_runs_does_nothing(sweep_running_elsewhere, capsys) -> None:
    invitation = _due_invitation()

    call_command("sweep")

    assert capsys.readouterr().out.strip() == "another sweep is running; this one did nothing"
    invitation.refresh_from_db()
    assert invitation.state != "expired"


def test_the_lock_is_released_when_a_sweep_ends(capsys) -> None:
    invitation = _due_invitation()

    call_command("sweep")
    call_command("sweep")

    out = capsys.readouterr().out
    assert "another sweep" not in out
    assert "expired 1" in out
    invitation.refresh_from_db()
    assert invitation.state == "expired"
    with held_exclusively("mutuals-sweep") as held:
        assert held
