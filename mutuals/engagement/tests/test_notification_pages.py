"""What is waiting on a member, in the browser without JavaScript: the header's bell with the
unread count (and the fragment HTMX asks for), the notifications page grouped by day, opening
one (which reads it), and marking one or all read (issue 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.engagement import notifications
from mutuals.engagement.models import Notification

pytestmark = pytest.mark.django_db


def _notice(member, key, title, *, url="/connections/", days_ago=0):
    notice = notifications.notify(member=member, key=key, kind="test", title=title, url=url)
    assert notice is not None
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return notice


def _bell_count(html):
    start = html.index('id="bell"')
    bell = html[start : html.index("</a>", start)]
    return bell.split('data-unread="')[1].split('"')[0] if "data-unread" in bell else "0"


def test_the_bell_shows_the_unread_count_on_every_page_and_to_htmx():
    member = make_member()
    client = web_client_for(member)
    assert _bell_count(client.get("/").content.decode()) == "0"
    _notice(member, "a", "Ana asked to connect")
    _notice(member, "b", "Ben accepted your request")
    assert _bell_count(client.get("/connections/").content.decode()) == "2"
    fragment = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert _bell_count(html) == "2"
    assert 'hx-trigger="every 15s"' in html
    assert "<html" not in html
    # Someone else's notices are not counted.
    assert _bell_count(web_client_for(make_member()).get("/").content.decode()) == "0"


def test_the_page_groups_by_day_and_reading_is_explicit():
    member = make_member()
    client = web_client_for(member)
    today = _notice(member, "a", "Ana asked to connect", url="/invitations/")
    earlier = _notice(member, "b", "Ben accepted your request", days_ago=3)
    html = client.get("/notifications/").content.decode()
    assert html.index("Today") < html.index("Ana asked to connect")
    assert html.index("Ana asked to connect") < html.index("Ben accepted your request")
    assert html.count('class="notifications-day"') == 2
    # Showing the page reads nothing: the member marks one, all, or opens one.
    assert notifications.unread_count(member) == 2
    opened = client.get(f"/notifications/{today.pk}/")
    assert opened["Location"] == "/invitations/"
    assert notifications.unread_count(member) == 1
    assert "Ben accepted" in client.get("/notifications/?unread=1").content.decode()
    assert "Ana asked" not in client.get("/notifications/?unread=1").content.decode()
    client.post("/notifications/read/", {"id": earlier.pk})
    assert notifications.unread_count(member) == 0
    _notice(member, "c", "Cleo mentioned you")
    _notice(member, "d", "Dev replied")
    client.post("/notifications/read/")
    assert notifications.unread_count(member) == 0


def test_another_members_notification_is_not_found_and_not_read():
    owner, other = make_member(), make_member()
    notice = _notice(owner, "a", "Ana asked to connect")
    assert web_client_for(other).get(f"/notifications/{notice.pk}/").status_code == 404
    web_client_for(other).post("/notifications/read/", {"id": notice.pk})
    assert notifications.unread_count(owner) == 1


def test_days_are_named_from_the_members_own_today():
    """A notice from this minute is under "Today" in the member's zone, also while the
    server's (UTC) date is another day: Django's `naturalday` on a date compares with the
    server's date, so a Toronto evening read "Yesterday" after UTC midnight."""
    # A zone whose date differs from UTC's at this hour (UTC-11 before 11:00, else UTC+14).
    zone = "Pacific/Pago_Pago" if timezone.now().hour < 11 else "Pacific/Kiritimati"
    member = make_member()
    boundaries_update(user=member, time_zone=zone)
    _notice(member, "now", "Just now")
    _notice(member, "before", "The day before", days_ago=1)
    html = web_client_for(member).get("/notifications/").content.decode()
    assert html.index(">Today<") < html.index("Just now") < html.index(">Yesterday<")
    assert html.index(">Yesterday<") < html.index("The day before")
