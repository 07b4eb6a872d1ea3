"""Removing a connection, end to end in headless Chromium at phone width (390 px): Sam opens
his connection with Thandi, finds the secondary "Remove connection", reads what will happen,
confirms, and lands on his list without her; Thandi's list no longer has him, and she was
told nothing. Screenshots in test-results/browser/remove-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from mutuals.accounts.tests.factories import PASSWORD
from mutuals.connections.models import Connection
from mutuals.connections.services import invitation_accept
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.browser import shot, sign_in, sign_out
from mutuals.engagement.models import Notification, Obligation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)


def _fits(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, name)
    assert width <= 390, (name, width)


def test_a_member_removes_a_connection_from_its_page_on_a_phone(browser_page: Page) -> None:
    page = browser_page
    sam, thandi, mutual = make_pair()
    connection = invitation_accept(member=thandi, invitation_id=send(sam, thandi, mutual).pk)
    told_before = Notification.objects.filter(member=thandi).count()

    sign_in(page, sam.email, PASSWORD)
    page.set_viewport_size(PHONE)  # signed in at desktop width, where the header shows "Sign out"
    page.goto(f"/connections/{connection.pk}/")
    expect(page.get_by_role("heading", name="You and Thandi Mokoena")).to_be_visible()
    # Secondary and folded: the confirmation is not shown until asked for.
    confirm = page.get_by_role("button", name="Yes, remove Thandi")
    expect(confirm).to_be_hidden()
    page.get_by_text("Remove connection", exact=True).click()
    expect(page.get_by_text("Remove Thandi Mokoena from your connections?")).to_be_visible()
    expect(page.get_by_text("Thandi is not notified")).to_be_visible()
    expect(page.get_by_text("open items close as removed")).to_be_visible()
    expect(page.get_by_text("Either of you can send a new request from")).to_be_visible()
    _fits(page, "remove-01-confirm-390")
    confirm.click()

    # Back on the list (HTMX sent the browser there), without her.
    expect(page).to_have_url(f"{page.url.split('/connections/')[0]}/connections/")
    expect(page.get_by_text("Removed Thandi Mokoena from your connections")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Thandi Mokoena")).to_have_count(0)
    _fits(page, "remove-02-list-390")
    assert not Connection.objects.filter(pk=connection.pk).exists()
    assert set(
        Obligation.objects.filter(member_low_id=min(sam.pk, thandi.pk)).values_list(
            "closed_reason", flat=True
        )
    ) == {"removed"}
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    # Thandi: Sam is gone from her list, and nothing told her.
    sign_in(page, thandi.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/connections/")
    expect(page.locator("main").get_by_role("link", name="Kwame Asante")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Sam Okafor")).to_have_count(0)
    shot(page, "remove-03-other-side-390")
    assert Notification.objects.filter(member=thandi).count() == told_before
