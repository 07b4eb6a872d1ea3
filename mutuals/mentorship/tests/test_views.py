"""The mentorship pages end to end through Django's test client, with and without HTMX."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.mentorship.models import MentorOffer, Mentorship, Participant
from mutuals.mentorship.services import mentorships, progress
from mutuals.mentorship.tests.factories import active, make_mentee, make_mentor, note_for, request

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_hub_lists_requests_offer_and_mentorships(
    django_assert_max_num_queries: Any,
) -> None:
    mentor, offer = make_mentor()
    for n in range(3):
        request(make_mentee(f"Mentee Number{n}"), offer)
    active(make_mentee("Priya Shah"), offer)
    client = web_client_for(mentor)
    with django_assert_max_num_queries(15):
        page = client.get("/mentorship/")
    body = text(page)
    assert page.status_code == 200
    assert body.count("Mentee Number") == 3
    assert "Mentoring <strong>Priya Shah</strong>" in body
    assert "1 of 2 places taken" in body
    assert "Pause your offer" in body


def test_a_mentor_publishes_edits_and_pauses_their_offer() -> None:
    mentor = make_member()
    client = web_client_for(mentor)
    assert "Offer to mentor" in text(client.get("/mentorship/offer/"))
    form = {
        "title": "Running PMO reviews",
        "description": "How to run reviews people look forward to.",
        "topics": "PMO, Governance",
        "formats": ["call", "in_person"],
        "capacity": "2",
        "min_weeks": "6",
        "max_weeks": "10",
        "availability": "Friday mornings",
    }
    bad = client.post("/mentorship/offer/", {**form, "min_weeks": "12"})
    assert bad.status_code == 200
    assert "The longest duration cannot be shorter" in text(bad)
    assert client.post("/mentorship/offer/", form).status_code == 302
    offer = MentorOffer.objects.get(mentor=mentor)
    assert sorted(t.name for t in offer.topics.all()) == ["Governance", "PMO"]
    assert client.post("/mentorship/offer/", {**form, "capacity": "4"}).status_code == 302
    offer.refresh_from_db()
    assert offer.capacity == 4
    client.post("/mentorship/offer/pause/", {"paused": "1"})
    offer.refresh_from_db()
    assert offer.is_paused
    assert "Resume your offer" in text(client.get("/mentorship/"))


def test_find_a_mentor_shows_suggestions_with_reasons() -> None:
    _mentor, _ = make_mentor()
    client = web_client_for(make_mentee())
    query = {"topics": "risk management", "goals": "Negotiate supplier contracts", "weeks": "10"}
    page = client.get("/mentorship/find/", query)
    body = text(page)
    assert "Thandi Mokoena" in body
    assert "Mentors on Risk management" in body
    assert "Ask Thandi" in body
    partial = client.get("/mentorship/find/", query, headers=HTMX)
    assert "<html" not in text(partial)
    assert "Mentors on Risk management" in text(partial)
    empty = client.get("/mentorship/find/", {"topics": "Origami"})
    assert "No open offer matches yet" in text(empty)


def test_the_request_form_checks_the_note_live_and_sends() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    client = web_client_for(mentee)
    url = f"/mentorship/offers/{offer.pk}/request/"
    page = client.get(url, {"goals": "Price risk", "weeks": "10"})
    assert "Ask Thandi Mokoena to mentor you" in text(page)
    feedback = client.post(f"{url}check/", {"note": note_for(mentor)}, headers=HTMX)
    assert "Personal" in text(feedback)
    generic = client.post(
        f"{url}check/", {"note": "Hi, I'd like to join your network."}, headers=HTMX
    )
    assert "Generic" in text(generic)
    assert "this note would be sent back to you" in text(generic)
    form = {
        "goals": "Negotiate a supplier contract\nRun a risk register",
        "topics": "Risk management",
        "format": "call",
        "weeks": "10",
        "cadence": "biweekly",
        "note": "Hi, I'd like to join your network.",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "asks for notes scoring at least" in text(refused)
    sent = client.post(url, {**form, "note": note_for(mentor)})
    mentorship = Mentorship.objects.get(mentee=mentee)
    assert sent.status_code == 302
    assert sent["Location"] == f"/mentorship/{mentorship.pk}/"
    assert [g.text for g in mentorship.goals.all()] == [
        "Negotiate a supplier contract",
        "Run a risk register",
    ]


def test_the_mentor_answers_on_the_mentorship_page() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    url = f"/mentorship/{mentorship.pk}/"
    as_mentee = web_client_for(mentee)
    assert "Accept and start" not in text(as_mentee.get(url))
    assert as_mentee.post(f"{url}accept/", {"cadence": "weekly"}).status_code == 422
    as_mentor = web_client_for(mentor)
    page = text(as_mentor.get(url))
    assert "Sam asks you to mentor them" in page
    assert "Accept and start" in page
    as_mentor.post(f"{url}accept/", {"cadence": "weekly"})
    body = text(as_mentor.get(url))
    assert "Active" in body
    assert "0 of 20 met" in body
    assert web_client_for(make_member()).get(url).status_code == 404


def test_goals_check_ins_end_and_reflection_on_the_page() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    url = f"/mentorship/{mentorship.pk}/"
    client = web_client_for(mentee)
    goal = mentorship.goals.first()
    assert goal is not None
    toggled = client.post(f"{url}goals/{goal.pk}/", {"done": "1"}, headers=HTMX)
    assert "☑" in text(toggled)
    assert "<html" not in text(toggled)
    client.post(f"{url}goal/", {"text": "Chair a risk review"})
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(f"{url}checkin/", {"at": now, "note": "Clauses"})
    page = text(client.get(url))
    assert "1 of 3 done" in page
    assert "2 of 10 met" in page
    missing = client.post(f"{url}end/", {"reason": "other"})
    assert missing.status_code == 422
    assert "Say in a few words why." in text(missing)
    client.post(f"{url}end/", {"reason": "goals_met"})
    reflection = "Thandi showed me how to price schedule risk; it is in our contracts now."
    client.post(f"{url}reflect/", {"text": reflection})
    client.post(f"{url}share/")
    profile = text(web_client_for(make_member()).get(f"/members/{mentor.pk}/"))
    assert "What mentees say" in profile
    assert reflection in profile


def test_the_profile_offers_a_request_button_while_there_is_room() -> None:
    mentor, offer = make_mentor(capacity=1)
    viewer = make_mentee()
    profile = text(web_client_for(viewer).get(f"/members/{mentor.pk}/"))
    assert "Ask Thandi to mentor you" in profile
    active(make_mentee("Priya Shah"), offer)
    profile = text(web_client_for(viewer).get(f"/members/{mentor.pk}/"))
    assert "All 1 place taken for now" in profile
    assert "Ask Thandi to mentor you" not in profile


def test_a_programme_from_the_organizers_pages() -> None:
    organizer = make_member(name="Aiko Tanaka")
    mentor, mentee = make_member(name="Rajesh Iyer"), make_member(name="Liam Byrne")
    client = web_client_for(organizer)
    created = client.post(
        "/mentorship/programmes/", {"name": "Chapter cohort", "weeks": "8", "cadence": "monthly"}
    )
    assert created.status_code == 302
    url = created["Location"]
    client.post(f"{url}add/", {"email": mentor.email, "role": "mentor", "capacity": "2"})
    client.post(f"{url}add/", {"email": mentee.email, "role": "mentee", "capacity": "1"})
    unknown = client.post(f"{url}add/", {"email": "nobody@example.com", "role": "mentee"})
    assert "No member with that e-mail." in text(unknown)
    assert Participant.objects.count() == 2
    web_client_for(mentor).post(f"{url}rank/", {f"rank_{mentee.pk}": "1"})
    web_client_for(mentee).post(f"{url}rank/", {f"rank_{mentor.pk}": "1"})
    client.post(f"{url}compute/")
    page = text(client.get(url))
    assert "<td>Rajesh Iyer</td><td>Liam Byrne</td>" in page
    client.post(f"{url}publish/")
    mentorship = Mentorship.objects.get()
    assert (mentorship.state, mentorship.cadence) == ("active", "monthly")
    assert "Published" in text(client.get(url))
    assert web_client_for(make_member()).get(url).status_code == 404
    assert mentorships.mentorships_sweep() == 0


def test_a_declined_mentee_is_offered_the_search_again() -> None:
    mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = request(mentee, offer)
    mentorships.mentorship_decline(member=mentor, mentorship_id=mentorship.pk, reason="timing")
    page = text(web_client_for(mentee).get(f"/mentorship/{mentorship.pk}/"))
    assert "Thandi declined: “The timing does not work”." in page
    assert "Find another mentor for these goals" in page
    assert "topics=Risk+management" in page


def test_check_ins_export_to_a_calendar() -> None:
    from icalendar import Calendar

    _mentor, offer = make_mentor()
    mentee = make_mentee()
    mentorship = active(mentee, offer)
    progress.checkin_log(member=mentee, mentorship_id=mentorship.pk)
    response = web_client_for(mentee).get(f"/mentorship/{mentorship.pk}/check-ins.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    # Five check-ins over ten weeks, the first already met: four left in the calendar.
    assert len(events) == 4
    assert str(events[0]["SUMMARY"]) == "Mentorship check-in with Thandi Mokoena"
    assert (
        web_client_for(make_member()).get(f"/mentorship/{mentorship.pk}/check-ins.ics").status_code
        == 404
    )


def test_home_counts_the_requests_a_mentor_has_to_answer() -> None:
    mentor, offer = make_mentor()
    assert "mentorship request" not in text(web_client_for(mentor).get("/"))
    request(make_mentee(), offer)
    assert "1 mentorship request to answer" in text(web_client_for(mentor).get("/"))


def test_find_a_mentor_starts_from_the_members_profile() -> None:
    """A first visit searches with the member's own topics and "looking for", so a member
    sees who could help before typing anything."""
    make_mentor()
    mentee = make_member(
        name="Ama Boateng",
        profile={"topics": ["Risk management"], "looking_for": ["Negotiate supplier contracts"]},
    )
    body = text(web_client_for(mentee).get("/mentorship/find/"))
    assert "Ask Thandi" in body
    assert "From the topics and the “looking for” on your profile" in body
    assert "Negotiate supplier contracts</textarea>" in body
