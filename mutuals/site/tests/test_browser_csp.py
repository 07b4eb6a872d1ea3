"""The Content-Security-Policy blocks nothing the pages need (issue 13): a member walks the
main pages, uses the HTMX composer whose inline handlers moved to mutuals.js, and opens
Swagger UI at /api/docs; Chromium reports no violation (the `securitypolicyviolation` event
and "Refused to …" console errors)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from mutuals.accounts.tests.factories import PASSWORD
from mutuals.connections.tests.factories import make_pair
from mutuals.core.tests.browser import sign_in
from mutuals.introductions.selectors import people_suggestions, proximity_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

PAGES = [
    "home",
    "member_directory",
    "connections_list",
    "invitations_received",
    "notifications",
    "events",
    "feed",
    "conversations",
    "collaborations",
    "introduction_inbox",
    "reach",
    "people_suggestions",
    "mentorship_home",
    "insights_health",
    "boundaries",
    "api_tokens",
    "imports",
]


def test_main_pages_and_swagger_ui_raise_no_csp_violation(browser_page: Page, live_server: Any):
    page = browser_page
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)
    sender, recipient, _ = make_pair()
    # The live server runs in this process: compile the graph kernels now (the first time on
    # a machine takes longer than a page may), not inside the directory's first request.
    people_suggestions(viewer=sender)
    proximity_for(sender.pk, [recipient.pk])
    sign_in(page, sender.email, PASSWORD)

    violations: list[str] = []
    for name in PAGES:
        response = page.goto(reverse(name))
        assert response is not None
        assert response.ok, name
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        violations += [f"{name}: {v}" for v in page.evaluate("window.__cspViolations")]

    # The composer: HTMX checks the note as it is typed (its indicator styles come from
    # mutuals.css now) and `data-input-removes` replaced an inline hx-on handler.
    page.goto(reverse("invitation_compose", args=[recipient.pk]))
    page.fill("#id_message", "Hi Thandi, your talk on schedule risk was ")
    expect(page.locator("#feedback")).not_to_be_empty()
    violations += [f"compose: {v}" for v in page.evaluate("window.__cspViolations")]

    page.goto("/api/docs")
    # Swagger UI's bundle ran and rendered (ninja's template has no inline script; its
    # settings are a JSON data block, which CSP does not execute).
    expect(page.locator("#swagger-ui .swagger-ui").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    violations += [f"api/docs: {v}" for v in page.evaluate("window.__cspViolations")]

    assert violations == []
    assert refused == []
