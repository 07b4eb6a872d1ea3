"""The moderation journey in a real browser (headless Chromium against a live server): Ana
reports a message Ben sent her → Mona, a moderator, finds it in the queue with the message
in context → suspends Ben → Ben cannot sign in and is gone from the directory → Mona restores
him → he signs in and is back. Screenshots at 1280 and 390 px in `test-results/browser/`."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import new_context, shot, sign_in
from mutuals.messaging.tests.factories import connect, start
from mutuals.moderation.models import ModerationAction, Report
from mutuals.moderation.tests.factories import make_moderator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser: Browser, base_url: str) -> Page:
    return new_context(browser, base_url).new_page()


def _narrow(page: Page, name: str) -> None:
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 900})


def _tries_to_sign_in(browser: Browser, base_url: str, email: str) -> Page:
    page = _page(browser, base_url)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return page


def test_report_suspend_and_restore(chromium: Browser, live_server: Any) -> None:
    ana = make_member(name="Ana Ferreira")
    ben = make_member(name="Ben Carter")
    connect(ana, ben)
    conversation = start(ben, ana, text="Send me your bank details and I'll double it.")
    mona_email = make_moderator("Mona Moderator").email

    # Ana reports the message from the conversation.
    ana_page = _page(chromium, live_server.url)
    sign_in(ana_page, ana.email, PASSWORD)
    ana_page.goto(f"/messages/{conversation.conversation.pk}/")
    ana_page.get_by_role("link", name="Report this message from Ben Carter").click()
    expect(ana_page.get_by_role("heading", level=1)).to_have_text(
        "Report this message from Ben Carter"
    )
    ana_page.get_by_label("Spam or advertising").check()
    ana_page.get_by_label("Anything the moderators should know").fill("Looks like a scam.")
    _narrow(ana_page, "moderation-01-report-form")
    ana_page.get_by_role("button", name="Send the report").click()
    expect(ana_page.get_by_text("your report was received")).to_be_visible()
    ana_page.goto("/me/reports/")
    expect(ana_page.locator(".my-reports")).to_contain_text("Received")
    _narrow(ana_page, "moderation-02-my-reports")

    # Mona finds it in the queue, reads it in context and suspends Ben.
    mona_page = _page(chromium, live_server.url)
    sign_in(mona_page, mona_email, PASSWORD)
    mona_page.goto("/me/reports/")
    mona_page.get_by_role("link", name="open the moderation queue").click()
    queue = mona_page.locator(".moderation-queue")
    expect(queue).to_contain_text("Message from Ben Carter")
    expect(queue).to_contain_text("Send me your bank details")
    _narrow(mona_page, "moderation-03-queue")
    queue.get_by_role("link", name="Message from Ben Carter").click()
    expect(mona_page.locator(".reported-item")).to_contain_text("Reported → Ben Carter")
    mona_page.get_by_label("For how long").select_option("7")
    mona_page.locator("#suspend_reason").fill("Phishing for bank details.")
    _narrow(mona_page, "moderation-04-report")
    mona_page.get_by_role("button", name="Suspend Ben Carter").click()
    expect(mona_page.get_by_text("Suspended: they cannot sign in until restored.")).to_be_visible()
    assert Report.objects.get().status == "actioned"

    # Ben cannot sign in, and Ana no longer finds him in the directory.
    ben_page = _tries_to_sign_in(chromium, live_server.url, ben.email)
    expect(ben_page.get_by_role("heading", name="This account is not active")).to_be_visible()
    _narrow(ben_page, "moderation-05-suspended-sign-in")
    ana_page.goto("/members/?q=Ben")
    expect(ana_page.get_by_role("main")).not_to_contain_text("Ben Carter")

    # Mona restores him from his moderation page; the audit log says who and why.
    mona_page.goto(f"/moderation/members/{ben.pk}/")
    mona_page.locator("#restore_reason").fill("He says his account was taken over; password reset.")
    mona_page.get_by_role("button", name="Restore Ben Carter").click()
    expect(mona_page.get_by_text("Restored: they can sign in again.")).to_be_visible()
    _narrow(mona_page, "moderation-06-member")
    mona_page.goto("/moderation/log/")
    log = mona_page.locator(".moderation-log")
    expect(log).to_contain_text("Suspended")
    expect(log).to_contain_text("Phishing for bank details.")
    expect(log).to_contain_text("Mona Moderator")
    _narrow(mona_page, "moderation-07-log")
    assert [a.action for a in ModerationAction.objects.exclude(action="grant").order_by("id")] == [
        "suspend",
        "restore",
    ]

    # Ben is back: he signs in, and Ana finds him again.
    back = _page(chromium, live_server.url)
    sign_in(back, ben.email, PASSWORD)
    ana_page.goto("/members/?q=Ben")
    expect(ana_page.get_by_role("main")).to_contain_text("Ben Carter")
