"""The header's bell sits in the one header row on a desktop (it wrapped to a second row at
1280 px once the bell was added) and beside the menu button on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import SHOTS, new_context, sign_in
from mutuals.engagement.notifications import notify
from mutuals.messaging.tests.factories import connect, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_shares_the_brands_row(chromium: Browser, live_server: Any):
    member = make_member()
    friend = make_member()
    connect(member, friend)
    start(friend, member)  # an unread message: the header's Messages link carries a count
    for n in range(18):  # a two-digit count on the bell, as a busy member's
        notify(member=member, key=f"notice-{n}", kind="test", title=f"Notice {n}")
    context = new_context(chromium, live_server.url)
    page = context.new_page()
    try:
        sign_in(page, member.email, PASSWORD)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            brand = page.locator(".brand").bounding_box()
            bell = page.locator("#bell").bounding_box()
            assert brand is not None
            assert bell is not None
            page.screenshot(path=SHOTS / f"bell-{width}.png")
            brand_middle = brand["y"] + brand["height"] / 2
            assert bell["y"] <= brand_middle <= bell["y"] + bell["height"], (width, brand, bell)
    finally:
        context.close()
