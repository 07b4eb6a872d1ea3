"""The interactive API docs in headless Chromium: Swagger UI parses the served document and
lists the operations, from assets served by this server alone. Screenshot in
test-results/browser/api-docs.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from mutuals.core.tests.browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_tag_and_operation_from_local_assets(
    browser_page: Page, live_server: Any
) -> None:
    page = browser_page
    requested: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    page.on("request", note)
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="mutuals API")).to_be_visible()
    # Operations are grouped under their tags; a known one shows its path and id.
    invitations = page.locator("#operations-invitations-invitations_create")
    expect(invitations).to_be_visible()
    expect(invitations).to_contain_text("/api/invitations")
    expect(page.locator("#operations-events-events_ics")).to_be_visible()
    expect(page.get_by_text("Parser error")).to_have_count(0)
    expect(page.locator(".errors-wrapper")).to_have_count(0)
    shot(page, "api-docs")
    # Opening an operation shows its documented refusals, rendered from the same document.
    invitations.locator(".opblock-summary").click()
    responses = invitations.locator(".responses-table").first
    expect(responses).to_be_visible()
    expect(responses.locator("tr.response[data-code='409']")).to_contain_text("already_connected")
    expect(responses.locator("tr.response[data-code='429']")).to_contain_text(
        "sender_allowance_exhausted"
    )
    shot(page, "api-docs-invitations-create")
    assert requested, "the page made no request at all"
    assert [url for url in requested if not url.startswith(live_server.url)] == []
