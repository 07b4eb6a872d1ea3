"""Follow-through in a real browser (issue 17), two members side by side: Sam's request
reaches Priya → her bell shows 1 without a reload → she accepts from the notification → Sam's
bell shows the acceptance → its link opens a message to Priya with a suggested opening → he
sends it, she replies from her notice → both first-message items of the pact are met → the
tie goes quiet (the clock moved) and both are told. Screenshots at 1280 px and 390 px go to
`test-results/browser/`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.tests.factories import PASSWORD
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.browser import new_context, shot, sign_in
from mutuals.engagement.models import Obligation
from mutuals.engagement.ties import ties_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bell asks every 15 s; give it one interval and a slow moment on a busy machine.
BELL_WAIT_MS = 35_000


def bell(page: Page) -> Any:
    return page.locator("#bell")


def test_follow_through_is_told_at_every_moment(chromium: Browser, live_server: Any) -> None:
    sam, priya, kwame = make_pair(sender_name="Sam Okafor", recipient_name="Priya Raman")
    sam_page = new_context(chromium, live_server.url).new_page()
    priya_page = new_context(chromium, live_server.url).new_page()
    sign_in(sam_page, sam.email, PASSWORD)
    sign_in(priya_page, priya.email, PASSWORD)
    expect(bell(priya_page).locator(".badge-unread")).to_have_count(0)

    # Sam's request arrives while Priya's page stays open: her bell counts it, no reload.
    send(sam, priya, kwame)
    expect(bell(priya_page).locator(".badge-unread")).to_have_text(
        re.compile(r"\b1$"), timeout=BELL_WAIT_MS
    )
    shot(priya_page, "notify-1-bell-counts-the-request")
    bell(priya_page).click()
    expect(priya_page.get_by_role("heading", level=1)).to_have_text("Notifications")
    priya_page.get_by_role("link", name="Sam Okafor asked to connect").click()
    expect(priya_page).to_have_url(re.compile(r"/invitations/$"))
    priya_page.get_by_role("button", name="Accept", exact=True).click()
    expect(bell(priya_page).locator(".badge-unread")).to_have_count(0)

    # Sam's bell shows the acceptance; its link opens a message to Priya, already begun.
    expect(bell(sam_page).locator(".badge-unread")).to_have_text(
        re.compile(r"\b1$"), timeout=BELL_WAIT_MS
    )
    bell(sam_page).click()
    shot(sam_page, "notify-2-acceptance")
    sam_page.set_viewport_size({"width": 390, "height": 844})
    shot(sam_page, "notify-2-acceptance-390")
    sam_page.set_viewport_size({"width": 1280, "height": 900})
    sam_page.get_by_role("link", name="Priya Raman accepted your request").click()
    expect(sam_page).to_have_url(re.compile(r"/messages/new/\?"))
    expect(sam_page.get_by_role("checkbox", name="Priya Raman")).to_be_checked()
    box = sam_page.get_by_role("textbox", name="Your message")
    expect(box).to_have_value(re.compile(r"^Thank you for connecting, Priya!"))
    box.press("End")
    box.press_sequentially("how is the supplier-risk work going?")
    sam_page.get_by_role("button", name="Send").click()
    expect(sam_page.get_by_role("heading", level=1)).to_have_text("Priya Raman")

    # Priya is told of the message and answers it from her notice.
    expect(bell(priya_page).locator(".badge-unread")).to_have_text(
        re.compile(r"\b1$"), timeout=BELL_WAIT_MS
    )
    bell(priya_page).click()
    priya_page.get_by_role("link", name="New message from Sam Okafor").click()
    priya_page.get_by_role("textbox", name="Your message").fill("Thank you, Sam! Going well.")
    priya_page.get_by_role("button", name="Send").click()
    expect(priya_page.locator("#thread")).to_contain_text("Thank you, Sam! Going well.")
    first_messages = Obligation.objects.filter(kind="first_message")
    assert first_messages.count() == 2
    assert all(o.fulfilled_at is not None for o in first_messages)

    # A year of silence later (the clock moved), both are told it has gone quiet.
    later = timezone.now() + timedelta(days=400)
    ties_recompute(member_id=sam.pk, now=later)
    for page, other in ((sam_page, "Priya Raman"), (priya_page, "Sam Okafor")):
        page.goto("/notifications/")
        expect(page.get_by_role("link", name=f"It has gone quiet with {other}")).to_be_visible()
    priya_page.set_viewport_size({"width": 390, "height": 844})
    shot(priya_page, "notify-3-gone-quiet-390")
    priya_page.set_viewport_size({"width": 1280, "height": 900})
    shot(priya_page, "notify-3-gone-quiet")
