"""Events in headless Chromium: an organizer creates an event, a member says they are going
(HTMX swaps the panel), the organizer checks them in at the desk, and after the event the
member's follow-up page offers to connect with the workshop as context. Screenshots in
test-results/browser/events-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in, sign_out
from mutuals.events.models import Attendance, Event
from mutuals.events.tests.factories import attend, move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organize_rsvp_check_in_and_follow_up(browser_page: Page) -> None:
    page = browser_page
    priya = make_member(name="Priya Raman", profile={"topics": ["PMO"], "offers": ["PMO set-up"]})
    sam = make_member(
        name="Sam Okafor",
        profile={"topics": ["PMO", "Agile"], "looking_for": ["PMO set-up stories"]},
    )
    thandi = make_member(name="Thandi Mokoena", profile={"topics": ["Risk management"]})

    sign_in(page, priya.email, PASSWORD)
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Organize an event").click()
    day = (timezone.now() + timedelta(days=5)).date()
    page.get_by_label("Title").fill("PMO roundtable")
    page.get_by_label("What is it about?").fill("Standing up a PMO from scratch.")
    page.get_by_label("Starts").fill(f"{day}T18:00")
    page.get_by_label("Ends").fill(f"{day}T20:00")
    page.get_by_label("Time zone").select_option("America/Toronto")
    page.get_by_label("Place").fill("Kestrel Logistics, Mississauga")
    page.get_by_label("Capacity").fill("2")
    page.get_by_label("Topics").fill("PMO, Hybrid delivery")
    shot(page, "events-01-new")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", name="PMO roundtable")).to_be_visible()
    expect(page.get_by_text("Your event is up.")).to_be_visible()
    event = Event.objects.get()
    sign_out(page)

    sign_in(page, sam.email, PASSWORD)
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("button", name="I am going").click()
    expect(page.get_by_text("You are going.", exact=True)).to_be_visible()
    expect(page.locator(".attendee-list")).to_contain_text("Priya Raman")
    shot(page, "events-02-going")
    page.get_by_role("link", name=re.compile("People to meet")).click()
    expect(page.get_by_text("Priya offers “PMO set-up”")).to_be_visible()
    shot(page, "events-03-people")
    sign_out(page)

    # The event is full (capacity 2): Thandi joins the waitlist.
    sign_in(page, thandi.email, PASSWORD)
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text(re.compile("You are on the waitlist, number 1"))).to_be_visible()
    sign_out(page)

    # At the venue: the organizer's desk shows the code and checks Sam in in place.
    move(event, starts_at=timezone.now() - timedelta(minutes=15))
    sign_in(page, priya.email, PASSWORD)
    page.goto(f"/events/{event.pk}/manage/")
    expect(page.locator(".checkin-code")).to_have_text(event.checkin_code)
    page.locator(f"#checkin-{sam.pk}").get_by_role("button", name="Mark checked in").click()
    expect(page.locator(f"#checkin-{sam.pk}")).to_contain_text("Checked in")
    shot(page, "events-04-desk")
    assert Attendance.objects.get(member=sam).checked_in_at is not None
    sign_out(page)

    # After the event: Sam's follow-up offers to connect with another attendee.
    other = make_member(name="Kwame Asante")
    attend(event, other, checked_in=True)
    attend(event, priya, checked_in=True)
    move(event, starts_at=timezone.now() - timedelta(hours=5))
    sign_in(page, sam.email, PASSWORD)
    page.goto(f"/events/{event.pk}/follow-up/")
    expect(page.get_by_text("You have until")).to_be_visible()
    shot(page, "events-05-follow-up")
    page.locator(".met-card", has_text="Kwame Asante").get_by_role(
        "link", name=re.compile("Connect")
    ).click()
    expect(page.locator("input[name=context_kind][value=event]")).to_be_checked()
    shot(page, "events-06-compose")
