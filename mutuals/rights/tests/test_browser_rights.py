"""Issue 18 in the browser: a member downloads their data (the ZIP parses with real parsers)
and lifts a block from the blocked members page; another downloads their data, deletes their
account, changes their mind, deletes it again and is erased; at desktop and phone widths."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import icalendar
import pytest
import vobject
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Block
from mutuals.connections.services import block_create, connection_create
from mutuals.core.tests.browser import new_context, shot, sign_in
from mutuals.events.tests.factories import make_event
from mutuals.messaging.models import Message
from mutuals.messaging.services import conversation_start
from mutuals.rights.erasure import deletions_erase_due

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


@pytest.mark.parametrize("width", [1280, 390])
def test_download_then_delete_my_account_then_erased(
    chromium: Browser, live_server, width: int
) -> None:
    """Take the data, delete the account (re-authenticating), change one's mind by signing
    in, delete again, and, with the clock moved past the grace period, be erased: sign-in
    no longer works and Thandi reads Sam's message under "Former member"."""
    sam = make_member(name="Sam Okafor", email="sam@example.com")
    thandi = make_member(name="Thandi Mokoena", email="thandi@example.com")
    connection_create(member=sam, other=thandi)
    conversation_start(creator=sam, participant_ids=[thandi.pk], text="Thanks for the workshop!")

    context = new_context(chromium, live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, sam.email, PASSWORD)
        page.set_viewport_size({"width": width, "height": 900})
        _open_menu_item(page, "Your data")
        page.get_by_role("button", name="Prepare my data").click()
        with page.expect_download() as info:
            page.get_by_role("link", name="Download ZIP").click()
        archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
        assert json.loads(archive.read("data.json"))["member"]["email"] == "sam@example.com"

        page.get_by_role("link", name="Delete my account…").click()
        expect(page.get_by_role("heading", name="Delete my account")).to_be_visible()
        shot(page, f"rights-delete-account-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("That password is not right")).to_be_visible()
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("Your account will be deleted on")).to_be_visible()
        shot(page, f"rights-deletion-scheduled-{width}")
        assert not User.objects.get(pk=sam.pk).is_active

        # Changing one's mind: signing in cancels, and says so.
        sign_in_form(page, sam.email, PASSWORD)
        expect(page.get_by_text("Your account will not be deleted")).to_be_visible()
        shot(page, f"rights-deletion-cancelled-{width}")
        assert User.objects.get(pk=sam.pk).is_active

        page.goto("/me/delete/")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("Your account will be deleted on")).to_be_visible()

        # The clock moves past the grace period; the hourly sweep erases the account.
        assert deletions_erase_due(now=timezone.now() + timedelta(days=15)) == 1
        sign_in_form(page, sam.email, PASSWORD)
        expect(page.get_by_text("not correct")).to_be_visible()
        shot(page, f"rights-erased-cannot-sign-in-{width}")

        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, thandi.email, PASSWORD)
        page.set_viewport_size({"width": width, "height": 900})
        conversation = Message.objects.get(text="Thanks for the workshop!").conversation_id
        page.goto(f"/messages/{conversation}/")
        expect(page.get_by_text("Thanks for the workshop!")).to_be_visible()
        expect(page.get_by_text("Former member").first).to_be_visible()
        assert "Sam Okafor" not in page.content()
        page.goto("/notifications/")
        expect(page.get_by_text("A member has left the community")).to_be_visible()
        shot(page, f"rights-member-left-notice-{width}")
    finally:
        context.close()


def sign_in_form(page: Page, email: str, password: str) -> None:
    """The sign-in form, without the helper's check that it worked."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign In").click()
