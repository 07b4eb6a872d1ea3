"""The demo's events tell the story: a workshop whose follow-up is open, with Sam and people
he has not yet connected with checked in; upcoming events with RSVPs and a waitlist."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.engagement.models import Interaction
from mutuals.events import selectors
from mutuals.events.demo import EVENTS
from mutuals.events.models import Attendance, Event

pytestmark = pytest.mark.django_db


def test_demo_events_follow_up_open_upcoming_with_rsvps_and_idempotent():
    call_command("demo")
    assert Event.objects.count() == len(EVENTS)
    sam = User.objects.get(email="sam@demo.mutuals.test")
    workshop = Event.objects.get(title__startswith="Chapter risk workshop")
    assert selectors.follow_up_state(workshop) == "open"
    met = selectors.people_met(sam, workshop)
    names = {m.member.name.split()[0]: m.connected for m in met}
    assert names["Thandi"] is False
    assert names["Kwame"] is True
    assert Interaction.objects.filter(
        kind="shared_event", source_key=f"event:{workshop.pk}"
    ).exists()

    upcoming = Event.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 3
    assert Attendance.objects.filter(event__in=upcoming, status="going").count() >= 10
    circle = Event.objects.get(title__startswith="Mentoring circle")
    assert Attendance.objects.filter(event=circle, status="waitlisted").count() == 2

    # The follow-up page, as Sam sees it after signing in.
    client = web_client_for(sam)
    html = client.get(f"/events/{workshop.pk}/follow-up/").content.decode()
    assert "Connect — say you met here" in html
    assert "Send thanks" in html

    attendances = Attendance.objects.count()
    call_command("demo")
    assert Event.objects.count() == len(EVENTS)
    assert Attendance.objects.count() == attendances
