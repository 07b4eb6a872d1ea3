"""At a phone's width (390 px) no page scrolls sideways: a wide table scrolls inside its own
box and a row of form controls wraps. Found on the demo after issue 14: the connections table
made the page 601 px wide and the request inbox's decline row 413 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.services import connection_open
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.browser import SHOTS, new_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def test_connections_and_requests_fit_a_phone(chromium: Browser, live_server: Any):
    sender, recipient, mutual = make_pair()
    send(sender, recipient, mutual)  # the recipient's inbox shows accept / decline / set aside
    for n in range(3):
        colleague = make_member(
            name=f"Anastasia Konstantinopoulou-Wolfeschlegel {n}",
            profile={"headline": "Director, Enterprise Portfolio Management Office, Northern Arc"},
        )
        connection_open(member=recipient, other=colleague)
    context = new_context(chromium, live_server.url)
    page = context.new_page()
    try:
        sign_in(page, recipient.email, PASSWORD)  # at desktop width: the menu is folded at 390
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
        for name in ("connections_list", "invitations_received"):
            page.goto(reverse(name))
            page.screenshot(path=SHOTS / f"narrow-{name}.png", full_page=True)
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= PHONE_WIDTH, (name, page_width)
    finally:
        context.close()
