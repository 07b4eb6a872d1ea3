"""Accounts and members API (docs/api.md): shapes, authentication, the error envelope, limits."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.services import api_token_create, profile_update
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.services import block_create, connection_create

pytestmark = pytest.mark.django_db


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    assert body["message"]
    return body


class TestToken:
    def test_issues_a_token_that_reads_me(self, member):
        client = Client()
        response = client.post(
            "/api/auth/token",
            {"email": "SAM@example.com", "password": PASSWORD},
            "application/json",
        )
        assert response.status_code == 200
        token = response.json()["token"]
        me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["email"] == "sam@example.com"

    def test_wrong_password_is_invalid_credentials(self, member):
        response = Client().post(
            "/api/auth/token", {"email": "sam@example.com", "password": "nope"}, "application/json"
        )
        assert_envelope(response, 401, "invalid_credentials")

    def test_repeated_failures_are_rate_limited_with_retry_at(self, member):
        client = Client()
        for _ in range(5):
            client.post(
                "/api/auth/token", {"email": "sam@example.com", "password": "x"}, "application/json"
            )
        response = client.post(
            "/api/auth/token",
            {"email": "sam@example.com", "password": PASSWORD},
            "application/json",
        )
        body = assert_envelope(response, 429, "rate_limited")
        assert datetime.fromisoformat(body["detail"]["retry_at"]).tzinfo is not None

    def test_inactive_member_gets_no_token(self, member):
        User.objects.filter(pk=member.pk).update(is_active=False)
        response = Client().post(
            "/api/auth/token",
            {"email": "sam@example.com", "password": PASSWORD},
            "application/json",
        )
        assert_envelope(response, 401, "invalid_credentials")

    def test_malformed_json_is_a_400_envelope(self):
        response = Client().post("/api/auth/token", "{not json", "application/json")
        assert_envelope(response, 400, "malformed_json")

    def test_missing_field_is_a_422_naming_it(self):
        response = Client().post("/api/auth/token", {"email": "a@b.c"}, "application/json")
        body = assert_envelope(response, 422, "invalid_fields")
        assert "password" in body["detail"]["fields"]


class TestMe:
    def test_unauthenticated_is_401_envelope(self):
        assert_envelope(Client().get("/api/me"), 401, "not_authenticated")
        bad = Client(headers={"Authorization": "Bearer mut_not-a-token"})
        assert_envelope(bad.get("/api/me"), 401, "not_authenticated")

    def test_me_has_profile_and_boundaries(self, api_client, member):
        body = api_client.get("/api/me").json()
        assert body["id"] == member.pk
        assert body["name"] == "Sam Okafor"
        assert set(body["profile"]) >= {"headline", "topics", "offers", "looking_for"}
        assert body["boundaries"]["weekly_capacity"] == 10

    def test_session_auth_reads_and_requires_csrf_to_write(self, member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        assert client.get("/api/me").status_code == 200
        response = client.patch("/api/me/profile", {"headline": "x"}, "application/json")
        assert_envelope(response, 403, "csrf_failed")
        member.profile.refresh_from_db()
        assert member.profile.headline == ""

    def test_patch_profile_returns_the_whole_profile(self, api_client, member):
        response = api_client.patch(
            "/api/me/profile",
            {"headline": "PMO lead", "topics": ["Risk management", "risk  MANAGEMENT", "PMO"]},
            "application/json",
        )
        assert response.status_code == 200
        body = response.json()
        assert body["headline"] == "PMO lead"
        assert sorted(body["topics"]) == ["PMO", "Risk management"]
        assert body["name"] == "Sam Okafor"

    def test_patch_profile_refusal_names_fields_and_saves_nothing(self, api_client, member):
        response = api_client.patch(
            "/api/me/profile",
            {"company": "Kestrel", "topics": [f"t{n}" for n in range(13)]},
            "application/json",
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert "topics" in body["detail"]["fields"]
        member.profile.refresh_from_db()
        assert member.profile.company == ""

    def test_patch_profile_rejects_null_and_wrong_types(self, api_client):
        body = assert_envelope(
            api_client.patch("/api/me/profile", {"headline": None}, "application/json"),
            422,
            "invalid_fields",
        )
        assert "headline" in body["detail"]["fields"]
        assert_envelope(
            api_client.patch("/api/me/profile", {"topics": "Agile"}, "application/json"),
            422,
            "invalid_fields",
        )

    def test_patch_boundaries(self, api_client, member):
        response = api_client.patch(
            "/api/me/boundaries",
            {"weekly_capacity": 4, "open_intents": ["advice"], "quiet_until": None},
            "application/json",
        )
        assert response.status_code == 200
        assert response.json()["weekly_capacity"] == 4
        assert response.json()["open_intents"] == ["advice"]

    def test_patch_boundaries_refusal(self, api_client, member):
        response = api_client.patch(
            "/api/me/boundaries",
            {"weekly_capacity": 500, "low_bandwidth": True},
            "application/json",
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert body["detail"]["fields"]["weekly_capacity"]
        member.boundaries.refresh_from_db()
        assert member.boundaries.low_bandwidth is False


class TestMembers:
    def test_search_by_topic_company_and_words(self, api_client, member):
        thandi = make_member(
            name="Thandi Mokoena",
            profile={
                "company": "Acme Rail",
                "topics": ["Risk management"],
                "title": "Programme manager",
            },
        )
        lee = make_member(name="Lee Chen", profile={"company": "Bayview Bank", "topics": ["Agile"]})
        profile_update(user=member, topics=["Risk management"])

        def names(query: str) -> list[str]:
            response = api_client.get(f"/api/members?{query}")
            assert response.status_code == 200
            return [item["name"] for item in response.json()["items"]]

        assert names("topic=risk-management") == ["Thandi Mokoena"]  # never yourself
        assert names("topic=Risk%20Management") == ["Thandi Mokoena"]
        assert names("company=bayview") == ["Lee Chen"]
        assert names("q=programme+acme") == ["Thandi Mokoena"]
        assert names("q=nobody-has-this") == []
        item = api_client.get("/api/members?company=acme").json()["items"][0]
        assert item == {
            "id": thandi.pk,
            "name": "Thandi Mokoena",
            "headline": "",
            "company": "Acme Rail",
            "title": "Programme manager",
            "topics": ["Risk management"],
            "degree": None,
        }
        assert lee.pk not in [
            i["id"] for i in api_client.get("/api/members?q=acme").json()["items"]
        ]

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

    def test_blocked_members_are_hidden_and_not_found(self, api_client, member, other):
        block_create(blocker=other, blocked=member)
        assert api_client.get("/api/members").json()["items"] == []
        assert_envelope(api_client.get(f"/api/members/{other.pk}"), 404, "not_found")
        assert_envelope(api_client.get("/api/members/999999"), 404, "not_found")

    def test_another_members_boundaries_are_never_exposed(self, api_client, other):
        body = api_client.get(f"/api/members/{other.pk}").json()
        assert "boundaries" not in body
        assert not {"weekly_capacity", "open_intents", "quiet_until", "email"} & set(body)

    def test_cursor_pagination_walks_every_member_once(self, api_client):
        created = {make_member(name=f"Member {n:02d}").pk for n in range(25)}
        seen: list[int] = []
        url = "/api/members?limit=10"
        pages = 0
        while url:
            body = api_client.get(url).json()
            seen.extend(item["id"] for item in body["items"])
            pages += 1
            url = f"/api/members?limit=10&cursor={body['next']}" if body["next"] else ""
        assert pages == 3
        assert len(seen) == len(set(seen)) == 25
        assert set(seen) == created

    def test_bad_cursor_and_limit(self, api_client):
        assert_envelope(api_client.get("/api/members?cursor=%%%"), 400, "invalid_cursor")
        assert_envelope(api_client.get("/api/members?limit=0"), 422, "invalid_fields")

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
        with django_assert_max_num_queries(5):
            response = api_client.get("/api/members?limit=30")
        assert len(response.json()["items"]) == 30


def test_unknown_api_path_is_a_json_404():
    assert_envelope(Client().get("/api/no-such-thing"), 404, "not_found")


def test_token_from_another_member_cannot_act_as_me(member, other):
    _, raw = api_token_create(user=other, label="theirs")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.patch("/api/me/profile", {"headline": "hijack"}, "application/json")
    member.profile.refresh_from_db()
    assert member.profile.headline == ""


NOT_CANONICAL = ["localtime", "posixrules", "Factory", "US/Eastern", "EST5EDT", "Europe/Kiev"]


class TestTimeZoneIsCanonical:
    """Only canonical IANA names (zone1970.tab, zone.tab, UTC); `localtime` and the legacy
    links that `zoneinfo.available_timezones()` also lists were accepted."""

    @pytest.mark.parametrize("name", NOT_CANONICAL)
    def test_api_refuses(self, api_client, member, name):
        response = api_client.patch(
            "/api/me/boundaries", {"time_zone": name}, content_type="application/json"
        )
        body = assert_envelope(response, 422, "invalid_fields")
        assert "time_zone" in body["detail"]["fields"]
        member.boundaries.refresh_from_db()
        assert member.boundaries.time_zone == "UTC"

    @pytest.mark.parametrize("name", ["Europe/Oslo", "Europe/Kyiv", "UTC", "America/Toronto"])
    def test_api_accepts(self, api_client, member, name):
        response = api_client.patch(
            "/api/me/boundaries", {"time_zone": name}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        member.boundaries.refresh_from_db()
        assert member.boundaries.time_zone == name

    @pytest.mark.parametrize("name", ["localtime", "US/Eastern"])
    def test_page_refuses(self, web_client, member, name):
        response = web_client.post(
            "/me/boundaries/",
            {"weekly_capacity": "3", "min_personalization": "60", "time_zone": name},
        )
        assert response.status_code == 200
        assert b"Your boundaries are saved." not in response.content
        member.boundaries.refresh_from_db()
        assert member.boundaries.time_zone == "UTC"
