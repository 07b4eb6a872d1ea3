"""Issue 18 in the browser: a member downloads their data (the ZIP parses with real parsers)
and lifts a block from the blocked members page, at desktop and phone widths."""

from __future__ import annotations

import io
import json
import zipfile

import icalendar
import pytest
import vobject
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Block
from mutuals.connections.services import block_create, connection_create
from mutuals.core.tests.browser import new_context, shot, sign_in
from mutuals.events.tests.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_menu_item(page: Page, name: str) -> None:
    menu_button = page.locator(".nav-toggle-label")
    if menu_button.is_visible():  # the phone layout folds the navigation away
        menu_button.click()
    page.locator("details.menu summary").click()
    page.get_by_role("link", name=name).click()


@pytest.mark.parametrize("width", [1280, 390])
def test_download_my_data_then_lift_a_block(chromium: Browser, live_server, width: int) -> None:
    sam = make_member(name="Sam Okafor", profile={"headline": "Supplier risk at Kestrel"})
    thandi = make_member(name="Thandi Mokoena", profile={"company": "Acme Rail"})
    connection_create(member=sam, other=thandi)
    make_event(sam, title="Risk workshop")
    kofi = make_member(name="Kofi Mensah", profile={"headline": "Freight broker"})
    block_create(blocker=sam, blocked=kofi)

    context = new_context(chromium, live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, sam.email, PASSWORD)  # the helper checks the wide layout's sign-out
        page.set_viewport_size({"width": width, "height": 900})
        _open_menu_item(page, "Your data")
        expect(page.get_by_role("heading", name="Your data")).to_be_visible()
        page.get_by_role("button", name="Prepare my data").click()
        expect(page.get_by_text("We are preparing your data")).to_be_visible()
        # The worker (inline in tests) prepared it while the page redirected.
        download_link = page.get_by_role("link", name="Download ZIP")
        expect(download_link).to_be_visible()
        shot(page, f"rights-my-data-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_download() as info:
            download_link.click()
        archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
        data = json.loads(archive.read("data.json"))
        assert data["member"]["name"] == "Sam Okafor"
        assert [c["member"]["name"] for c in data["connections"]] == ["Thandi Mokoena"]
        card = vobject.readOne(archive.read("connections.vcf").decode())
        assert card.fn.value == "Thandi Mokoena"
        calendar = icalendar.Calendar.from_ical(archive.read("events.ics"))
        assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Risk workshop"]

        _open_menu_item(page, "Blocked members")
        expect(page.get_by_role("heading", name="Blocked members")).to_be_visible()
        expect(page.locator(".blocked-member strong")).to_have_text("Kofi Mensah")
        shot(page, f"rights-blocked-members-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name="Unblock Kofi Mensah").click()
        expect(page.get_by_text("Block lifted")).to_be_visible()
        expect(page.get_by_text("You have not blocked anyone.")).to_be_visible()
        assert not Block.objects.exists()
        # Kofi is back in the directory.
        page.goto(f"/members/{kofi.pk}/")
        expect(page.get_by_role("heading", name="Kofi Mensah")).to_be_visible()
    finally:
        context.close()
