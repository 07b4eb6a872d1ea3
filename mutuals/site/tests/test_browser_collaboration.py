"""A collaboration, end to end in headless Chromium: Amara starts one from her group
conversation with Ben and Chen, Ben confirms, Chen declines, and it shows on Ben's profile and
on Amara's health dashboard. Screenshots in test-results/browser/collab-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in, sign_out
from mutuals.engagement.models import Interaction, InteractionKind
from mutuals.messaging.tests.factories import connect, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_conversation_becomes_a_collaboration(browser_page: Page) -> None:
    page = browser_page
    amara = make_member(name="Amara Nwosu", profile={"headline": "Procurement lead at Kestrel"})
    ben = make_member(name="Ben Roth", profile={"headline": "Contracts counsel"})
    chen = make_member(name="Chen Li", profile={"headline": "Risk analyst"})
    connect(amara, ben, chen)
    group = start(
        amara, ben, chen, text="Shall we turn our notes into a supplier-risk checklist?"
    ).conversation

    sign_in(page, amara.email, PASSWORD)
    page.goto(f"/messages/{group.pk}/")
    page.get_by_role("link", name="Start a collaboration").click()
    expect(page.get_by_role("heading", name="Start a collaboration")).to_be_visible()
    expect(page.get_by_label("Ben Roth")).to_be_checked()
    expect(page.get_by_label("Chen Li")).to_be_checked()
    page.get_by_label("Project title").fill("Supplier-risk checklist")
    page.get_by_label("Short description").fill(
        "A one-page checklist for pricing schedule risk into supplier contracts."
    )
    shot(page, "collab-01-propose")
    page.get_by_role("button", name="Propose the collaboration").click()
    expect(page.get_by_text("Waiting for someone to confirm.")).to_be_visible()
    shot(page, "collab-02-proposed")
    sign_out(page)

    sign_in(page, ben.email, PASSWORD)
    page.goto("/collaborations/")
    expect(page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    shot(page, "collab-03-waiting")
    page.get_by_role("link", name="Supplier-risk checklist").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed. It now shows on your profile.")).to_be_visible()
    shot(page, "collab-04-confirmed")
    page.goto(f"/members/{ben.pk}/")
    expect(page.locator(".profile-collaborations")).to_contain_text("Supplier-risk checklist")
    expect(page.locator(".profile-collaborations")).to_contain_text("Amara Nwosu")
    shot(page, "collab-05-profile")
    sign_out(page)

    sign_in(page, chen.email, PASSWORD)
    page.goto("/collaborations/")
    page.get_by_role("link", name="Supplier-risk checklist").click()
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Declined. The proposer has been told.")).to_be_visible()
    sign_out(page)

    sign_in(page, amara.email, PASSWORD)
    page.goto("/insights/")
    expect(page.locator("#collaborations-heading")).to_be_visible()
    expect(page.get_by_text(re.compile("Active collaborations"))).to_be_visible()
    expect(page.get_by_role("link", name="Supplier-risk checklist")).to_be_visible()
    shot(page, "collab-06-health")
    assert set(
        Interaction.objects.filter(kind=InteractionKind.COLLABORATION).values_list(
            "actor_id", "counterpart_id"
        )
    ) == {(ben.pk, amara.pk)}
