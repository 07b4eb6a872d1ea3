"""The feed in headless Chromium: Sam writes an insight mentioning Thandi through the
autocomplete, Thandi finds it in her feed with the reason, reacts and comments in place (HTMX),
and Sam loads more of his feed. Screenshots in test-results/browser/feed-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in
from mutuals.engagement.models import Notification
from mutuals.feed.models import Comment, Reaction
from mutuals.feed.tests.factories import connect, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_posting_mentioning_reacting_and_commenting(browser_page: Page) -> None:
    page = browser_page
    sam = make_member(name="Sam Okafor", profile={"topics": ["Risk management"]})
    thandi = make_member(name="Thandi Mokoena", profile={"headline": "Programme lead, Acme Rail"})
    connect(sam, thandi, strength=0.9, tier="inner")
    for n in range(18):
        make_post(thandi, f"Supplier note {n}: schedule risk belongs in the contract.")

    sign_in(page, sam.email, PASSWORD)
    page.get_by_role("link", name="Feed").click()
    # The reason names the relationship (its tier comes from the engagement ledger).
    expect(page.locator(".feed-reasons", has_text="Thandi").first).to_be_visible()
    shot(page, "feed-01-sam-feed")
    page.get_by_role("link", name="Load more").click()
    expect(page.get_by_text("Supplier note 0:")).to_be_visible()

    page.get_by_role("link", name="Write a post").click()
    page.get_by_label("Insight").check()
    body = page.get_by_label("Your post")
    body.fill("Thanks ")
    body.press_sequentially("@Than", delay=30)
    page.get_by_role("option", name="Thandi Mokoena · connection").click()
    body.press_sequentially("for the clause wording: risk-based gates work.")
    page.get_by_label("Topics").fill("Risk management, Supplier contracts")
    shot(page, "feed-02-write")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your post is published.")).to_be_visible()
    expect(page.get_by_role("link", name="@Thandi Mokoena")).to_be_visible()
    assert Notification.objects.filter(member=thandi, kind="mention").count() == 1
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, thandi.email, PASSWORD)
    page.goto("/feed/")
    card = page.locator("article", has_text="risk-based gates work").first
    expect(card.locator(".feed-reasons", has_text="Sam")).to_be_visible()
    card.get_by_role("button", name="💡 Insightful").click()
    expect(card.get_by_text("1 reaction")).to_be_visible()
    card.get_by_role("link", name="0 comments").click()
    page.get_by_label("Add a comment").fill("Glad it helped, Sam!")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_role("heading", name="Comments (1)")).to_be_visible()
    shot(page, "feed-03-post-page")
    assert Reaction.objects.get().kind == "insightful"
    assert Comment.objects.get().body == "Glad it helped, Sam!"
