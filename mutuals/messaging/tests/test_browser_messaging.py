"""Messaging in a real browser (headless Chromium against a live server): Sam and Thandi,
just connected, each with the conversation open. Sam's message appears on Thandi's page
without a reload (polling), his box clears, her reply appears on his page; the nav shows an
unread count until she opens it. Then the same conversation without JavaScript: the form
posts and the page reloads with the message.

Screenshots go to `test-results/browser/` (git-ignored).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import SHOTS, new_context, sign_in
from mutuals.messaging.models import Message
from mutuals.messaging.tests.factories import connect, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium: Browser) -> Browser:
    return chromium


def context_for(browser: Browser, base_url: str, *, javascript: bool = True) -> BrowserContext:
    return new_context(browser, base_url, javascript=javascript)


def test_messages_arrive_without_a_reload(browser: Browser, live_server: Any) -> None:
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    connect(sam, thandi)
    conversation = start(thandi, sam, text="Thank you for connecting, Sam!").conversation

    sam_page = context_for(browser, live_server.url).new_page()
    thandi_page = context_for(browser, live_server.url).new_page()
    sign_in(sam_page, sam.email, PASSWORD)
    sign_in(thandi_page, thandi.email, PASSWORD)

    # Sam sees one unread conversation in the nav, opens it from the list.
    nav = sam_page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Messages")).to_contain_text("1")
    sam_page.goto("/messages/")
    expect(sam_page.locator(".conversation-row")).to_contain_text("1 unread")
    sam_page.screenshot(path=str(SHOTS / "messaging-00-list.png"), full_page=True)
    sam_page.get_by_role("link", name="Thandi Mokoena").click()
    expect(sam_page.locator(".thread")).to_contain_text("Thank you for connecting, Sam!")
    expect(nav.locator(".badge-unread")).to_have_count(0)

    thandi_page.goto(f"/messages/{conversation.pk}/")
    thandi_page.evaluate("window.__notReloaded = true")
    sam_page.evaluate("window.__notReloaded = true")

    # Sam replies in place: the message is appended and the box cleared, no reload.
    box = sam_page.get_by_role("textbox", name="Your message")
    box.fill("Likewise! Coffee on Tuesday?")
    sam_page.get_by_role("button", name="Send").click()
    expect(sam_page.locator(".bubble.mine")).to_contain_text("Likewise! Coffee on Tuesday?")
    expect(box).to_have_value("")
    assert sam_page.evaluate("window.__notReloaded") is True

    # It reaches Thandi's open page by polling (every 4 seconds), no reload.
    expect(thandi_page.locator(".thread")).to_contain_text(
        "Likewise! Coffee on Tuesday?", timeout=9_000
    )
    assert thandi_page.evaluate("window.__notReloaded") is True
    thandi_page.screenshot(path=str(SHOTS / "messaging-01-polled.png"), full_page=True)

    # Her answer reaches him the same way, exactly once.
    thandi_page.get_by_role("textbox", name="Your message").fill("Tuesday works.")
    thandi_page.get_by_role("button", name="Send").click()
    expect(sam_page.locator(".thread")).to_contain_text("Tuesday works.", timeout=9_000)
    sam_page.wait_for_timeout(4_500)  # one more poll must not append it again
    expect(sam_page.locator(".bubble", has_text="Tuesday works.")).to_have_count(1)

    # A blank message is refused in place; nothing is sent.
    sam_page.get_by_role("button", name="Send").click()
    expect(sam_page.locator("#compose-errors")).to_contain_text("empty messages are not sent")
    assert Message.objects.filter(conversation=conversation).count() == 3
    sam_page.screenshot(path=str(SHOTS / "messaging-02-conversation.png"), full_page=True)


def test_conversation_works_without_javascript(browser: Browser, live_server: Any) -> None:
    sam = make_member(name="Sam Okafor")
    thandi = make_member(name="Thandi Mokoena")
    connect(sam, thandi)
    page = context_for(browser, live_server.url, javascript=False).new_page()
    sign_in(page, sam.email, PASSWORD)

    # From Thandi's profile: "Message Thandi" → a new conversation with her preselected.
    page.goto(f"/members/{thandi.pk}/")
    page.get_by_role("link", name="Message Thandi").click()
    expect(page.get_by_role("checkbox", name="Thandi Mokoena")).to_be_checked()
    page.screenshot(path=str(SHOTS / "messaging-03-new-without-js.png"), full_page=True)
    page.get_by_role("textbox", name="Your message").fill("Hello Thandi, thank you!")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thandi Mokoena")
    expect(page.locator(".thread")).to_contain_text("Hello Thandi, thank you!")

    page.get_by_role("textbox", name="Your message").fill("Second note")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".bubble.mine")).to_have_count(2)
    expect(page.get_by_role("textbox", name="Your message")).to_have_value("")
