"""Issue 19: the main walk has no serious or critical accessibility violation, as axe-core
(vendored, run in Chromium) finds them: names of controls, labels, contrast, landmarks.

The demo chapter is seeded and Sam walks the same pages as the 390 px walk
(`test_browser_narrow.main_walk`), at 1280 px and at 390 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Connection
from mutuals.connections.selectors import connected_ids
from mutuals.core.tests.browser import (
    AXE_REFUSED_IMPACTS,
    axe_violations,
    new_context,
    shot,
    sign_in,
)
from mutuals.site.demo_cast import DEMO_EMAIL_DOMAIN, DEMO_LOGIN_KEY, DEMO_PASSWORD
from mutuals.site.tests.test_browser_narrow import PHONE, main_walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_walk_has_no_serious_or_critical_accessibility_violation(
    browser_page: Page,
) -> None:
    page = browser_page
    call_command("demo", verbosity=0)
    sam = User.objects.get(email=f"{DEMO_LOGIN_KEY}@{DEMO_EMAIL_DOMAIN}")
    sign_in(page, sam.email, DEMO_PASSWORD)
    refused: dict[str, list[str]] = {}
    for width in (1280, PHONE["width"]):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        for name, url in main_walk(sam):
            response = page.goto(url)
            assert response is not None
            assert response.ok, (name, url, response.status)
            for violation in axe_violations(page):
                if violation["impact"] in AXE_REFUSED_IMPACTS:
                    refused.setdefault(f"{name} at {width}", []).append(
                        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                        + " | ".join(violation["nodes"][:4])
                    )
    assert refused == {}, "\n".join(f"{page}: {found}" for page, found in refused.items())


def test_the_check_finds_what_it_refuses(browser_page: Page) -> None:
    """The check is not blind: an unnamed button, an unlabelled field and grey on white text
    are each refused."""
    page = browser_page
    page.set_content(
        "<html lang='en'><head><title>t</title></head><body><main>"
        "<button></button><input type='text'>"
        "<p style='color:#ccc;background:#fff'>faint words</p></main></body></html>"
    )
    refused = {v["id"] for v in axe_violations(page) if v["impact"] in AXE_REFUSED_IMPACTS}
    assert {"button-name", "label", "color-contrast"} <= refused


def _introduction_form_url(sam: User) -> str:
    """The request form for a member two steps from Sam, through a connection of both."""
    mine = connected_ids(sam.pk)
    for introducer_id in sorted(mine):
        for target_id in sorted(connected_ids(introducer_id) - mine - {sam.pk}):
            return f"/introductions/new/{target_id}/via/{introducer_id}/"
    raise AssertionError("the demo has no member two steps from Sam")


def test_the_pages_issue_19_changed_are_accessible_and_fit_a_phone(
    chromium: Browser, live_server: Any
) -> None:
    """The introduction request form with its live score, a connection's page, and a
    newcomer's People you may know, network health and sign-up: no serious or critical
    violation, no sideways scroll at 390 px; screenshots at 1280 and 390 px."""
    call_command("demo", verbosity=0)
    sam = User.objects.get(email=f"{DEMO_LOGIN_KEY}@{DEMO_EMAIL_DOMAIN}")
    connection = (
        Connection.objects.filter(member_low=sam).first()
        or Connection.objects.filter(member_high=sam).first()
    )
    assert connection is not None
    newcomer = make_member(name="Nia Newcomer", profile={"topics": ["Agile", "Risk management"]})
    walks = [
        (
            sam.email,
            DEMO_PASSWORD,
            [
                ("introduction-form", _introduction_form_url(sam)),
                ("connection", f"/connections/{connection.pk}/"),
            ],
        ),
        (
            newcomer.email,
            PASSWORD,
            [("newcomer-people", "/people/"), ("newcomer-health", "/insights/")],
        ),
        (None, None, [("signup", "/accounts/signup/")]),
    ]
    refused: dict[str, list[str]] = {}
    too_wide: dict[str, int] = {}
    for email, password, pages in walks:
        context = new_context(chromium, live_server.url)
        page = context.new_page()
        if email and password:
            sign_in(page, email, password)
        for width in (1280, PHONE["width"]):
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            for name, url in pages:
                page.goto(url)
                if name == "introduction-form":
                    page.get_by_label("Your note to the introducer").fill(
                        "I would value your advice on schedule risk in rail contracts."
                    )
                    expect(page.locator("#feedback .score")).to_be_visible()
                shot(page, f"issue19-{name}-{width}")
                if width == PHONE["width"]:
                    scroll = int(page.evaluate("document.documentElement.scrollWidth"))
                    if scroll > width:
                        too_wide[name] = scroll
                for violation in axe_violations(page):
                    if violation["impact"] in AXE_REFUSED_IMPACTS:
                        refused.setdefault(f"{name} at {width}", []).append(
                            f"{violation['id']}: {' | '.join(violation['nodes'][:3])}"
                        )
        context.close()
    assert refused == {}
    assert too_wide == {}
