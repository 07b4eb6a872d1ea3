"""A suspended member, surface by surface: they cannot sign in (the page, allauth's headless
API, `POST /api/auth/token`), their tokens and sessions stop working, and they are gone from
the directory, its search, @mentions, people you may know and the graph's paths, until a
moderator restores them, when each comes back."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import PASSWORD
from mutuals.introductions.tests.factories import make_cast
from mutuals.moderation import services
from mutuals.moderation.tests.factories import make_moderator

pytestmark = pytest.mark.django_db

HEADLESS = "/api/auth/app/v1"


def _signs_in_on_the_page(member: User) -> bool:
    client = Client()
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    return "_auth_user_id" in client.session


def _signs_in_headless(member: User) -> int:
    response = Client().post(
        f"{HEADLESS}/auth/login",
        {"email": member.email, "password": PASSWORD},
        "application/json",
    )
    return response.status_code


def _token_status(member: User) -> int:
    return (
        Client()
        .post(
            "/api/auth/token",
            {"email": member.email, "password": PASSWORD, "label": "script"},
            "application/json",
        )
        .status_code
    )


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the graph's change log) as the product would."""
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks
    return


_on_commit = None


def _suspend(member: User, moderator: User) -> None:
    assert _on_commit is not None
    with _on_commit(execute=True):
        services.member_suspend(moderator=moderator, member_id=member.pk, days=7, reason="Scam")


def _restore(member: User, moderator: User) -> None:
    assert _on_commit is not None
    with _on_commit(execute=True):
        services.member_restore(moderator=moderator, member_id=member.pk, reason="Appeal")


def test_a_suspended_member_cannot_sign_in_nor_use_tokens_or_sessions():
    cast = make_cast()
    thandi, moderator = cast.thandi, make_moderator()
    token_client, session_client = api_client_for(thandi), web_client_for(thandi)
    assert _signs_in_on_the_page(thandi)
    assert _signs_in_headless(thandi) == 200
    _suspend(thandi, moderator)
    assert not _signs_in_on_the_page(thandi)
    assert _signs_in_headless(thandi) != 200
    assert _token_status(thandi) == 401
    assert token_client.get("/api/me").status_code == 401
    assert session_client.get("/api/me").status_code == 401
    assert session_client.get("/feed/")["Location"].startswith("/accounts/login/")
    _restore(thandi, moderator)
    assert _signs_in_on_the_page(thandi)
    assert _signs_in_headless(thandi) == 200
    assert _token_status(thandi) == 200
    assert token_client.get("/api/me").status_code == 200  # the same token works again


def test_the_sign_in_page_says_the_account_is_suspended():
    cast = make_cast()
    _suspend(cast.thandi, make_moderator())
    page = Client().post(
        "/accounts/login/", {"login": cast.thandi.email, "password": PASSWORD}, follow=True
    )
    assert "suspended" in page.content.decode()


def _directory_names(client: Client, query: str = "") -> set[str]:
    items = client.get(f"/api/members?q={query}&limit=100").json()["items"]
    return {item["name"] for item in items}


def test_a_suspended_member_is_gone_from_the_directory_search_and_mentions():
    cast = make_cast()
    sam, thandi, moderator = cast.sam, cast.thandi, make_moderator()
    api, web = api_client_for(sam), web_client_for(sam)
    assert "Thandi Mokoena" in _directory_names(api)
    assert "Thandi Mokoena" in _directory_names(api, "Thandi")
    assert "Thandi Mokoena" in web.get("/members/?q=Thandi").content.decode()
    _suspend(thandi, moderator)
    assert "Thandi Mokoena" not in _directory_names(api)
    assert "Thandi Mokoena" not in _directory_names(api, "Thandi")
    assert "Thandi Mokoena" not in web.get("/members/?q=Thandi").content.decode()
    assert api.get(f"/api/members/{thandi.pk}").status_code == 404
    assert web.get(f"/members/{thandi.pk}/").status_code == 404
    assert web.get("/feed/mentions/?q=Thandi").json()["items"] == []
    _restore(thandi, moderator)
    assert "Thandi Mokoena" in _directory_names(api, "Thandi")
    assert api.get(f"/api/members/{thandi.pk}").status_code == 200


def _suggested(client: Client) -> set[int]:
    return {
        item["member"]["id"] for item in client.get("/api/recommendations/people").json()["items"]
    }


def test_a_suspended_member_leaves_suggestions_and_the_graph_until_restored():
    cast = make_cast()
    sam, thandi, moderator = cast.sam, cast.thandi, make_moderator()
    api = api_client_for(sam)
    assert thandi.pk in _suggested(api)
    path = api.get(f"/api/introductions/paths?to={thandi.pk}").json()["paths"]
    assert path
    assert path[0]["members"][-1] == thandi.pk
    by_company = api.get("/api/introductions/paths?company=acme rail").json()["paths"]
    assert thandi.pk in {p["members"][-1] for p in by_company}
    _suspend(thandi, moderator)
    assert thandi.pk not in _suggested(api)
    assert api.get(f"/api/introductions/paths?to={thandi.pk}").status_code == 404
    by_company = api.get("/api/introductions/paths?company=acme rail").json()["paths"]
    assert thandi.pk not in {p["members"][-1] for p in by_company}
    # Nor is anyone reached through them: Kwame's degree from Lena's side is unchanged, and
    # Thandi is no one's mutual connection.
    lena_page = api.get(f"/api/members/{cast.lena.pk}").json()
    assert lena_page["degree"] == 1
    _restore(thandi, moderator)
    assert thandi.pk in _suggested(api)
    assert api.get(f"/api/introductions/paths?to={thandi.pk}").json()["paths"]
