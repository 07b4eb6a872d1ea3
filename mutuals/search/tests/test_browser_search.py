"""The header's search box on a desktop and a phone: type, press Enter, read the results
grouped by kind; on the results page, typing swaps the results in place. The bell stays in
the brand's row at 1280 px beside the box, and no page scrolls sideways at 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import SHOTS, new_context, sign_in
from mutuals.events.tests.factories import make_event
from mutuals.feed.tests.factories import connect, make_post
from mutuals.messaging.tests.factories import start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_box_finds_people_posts_events_and_messages(chromium: Browser, live_server: Any):
    member = make_member(name="Sam Searcher")
    priya = make_member(
        name="Priya Raman",
        profile={"headline": "Procurement lead at Northwind", "topics": ["Supplier risk"]},
    )
    connect(member, priya)
    make_post(priya, "Pricing reviews with suppliers: what we learned in a year of tenders")
    make_event(title="Pricing clinic for procurement leads", organizer=priya)
    start(member, priya, text="Priya, the pricing deck is in the shared folder")
    context = new_context(chromium, live_server.url)
    page = context.new_page()
    try:
        sign_in(page, member.email, PASSWORD)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 844})
            page.goto(f"{live_server.url}/feed/")
            brand = page.locator(".brand").bounding_box()
            bell = page.locator("#bell").bounding_box()
            box = page.locator("#header-search-q")
            assert brand
            assert bell
            page.screenshot(path=SHOTS / f"search-header-{width}.png")
            if width == 1280:  # the box does not push the bell to a second row
                middle = brand["y"] + brand["height"] / 2
                assert bell["y"] <= middle <= bell["y"] + bell["height"], (brand, bell)
            expect(box).to_be_visible()
            box.click()
            # Wide enough to read what one types: on a desktop it widens while focused.
            # (It widens over 0.15 s: wait for the transition rather than read it midway.)
            page.wait_for_function(
                "() => document.getElementById('header-search-q').getBoundingClientRect().width"
                " >= 250"
            )
            box.fill("pri")
            box.press("Enter")
            page.wait_for_url("**/search/?q=pri")
            groups = page.locator(".search-group")
            expect(groups).to_have_count(4)
            assert [groups.nth(i).get_attribute("data-kind") for i in range(4)] == [
                "members",
                "posts",
                "events",
                "messages",
            ]
            expect(page.locator('[data-kind="members"] .search-result-title')).to_have_text(
                ["Priya Raman"]
            )
            expect(page.locator('[data-kind="posts"] mark').first).to_have_text("Pri")
            expect(page.locator('[data-kind="events"] .search-result-title')).to_have_text(
                ["Pricing clinic for procurement leads"]
            )
            expect(page.locator('[data-kind="messages"] .search-excerpt')).to_contain_text(
                "pricing deck"
            )
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (width, scroll_width)
            page.screenshot(path=SHOTS / f"search-{width}.png", full_page=True)

            # On the page, typing swaps the results (HTMX) without leaving it.
            field = page.locator("#id_search_q")
            field.fill("northw")
            expect(page.locator('[data-kind="members"] .search-result-title')).to_have_text(
                ["Priya Raman"]
            )
            expect(page.locator('[data-kind="posts"]')).to_contain_text("No posts match.")
            page.screenshot(path=SHOTS / f"search-typed-{width}.png", full_page=True)
    finally:
        context.close()
