"""A newcomer's first visit, driven through headless Chromium against a live server.

Join → verify the e-mail → complete the profile (one refused attempt first) → find a member
in the directory with the HTMX live search and the topic filter → open her profile.

Screenshots of each main step go to `test-results/browser/` under the repository root
(git-ignored), so a person can look at what the browser saw.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from mutuals.accounts.models import Topic, User
from mutuals.accounts.tests.factories import make_member
from mutuals.core.tests.browser import shot

PASSWORD = "correct horse battery staple 42"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page: Page) -> Page:
    return browser_page


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (Django's labels end with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def seed_members() -> None:
    make_member(
        name="Thandi Mokoena",
        email="thandi@example.com",
        profile={
            "headline": "Keeping rail projects on budget",
            "title": "Programme manager",
            "company": "Acme Rail",
            "location": "Toronto, ON",
            "topics": ["Risk management", "Supplier contracts"],
        },
    )
    make_member(
        name="Lucas Ferreira",
        email="lucas@example.com",
        profile={
            "headline": "Credit risk analyst",
            "title": "Analyst",
            "company": "Banco Azul",
            "location": "Lisbon",
            "topics": ["Credit scoring"],
        },
    )
    make_member(
        name="Mei Chen",
        email="mei@example.com",
        profile={
            "headline": "Design systems for public services",
            "title": "Design lead",
            "company": "Civic Studio",
            "location": "Vancouver, BC",
            "topics": ["Accessibility", "Design systems"],
        },
    )


def test_newcomer_joins_completes_profile_and_finds_a_member(page: Page) -> None:
    seed_members()
    thandi = User.objects.get(email="thandi@example.com")

    # 1. A visitor joins from the home page.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fewer contacts. Real relationships.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    field(page, "Your name").fill("Priya Raman")
    field(page, "E-mail").fill("priya@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    shot(page, "01-signup")
    # allauth's pages speak as the rest does: "Sign up", "e-mail" (issue 19).
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_role("button", name="Sign up", exact=True).click()

    # 2. She is asked to verify her e-mail; the link in the message confirms and signs her in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    shot(page, "02-verify-email")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@example.com"]
    link = re.search(r"https?://\S+/accounts/confirm-email/[^/\s]+/", str(message.body))
    assert link, message.body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    expect(page.get_by_text("priya@example.com").first).to_be_visible()
    shot(page, "03-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")
    expect(page.get_by_role("status")).to_contain_text("You have confirmed priya@example.com.")
    expect(page.get_by_text("topics you care about")).to_be_visible()
    shot(page, "04-home")
    priya = User.objects.get(email="priya@example.com")
    assert priya.name == "Priya Raman"
    assert EmailAddress.objects.get(user=priya).verified

    # 3. She fills in her profile, but lists 13 topics: refused, with nothing saved.
    page.get_by_role("link", name="Complete your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(field(page, "Name")).to_have_value("Priya Raman")
    field(page, "Headline").fill("PMO lead helping teams ship on time")
    field(page, "Company").fill("Northwind Health")
    field(page, "Role / title").fill("PMO lead")
    field(page, "Location").fill("Toronto, ON")
    field(page, "Topics").fill(", ".join(f"Topic {n}" for n in range(1, 14)))
    field(page, "What I can offer").fill("Reviewing project charters\nPMO set-up advice")
    field(page, "What I am looking for").fill("A mentor in portfolio risk")
    topics_before = Topic.objects.count()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Choose at most 12 topics.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(field(page, "Headline")).to_have_value("PMO lead helping teams ship on time")
    shot(page, "05-profile-refused")
    priya.profile.refresh_from_db()
    assert priya.profile.headline == ""
    assert priya.profile.company == ""
    assert list(priya.profile.topics.all()) == []
    assert Topic.objects.count() == topics_before

    # She corrects the topics, typed carelessly; they reuse the existing "Risk management".
    field(page, "Topics").fill("risk  Management, PMO")
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(re.compile(rf"/members/{priya.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya Raman")
    expect(page.get_by_text("PMO lead helping teams ship on time")).to_be_visible()
    expect(page.get_by_text("PMO lead at Northwind Health · Toronto, ON")).to_be_visible()
    expect(page.locator(".profile .tags .tag")).to_have_text(["PMO", "Risk management"])
    expect(page.get_by_text("Reviewing project charters")).to_be_visible()
    expect(page.get_by_text("A mentor in portfolio risk")).to_be_visible()
    shot(page, "06-profile-saved")
    assert Topic.objects.filter(slug="risk-management").count() == 1
    assert Topic.objects.get(slug="risk-management").name == "Risk management"
    priya.profile.refresh_from_db()
    assert sorted(t.slug for t in priya.profile.topics.all()) == ["pmo", "risk-management"]
    assert priya.profile.offers == ["Reviewing project charters", "PMO set-up advice"]

    # 4. In the directory, typing updates the results in place (HTMX), without a page load.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    results = page.locator("#directory-results")
    expect(results).to_contain_text("3 members")
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(
        lambda r: "/members/?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("#id_q").press_sequentially("risk")
    expect(results).to_contain_text("2 members match")
    expect(results.locator(".member-name")).to_have_text(["Lucas Ferreira", "Thandi Mokoena"])
    expect(results).not_to_contain_text("Mei Chen")
    expect(page).to_have_url(re.compile(r"/members/\?q=risk(&|$)"))
    assert page.evaluate("window.__sameDocument") is True, "the search reloaded the page"
    shot(page, "07-members-search")

    # The topic filter narrows the same results to members who list the topic.
    with page.expect_response(lambda r: "topic=risk-management" in r.url):
        page.locator("#id_topic").select_option(label="Risk management")
    expect(results).to_contain_text("1 member match")
    expect(results.locator(".member-name")).to_have_text(["Thandi Mokoena"])
    assert page.evaluate("window.__sameDocument") is True, "the filter reloaded the page"
    shot(page, "08-members-topic")

    # 5. She opens Thandi's profile.
    results.get_by_role("link", name="Thandi Mokoena").click()
    expect(page).to_have_url(re.compile(rf"/members/{thandi.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thandi Mokoena")
    expect(page.get_by_text("Programme manager at Acme Rail · Toronto, ON")).to_be_visible()
    expect(page.locator(".profile .tags .tag")).to_have_text(
        ["Risk management", "Supplier contracts"]
    )
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    shot(page, "09-member")
