"""The events API end to end, with personal access tokens: the story from organizing to the
follow-up, every refusal's status and code, and the `.ics` parsed back with icalendar."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_create
from mutuals.events.models import Attendance, Event
from mutuals.events.tests.factories import attend, make_event, move

pytestmark = pytest.mark.django_db


def new_event_body(**overrides):
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    body = {
        "title": "Risk workshop",
        "description": "Schedule risk in supplier contracts.",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "time_zone": "Europe/London",
        "place": "Chapter house",
        "capacity": 2,
        "topics": ["Risk management"],
    }
    body.update(overrides)
    return body


def test_story_create_rsvp_waitlist_cancel_promote_check_in():
    olu, sam, thandi = make_member(name="Olu"), make_member(name="Sam"), make_member(name="Thandi")
    organizer = api_client_for(olu)
    created = organizer.post("/api/events", new_event_body(), content_type="application/json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["going_count"] == 1
    assert event["my_status"] == "going"
    assert len(event["checkin_code"]) == 6
    assert event["topics"] == ["Risk management"]

    sam_api, thandi_api = api_client_for(sam), api_client_for(thandi)
    seen = sam_api.get(f"/api/events/{event['id']}").json()
    assert seen["checkin_code"] is None
    assert sam_api.post(f"/api/events/{event['id']}/rsvp").json()["status"] == "going"
    assert thandi_api.post(f"/api/events/{event['id']}/rsvp").json()["status"] == "waitlisted"
    cancelled = sam_api.delete(f"/api/events/{event['id']}/rsvp")
    assert cancelled.json()["status"] == "cancelled"
    assert thandi_api.get(f"/api/events/{event['id']}").json()["my_status"] == "going"

    move(Event.objects.get(pk=event["id"]), starts_at=timezone.now() - timedelta(minutes=10))
    wrong = thandi_api.post(
        f"/api/events/{event['id']}/check-ins", {"code": "AAAAAA"}, content_type="application/json"
    )
    if event["checkin_code"] != "AAAAAA":
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "wrong_code"
    ok = thandi_api.post(
        f"/api/events/{event['id']}/check-ins",
        {"code": event["checkin_code"].lower()},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["checked_in_at"] is not None
    marked = organizer.post(
        f"/api/events/{event['id']}/check-ins",
        {"member_id": olu.pk},
        content_type="application/json",
    )
    assert marked.json()["check_in_method"] == "organizer"


def test_create_refusals_list_every_field():
    api = api_client_for(make_member())
    response = api.post(
        "/api/events",
        new_event_body(title="", time_zone="Nowhere/Else", place="", capacity=0),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_fields"
    assert {"title", "time_zone", "place", "capacity"} <= set(body["detail"]["fields"])


def test_only_the_organizer_patches_and_capacity_rule():
    event = make_event(capacity=3)
    sam = make_member()
    attend(event, sam)
    stranger = api_client_for(make_member())
    refused = stranger.patch(
        f"/api/events/{event.pk}", {"title": "Hijacked"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_organizer"
    organizer = api_client_for(event.organizer)
    low = organizer.patch(
        f"/api/events/{event.pk}", {"capacity": 1}, content_type="application/json"
    )
    assert low.status_code == 422
    assert low.json()["code"] == "capacity_below_going"
    ok = organizer.patch(
        f"/api/events/{event.pk}",
        {"title": "Risk evening", "capacity": None},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["title"] == "Risk evening"
    assert ok.json()["capacity"] is None


def test_list_scopes_and_cursor_pages():
    olu = make_member()
    upcoming = [make_event(olu, starts_in=timedelta(days=d), title=f"Up {d}") for d in (3, 1, 2)]
    past = make_event(olu, starts_in=timedelta(days=-3), title="Before")
    api = api_client_for(make_member())
    first = api.get("/api/events?limit=2").json()
    assert [e["title"] for e in first["items"]] == ["Up 1", "Up 2"]
    second = api.get(f"/api/events?limit=2&cursor={first['next']}").json()
    assert [e["title"] for e in second["items"]] == ["Up 3"]
    assert second["next"] is None
    assert [e["title"] for e in api.get("/api/events?scope=past").json()["items"]] == ["Before"]
    assert api.get("/api/events?scope=mine").json()["items"] == []
    assert len(upcoming) == 3
    assert past.pk
    assert api.get("/api/events?scope=nonsense").status_code in {400, 422}


def test_attendees_respect_rsvp_hidden_and_blocks():
    event = make_event()
    sam, thandi, kwame = (
        make_member(name="Sam"),
        make_member(name="Thandi"),
        make_member(name="Kwame"),
    )
    attend(event, sam)
    attend(event, thandi)
    attend(event, kwame)
    outsider = api_client_for(make_member())
    private = outsider.get(f"/api/events/{event.pk}/attendees")
    assert private.status_code == 403
    assert private.json()["code"] == "attendees_private"
    thandi_api = api_client_for(thandi)
    assert thandi_api.post(f"/api/events/{event.pk}/hidden").json()["hidden"] is True
    block_create(blocker=kwame, blocked=sam)
    names = [
        a["member"]["name"]
        for a in api_client_for(sam).get(f"/api/events/{event.pk}/attendees").json()["items"]
    ]
    assert "Thandi" not in names
    assert "Kwame" not in names
    assert "Sam" in names
    organizer_view = api_client_for(event.organizer).get(f"/api/events/{event.pk}/attendees").json()
    hidden = {a["member"]["name"]: a["hidden"] for a in organizer_view["items"]}
    assert hidden["Thandi"] is True
    assert thandi_api.delete(f"/api/events/{event.pk}/hidden").json()["hidden"] is False


def test_blocked_member_gets_not_found():
    event = make_event()
    sam = make_member()
    block_create(blocker=event.organizer, blocked=sam)
    response = api_client_for(sam).get(f"/api/events/{event.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client_for(sam).post(f"/api/events/{event.pk}/rsvp").status_code == 404


def test_people_to_meet_with_reasons():
    event = make_event()
    sam = make_member(name="Sam", profile={"looking_for": ["supplier contract pricing"]})
    thandi = make_member(name="Thandi", profile={"offers": ["supplier contract pricing"]})
    attend(event, sam)
    attend(event, thandi)
    items = api_client_for(sam).get(f"/api/events/{event.pk}/people").json()["items"]
    assert items[0]["member"]["name"] == "Thandi"
    assert items[0]["reasons"] == [
        "Thandi offers “supplier contract pricing”, and you are looking for "
        "“supplier contract pricing”."
    ]
    assert items[0]["connected"] is False


def test_follow_up_and_thanks():
    event = make_event(starts_in=timedelta(hours=-4))
    sam, thandi, ama = make_member(name="Sam"), make_member(name="Thandi"), make_member(name="Ama")
    for person in (sam, thandi, ama):
        attend(event, person, checked_in=True)
    connection_create(member=sam, other=ama)
    body = api_client_for(sam).get(f"/api/events/{event.pk}/follow-up").json()
    assert body["state"] == "open"
    people = {p["member"]["name"]: p for p in body["people"]}
    assert people["Thandi"]["invite_url"] == (
        f"/members/{thandi.pk}/connect/?context=event&ref={event.pk}"
    )
    assert people["Ama"]["connected"] is True
    assert people["Ama"]["invite_url"] is None
    assert body["recap_url"] == f"/feed/new/?kind=event_recap&event={event.pk}"
    thanks = api_client_for(sam).post(
        f"/api/events/{event.pk}/follow-up/thanks",
        {"member_id": ama.pk, "text": "Thank you for the chat about pricing!"},
        content_type="application/json",
    )
    assert thanks.status_code == 201
    stranger = api_client_for(sam).post(
        f"/api/events/{event.pk}/follow-up/thanks",
        {"member_id": thandi.pk, "text": "Thanks!"},
        content_type="application/json",
    )
    assert stranger.status_code == 422
    assert stranger.json()["code"] == "not_connected"
    not_there = api_client_for(make_member()).get(f"/api/events/{event.pk}/follow-up")
    assert not_there.status_code == 403
    assert not_there.json()["code"] == "not_checked_in"


def test_follow_up_window_closed():
    event = make_event(starts_in=timedelta(hours=-80))
    sam = make_member()
    attend(event, sam, checked_in=True)
    assert api_client_for(sam).get(f"/api/events/{event.pk}/follow-up").json()["state"] == "closed"


def test_ics_parses_with_the_events_time_zone():
    event = make_event(
        title="Risk workshop", time_zone="Africa/Johannesburg", topics=["Risk management"]
    )
    response = api_client_for(make_member()).get(f"/api/events/{event.pk}/ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    vevent = calendar.events[0]
    assert str(vevent["SUMMARY"]) == "Risk workshop"
    assert vevent.start == event.starts_at
    assert str(getattr(vevent.start, "tzinfo", None)) == "Africa/Johannesburg"
    assert vevent.end == event.ends_at
    assert str(vevent["LOCATION"]) == event.place
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")
    assert [tz.tz_name for tz in calendar.timezones] == ["Africa/Johannesburg"]


def test_calendar_feed_by_token_without_session_and_reset():
    sam = make_member()
    going = make_event(title="Going there")
    attend(going, sam)
    make_event(title="Not mine")
    api = api_client_for(sam)
    url = api.get("/api/events/calendar").json()["url"]
    path = url.split("testserver", 1)[1]
    feed = Client().get(path)
    assert feed.status_code == 200
    titles = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.content).events]
    assert titles == ["Going there"]
    new_url = api.post("/api/events/calendar/reset").json()["url"]
    assert new_url != url
    assert Client().get(path).status_code == 404
    assert Client().get(new_url.split("testserver", 1)[1]).status_code == 200


def test_rsvp_after_the_end_and_cancel_without_rsvp():
    over = make_event(starts_in=timedelta(hours=-5))
    api = api_client_for(make_member())
    assert api.post(f"/api/events/{over.pk}/rsvp").json()["code"] == "event_over"
    upcoming = make_event()
    response = api.delete(f"/api/events/{upcoming.pk}/rsvp")
    assert response.status_code == 409
    assert response.json()["code"] == "not_attending"
    assert not Attendance.objects.filter(event=upcoming).exclude(member=upcoming.organizer).exists()


def test_calendar_feed_marks_a_waitlist_spot_tentative():
    import icalendar as ical

    sam = make_member()
    full = make_event(title="Full house", capacity=1)
    api_client_for(sam).post(f"/api/events/{full.pk}/rsvp")
    url = api_client_for(sam).get("/api/events/calendar").json()["url"]
    feed = Client().get(url.split("testserver", 1)[1])
    vevent = ical.Calendar.from_ical(feed.content).events[0]
    assert str(vevent["SUMMARY"]) == "Waitlist: Full house"
    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_list_query_count_does_not_grow_with_events(django_assert_max_num_queries):
    sam = make_member()
    for n in range(15):
        attend(make_event(title=f"Event {n}", topics=["Agile", "Risk"]), sam)
    api = api_client_for(sam)
    with django_assert_max_num_queries(8):
        body = api.get("/api/events?limit=15").json()
    assert len(body["items"]) == 15
    assert {e["my_status"] for e in body["items"]} == {"going"}


def test_cancel_endpoint_and_calendar_status():
    event = make_event(title="Called off")
    sam = make_member()
    attend(event, sam)
    refused = api_client_for(sam).post(
        f"/api/events/{event.pk}/cancel", {"note": "mine now"}, content_type="application/json"
    )
    assert refused.status_code == 403
    body = api_client_for(event.organizer).post(
        f"/api/events/{event.pk}/cancel", {"note": "Sorry"}, content_type="application/json"
    )
    assert body.status_code == 200
    assert body.json()["cancelled_at"] is not None
    ics = api_client_for(sam).get(f"/api/events/{event.pk}/ics")
    assert str(icalendar.Calendar.from_ical(ics.content).events[0]["STATUS"]) == "CANCELLED"
    again = api_client_for(make_member()).post(f"/api/events/{event.pk}/rsvp")
    assert again.json()["code"] == "event_cancelled"


def test_people_to_meet_are_cursor_paginated():
    """Like every other list: `{"items", "next"}`, `?cursor=&limit=`, in ranking order."""
    event = make_event()
    sam = make_member(name="Sam", profile={"looking_for": ["supplier contract pricing"]})
    attend(event, sam)
    others = [make_member(name=name) for name in ("Ada", "Bea", "Cy")]
    for other in others:
        attend(event, other)
    client = api_client_for(sam)
    everyone = client.get(f"/api/events/{event.pk}/people").json()
    assert everyone["next"] is None
    seen, pages, cursor = [], 0, None
    while pages == 0 or cursor:
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/events/{event.pk}/people", query).json()
        assert len(page["items"]) == 1
        seen += [item["member"]["name"] for item in page["items"]]
        cursor, pages = page["next"], pages + 1
    assert seen == [item["member"]["name"] for item in everyone["items"]]
    assert {"Ada", "Bea", "Cy"} <= set(seen)
    assert pages == len(seen) >= 3


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "US/Eastern"])
def test_an_event_zone_must_be_canonical(name):
    response = api_client_for(make_member()).post(
        "/api/events", new_event_body(time_zone=name), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert "time_zone" in response.json()["detail"]["fields"]
