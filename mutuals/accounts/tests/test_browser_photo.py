"""A member puts a face and a history on their profile in Chromium: uploads a photo (made by
Pillow here), sees it on their profile and on their card in another member's directory, adds
a position; and at 390 px none of those pages scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.accounts.tests.test_photos import jpeg_with_exif
from mutuals.core.tests.browser import new_context, shot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _loaded(page: Page, selector: str) -> str:
    """The address the browser chose for the first image matching `selector`, once it has
    loaded and decoded (a broken image fails here)."""
    image = page.locator(selector).first
    expect(image).to_be_visible()
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    chosen: str = image.evaluate("img => img.currentSrc")
    return chosen


def _no_sideways_scroll(page: Page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"{name}-390")
    assert width <= 390, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_upload_a_photo_and_see_it_on_the_profile_and_a_card(
    chromium: Browser, live_server: Any
) -> None:
    sam = make_member(
        name="Sam Okafor",
        email="sam@example.com",
        profile={"headline": "Project manager at Kestrel Logistics", "topics": ["Agile"]},
    )
    make_member(name="Thandi Mokoena", email="thandi@example.com", profile={"topics": ["Agile"]})
    context = new_context(chromium, live_server.url)
    page = context.new_page()
    try:
        sign_in(page, sam.email, PASSWORD)
        page.goto("/me/profile/")
        expect(page.locator(".photo-edit .avatar")).to_have_text("SO")  # initials first
        page.get_by_label("Choose a photo").set_input_files(
            {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif(1200, 900)}
        )
        page.get_by_role("button", name="Upload the photo").click()
        expect(page.get_by_text("Your photo is saved.")).to_be_visible()
        assert "/photos/" in _loaded(page, ".photo-edit img.avatar")
        shot(page, "photo-profile-edit")
        _no_sideways_scroll(page, "photo-profile-edit")

        page.locator("summary", has_text="Add a position").click()
        page.get_by_label("Role", exact=True).fill("Project Manager")
        page.get_by_label("Organisation").fill("Kestrel Logistics")
        page.locator("#id_experience-start").fill("2021-09")
        page.get_by_role("button", name="Add a position").click()
        expect(page.get_by_text("Added to your profile.")).to_be_visible()

        page.goto(f"/members/{sam.pk}/")
        # 96 CSS pixels wide: the 160-pixel square at this screen's density.
        assert _loaded(page, ".profile-header img.avatar-large").endswith("-160.jpg")
        expect(page.get_by_text("Sep 2021 – present")).to_be_visible()
        shot(page, "photo-member-page")
        _no_sideways_scroll(page, "photo-member-page")

        sign_out(page)
        sign_in(page, "thandi@example.com", PASSWORD)
        page.goto("/members/")
        card = page.locator(".member-card", has_text="Sam Okafor")
        # 48 CSS pixels: the 64-pixel square, or the 160 one Chromium already holds.
        chosen = _loaded(page, ".member-card:has-text('Sam Okafor') img.avatar")
        assert f"/photos/{sam.pk}/" in chosen
        expect(card.locator("img.avatar")).to_have_attribute("alt", "")
        expect(page.locator(".member-card", has_text="Thandi")).to_have_count(0)
        shot(page, "photo-directory")
        _no_sideways_scroll(page, "photo-directory")
    finally:
        context.close()
