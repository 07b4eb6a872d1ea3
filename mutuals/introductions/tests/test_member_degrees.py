"""Degrees of separation on the members' pages and API: accounts shows them, the graph
(registered with accounts in IntroductionsConfig.ready) answers them."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create

pytestmark = pytest.mark.django_db


class TestMembersApi:
    def test_degrees_and_mutual_count(self, api_client, member):
        first, second, third, far = (make_member() for _ in range(4))
        connection_create(member=member, other=first)
        connection_create(member=first, other=second)
        connection_create(member=second, other=third)
        items = {i["id"]: i["degree"] for i in api_client.get("/api/members").json()["items"]}
        assert items == {first.pk: 1, second.pk: 2, third.pk: 3, far.pk: None}
        detail = api_client.get(f"/api/members/{second.pk}").json()
        assert detail["degree"] == 2
        assert detail["mutual_count"] == 1

    def test_list_costs_a_bounded_number_of_queries(
        self, api_client, member, django_assert_max_num_queries
    ):
        for n in range(30):
            other = make_member(profile={"topics": [f"topic {n}", "shared"]})
            if n % 3 == 0:
                connection_create(member=member, other=other)
        # The first answer after the connections builds the graph snapshot (once per change
        # in the process); after it, every degree badge comes from the cached circle.
        api_client.get("/api/members?limit=30")
        with django_assert_max_num_queries(6):  # 5, and the graph's freshness check
            response = api_client.get("/api/members?limit=30")
        assert len(response.json()["items"]) == 30


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
        # 11, the header bell's unread count and the graph's freshness check
        with django_assert_max_num_queries(13):
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
