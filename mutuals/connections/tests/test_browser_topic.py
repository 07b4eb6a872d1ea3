"""Issue 15 in the browser: substance, not keywords, makes a note personal in the composer.

Sam and Ana share three topics and no connection. The composer preselects the topic Ana's
own profile is about (not the alphabetically first). Sam picks "Agile" anyway and writes a
genuinely personal note about Ana's retro format that never says "agile": the live feedback
calls it personal. He replaces it with a generic note with the topics' words appended: not
personal, and the appended words earn nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.tests.test_browser_invitation import is_live_check
from mutuals.core.tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPICS = ["Agile", "Remote work", "Retrospectives"]
PERSONAL_NOTE = (
    "Ana, your async retro format with silent voting and a 20-minute call for the top two "
    "items is clever. Our attendance is stuck around half the team. Did the 48-hour window "
    "cause any problems across time zones?"
)
GENERIC_NOTE = (
    "Hi Ana, I'd like to learn from your experience and grow in my career. Would you be open "
    "to a chat sometime?"
)
STUFFED_NOTE = GENERIC_NOTE + " Agile, Remote work, Retrospectives. I love agile retrospectives."


def test_substance_not_the_topics_words_makes_a_note_personal(browser_page: Page) -> None:
    page = browser_page
    sam = make_member(name="Sam Okafor", profile={"company": "Kestrel", "topics": TOPICS})
    ana = make_member(
        name="Ana Ferreira",
        profile={
            "company": "Northwind Logistics",
            "headline": "Coach helping distributed teams run better retrospectives",
            "bio": "I write about asynchronous retros: a shared board, silent voting, a "
            "20-minute call for the top two items.",
            "topics": TOPICS,
        },
    )
    sign_in(page, sam.email, PASSWORD)
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.goto(f"/members/{ana.pk}/connect/")
    expect(page.get_by_role("radio", name="A topic we share")).to_be_checked()
    topic = page.get_by_role("combobox", name="Shared topic")
    expect(topic).to_have_value("retrospectives")  # her profile's topic, not "Agile"

    with page.expect_response(lambda r: is_live_check(r.request)):
        topic.select_option(label="Agile")
    feedback = page.locator("#feedback")
    note = page.get_by_role("textbox", name="Your note")
    with page.expect_response(lambda r: is_live_check(r.request)):
        note.fill(PERSONAL_NOTE)
    expect(feedback.locator(".verdict")).to_have_text("Personal")
    expect(feedback).not_to_contain_text("would be sent back to you")
    shot(page, "topic-01-personal-without-the-topic")

    with page.expect_response(lambda r: is_live_check(r.request)):
        note.fill(GENERIC_NOTE)
    expect(feedback.locator(".verdict")).not_to_have_text("Personal")
    generic_score = int(feedback.locator(".score").inner_text())
    with page.expect_response(lambda r: is_live_check(r.request)):
        note.fill(STUFFED_NOTE)
    expect(feedback.locator(".verdict")).not_to_have_text("Personal")
    assert int(feedback.locator(".score").inner_text()) <= generic_score
    shot(page, "topic-02-stuffed-is-not-personal")
