"""`ErrorPageMiddleware`: NotFound / NotAllowed raised by a page view are the 404 / 403 pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mutuals.core.error_pages import ErrorPageMiddleware
from mutuals.core.errors import NotAllowed, NotFound, Refused

pytestmark = [pytest.mark.django_db, pytest.mark.urls("mutuals.core.tests.error_page_urls")]


def test_not_found_raised_by_a_view_is_the_404_page(web_client):
    response = web_client.get("/raises/not-found/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "<html" in html  # the site's page in its layout, not a bare body


def test_not_allowed_raised_by_a_view_is_the_403_page_with_the_reason(web_client):
    response = web_client.get("/raises/not-allowed/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "That is not yours to do" in html
    assert "Only the organizer can do that." in html


def test_an_existing_page_answers_404_through_the_middleware(web_client):
    """A real page: the member's profile fetches through access_member_by_id (NotFound)."""
    response = web_client.get("/members/999999/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


@pytest.mark.parametrize("error", [NotFound(), NotAllowed()])
def test_the_api_is_left_to_its_own_envelope(error):
    middleware = ErrorPageMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/api/members/1")
    assert middleware.process_exception(request, error) is None


def test_other_errors_are_not_turned_into_pages():
    middleware = ErrorPageMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/members/1/")
    assert middleware.process_exception(request, Refused("No.")) is None
    assert middleware.process_exception(request, ValueError("boom")) is None
