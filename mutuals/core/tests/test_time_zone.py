"""Pages read in the signed-in member's own time zone (`MemberTimeZoneMiddleware`); the JSON
API keeps ISO 8601 times with their offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.services import api_token_create, boundaries_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.engagement.models import Obligation, ObligationKind
from mutuals.events.tests.factories import attend, make_event, move
from mutuals.insights.selectors import health_for

pytestmark = pytest.mark.django_db


def _next_monday_at(hour: int) -> datetime:
    today = timezone.now().astimezone(UTC).date()
    monday = today + timedelta(days=7 - today.weekday() + 7)  # at least a week ahead
    return datetime(monday.year, monday.month, monday.day, hour, 30, tzinfo=UTC)


def test_home_shows_the_next_event_at_the_members_local_time():
    member = make_member(name="Ama Owusu")
    boundaries_update(user=member, time_zone="America/Toronto")
    event = make_event(title="Winter mixer", time_zone="America/Toronto")
    starts = _next_monday_at(23)  # 23:30 UTC: 18:30 in Toronto in winter, 19:30 in summer
    move(event, starts_at=starts)
    attend(event, member)
    client = Client()
    client.force_login(member)
    html = client.get("/").content.decode()
    assert "Winter mixer" in html
    assert f"{starts.astimezone(ZoneInfo('America/Toronto')):%H:%M}" in html
    assert "23:30" not in html


def test_a_deadline_at_the_end_of_a_local_sunday_is_due_sunday():
    """Pact deadlines fall at the end of the member's own day; the suggestion names that day,
    not the UTC one (04:59 on Monday in UTC is still Sunday evening in Toronto)."""
    member = make_member(name="Ama Owusu")
    other = make_member(name="Kofi Mensah")
    boundaries_update(user=member, time_zone="America/Toronto")
    connection = connection_create(member=member, other=other)
    monday_utc = _next_monday_at(4)
    Obligation.objects.create(
        connection=connection,
        party=member,
        kind=ObligationKind.FIRST_MESSAGE,
        opened_at=timezone.now(),
        due_at=monday_utc,
    )
    fresh = type(member).objects.get(pk=member.pk)
    reasons = [s.reason for s in health_for(fresh).suggestions if s.member_id == other.pk]
    assert reasons == [f"Your hello is due Sun {monday_utc - timedelta(days=1):%d %b}."]

    _, raw = api_token_create(user=member, label="tests")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get("/api/insights/health").json()
    assert body["suggestions"][0]["reason"] == reasons[0]  # the same words in the API


def test_pact_weeks_run_monday_to_sunday_in_the_members_zone():
    """A deadline at the end of a local Sunday counts in that week, not the next one."""
    from mutuals.insights.selectors import PACT_WEEKS, pact_weeks

    member = make_member(name="Ama Owusu")
    other = make_member(name="Kofi Mensah")
    boundaries_update(user=member, time_zone="America/Toronto")
    connection = connection_create(member=member, other=other)
    toronto = ZoneInfo("America/Toronto")
    now = timezone.now()
    this_monday = now.astimezone(toronto).date() - timedelta(days=now.astimezone(toronto).weekday())
    last_monday = this_monday - timedelta(weeks=1)
    # 04:30 UTC on last Monday is 23:30 (or 00:30 in summer: then Monday) in Toronto.
    due = datetime(last_monday.year, last_monday.month, last_monday.day, 4, 30, tzinfo=UTC)
    Obligation.objects.create(
        connection=connection,
        party=member,
        kind=ObligationKind.FIRST_MESSAGE,
        opened_at=due - timedelta(days=7),
        due_at=due,
    )
    weeks = pact_weeks(type(member).objects.get(pk=member.pk), now)
    assert len(weeks) == PACT_WEEKS
    assert all(week.week_start.astimezone(toronto).weekday() == 0 for week in weeks)
    assert all(week.week_start.astimezone(toronto).hour == 0 for week in weeks)
    local_day = due.astimezone(toronto).date()
    expected = PACT_WEEKS - 1 - (this_monday - local_day + timedelta(days=6)).days // 7
    missed = [index for index, week in enumerate(weeks) if week.missed]
    assert missed == [expected]
    if local_day.weekday() == 6:  # winter: Sunday evening locally, Monday in UTC
        assert expected == PACT_WEEKS - 3


def test_a_meeting_logged_at_two_in_the_afternoon_is_two_in_the_members_afternoon():
    """A date-and-time typed on a page is read in the member's zone, as its initial value is
    shown (here Toronto: 14:00 there is 19:00 UTC in winter, 18:00 in summer)."""
    from mutuals.engagement.models import Interaction

    member = make_member(name="Ama Owusu")
    other = make_member(name="Kofi Mensah")
    boundaries_update(user=member, time_zone="America/Toronto")
    connection = connection_create(member=member, other=other)
    client = Client()
    client.force_login(member)
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(ZoneInfo("America/Toronto"))
    typed = yesterday.replace(hour=14, minute=0, second=0, microsecond=0)
    response = client.post(
        f"/connections/{connection.pk}/",
        {"kind": "meeting", "at": typed.strftime("%Y-%m-%dT%H:%M"), "note": ""},
    )
    assert response.status_code == 302
    logged = Interaction.objects.get(actor=member, kind="meeting")
    assert logged.at == typed
    assert logged.at.astimezone(UTC).hour == typed.astimezone(UTC).hour != 14
