"""`mutuals sweep` catches up what a stopped worker missed, and changes nothing when rerun."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutuals.connections.models import Invitation
from mutuals.connections.tests.factories import make_pair, send
from mutuals.engagement.models import Notification

pytestmark = pytest.mark.django_db


def test_sweep_expires_and_is_idempotent(capsys):
    sender, recipient, mutual = make_pair()
    invitation = send(sender, recipient, mutual)
    Invitation.objects.filter(pk=invitation.pk).update(
        deliver_at=timezone.now() - timedelta(days=31)
    )
    call_command("sweep")
    assert "expired 1" in capsys.readouterr().out
    invitation.refresh_from_db()
    assert invitation.state == "expired"
    call_command("sweep")
    assert (
        "delivered 0 queued requests, expired 0, sent 0 nudges, completed 0 mentorships"
        in capsys.readouterr().out
    )
    assert Notification.objects.count() == 0


def test_sweep_completes_a_mentorship_past_its_end_date(capsys):
    """The hourly pass is also the safety net for mentorships whose end-date task was lost."""
    from mutuals.mentorship.models import Mentorship
    from mutuals.mentorship.tests.factories import active, make_mentee, make_mentor

    _, offer = make_mentor()
    mentorship = active(make_mentee(), offer)
    Mentorship.objects.filter(pk=mentorship.pk).update(ends_at=timezone.now() - timedelta(hours=1))
    call_command("sweep")
    assert "completed 1 mentorships" in capsys.readouterr().out
    mentorship.refresh_from_db()
    assert mentorship.state == "completed"
    call_command("sweep")
    assert "completed 0 mentorships" in capsys.readouterr().out
