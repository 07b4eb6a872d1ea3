"""Issue 19's composer defects in headless Chromium (screenshots in test-results/browser/).

Sam and Thandi share two mutual connections (Kwame and Marcus), a topic, and an event with a
long title they both checked in at: every context of the composer is on offer at once.

- The card holds its dropdowns: the event's long label once ran the "How do you know of …"
  selects past the card, under the "How it reads" panel, and at 390 px made the page 757 px
  wide. Checked at 1280 and 390 px.
- Choosing in a dropdown chooses its context: picking "Marcus Johnson" in the mutual
  connection dropdown while "A topic we share" was selected left the topic selected, and the
  request carried a context Sam did not mean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Invitation
from mutuals.connections.services import connection_create
from mutuals.connections.tests.factories import GOOD_MESSAGE
from mutuals.connections.tests.test_browser_invitation import is_live_check
from mutuals.core.tests.browser import shot, sign_in
from mutuals.events.tests.factories import attend, make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "Cross-chapter roundtable on schedule risk, supplier contracts and programme assurance "
    "for large rail and infrastructure portfolios"
)


def scene() -> tuple[str, int, int]:
    sam = make_member(name="Sam Okafor", profile={"company": "Kestrel", "topics": ["Agile"]})
    thandi = make_member(
        name="Thandi Mokoena", profile={"company": "Acme Rail", "topics": ["Agile", "Risk"]}
    )
    kwame = make_member(name="Kwame Asante")
    marcus = make_member(name="Marcus Johnson")
    for mutual in (kwame, marcus):
        connection_create(member=sam, other=mutual)
        connection_create(member=thandi, other=mutual)
    event = make_event(title=LONG_TITLE, starts_in=-timedelta(days=2))
    attend(event, sam, checked_in=True)
    attend(event, thandi, checked_in=True)
    return sam.email, thandi.pk, marcus.pk


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def overflowing_controls(page: Page) -> list[str]:
    """The composer's controls whose right edge passes their card's right edge."""
    return list(
        page.evaluate(
            """() => {
                const card = document.querySelector('#compose-form').closest('.card');
                const edge = card.getBoundingClientRect().right;
                return Array.from(card.querySelectorAll('select, input, textarea'))
                    .filter(el => el.type !== 'hidden')
                    .filter(el => el.getBoundingClientRect().right > edge + 0.5)
                    .map(el => el.name);
            }"""
        )
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_composer_card_holds_a_long_event_title(
    browser_page: Page, width: int, height: int
) -> None:
    page = browser_page
    email, thandi_pk, _ = scene()
    sign_in(page, email, PASSWORD)
    page.set_viewport_size({"width": width, "height": height})
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.goto(f"/members/{thandi_pk}/connect/")
    event_select = page.get_by_role("combobox", name="Event you both attended")
    expect(event_select.locator("option")).to_contain_text([LONG_TITLE])
    shot(page, f"composer-long-event-{width}")
    assert overflowing_controls(page) == []
    assert page_width(page) <= width


def test_choosing_in_a_dropdown_chooses_its_context(browser_page: Page) -> None:
    page = browser_page
    email, thandi_pk, marcus_pk = scene()
    sign_in(page, email, PASSWORD)
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.goto(f"/members/{thandi_pk}/connect/")
    topic_radio = page.get_by_role("radio", name="A topic we share")
    with page.expect_response(lambda r: is_live_check(r.request)):
        topic_radio.check()
    expect(topic_radio).to_be_checked()

    # He picks Marcus in the mutual connection dropdown: that context is now the chosen one,
    # and the live check already reads it (the verified mutual is named in the feedback).
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.get_by_role("combobox", name="Mutual connection").select_option(label="Marcus Johnson")
    expect(page.get_by_role("radio", name="A mutual connection")).to_be_checked()
    expect(topic_radio).not_to_be_checked()

    # Then the event: choosing it moves the choice again.
    page.get_by_role("combobox", name="Event you both attended").focus()
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.get_by_role("combobox", name="Event you both attended").select_option(index=0)
    expect(page.get_by_role("radio", name="An event we both attended")).to_be_checked()

    # Typing in "Other" chooses "Other".
    page.get_by_role("textbox", name="How you know of them").fill("your talk at the forum")
    expect(page.get_by_role("radio", name="Other")).to_be_checked()

    # Back to Marcus, and the request carries him.
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.get_by_role("combobox", name="Mutual connection").select_option(label="Marcus Johnson")
    expect(page.get_by_role("radio", name="A mutual connection")).to_be_checked()
    note = page.get_by_role("textbox", name="Your note")
    with page.expect_response(lambda r: is_live_check(r.request)):
        note.fill(GOOD_MESSAGE.format(first="Thandi", mutual="Marcus", company="Acme Rail"))
    shot(page, "composer-context-chosen")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests you sent")
    invitation = Invitation.objects.get()
    assert invitation.context_kind == "mutual"
    assert invitation.context_ref == str(marcus_pk)
    assert invitation.context_label == "Marcus Johnson"
