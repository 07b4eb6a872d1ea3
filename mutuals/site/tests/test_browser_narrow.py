"""Issue 19: no page of the main walk scrolls sideways on a 390 × 844 phone, and the profile
form's LinkedIn URL field is styled like its neighbours.

The demo chapter is seeded (`mutuals demo`) and Sam, its login member, walks: home, the
directory, a profile, the composer, requests, connections, messages, a thread, the feed, a
post, events, an event, its follow-up, network health, introductions and mentorship. Each
page's document must be no wider than the viewport; screenshots in
test-results/browser/narrow-*.png.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, ViewportSize, expect

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import shot, sign_in
from mutuals.events.models import Event
from mutuals.feed.models import Post
from mutuals.messaging.models import Conversation
from mutuals.site.demo_cast import DEMO_EMAIL_DOMAIN, DEMO_LOGIN_KEY, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


def main_walk(sam: User) -> list[tuple[str, str]]:
    other = User.objects.exclude(pk=sam.pk).filter(is_active=True).order_by("pk").first()
    assert other is not None
    thread = Conversation.objects.filter(participants__member=sam).order_by("pk").first()
    post = Post.objects.order_by("pk").first()
    past = Event.objects.filter(attendances__member=sam).order_by("-starts_at").first()
    assert thread is not None
    assert post is not None
    assert past is not None
    return [
        ("home", "/"),
        ("directory", "/members/"),
        ("profile", f"/members/{other.pk}/"),
        ("composer", f"/members/{other.pk}/connect/"),
        ("requests", "/invitations/"),
        ("connections", "/connections/"),
        ("messages", "/messages/"),
        ("thread", f"/messages/{thread.pk}/"),
        ("feed", "/feed/"),
        ("post", f"/feed/posts/{post.pk}/"),
        ("events", "/events/"),
        ("event", f"/events/{past.pk}/"),
        ("follow-up", f"/events/{past.pk}/follow-up/"),
        ("network-health", "/insights/"),
        ("introductions", "/introductions/"),
        ("mentorship", "/mentorship/"),
    ]


def test_no_page_of_the_main_walk_scrolls_sideways_at_390_px(browser_page: Page) -> None:
    page = browser_page
    call_command("demo", verbosity=0)
    sam = User.objects.get(email=f"{DEMO_LOGIN_KEY}@{DEMO_EMAIL_DOMAIN}")
    sign_in(page, sam.email, DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    too_wide = {}
    for name, url in main_walk(sam):
        response = page.goto(url)
        assert response is not None
        assert response.ok, (name, url, response.status)
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        shot(page, f"narrow-{name}")
        if width > PHONE["width"]:
            too_wide[name] = width
    assert too_wide == {}


def test_the_linkedin_url_field_is_styled_like_its_neighbours(browser_page: Page) -> None:
    page = browser_page
    sign_in(page, make_member(name="Sam Okafor").email, PASSWORD)
    page.goto("/me/profile/")
    linkedin = page.get_by_role("textbox", name="LinkedIn profile")
    expect(linkedin).to_be_visible()
    # As wide as its field, with the border every other input has (it was a bare 179 px box).
    width, field_width, radius = linkedin.evaluate(
        "e => [e.getBoundingClientRect().width, e.parentElement.clientWidth,"
        " getComputedStyle(e).borderRadius]"
    )
    assert width >= field_width - 1
    assert radius == "6px"
    shot(page, "narrow-profile-form-1280")
