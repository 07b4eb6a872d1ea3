"""A connection request, end to end, driven through headless Chromium against a live server.

Sam signs in → finds Thandi in the directory → opens the composer (Kwame, their mutual
connection, is offered as the verified context) → types a template note: the live feedback
calls it generic and marks the placeholder → sends anyway and is refused, nothing created →
rewrites it for Thandi: personal → sends; it is pending in his sent list → he signs out,
Thandi signs in, finds the request with its verified mutual, accepts → they are connected.

Screenshots of each main step go to `test-results/browser/` under the repository root
(git-ignored), so a person can look at what the browser saw.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

from mutuals.accounts.tests.factories import PASSWORD
from mutuals.connections.models import Invitation, InvitationState
from mutuals.connections.selectors import are_connected
from mutuals.connections.tests.factories import GOOD_MESSAGE, make_pair
from mutuals.core.tests.browser import shot, sign_in

GENERIC_NOTE = (
    "Hi [First Name], I came across your profile and was impressed by your experience. "
    "Let's connect!"
)
PERSONAL_NOTE = GOOD_MESSAGE.format(first="Thandi", mutual="Kwame", company="Acme Rail")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page: Page) -> Page:
    return browser_page


def is_live_check(request: Request) -> bool:
    """The composer's HTMX feedback request (never the form's own submission)."""
    return "/connect/check/" in request.url and request.headers.get("hx-request") == "true"


def test_member_asks_to_connect_is_coached_then_accepted(page: Page) -> None:
    sam, thandi, kwame = make_pair()
    nav = page.get_by_role("navigation", name="Main")
    feedback = page.locator("#feedback")

    # 1. Sam signs in, finds Thandi in the directory and opens her profile.
    sign_in(page, sam.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    page.goto("/members/?q=thandi")
    results = page.locator("#directory-results")
    expect(results.locator(".member-name")).to_have_text(["Thandi Mokoena"])
    expect(results).to_contain_text("1 mutual connection")
    results.get_by_role("link", name="Thandi Mokoena").click()
    expect(page).to_have_url(re.compile(rf"/members/{thandi.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thandi Mokoena")
    expect(page.locator(".profile-header .badge-second")).to_have_text("2nd")
    # The composer checks its (still empty) note once on load; wait for that first.
    with page.expect_response(lambda r: is_live_check(r.request)):
        page.get_by_role("link", name="Ask to connect").click()

    # 2. The composer offers Kwame as the verified mutual connection.
    expect(page).to_have_url(re.compile(rf"/members/{thandi.pk}/connect/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connect with Thandi Mokoena")
    expect(page.get_by_role("radio", name="A mutual connection")).to_be_checked()
    mutual_select = page.get_by_role("combobox", name="Mutual connection")
    expect(mutual_select).to_have_value(str(kwame.pk))
    expect(mutual_select.locator("option:checked")).to_have_text("Kwame Asante")
    expect(page.get_by_text("Start writing: feedback appears here as you type.")).to_be_visible()
    expect(page.get_by_label("What are you asking for?")).to_have_value("advice")

    # He types a template note. The check waits until he pauses (debounced), then reports.
    checks: list[Request] = []
    page.on("request", lambda r: checks.append(r) if is_live_check(r) else None)
    note = page.get_by_role("textbox", name="Your note")
    with page.expect_response(lambda r: is_live_check(r.request)):
        note.press_sequentially(GENERIC_NOTE)
    expect(feedback.locator(".verdict")).to_have_text("Generic")
    assert len(checks) == 1, f"{len(checks)} checks while typing: the feedback is not debounced"
    expect(feedback).to_contain_text("Thandi asks for at least 40")
    expect(feedback.locator(".finding-bad").first).to_contain_text(
        "“[First Name]” is a placeholder left from a template."
    )
    expect(feedback.locator(".finding-bad")).to_contain_text(
        ["“I came across your profile” is a stock phrase that could be sent to anyone."]
    )
    expect(feedback.locator("mark.mark-bad").first).to_have_text("[First Name]")
    expect(feedback.locator(".highlighted")).to_have_text(GENERIC_NOTE)
    shot(page, "connect-01-generic-note")

    # 3. He sends it anyway: refused with Thandi's minimum, and nothing is created.
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Thandi asks for notes scoring at least 40; this one scores \d+\.")
    )
    expect(page).to_have_url(re.compile(rf"/members/{thandi.pk}/connect/$"))
    expect(note).to_have_value(GENERIC_NOTE)
    expect(feedback.locator(".finding-bad").first).to_contain_text("placeholder")
    expect(feedback.locator(".verdict")).to_have_text("Generic")
    shot(page, "connect-02-refused")
    assert Invitation.objects.count() == 0

    # 4. He rewrites it for Thandi: personal, and it goes.
    with page.expect_response(lambda r: is_live_check(r.request)):
        note.fill(PERSONAL_NOTE)
    expect(feedback.locator(".verdict")).to_have_text("Personal")
    expect(feedback.locator(".finding-bad")).to_have_count(0)
    expect(feedback.locator("mark.mark-bad")).to_have_count(0)
    expect(feedback.locator(".finding-good")).to_contain_text(
        [
            "You say how you know of them — the platform verified it.",
            "You mention their company.",
            "You make a clear ask.",
        ]
    )
    expect(feedback.locator("mark.mark-good").first).to_have_text("Kwame")
    expect(feedback).not_to_contain_text("would be sent back to you")
    shot(page, "connect-03-personal-note")
    page.get_by_role("button", name="Send request").click()

    expect(page).to_have_url(re.compile(r"/invitations/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests you sent")
    expect(page.get_by_role("status")).to_contain_text(
        "Your request is on its way to Thandi Mokoena."
    )
    sent = page.locator("article.invitation")
    expect(sent).to_have_count(1)
    expect(sent.locator(".invitation-head")).to_contain_text("To Thandi Mokoena")
    expect(sent.locator(".invitation-head .badge")).to_have_text("Pending")
    expect(sent.locator(".badge-verified")).to_have_text("Mutual: Kwame Asante ✓ verified")
    expect(sent).to_contain_text("Advice")
    expect(sent.locator(".verdict")).to_contain_text("Personal")
    expect(sent.locator(".note")).to_have_text(PERSONAL_NOTE)
    shot(page, "connect-04-sent")
    invitation = Invitation.objects.get()
    assert (invitation.sender, invitation.recipient) == (sam, thandi)
    assert invitation.state == InvitationState.PENDING
    assert invitation.context_verified
    assert invitation.context_label == "Kwame Asante"
    assert invitation.intent == "advice"
    assert invitation.score >= 40

    # 5. Sam signs out; Thandi signs in and finds his request.
    nav.get_by_role("button", name="Sign out").click()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_have_count(0)
    sign_in(page, thandi.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Thandi")
    nav.get_by_role("link", name="Requests").click()
    expect(page).to_have_url(re.compile(r"/invitations/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connection requests")
    expect(page.get_by_role("link", name="Waiting for you")).to_have_attribute(
        "aria-current", "page"
    )
    received = page.locator("article.invitation")
    expect(received).to_have_count(1)
    expect(received.locator(".member-name")).to_have_text("Sam Okafor")
    expect(received.locator(".invitation-head .verdict")).to_have_text("Personal")
    expect(received.locator(".badge-verified")).to_have_text("Mutual: Kwame Asante ✓ verified")
    expect(received.locator(".badge", has_text="Advice")).to_be_visible()
    expect(received.locator(".note")).to_have_text(PERSONAL_NOTE)
    shot(page, "connect-05-inbox")

    # She accepts: she lands on Sam's profile, now a first-degree connection.
    received.get_by_role("button", name="Accept").click()
    expect(page).to_have_url(re.compile(rf"/members/{sam.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "You are now connected to Sam Okafor. Say hello within a week."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Okafor")
    expect(page.locator(".profile-header .badge-first")).to_have_text("1st")
    expect(page.get_by_text("You are connected.")).to_be_visible()
    expect(page.get_by_role("link", name="Ask to connect")).to_have_count(0)
    shot(page, "connect-06-accepted")
    assert are_connected(sam.pk, thandi.pk)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
