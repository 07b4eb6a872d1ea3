"""The mentorship endpoints: shapes, status codes and the error envelope, from offer to
testimonial, over a personal access token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.mentorship.tests.factories import make_mentee, make_mentor, note_for, request

pytestmark = pytest.mark.django_db


def post(
    client: Client, path: str, body: dict[str, Any] | None = None, method: str = "post"
) -> Any:
    return getattr(client, method)(path, body or {}, content_type="application/json")


def envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    return body


OFFER = {
    "title": "Pricing schedule risk into supplier contracts",
    "description": "Negotiation and clauses that hold up.",
    "topics": ["Risk management"],
    "formats": ["call"],
    "capacity": 1,
    "min_weeks": 8,
    "max_weeks": 12,
    "availability": "Tuesday evenings",
}


def test_from_offer_to_testimonial_over_the_api() -> None:
    mentor = make_member(
        name="Thandi Mokoena", profile={"company": "Acme Rail", "topics": ["Risk management"]}
    )
    mentee = make_mentee()
    as_mentor, as_mentee = api_client_for(mentor), api_client_for(mentee)

    created = post(as_mentor, "/api/mentor-offers", OFFER)
    assert created.status_code == 201, created.content
    offer = created.json()
    assert offer["free_places"] == 1
    assert offer["mentor"]["name"] == "Thandi Mokoena"
    envelope(post(as_mentor, "/api/mentor-offers", OFFER), 409, "offer_exists")

    suggestions = post(
        as_mentee,
        "/api/mentor-offers/suggestions",
        {"topics": ["risk management"], "goals": ["Price schedule risk"], "format": "call"},
    ).json()
    assert suggestions[0]["offer"]["id"] == offer["id"]
    assert "Mentors on Risk management" in suggestions[0]["reasons"]

    check = post(
        as_mentee,
        "/api/mentorships/check",
        {"offer_id": offer["id"], "note": note_for(mentor), "topics": ["Risk management"]},
    ).json()
    assert check["verdict"] == "personal"

    body = {
        "offer_id": offer["id"],
        "goals": ["Price schedule risk into a contract"],
        "topics": ["Risk management"],
        "format": "call",
        "weeks": 8,
        "cadence": "weekly",
        "note": note_for(mentor),
    }
    requested = post(as_mentee, "/api/mentorships", body)
    assert requested.status_code == 201, requested.content
    mentorship_id = requested.json()["id"]
    assert requested.json()["state"] == "requested"
    base = f"/api/mentorships/{mentorship_id}"

    envelope(post(as_mentee, f"{base}/accept"), 403, "only_mentor_answers")
    accepted = post(as_mentor, f"{base}/accept", {"cadence": "biweekly"})
    assert accepted.status_code == 200, accepted.content
    detail = accepted.json()
    assert detail["state"] == "active"
    assert len(detail["checkins"]) == 8  # every two weeks for 8 weeks, both of them
    goal_id = detail["goals"][0]["id"]

    assert post(as_mentee, f"{base}/goals", {"text": "Chair a risk review"}).status_code == 201
    ticked = post(as_mentor, f"{base}/goals/{goal_id}", {"done": True}, method="patch")
    assert ticked.json()["done"] is True
    logged = post(as_mentee, f"{base}/checkins", {"note": "First call"})
    assert logged.status_code == 201
    assert sum(1 for c in logged.json() if c["fulfilled_at"]) == 2

    envelope(post(as_mentee, f"{base}/reflection", {"text": "x" * 30}, "put"), 409, "not_ended")
    ended = post(as_mentee, f"{base}/end", {"reason": "goals_met"})
    assert ended.json()["state"] == "completed"
    text = "Thandi taught me to price risk in; my first contract with it signed last week."
    reflected = post(as_mentee, f"{base}/reflection", {"text": text, "share": True}, "put")
    assert reflected.json()["share"] is True
    envelope(post(as_mentor, f"{base}/testimonial", {"share": True}), 403, "only_mentee_shares")
    assert post(as_mentee, f"{base}/testimonial", {"share": False}).json()["share"] is False

    listed = as_mentor.get("/api/mentorships?role=mentor").json()
    assert [m["id"] for m in listed["items"]] == [mentorship_id]
    assert listed["next"] is None
    assert as_mentee.get("/api/mentorships?role=mentor").json()["items"] == []


def test_refusals_use_the_error_envelope() -> None:
    mentor, offer = make_mentor(capacity=1)
    mentee = make_mentee()
    as_mentee = api_client_for(mentee)
    base = {
        "offer_id": offer.pk,
        "goals": ["Negotiate a contract"],
        "format": "call",
        "weeks": 10,
        "note": "Hi, I'd like to join your network.",
    }
    body = envelope(
        post(as_mentee, "/api/mentorships", base), 422, "below_personalization_threshold"
    )
    assert body["detail"]["findings"]
    envelope(post(as_mentee, "/api/mentorships", {**base, "weeks": 30}), 422, "invalid_fields")
    envelope(
        post(as_mentee, "/api/mentorships", {**base, "format": "in_person"}),
        422,
        "format_not_offered",
    )
    envelope(post(as_mentee, "/api/mentorships", {**base, "offer_id": 99999}), 404, "not_found")
    envelope(post(api_client_for(mentor), "/api/mentorships", base), 422, "cannot_mentor_self")
    envelope(post(as_mentee, "/api/mentorships", {"offer_id": "x"}), 422, "invalid_fields")


def test_others_and_blocked_members_see_nothing() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    stranger = api_client_for(make_member())
    envelope(stranger.get(f"/api/mentorships/{mentorship.pk}"), 404, "not_found")
    envelope(post(stranger, f"/api/mentorships/{mentorship.pk}/accept"), 404, "not_found")
    block_create(blocker=mentor, blocked=mentee)
    envelope(api_client_for(mentee).get(f"/api/mentor-offers/{offer.pk}"), 404, "not_found")
    envelope(api_client_for(mentee).get(f"/api/mentorships/{mentorship.pk}"), 404, "not_found")


def test_pause_and_resume_an_offer() -> None:
    mentor, offer = make_mentor()
    as_mentor = api_client_for(mentor)
    assert post(as_mentor, f"/api/mentor-offers/{offer.pk}/pause").json()["paused"] is True
    as_mentee = api_client_for(make_mentee())
    assert as_mentee.get("/api/mentor-offers").json()["items"] == []
    assert post(as_mentor, f"/api/mentor-offers/{offer.pk}/resume").json()["paused"] is False
    assert [o["id"] for o in as_mentee.get("/api/mentor-offers").json()["items"]] == [offer.pk]
    changed = post(as_mentor, f"/api/mentor-offers/{offer.pk}", {**OFFER, "capacity": 3}, "put")
    assert changed.json()["capacity"] == 3
    envelope(post(as_mentee, f"/api/mentor-offers/{offer.pk}", OFFER, "put"), 403, "not_your_offer")


def test_decline_and_withdraw() -> None:
    mentor, offer = make_mentor()
    first, second = make_mentee(), make_mentee("Priya Shah")
    one, two = request(first, offer), request(second, offer)
    declined = post(
        api_client_for(mentor), f"/api/mentorships/{one.pk}/decline", {"reason": "timing"}
    )
    assert declined.json()["state"] == "declined"
    envelope(
        post(api_client_for(mentor), f"/api/mentorships/{two.pk}/withdraw"),
        403,
        "only_mentee_withdraws",
    )
    withdrawn = post(api_client_for(second), f"/api/mentorships/{two.pk}/withdraw")
    assert withdrawn.json()["state"] == "withdrawn"


def test_a_programme_over_the_api() -> None:
    organizer, mentor, mentee = make_member(), make_member(), make_member()
    as_organizer = api_client_for(organizer)
    created = post(as_organizer, "/api/programmes", {"name": "Autumn cohort", "weeks": 6})
    assert created.status_code == 201
    pid = created.json()["id"]
    for member, role in ((mentor, "mentor"), (mentee, "mentee")):
        added = post(
            as_organizer,
            f"/api/programmes/{pid}/participants",
            {"member_id": member.pk, "role": role},
        )
        assert added.status_code == 201, added.content
    post(api_client_for(mentor), f"/api/programmes/{pid}/ranking", {"ranking": [mentee.pk]}, "put")
    post(api_client_for(mentee), f"/api/programmes/{pid}/ranking", {"ranking": [mentor.pk]}, "put")
    envelope(post(api_client_for(mentee), f"/api/programmes/{pid}/compute"), 403, "only_organizer")
    pairs = post(as_organizer, f"/api/programmes/{pid}/compute").json()
    assert pairs == [{"mentor_id": mentor.pk, "mentee_id": mentee.pk}]
    # A participant sees their own ranking only, and no proposal.
    seen = api_client_for(mentee).get(f"/api/programmes/{pid}").json()
    rankings = {p["member"]["id"]: p["ranking"] for p in seen["participants"]}
    assert rankings == {mentor.pk: [], mentee.pk: [mentor.pk]}
    assert seen["assignment"] == []
    published = post(as_organizer, f"/api/programmes/{pid}/publish").json()
    assert len(published["mentorship_ids"]) == 1
    envelope(api_client_for(make_member()).get(f"/api/programmes/{pid}"), 404, "not_found")


# --- The programmes list and the check-ins calendar --------------------------------------------


def test_programmes_list_shows_yours_with_your_place() -> None:
    from mutuals.mentorship.services import programmes

    organizer, mentor, mentee, outsider = (
        make_member(name=n) for n in ("Aiko Tanaka", "Rajesh Iyer", "Liam Byrne", "Nobody Else")
    )
    spring = programmes.programme_create(organizer=organizer, name="Spring cohort", weeks=8)
    autumn = programmes.programme_create(organizer=mentor, name="Autumn cohort", weeks=8)
    programmes.programme_add(
        organizer=organizer, programme_id=spring.pk, member_id=mentor.pk, role="mentor"
    )
    programmes.programme_add(
        organizer=organizer, programme_id=spring.pk, member_id=mentee.pk, role="mentee"
    )
    programmes.programme_create(organizer=outsider, name="Someone else's", weeks=8)

    response = api_client_for(organizer).get("/api/programmes")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == spring.pk
    assert item["name"] == "Spring cohort"
    assert item["organizer"]["name"] == "Aiko Tanaka"
    assert (item["is_organizer"], item["my_role"], item["state"]) == (True, None, "open")
    assert {"weeks", "cadence", "created_at", "computed_at", "published_at"} <= set(item)

    # Rajesh organizes Autumn and mentors in Spring: both, newest first.
    items = api_client_for(mentor).get("/api/programmes").json()["items"]
    assert [(i["id"], i["is_organizer"], i["my_role"]) for i in items] == [
        (autumn.pk, True, None),
        (spring.pk, False, "mentor"),
    ]
    mine = api_client_for(mentee).get("/api/programmes").json()["items"]
    assert [(i["id"], i["my_role"]) for i in mine] == [(spring.pk, "mentee")]
    assert [i["name"] for i in api_client_for(outsider).get("/api/programmes").json()["items"]] == [
        "Someone else's"
    ]
    # The page lists the same two groups from the same selector.
    web = web_client_for(mentor)
    page = web.get("/mentorship/programmes/").content.decode()
    assert "Autumn cohort" in page
    assert "Spring cohort" in page
    assert "Someone else" not in page


def test_programmes_list_is_paginated_and_needs_sign_in() -> None:
    from mutuals.mentorship.services import programmes

    organizer = make_member()
    made = [
        programmes.programme_create(organizer=organizer, name=f"Cohort {n}", weeks=8).pk
        for n in range(5)
    ]
    client = api_client_for(organizer)
    first = client.get("/api/programmes?limit=2").json()
    pages = [first]
    while pages[-1]["next"]:
        pages.append(client.get(f"/api/programmes?limit=2&cursor={pages[-1]['next']}").json())
    assert [i["id"] for page in pages for i in page["items"]] == made[::-1]
    envelope(Client().get("/api/programmes"), 401, "not_authenticated")


def test_check_ins_calendar_for_the_two_members_only() -> None:
    from icalendar import Calendar

    from mutuals.mentorship.services import progress
    from mutuals.mentorship.tests.factories import active

    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    progress.checkin_log(member=mentee, mentorship_id=mentorship.pk)
    response = api_client_for(mentee).get(f"/api/mentorships/{mentorship.pk}/checkins/ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"mentorship-{mentorship.pk}.ics" in response["Content-Disposition"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    # Five check-ins over ten weeks, the first already met: four left, as the page offers.
    assert len(events) == 4
    assert str(events[0]["SUMMARY"]) == "Mentorship check-in with Thandi Mokoena"
    web = web_client_for(mentee)
    page = web.get(f"/mentorship/{mentorship.pk}/check-ins.ics")
    assert [str(e["UID"]) for e in Calendar.from_ical(page.content).walk("VEVENT")] == [
        str(e["UID"]) for e in events
    ]
    theirs = api_client_for(mentor).get(f"/api/mentorships/{mentorship.pk}/checkins/ics")
    assert str(Calendar.from_ical(theirs.content).walk("VEVENT")[0]["SUMMARY"]) == (
        "Mentorship check-in with Sam Okafor"
    )
    path = f"/api/mentorships/{mentorship.pk}/checkins/ics"
    envelope(api_client_for(make_member()).get(path), 404, "not_found")
    envelope(Client().get(path), 401, "not_authenticated")
    block_create(blocker=mentor, blocked=mentee)
    envelope(api_client_for(mentee).get(path), 404, "not_found")
