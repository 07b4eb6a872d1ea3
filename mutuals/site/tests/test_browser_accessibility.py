"""Issue 19: the main walk has no serious or critical accessibility violation, as axe-core
(vendored, run in Chromium) finds them: names of controls, labels, contrast, landmarks.

The demo chapter is seeded and Sam walks the same pages as the 390 px walk
(`test_browser_narrow.main_walk`), at 1280 px and at 390 px.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from mutuals.accounts.models import User
from mutuals.core.tests.browser import AXE_REFUSED_IMPACTS, axe_violations, sign_in
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
