"""The member directory and a member's page (mutuals.site.member_pages) through Django's
test client."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member

pytestmark = pytest.mark.django_db


class TestDirectory:
    def test_htmx_request_gets_only_the_results(self, web_client):
        make_member(name="Lee Chen", profile={"company": "Bayview Bank"})
        response = web_client.get("/members/?q=bayview", headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "<html" not in html
        assert "Lee Chen" in html

    def test_pagination_keeps_the_filters(self, web_client):
        for n in range(30):
            make_member(name=f"Member {n:02d}", profile={"location": "Toronto, ON"})
        html = web_client.get("/members/?location=toronto").content.decode()
        assert "Page 1 of 2" in html
        assert "location=toronto&amp;page=2" in html


class TestMemberPage:
    def test_the_role_line_is_not_repeated_under_a_headline_that_says_it(self, web_client):
        said = make_member(
            name="Ama",
            profile={
                "headline": "Head of Risk at Acme Rail",
                "title": "Head of risk",
                "company": "Acme Rail",
                "location": "Leeds",
            },
        )
        html = web_client.get(f"/members/{said.pk}/").content.decode()
        assert (
            html.count("Head of Risk at Acme Rail") + html.count("Head of risk at Acme Rail") == 1
        )
        assert "Leeds" in html
        other = make_member(
            name="Ben",
            profile={"headline": "Signalling nerd", "title": "PM", "company": "Acme Rail"},
        )
        assert "PM at Acme Rail" in web_client.get(f"/members/{other.pk}/").content.decode()
