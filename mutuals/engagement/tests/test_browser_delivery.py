"""Choosing how notifications arrive, and stopping an e-mail from its link, in headless
Chromium (issue 17): the boundaries page's notification settings, saved; then the link in an
e-mail, opened signed out, asks and stops that kind only. Screenshots at 1280 px and 390 px
in test-results/browser/delivery-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import new_context, shot, sign_in
from mutuals.engagement import delivery
from mutuals.engagement.models import Delivery, NoticeKind
from mutuals.engagement.notifications import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_deliveries_then_unsubscribe_signed_out(chromium: Browser, live_server: Any):
    member = make_member(name="Priya Raman")
    page = new_context(chromium, live_server.url).new_page()
    sign_in(page, member.email, PASSWORD)
    page.goto("/me/boundaries/")
    section = page.locator("#notifications")
    expect(section.get_by_label("Comments, replies and reshares of your posts")).to_have_value(
        "digest"
    )
    section.get_by_label("Comments, replies and reshares of your posts").select_option("off")
    section.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"delivery-1-boundaries-{width}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (width, scroll_width)
    assert delivery.deliveries_for(member.pk)[NoticeKind.COMMENTS] == Delivery.OFF

    notify(member=member, key="k", kind="invitation_received", title="Sam asked to connect")
    link = mail.outbox[-1].extra_headers["List-Unsubscribe"][1:-1]
    path = link.removeprefix("http://127.0.0.1:8000")
    signed_out = new_context(chromium, live_server.url).new_page()
    signed_out.goto(path)
    expect(signed_out.get_by_text("Stop e-mail about connection requests")).to_be_visible()
    for width in (1280, 390):
        signed_out.set_viewport_size({"width": width, "height": 900})
        shot(signed_out, f"delivery-2-unsubscribe-{width}")
    signed_out.get_by_role("button", name="Stop these e-mails").click()
    expect(signed_out.get_by_text("no more e-mail about connection requests")).to_be_visible()
    shot(signed_out, "delivery-3-unsubscribed")
    chosen = delivery.deliveries_for(member.pk)
    assert chosen[NoticeKind.REQUESTS] == Delivery.APP
    assert chosen[NoticeKind.COMMENTS] == Delivery.OFF
    assert chosen[NoticeKind.MESSAGES] == Delivery.EMAIL
