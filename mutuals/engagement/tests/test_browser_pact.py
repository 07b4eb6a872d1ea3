"""The pact, end to end in headless Chromium: Thandi accepts Sam's request, each sends a
thank-you message, the connection page shows the pact met for both, and the network health
dashboard reflects it. Screenshots in test-results/browser/pact-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD
from mutuals.connections.tests.factories import make_pair, send
from mutuals.core.tests.browser import shot, sign_in, sign_out
from mutuals.engagement.models import Obligation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_members_keep_their_pact(browser_page: Page) -> None:
    page = browser_page
    sam, thandi, mutual = make_pair()
    invitation = send(sam, thandi, mutual)

    # Thandi accepts and says thank you.
    sign_in(page, thandi.email, PASSWORD)
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You are now connected to Sam Okafor")).to_be_visible()
    page.get_by_role("link", name=re.compile("Message Sam")).click()
    page.locator("textarea[name=text]").fill(
        "Thank you for the kind note, Sam. Happy to talk supplier contracts any time."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Happy to talk supplier contracts any time.")).to_be_visible()
    shot(page, "pact-01-thandi-thanks")
    sign_out(page)

    # Sam reads it and replies: messages both ways.
    sign_in(page, sam.email, PASSWORD)
    page.get_by_role("link", name=re.compile("^Messages")).click()
    page.get_by_role("link", name=re.compile("Thandi Mokoena")).first.click()
    expect(page.get_by_text("Happy to talk supplier contracts any time.")).to_be_visible()
    page.locator("textarea[name=text]").fill(
        "Thanks, Thandi! Next Tuesday at the risk round-table, then?"
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Next Tuesday at the risk round-table, then?")).to_be_visible()
    shot(page, "pact-02-sam-replies")

    # The pact, as both see it: every item met.
    connection_id = invitation.__class__.objects.get(pk=invitation.pk).connection_id
    assert connection_id is not None
    page.goto(f"/connections/{connection_id}/")
    # The hello each and the first exchange are met; the next check-ins are now planned.
    expect(page.locator(".pact-met")).to_have_count(3)
    expect(page.locator(".pact-met .pact-status")).to_have_text(["✓ Met"] * 3)
    expect(page.locator(".pact-open", has_text="keep-warm check-in")).to_have_count(2)
    shot(page, "pact-03-connection")
    assert not Obligation.objects.filter(
        connection_id=connection_id,
        kind__in=["first_message", "first_exchange"],
        fulfilled_at__isnull=True,
    ).exists()

    # The dashboard: engaged, given and received, nothing left to thank for.
    page.get_by_role("link", name="Network").click()
    page.get_by_role("link", name="Network health").click()
    expect(page.get_by_role("heading", name="Your network health")).to_be_visible()
    expect(page.locator("#states")).to_contain_text("Engaged")
    rates = page.locator("section", has=page.locator("#rates-heading"))
    expect(rates.locator(".stats")).to_contain_text("1 / 1")
    expect(page.get_by_text("Thank Thandi Mokoena")).to_have_count(0)
    shot(page, "pact-04-health")
