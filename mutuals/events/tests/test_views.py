"""Event pages end to end, with and without HTMX, and query bounds on the list pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_create
from mutuals.events.models import Attendance, Event
from mutuals.events.tests.factories import attend, make_event, move
from mutuals.messaging.models import Message

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


class TestList:
    def test_lists_upcoming_with_counts_and_my_status(self):
        sam = make_member(name="Sam")
        event = make_event(title="Risk workshop", capacity=10, topics=["Risk management"])
        attend(event, sam)
        page = web_client_for(sam).get("/events/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Risk workshop" in html
        assert "2 going of 10" in html
        assert "You are going" in html
        assert "Risk management" in html

    def test_past_and_mine_tabs(self):
        sam = make_member()
        make_event(title="Old meetup", starts_in=timedelta(days=-10))
        mine = make_event(sam, title="My own evening")
        client = web_client_for(sam)
        assert "Old meetup" in client.get("/events/?scope=past").content.decode()
        assert "Old meetup" not in client.get("/events/").content.decode()
        mine_page = client.get("/events/?scope=mine").content.decode()
        assert mine.title in mine_page
        assert "You organize" in mine_page

    def test_signed_out_is_sent_to_sign_in(self):
        response = Client().get("/events/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_query_count_does_not_grow_with_events(self, django_assert_max_num_queries):
        sam = make_member()
        for n in range(12):
            event = make_event(title=f"Event {n}", topics=["Agile", "Risk"])
            attend(event, sam)
        client = web_client_for(sam)
        with django_assert_max_num_queries(10):
            response = client.get("/events/")
        assert response.content.decode().count('class="card event-card"') == 12


class TestOrganize:
    def test_create_reads_the_times_in_the_chosen_zone(self):
        olu = make_member()
        day = (timezone.now() + timedelta(days=8)).date()
        response = web_client_for(olu).post(
            "/events/new/",
            {
                "title": "Supplier risk breakfast",
                "description": "Coffee and contracts.",
                "starts_at": f"{day}T08:00",
                "ends_at": f"{day}T09:30",
                "time_zone": "Asia/Tokyo",
                "place": "Marunouchi hall",
                "capacity": "30",
                "topics": "Risk management, Supply chains",
            },
        )
        event = Event.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/events/{event.pk}/"
        local = event.starts_at.astimezone(event.zone)
        assert (local.hour, local.minute) == (8, 0)
        assert event.capacity == 30
        assert sorted(t.name for t in event.topics.all()) == ["Risk management", "Supply chains"]

    def test_form_errors_are_shown_and_nothing_is_created(self):
        day = (timezone.now() + timedelta(days=8)).date()
        response = web_client_for(make_member()).post(
            "/events/new/",
            {
                "title": "No place",
                "starts_at": f"{day}T10:00",
                "ends_at": f"{day}T09:00",
                "time_zone": "UTC",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "The event must end after it starts." in html
        assert "Say where it happens" in html
        assert not Event.objects.exists()

    @pytest.mark.parametrize("year", ["9999", "1000"])
    def test_a_date_at_the_ends_of_the_calendar_is_a_form_error(self, year):
        """Year 9999 in Pacific/Kiritimati overflowed into a 500; the form says which years."""
        response = web_client_for(make_member()).post(
            "/events/new/",
            {
                "title": "Far future",
                "starts_at": f"{year}-12-31T20:00",
                "ends_at": f"{year}-12-31T23:00",
                "time_zone": "Pacific/Kiritimati",
                "place": "Chapter house",
            },
        )
        assert response.status_code == 200
        assert "Choose a date between the years 1900 and 2200." in response.content.decode()
        assert not Event.objects.exists()

    def test_edit_is_for_the_organizer_only(self):
        event = make_event()
        assert web_client_for(make_member()).get(f"/events/{event.pk}/edit/").status_code == 404
        page = web_client_for(event.organizer).get(f"/events/{event.pk}/edit/")
        assert page.status_code == 200
        assert 'value="Risk workshop"' in page.content.decode()


class TestDetailAndRsvp:
    def test_detail_shows_both_zones_when_they_differ(self):
        sam = make_member()
        sam.boundaries.time_zone = "America/New_York"
        sam.boundaries.save()
        event = make_event(time_zone="Europe/London")
        html = web_client_for(sam).get(f"/events/{event.pk}/").content.decode()
        assert "your time (America/New_York)" in html
        assert "local time in Europe/London" in html

    def test_rsvp_without_htmx_redirects_and_with_htmx_swaps_the_panel(self):
        event = make_event(capacity=2)
        sam, thandi = make_member(name="Sam"), make_member(name="Thandi")
        response = web_client_for(sam).post(f"/events/{event.pk}/rsvp/")
        assert response.status_code == 302
        assert Attendance.objects.get(member=sam).status == "going"
        panel = web_client_for(thandi).post(f"/events/{event.pk}/rsvp/", headers=HTMX)
        html = panel.content.decode()
        assert panel.status_code == 200
        assert 'id="event-panel"' in html
        assert "<html" not in html
        assert "You are on the waitlist, number 1" in html
        assert "Leave the waitlist" in html

    def test_non_attendees_do_not_see_the_list(self):
        event = make_event()
        attend(event, make_member(name="Thandi Mokoena"))
        html = web_client_for(make_member()).get(f"/events/{event.pk}/").content.decode()
        assert "Thandi Mokoena" not in html
        assert "Say you are going to see who else is coming" in html

    def test_hidden_and_blocked_attendees_are_not_shown(self):
        event = make_event()
        sam = make_member(name="Sam Okafor")
        attend(event, sam)
        attend(event, make_member(name="Hidden Hana"), hidden=True)
        blocker = make_member(name="Blocking Bo")
        attend(event, blocker)
        block_create(blocker=blocker, blocked=sam)
        html = web_client_for(sam).get(f"/events/{event.pk}/").content.decode()
        assert "Hidden Hana" not in html
        assert "Blocking Bo" not in html
        organizer_html = (
            web_client_for(event.organizer).get(f"/events/{event.pk}/").content.decode()
        )
        assert "Hidden Hana" in organizer_html

    def test_hide_myself_with_htmx(self):
        event = make_event()
        sam = make_member()
        attend(event, sam)
        html = (
            web_client_for(sam)
            .post(f"/events/{event.pk}/visibility/", {"hidden": "1"}, headers=HTMX)
            .content.decode()
        )
        assert Attendance.objects.get(member=sam).hidden
        assert "Show me on the list" in html

    def test_self_check_in_with_a_wrong_code_says_so(self):
        event = make_event(starts_in=timedelta(minutes=-5))
        sam = make_member()
        attend(event, sam)
        wrong = "ZZZZZZ" if event.checkin_code != "ZZZZZZ" else "YYYYYY"
        response = web_client_for(sam).post(f"/events/{event.pk}/check-in/", {"code": wrong})
        assert response.status_code == 422
        assert "That code does not match." in response.content.decode()
        ok = web_client_for(sam).post(
            f"/events/{event.pk}/check-in/", {"code": event.checkin_code}, headers=HTMX
        )
        assert "You are checked in." in ok.content.decode()

    def test_detail_query_count_is_bounded(self, django_assert_max_num_queries):
        event = make_event(topics=["Agile"])
        sam = make_member()
        attend(event, sam)
        for _ in range(15):
            attend(event, make_member())
        client = web_client_for(sam)
        with django_assert_max_num_queries(16):
            response = client.get(f"/events/{event.pk}/")
        assert response.content.decode().count('class="attendee"') == 17

    def test_blocked_by_organizer_is_404(self):
        event = make_event()
        sam = make_member()
        block_create(blocker=event.organizer, blocked=sam)
        assert web_client_for(sam).get(f"/events/{event.pk}/").status_code == 404

    def test_ics_download(self):
        event = make_event()
        response = web_client_for(make_member()).get(f"/events/{event.pk}/event.ics")
        assert response["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in response.content
        assert "attachment" in response["Content-Disposition"]


class TestManage:
    def test_organizer_sees_the_code_and_marks_with_htmx(self):
        event = make_event(starts_in=timedelta(minutes=-10))
        sam = make_member(name="Sam")
        attend(event, sam)
        organizer = web_client_for(event.organizer)
        page = organizer.get(f"/events/{event.pk}/manage/").content.decode()
        assert event.checkin_code in page
        row = organizer.post(f"/events/{event.pk}/manage/check-in/{sam.pk}/", headers=HTMX)
        assert "✓ Checked in" in row.content.decode()
        assert 'id="checkin-count" hx-swap-oob="true">1 of 2 checked in' in row.content.decode()
        assert Attendance.objects.get(member=sam).checked_in_at is not None

    def test_others_cannot_open_the_desk(self):
        event = make_event()
        sam = make_member()
        attend(event, sam)
        client = web_client_for(sam)
        assert client.get(f"/events/{event.pk}/manage/").status_code == 404
        assert client.post(f"/events/{event.pk}/manage/check-in/{sam.pk}/").status_code == 404
        assert Attendance.objects.get(member=sam).checked_in_at is None

    def test_code_reset(self):
        event = make_event()
        old = event.checkin_code
        web_client_for(event.organizer).post(f"/events/{event.pk}/manage/code/")
        event.refresh_from_db()
        assert event.checkin_code != old


class TestPeopleAndFollowUp:
    def test_people_to_meet_page_with_reasons_and_bounded_queries(
        self, django_assert_max_num_queries
    ):
        event = make_event()
        sam = make_member(name="Sam", profile={"topics": ["Agile"], "looking_for": ["rail"]})
        attend(event, sam)
        for n in range(10):
            attend(
                event,
                make_member(name=f"Person {n}", profile={"topics": ["Agile"], "offers": ["rail"]}),
            )
        client = web_client_for(sam)
        # 15: one of them is the member's time zone (MemberTimeZoneMiddleware), on every page.
        # 15, the header bell's unread count, the code of conduct's version (a cold cache here)
        with django_assert_max_num_queries(17):
            response = client.get(f"/events/{event.pk}/people/")
        html = response.content.decode()
        assert "You both follow Agile." in html
        assert "offers “rail”, and you are looking for “rail”." in html

    def test_follow_up_open_links_compose_with_the_event_and_thanks_connections(self):
        event = make_event(title="Risk workshop", starts_in=timedelta(hours=-4))
        sam, thandi, ama = make_member(name="Sam"), make_member(name="Thandi"), make_member()
        for person in (sam, thandi, ama):
            attend(event, person, checked_in=True)
        connection_create(member=sam, other=ama)
        client = web_client_for(sam)
        html = client.get(f"/events/{event.pk}/follow-up/").content.decode()
        assert f"/members/{thandi.pk}/connect/?context=event&amp;ref={event.pk}" in html
        assert f"/feed/new/?kind=event_recap&amp;event={event.pk}" in html
        assert "Send thanks" in html
        response = client.post(
            f"/events/{event.pk}/follow-up/thank/{ama.pk}/",
            {"text": "Thank you for the chat!"},
            headers=HTMX,
        )
        assert "Continue the conversation" in response.content.decode()
        assert Message.objects.get().text == "Thank you for the chat!"
        # The fragment said "Sent": no flash waits to say it again on the next page (issue 19).
        assert "Sent." not in client.get("/events/").content.decode()

    def test_follow_up_remembers_thanks_and_requests_after_a_reload(self):
        from mutuals.connections.services import invitation_send
        from mutuals.connections.tests.factories import good_draft

        event = make_event(title="Risk workshop", starts_in=timedelta(hours=-4))
        sam, thandi, ama = make_member(name="Sam"), make_member(name="Thandi"), make_member()
        for person in (sam, thandi, ama):
            attend(event, person, checked_in=True)
        connection_create(member=sam, other=ama)
        client = web_client_for(sam)
        url = f"/events/{event.pk}/follow-up/"
        assert f'href="/collaborations/new/?event={event.pk}"' in client.get(url).content.decode()
        client.post(f"/events/{event.pk}/follow-up/thank/{ama.pk}/", {"text": "Thank you!"})
        connection_create(member=thandi, other=ama)  # a mutual connection for the request
        invitation_send(sender=sam, draft=good_draft(thandi, ama))
        html = client.get(url).content.decode()
        assert "You have written to" in html
        assert f'id="thank-{ama.pk}"' not in html
        assert "Your request to connect is on its way." in html
        assert f"/members/{thandi.pk}/connect/?context=event" not in html

    def test_follow_up_closed_after_72_hours(self):
        event = make_event(starts_in=timedelta(hours=-4))
        sam = make_member()
        attend(event, sam, checked_in=True)
        move(event, starts_at=timezone.now() - timedelta(hours=80))
        html = web_client_for(sam).get(f"/events/{event.pk}/follow-up/").content.decode()
        assert "follow-up window for this event has closed" in html
        assert "Send thanks" not in html

    def test_compose_preselects_the_event(self):
        event = make_event(title="Risk workshop", starts_in=timedelta(hours=-4))
        sam, thandi = make_member(), make_member()
        thandi.boundaries.open_intents = ["advice"]
        thandi.boundaries.save()
        attend(event, sam, checked_in=True)
        attend(event, thandi, checked_in=True)
        html = (
            web_client_for(sam)
            .get(f"/members/{thandi.pk}/connect/?context=event&ref={event.pk}")
            .content.decode()
        )
        assert 'value="event" checked' in html
        assert f'<option value="{event.pk}" selected>Risk workshop' in html

    def test_compose_does_not_preselect_an_event_the_recipient_missed(self):
        event = make_event(starts_in=timedelta(hours=-4))
        sam, thandi = make_member(), make_member()
        thandi.boundaries.open_intents = ["advice"]
        thandi.boundaries.save()
        attend(event, sam, checked_in=True)
        attend(event, thandi)
        html = (
            web_client_for(sam)
            .get(f"/members/{thandi.pk}/connect/?context=event&ref={event.pk}")
            .content.decode()
        )
        assert 'value="event" checked' not in html
        assert "— none on record" in html


class TestCalendar:
    def test_page_shows_a_private_address_that_works_without_signing_in(self):
        sam = make_member()
        attend(make_event(title="Going there"), sam)
        client = web_client_for(sam)
        page = client.get("/events/calendar/").content.decode()
        token = sam.calendar_feed.token
        assert f"/events/calendar/{token}.ics" in page
        assert "webcal://" in page
        feed = Client().get(f"/events/calendar/{token}.ics")
        assert b"Going there" in feed.content
        client.post("/events/calendar/reset/")
        assert Client().get(f"/events/calendar/{token}.ics").status_code == 404


class TestComposerWithEvent:
    def _scene(self, *, thandi_checked_in: bool = True):
        event = make_event(title="Risk workshop", starts_in=timedelta(hours=-4))
        sam = make_member(name="Sam Okafor", profile={"company": "Kestrel"})
        thandi = make_member(name="Thandi Mokoena", profile={"company": "Acme Rail"})
        thandi.boundaries.open_intents = ["advice"]
        thandi.boundaries.save()
        attend(event, sam, checked_in=True)
        attend(event, thandi, checked_in=thandi_checked_in)
        return event, sam, thandi

    NOTE = (
        "Hi Thandi, your point at the Risk workshop about pricing schedule risk into supplier "
        "contracts is what my team at Kestrel is wrestling with. Could I ask your advice for "
        "20 minutes on how you introduced it at Acme Rail?"
    )

    def test_live_feedback_verifies_the_event(self):
        event, sam, thandi = self._scene()
        response = web_client_for(sam).post(
            f"/members/{thandi.pk}/connect/check/",
            {"context_kind": "event", "event": event.pk, "intent": "advice", "message": self.NOTE},
            headers=HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "did not both check in" not in html
        assert "verdict-personal" in html

    def test_live_feedback_flags_an_event_the_recipient_missed(self):
        event, sam, thandi = self._scene(thandi_checked_in=False)
        html = (
            web_client_for(sam)
            .post(
                f"/members/{thandi.pk}/connect/check/",
                {
                    "context_kind": "event",
                    "event": event.pk,
                    "intent": "advice",
                    "message": self.NOTE,
                },
                headers=HTMX,
            )
            .content.decode()
        )
        assert "choose an event you both attended" in html

    def test_sending_with_the_event_as_context(self):
        event, sam, thandi = self._scene()
        response = web_client_for(sam).post(
            f"/members/{thandi.pk}/connect/",
            {"context_kind": "event", "event": event.pk, "intent": "advice", "message": self.NOTE},
        )
        assert response.status_code == 302
        from mutuals.connections.models import Invitation

        invitation = Invitation.objects.get()
        assert (invitation.context_kind, invitation.context_ref) == ("event", str(event.pk))

    def test_an_event_the_recipient_missed_is_refused_on_send(self):
        event, sam, thandi = self._scene(thandi_checked_in=False)
        response = web_client_for(sam).post(
            f"/members/{thandi.pk}/connect/",
            {"context_kind": "event", "event": event.pk, "intent": "advice", "message": self.NOTE},
        )
        from mutuals.connections.models import Invitation

        assert response.status_code == 200
        assert not Invitation.objects.exists()


def test_thank_you_refused_with_htmx_shows_the_form_again_with_the_reason():
    event = make_event(starts_in=timedelta(hours=-4))
    sam, ama = make_member(), make_member(name="Ama Mensah")
    attend(event, sam, checked_in=True)
    attend(event, ama, checked_in=True)
    connection_create(member=sam, other=ama)
    response = web_client_for(sam).post(
        f"/events/{event.pk}/follow-up/thank/{ama.pk}/", {"text": "   "}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write" in html
    assert 'role="alert"' in html
    assert "Thank Ama" in html
    assert not Message.objects.exists()


def test_admin_lists_events_with_their_attendances():
    from mutuals.accounts.models import User

    admin = User.objects.create_superuser(email="admin@example.com", password="x" * 20, name="A")
    event = make_event(title="Admin visible")
    client = web_client_for(admin)
    assert "Admin visible" in client.get("/admin/events/event/").content.decode()
    change = client.get(f"/admin/events/event/{event.pk}/change/")
    assert change.status_code == 200
    assert client.get("/admin/events/attendance/").status_code == 200
    assert client.get("/admin/events/calendarfeed/").status_code == 200


def test_organizer_cancels_from_the_desk_and_the_page_says_so():
    event = make_event(title="Rained out")
    sam = make_member()
    attend(event, sam)
    response = web_client_for(event.organizer).post(
        f"/events/{event.pk}/manage/cancel/", {"note": "The venue flooded."}
    )
    assert response.status_code == 302
    html = web_client_for(sam).get(f"/events/{event.pk}/").content.decode()
    assert "The organizer cancelled this event" in html
    assert "I am going" not in html
    assert "Cancelled" in web_client_for(sam).get("/events/").content.decode()
    assert web_client_for(sam).post(f"/events/{make_event().pk}/manage/cancel/").status_code == 404


def test_home_points_to_open_follow_ups_and_the_next_event():
    """The member's home says what is worth doing today: follow up on an event they attended
    while its window is open (not once it closed, nor where they only RSVPed), and the next
    event they are going to."""
    sam = make_member(name="Sam")
    attended = make_event(title="Risk workshop", starts_in=timedelta(hours=-4))
    only_rsvp = make_event(title="Site visit", starts_in=timedelta(hours=-5))
    closed = make_event(title="Spring forum", starts_in=timedelta(hours=-100))
    upcoming = make_event(title="Retro clinic", starts_in=timedelta(days=3))
    attend(attended, sam, checked_in=True)
    attend(only_rsvp, sam)
    attend(closed, sam, checked_in=True)
    attend(upcoming, sam)
    html = web_client_for(sam).get("/").content.decode()
    assert f'href="/events/{attended.pk}/follow-up/"' in html
    assert "Follow up with the people you met at Risk workshop" in html
    assert "Site visit" not in html
    assert "Spring forum" not in html
    assert f'Next: <a href="/events/{upcoming.pk}/">Retro clinic</a>' in html
