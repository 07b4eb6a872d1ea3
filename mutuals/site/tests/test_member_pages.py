"""The member directory and a member's page (mutuals.site.member_pages) through Django's
test client."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_create

pytestmark = pytest.mark.django_db


class TestDirectory:
    def test_lists_filters_and_badges(self, web_client, member):
        thandi = make_member(
            name="Thandi Mokoena", profile={"company": "Acme Rail", "topics": ["Risk management"]}
        )
        make_member(name="Lee Chen", profile={"company": "Bayview Bank", "topics": ["Agile"]})
        connection_create(member=member, other=thandi)
        response = web_client.get("/members/?topic=risk-management")
        html = response.content.decode()
        assert "<html" in html
        assert "Thandi Mokoena" in html
        assert "Lee Chen" not in html
        assert ">1st<" in html
        assert "1 member" in html

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

    def test_directory_cost_does_not_grow_with_the_page(
        self, web_client, member, django_assert_max_num_queries
    ):
        for n in range(24):
            other = make_member(profile={"topics": [f"t{n}"]})
            connection_create(member=member, other=other)
        # The first page after the connections builds the graph snapshot (once per change in
        # the process); after it, every degree badge comes from the cached circle.
        web_client.get("/members/")
        # 11: one of them is the member's time zone (MemberTimeZoneMiddleware), on every page.
        with django_assert_max_num_queries(11):
            response = web_client.get("/members/")
        assert response.content.decode().count('class="card member-card"') == 24


class TestMemberPage:
    def test_shows_profile_degree_and_mutuals(self, web_client, member, other):
        middle = make_member(name="Middle Person")
        connection_create(member=member, other=middle)
        connection_create(member=middle, other=other)
        html = web_client.get(f"/members/{other.pk}/").content.decode()
        assert "Thandi Mokoena" in html
        assert ">2nd<" in html
        assert "1 mutual connection" in html

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

    def test_blocked_or_missing_member_is_a_404_page(self, web_client, member, other):
        block_create(blocker=other, blocked=member)
        response = web_client.get(f"/members/{other.pk}/")
        assert response.status_code == 404
        assert b"We could not find that page" in response.content
        assert web_client.get("/members/999999/").status_code == 404
