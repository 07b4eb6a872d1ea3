"""Event reminders (issue 17: events had none): those going are told a day before and an hour
before, once each; not the waitlist, not a cancelled event; a moved event reminds again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.engagement.models import Notification
from mutuals.events.models import Attendance, AttendanceStatus
from mutuals.events.services.organizing import event_cancel, event_update
from mutuals.events.services.reminders import event_reminders_send, event_reminders_send_due
from mutuals.events.tests.factories import attend, make_event

pytestmark = pytest.mark.django_db


def _reminded(member=None):
    rows = Notification.objects.filter(kind="event_reminder")
    return list(rows.filter(member=member) if member else rows)


@pytest.fixture
def workshop():
    event = make_event(starts_in=timedelta(days=3))
    ana = make_member(name="Ana Silva")
    attend(event, ana)
    waiting = make_member(name="Wale Waiting")
    Attendance.objects.create(
        event=event,
        member=waiting,
        status=AttendanceStatus.WAITLISTED,
        queued_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return event, ana, waiting


def test_a_day_before_then_an_hour_before_once_each(workshop):
    event, ana, waiting = workshop
    assert event_reminders_send(event_id=event.pk) == 0  # three days ahead: nothing yet
    a_day_before = event.starts_at - timedelta(hours=23)
    assert event_reminders_send(event_id=event.pk, now=a_day_before) == 2  # Ana and Olu
    assert event_reminders_send(event_id=event.pk, now=a_day_before) == 0
    [day] = _reminded(ana)
    local = timezone.localtime(event.starts_at, event.zone)
    assert day.title == f"Reminder: Risk workshop, {local:%a %d %b, %H:%M}"
    assert day.url == f"/events/{event.pk}/"
    assert _reminded(waiting) == []
    in_an_hour = event.starts_at - timedelta(minutes=50)
    assert event_reminders_send_due(now=in_an_hour) == 2
    assert event_reminders_send_due(now=in_an_hour) == 0
    assert [n.title for n in _reminded(ana)] == ["Risk workshop starts in an hour", day.title]
    assert event_reminders_send_due(now=event.starts_at + timedelta(minutes=1)) == 0


def test_first_seen_within_the_hour_sends_only_the_hour(workshop):
    event, ana, _ = workshop
    event_reminders_send(event_id=event.pk, now=event.starts_at - timedelta(minutes=30))
    assert [n.title for n in _reminded(ana)] == ["Risk workshop starts in an hour"]


def test_a_moved_event_reminds_again_and_a_cancelled_one_never(workshop):
    event, ana, _ = workshop
    event_reminders_send(event_id=event.pk, now=event.starts_at - timedelta(hours=20))
    new_start = event.starts_at + timedelta(days=2)
    event_update(
        editor=event.organizer,
        event_id=event.pk,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )
    event.refresh_from_db()
    event_reminders_send(event_id=event.pk, now=new_start - timedelta(hours=20))
    assert len(_reminded(ana)) == 2
    event_cancel(organizer=event.organizer, event_id=event.pk)
    assert event_reminders_send_due(now=new_start - timedelta(minutes=30)) == 0


def test_the_sweep_sends_due_reminders(capsys):
    event = make_event(starts_in=timedelta(hours=5))
    Notification.objects.all().delete()  # the organizing already queued (and ran) it
    call_command("sweep")
    assert "reminded 1 people of events" in capsys.readouterr().out
    [reminder] = _reminded(event.organizer)
    assert reminder.title.startswith("Reminder: Risk workshop, ")
