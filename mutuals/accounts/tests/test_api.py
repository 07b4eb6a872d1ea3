"""Accounts and members API (docs/api.md): shapes, authentication, the error envelope, limits."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuals.accounts.history import history_add, history_entries, history_reorder
from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_directory
from mutuals.accounts.services import api_token_create, profile_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import PASSWORD, make_member

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

    def test_me_reads_everything_in_five_queries(self, api_client, member):
        """The token, the member with profile and boundaries, then topics, experience and
        education, one read each (issue 20: compiled once per process, core.compiled),
        however long the lists are. Raising this budget is a decision."""
        profile_update(user=member, topics=["Risk", "agile delivery", "Budgets"])
        for index, organisation in enumerate(["Metro Rail", "Harbour Works", "City Water"]):
            history_add(
                user=member,
                kind="experience",
                organisation=organisation,
                role="PM",
                start=f"201{index}-01",
            )
        history_add(user=member, kind="education", school="Lakeshore University", start="2008")
        order = list(reversed(history_entries(member, "experience")))
        history_reorder(user=member, kind="experience", ids=[e.pk for e in order])
        api_client.get("/api/me")  # the token's first use is recorded (once a minute)
        with CaptureQueriesContext(connection) as captured:
            body = api_client.get("/api/me").json()
        assert len(captured) == 5, [query["sql"] for query in captured]
        profile = body["profile"]
        assert profile["topics"] == ["Agile delivery", "Budgets", "Risk"]  # by name
        # the member's own order
        assert [e["organisation"] for e in profile["experience"]] == [e.organisation for e in order]
        assert [e["school"] for e in profile["education"]] == ["Lakeshore University"]
        assert body["boundaries"]["open_intents"]

    def test_a_token_of_a_member_no_longer_active_is_refused(self, member):
        _, raw = api_token_create(user=member, label="laptop")
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        assert client.get("/api/me").status_code == 200
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert_envelope(client.get("/api/me"), 401, "not_authenticated")

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
            "photo_url": None,
        }
        assert lee.pk not in [
            i["id"] for i in api_client.get("/api/members?q=acme").json()["items"]
        ]

    def test_a_page_never_sorts_every_member_first(self, api_client, member):
        """Each filter keeps one row per member, so the directory needs no DISTINCT: with it
        the database sorts every visible member (all their columns) before it cuts a page,
        2.5 s at 100,000 members (docs/benchmarks.md); without it, the name index is walked
        in order and stops after a page. Members with several topics still come once."""
        topics = ["Risk management", "Agile", "Lean"]
        for n in range(3):
            make_member(
                name=f"Pat {n}", profile={"company": "Acme", "location": "Lisbon", "topics": topics}
            )
        make_member(name="Pat Elsewhere", profile={"company": "Acme", "topics": ["Lean"]})
        filters = {"q": "pat", "topic": "agile", "company": "acme", "location": "lisbon"}
        for used in range(len(filters) + 1):
            chosen = dict(list(filters.items())[:used])
            sql = str(member_directory(viewer=member, **chosen).query)
            assert "DISTINCT" not in sql.upper(), chosen
        names = [m["name"] for m in api_client.get("/api/members", filters).json()["items"]]
        assert names == ["Pat 0", "Pat 1", "Pat 2"]
        lean = api_client.get("/api/members", {"topic": "lean", "limit": 2}).json()
        rest = api_client.get("/api/members", {"topic": "lean", "cursor": lean["next"]}).json()
        assert [m["name"] for m in lean["items"] + rest["items"]] == [
            "Pat 0",
            "Pat 1",
            "Pat 2",
            "Pat Elsewhere",
        ]
        assert api_client.get("/api/members", {"topic": "no such topic"}).json()["items"] == []

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


def test_unknown_api_path_is_a_json_404():
    assert_envelope(Client().get("/api/no-such-thing"), 404, "not_found")


def test_token_from_another_member_cannot_act_as_me(member, other):
    client = api_client_for(other)
    client.patch("/api/me/profile", {"headline": "hijack"}, "application/json")
    member.profile.refresh_from_db()
    assert member.profile.headline == ""


# --- Account flows: django-allauth's headless API under /api/auth/ (docs/api.md) ---------------

AUTH = "/api/auth/app/v1"
NEW_PASSWORD = "another-long-password-77"


def _link_in(message_body: object) -> str:
    """The path of the only link in an e-mail (the existing HTML page it leads to)."""
    import re
    from urllib.parse import unquote, urlsplit

    url = re.search(r"https?://\S+", str(message_body))
    assert url, message_body
    return unquote(urlsplit(url.group(0)).path)


def _headless_sign_up(client: Client, email: str = "nia@example.com", **extra: str):
    return client.post(
        f"{AUTH}/auth/signup",
        {"email": email, "password": PASSWORD, "name": "  Nia   Osei ", **extra},
        "application/json",
    )


def _headless_session(email: str, password: str = PASSWORD) -> Client:
    """A script's client: signs in through the headless API and sends its session token."""
    response = Client().post(
        f"{AUTH}/auth/login", {"email": email, "password": password}, "application/json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    return Client(headers={"X-Session-Token": token})


class TestAccountFlows:
    def test_sign_up_provisions_the_member_and_waits_for_the_e_mail(self):
        from django.core import mail
        from django.urls import resolve

        response = _headless_sign_up(Client())
        # Verification is mandatory by default: signed up, not signed in yet.
        assert response.status_code == 401, response.content
        body = response.json()
        assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
        assert body["meta"]["is_authenticated"] is False
        user = User.objects.get(email="nia@example.com")
        assert user.name == "Nia Osei"
        # member_provision ran through MemberAccountAdapter, as for the web sign-up.
        assert user.profile.pk
        assert user.boundaries.pk
        assert user.boundaries.open_intents
        # The e-mail's link is the existing confirmation page.
        (message,) = mail.outbox
        assert resolve(_link_in(message.body)).url_name == "account_confirm_email"

    def test_sign_up_without_a_name_is_refused_and_creates_nothing(self):
        response = Client().post(
            f"{AUTH}/auth/signup",
            {"email": "nia@example.com", "password": PASSWORD},
            "application/json",
        )
        assert response.status_code == 400
        assert {e["param"] for e in response.json()["errors"]} == {"name"}
        assert not User.objects.filter(email="nia@example.com").exists()

    def test_verify_with_the_key_from_the_e_mail_then_get_a_token(self):
        from django.core import mail

        client = Client()
        token = _headless_sign_up(client).json()["meta"]["session_token"]
        # Not verified yet: no API token either (the same rule as the sign-in page).
        refused = client.post(
            "/api/auth/token",
            {"email": "nia@example.com", "password": PASSWORD},
            "application/json",
        )
        assert_envelope(refused, 403, "email_unverified")
        key = _link_in(mail.outbox[0].body).rstrip("/").rsplit("/", 1)[1]
        verified = Client(headers={"X-Session-Token": token}).post(
            f"{AUTH}/auth/email/verify", {"key": key}, "application/json"
        )
        assert verified.status_code == 200, verified.content
        assert verified.json()["meta"]["is_authenticated"] is True
        issued = client.post(
            "/api/auth/token",
            {"email": "nia@example.com", "password": PASSWORD},
            "application/json",
        )
        assert issued.status_code == 200

    def test_sign_in_is_refused_until_the_e_mail_is_verified(self):
        _headless_sign_up(Client())
        response = Client().post(
            f"{AUTH}/auth/login",
            {"email": "nia@example.com", "password": PASSWORD},
            "application/json",
        )
        assert response.status_code == 401
        assert {"id": "verify_email", "is_pending": True} in response.json()["data"]["flows"]

    @pytest.mark.parametrize("verification", ["none", "optional"])
    def test_without_mandatory_verification_sign_up_signs_in(self, settings, verification):
        settings.ACCOUNT_EMAIL_VERIFICATION = verification
        response = _headless_sign_up(Client())
        assert response.status_code == 200, response.content
        assert response.json()["meta"]["is_authenticated"] is True
        token = Client().post(
            "/api/auth/token",
            {"email": "nia@example.com", "password": PASSWORD},
            "application/json",
        )
        assert token.status_code == 200

    def test_sign_ups_share_the_web_pages_limit(self):
        """ACCOUNT_RATE_LIMITS["signup"] is 20 a minute from one address, counted across the
        sign-up page and the API together."""
        web = Client()
        for n in range(10):
            web.post(
                "/accounts/signup/",
                {
                    "name": f"Web {n}",
                    "email": f"web{n}@example.com",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                },
            )
        for n in range(10):
            assert _headless_sign_up(Client(), email=f"app{n}@example.com").status_code == 401
        response = _headless_sign_up(Client(), email="one-too-many@example.com")
        assert response.status_code == 429
        assert not User.objects.filter(email="one-too-many@example.com").exists()
        assert User.objects.filter(email__startswith="web").count() == 10

    def test_password_change(self, member):
        client = _headless_session(member.email)
        wrong = client.post(
            f"{AUTH}/account/password/change",
            {"current_password": "not-it", "new_password": NEW_PASSWORD},
            "application/json",
        )
        assert wrong.status_code == 400
        changed = client.post(
            f"{AUTH}/account/password/change",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            "application/json",
        )
        assert changed.status_code == 200, changed.content
        member.refresh_from_db()
        assert member.check_password(NEW_PASSWORD)

    def test_password_change_needs_a_session(self):
        response = Client().post(
            f"{AUTH}/account/password/change",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            "application/json",
        )
        assert response.status_code == 401

    def test_password_reset_request_and_confirm(self, member):
        from django.core import mail
        from django.urls import resolve

        requested = Client().post(
            f"{AUTH}/auth/password/request", {"email": member.email}, "application/json"
        )
        assert requested.status_code == 200, requested.content
        (message,) = mail.outbox
        path = _link_in(message.body)
        # The link is the existing reset page; its last segment is the key for the API.
        assert resolve(path).url_name == "account_reset_password_from_key"
        key = path.rstrip("/").rsplit("/", 1)[1]
        checked = Client().get(f"{AUTH}/auth/password/reset", headers={"X-Password-Reset-Key": key})
        assert checked.status_code == 200
        reset = Client().post(
            f"{AUTH}/auth/password/reset",
            {"key": key, "password": NEW_PASSWORD},
            "application/json",
        )
        assert reset.status_code in {200, 401}, reset.content
        member.refresh_from_db()
        assert member.check_password(NEW_PASSWORD)
        reused = Client().post(
            f"{AUTH}/auth/password/reset", {"key": key, "password": PASSWORD}, "application/json"
        )
        assert reused.status_code == 400

    def test_e_mail_addresses_list_add_primary_remove(self, member):
        from allauth.account.models import EmailAddress

        client = _headless_session(member.email)
        listed = client.get(f"{AUTH}/account/email")
        assert [(e["email"], e["primary"], e["verified"]) for e in listed.json()["data"]] == [
            ("sam@example.com", True, True)
        ]
        added = client.post(
            f"{AUTH}/account/email", {"email": "sam@work.example"}, "application/json"
        )
        assert added.status_code == 200, added.content
        assert {e["email"] for e in added.json()["data"]} == {"sam@example.com", "sam@work.example"}
        # An unverified address cannot become primary.
        refused = client.patch(
            f"{AUTH}/account/email",
            {"email": "sam@work.example", "primary": True},
            "application/json",
        )
        assert refused.status_code == 400
        EmailAddress.objects.filter(email="sam@work.example").update(verified=True)
        primary = client.patch(
            f"{AUTH}/account/email",
            {"email": "sam@work.example", "primary": True},
            "application/json",
        )
        assert primary.status_code == 200, primary.content
        removed = client.delete(
            f"{AUTH}/account/email", {"email": "sam@example.com"}, "application/json"
        )
        assert removed.status_code == 200, removed.content
        assert [e["email"] for e in removed.json()["data"]] == ["sam@work.example"]

    def test_e_mail_addresses_need_a_session(self):
        assert Client().get(f"{AUTH}/account/email").status_code == 401

    def test_its_own_openapi_document_is_served_without_a_cdn(self):
        spec = Client().get("/api/auth/openapi.json")
        assert spec.status_code == 200
        paths = spec.json()["paths"]
        for path in (
            "/auth/signup",
            "/auth/email/verify",
            "/auth/password/request",
            "/auth/password/reset",
            "/account/password/change",
            "/account/email",
        ):
            assert f"{AUTH}{path}" in paths, path
        page = Client().get("/api/auth/openapi.html").content.decode()
        assert "/api/auth/openapi.json" in page
        assert "https://" not in page
        assert "//cdn" not in page

    def test_e_mail_links_lead_to_the_existing_pages(self, settings):
        from django.urls import resolve

        pages = {
            "account_confirm_email": "account_confirm_email",
            "account_reset_password": "account_reset_password",
            "account_reset_password_from_key": "account_reset_password_from_key",
            "account_signup": "account_signup",
        }
        for name, url in settings.HEADLESS_FRONTEND_URLS.items():
            path = url.replace("{key}", "MQ:1abc:def" if "confirm" in name else "1-abc-def")
            assert resolve(path).url_name == pages[name], name


class TestTokens:
    def test_list_shows_your_active_tokens_never_the_secret(self, member, other):
        first, first_raw = api_token_create(user=member, label="calendar sync")
        revoked, _ = api_token_create(user=member, label="old laptop")
        api_token_create(user=other, label="theirs")
        client = Client(headers={"Authorization": f"Bearer {first_raw}"})
        client.delete(f"/api/me/tokens/{revoked.pk}")
        response = client.get("/api/me/tokens")
        assert response.status_code == 200
        body = response.json()
        assert body["next"] is None
        (item,) = body["items"]
        assert set(item) == {"id", "label", "prefix", "created_at", "last_used_at"}
        assert item["id"] == first.pk
        assert item["label"] == "calendar sync"
        assert first_raw.startswith(item["prefix"])
        assert item["prefix"] != first_raw
        assert first_raw not in response.content.decode()
        # This very request used it.
        assert datetime.fromisoformat(item["last_used_at"]).tzinfo is not None

    def test_list_is_cursor_paginated_newest_first(self, member):
        made = [api_token_create(user=member, label=f"t{n}")[0].pk for n in range(5)]
        client = web_client_for(member)
        first = client.get("/api/me/tokens?limit=3").json()
        second = client.get(f"/api/me/tokens?limit=3&cursor={first['next']}").json()
        assert [t["id"] for t in first["items"] + second["items"]] == made[::-1]
        assert second["next"] is None

    def test_revoke_stops_the_token(self, member, api_client):
        token, raw = api_token_create(user=member, label="script")
        response = api_client.delete(f"/api/me/tokens/{token.pk}")
        assert response.status_code == 204
        revoked = Client(headers={"Authorization": f"Bearer {raw}"})
        assert_envelope(revoked.get("/api/me"), 401, "not_authenticated")
        assert_envelope(api_client.delete(f"/api/me/tokens/{token.pk}"), 404, "not_found")

    def test_another_members_token_is_not_found_and_keeps_working(self, api_client, other):
        theirs, raw = api_token_create(user=other, label="theirs")
        assert_envelope(api_client.delete(f"/api/me/tokens/{theirs.pk}"), 404, "not_found")
        assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 200

    def test_sign_in_required(self):
        assert_envelope(Client().get("/api/me/tokens"), 401, "not_authenticated")
        assert_envelope(Client().delete("/api/me/tokens/1"), 401, "not_authenticated")


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
