"""Issue 19: a newcomer is not left on UTC. The sign-up form carries the browser's IANA zone
(a hidden field mutuals.js fills from Intl.DateTimeFormat), kept when it is a canonical name
(`timezones.available_time_zones`, the list the boundaries accept)."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from mutuals.accounts.models import Boundaries, User
from mutuals.accounts.tests.factories import PASSWORD
from mutuals.accounts.tests.test_browser_journey import field
from mutuals.core.tests.browser import TIMEOUT_MS, shot

pytestmark = pytest.mark.django_db


def _sign_up(time_zone: str | None) -> User:
    form = {"name": "Nia Obi", "email": "nia@example.com", "password1": PASSWORD}
    form["password2"] = PASSWORD
    if time_zone is not None:
        form["time_zone"] = time_zone
    response = Client().post("/accounts/signup/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email="nia@example.com")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("America/Toronto", "America/Toronto"),
        ("Mars/Olympus_Mons", "UTC"),  # not a zone: the sign-up goes on, on the default
        ("US/Eastern", "UTC"),  # a legacy link, not a canonical name
        ("", "UTC"),
        (None, "UTC"),  # no JavaScript
    ],
)
def test_the_browser_s_zone_is_kept_when_it_is_canonical(sent, kept):
    member = _sign_up(sent)
    assert Boundaries.objects.get(user=member).time_zone == kept


def test_the_sign_up_page_carries_the_hidden_field():
    html = Client().get("/accounts/signup/").content.decode()
    assert 'type="hidden" name="time_zone"' in html
    assert "data-browser-time-zone" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_in_toronto_signs_up_in_toronto(chromium: Browser, live_server) -> None:
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id="America/Toronto",
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/accounts/signup/")
        expect(page.locator("input[name=time_zone]")).to_have_value("America/Toronto")
        field(page, "Your name").fill("Nia Obi")
        field(page, "E-mail").fill("nia@example.com")
        field(page, "Password").fill(PASSWORD)
        field(page, "Password (again)").fill(PASSWORD)
        shot(page, "signup-time-zone-390")
        page.get_by_role("button", name="Sign up", exact=True).click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign up")
        member = User.objects.get(email="nia@example.com")
        assert Boundaries.objects.get(user=member).time_zone == "America/Toronto"
    finally:
        context.close()
