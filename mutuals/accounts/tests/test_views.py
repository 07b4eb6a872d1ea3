"""Member pages end to end through Django's test client, with and without HTMX."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mutuals.accounts.models import ApiToken, Boundaries, Profile, User
from mutuals.accounts.services import api_token_create
from mutuals.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/members/", "/me/profile/", "/me/boundaries/", "/me/tokens/", "/members/1/"]
)
def test_member_pages_require_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


class TestSignUpAndSignIn:
    def test_sign_up_creates_a_provisioned_member_and_asks_to_verify(self):
        response = Client().post(
            reverse("account_signup"),
            {
                "email": "priya@example.com",
                "name": "  Priya   Raman ",
                "password1": "a-very-long-pass-77",
                "password2": "a-very-long-pass-77",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="priya@example.com")
        assert user.name == "Priya Raman"
        assert Profile.objects.filter(user=user).exists()
        assert Boundaries.objects.filter(user=user).exists()
        assert len(mail.outbox) == 1
        assert re.search(r"/accounts/confirm-email/\S+/", str(mail.outbox[0].body))

    def test_sign_up_without_a_name_is_refused(self):
        response = Client().post(
            reverse("account_signup"),
            {
                "email": "x@example.com",
                "name": "",
                "password1": "a-very-long-pass-77",
                "password2": "a-very-long-pass-77",
            },
        )
        assert response.status_code == 200
        assert not User.objects.filter(email="x@example.com").exists()

    def test_sign_in_with_email(self, member):
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": "sam@example.com", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/").context["member"] == member

    def test_repeated_failed_sign_ins_are_rate_limited(self, member):
        client = Client()
        for _ in range(5):
            client.post(reverse("account_login"), {"login": "sam@example.com", "password": "no"})
        response = client.post(
            reverse("account_login"), {"login": "sam@example.com", "password": PASSWORD}
        )
        assert response.status_code in {200, 429}
        assert "_auth_user_id" not in client.session
        assert b"Too many failed login attempts" in response.content


class TestProfileEdit:
    def test_saves_and_redirects_to_the_profile(self, web_client, member):
        response = web_client.post(
            "/me/profile/",
            {
                "name": "Sam Okafor",
                "headline": "Delivery lead",
                "company": "Kestrel Logistics",
                "title": "Project manager",
                "location": "Toronto",
                "topics": "risk  management, PMO,,",
                "bio": "",
                "offers": "Reviewing charters\n\nRisk workshops",
                "looking_for": "A mentor in portfolio management",
            },
            follow=True,
        )
        assert response.redirect_chain[-1][0] == f"/members/{member.pk}/"
        assert b"Your profile is saved." in response.content
        member.profile.refresh_from_db()
        assert member.profile.offers == ["Reviewing charters", "Risk workshops"]
        assert sorted(t.slug for t in member.profile.topics.all()) == ["pmo", "risk-management"]

    def test_refusal_shows_the_field_error_and_saves_nothing(self, web_client, member):
        topics = ", ".join(f"topic {n}" for n in range(13))
        response = web_client.post(
            "/me/profile/",
            {"name": "Sam Okafor", "company": "Changed", "topics": topics},
        )
        assert response.status_code == 200
        assert "Choose at most 12 topics." in response.content.decode()
        member.profile.refresh_from_db()
        assert member.profile.company == ""


class TestBoundariesPage:
    def test_explains_each_setting_and_saves(self, web_client, member):
        html = web_client.get("/me/boundaries/").content.decode()
        for phrase in (
            "wait in a queue",
            "stopped, kindly",
            "none are lost",
            "sent back",
            "you decide",
            "Doubles",
        ):
            assert phrase in html
        response = web_client.post(
            "/me/boundaries/",
            {
                "weekly_capacity": "3",
                "open_intents": ["advice", "peer"],
                "quiet_until": "",
                "min_personalization": "60",
                "open_to_introductions": "",
                "low_bandwidth": "on",
            },
            follow=True,
        )
        assert b"Your boundaries are saved." in response.content
        member.boundaries.refresh_from_db()
        assert member.boundaries.weekly_capacity == 3
        assert member.boundaries.time_zone == "UTC"  # not sent: kept
        assert member.boundaries.open_intents == ["advice", "peer"]
        assert member.boundaries.open_to_introductions is False
        assert member.boundaries.low_bandwidth is True

    def test_past_quiet_period_is_refused(self, web_client, member):
        response = web_client.post(
            "/me/boundaries/",
            {
                "weekly_capacity": "3",
                "quiet_until": "2001-01-01T10:00",
                "min_personalization": "60",
            },
        )
        assert "A quiet period must end in the future." in response.content.decode()
        member.boundaries.refresh_from_db()
        assert member.boundaries.weekly_capacity == 10


class TestTokensPage:
    def test_create_shows_once_then_revoke(self, web_client, member):
        response = web_client.post("/me/tokens/", {"label": "calendar sync"})
        html = response.content.decode()
        found = re.search(r'id="new-token">(mut_[^<]+)<', html)
        assert found, "the new token is shown once"
        raw = found.group(1)
        assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 200
        assert raw not in web_client.get("/me/tokens/").content.decode()
        token = ApiToken.objects.get(user=member)
        web_client.post(f"/me/tokens/{token.pk}/revoke/")
        assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 401

    def test_cannot_revoke_another_members_token(self, web_client, other):
        token, _ = api_token_create(user=other, label="theirs")
        assert web_client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


def test_allauth_pages_speak_as_the_rest_of_the_product(client: Client) -> None:
    """Issue 19: allauth's pages said "Sign Up", "Verify Your Email Address" and "Email"
    where every other page says "Sign up" and "e-mail" (mutuals/locale)."""
    signup = re.sub(r"\s+", " ", client.get("/accounts/signup/").content.decode())
    assert "<h1> Sign up </h1>" in signup
    assert '<label for="id_email">E-mail:</label>' in signup
    assert "Sign Up" not in signup
    assert ">Email" not in signup
    login = client.get("/accounts/login/").content.decode()
    assert "Sign In" not in login
    assert "Sign in" in login


def test_the_compiled_messages_match_their_source() -> None:
    """mutuals/locale's django.mo is compiled from django.po (mutuals/locale/README.md)."""
    import gettext
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
    source = (folder / "django.po").read_text()
    entries = re.findall(r'msgid ((?:"[^"\n]*"\n)+)msgstr ((?:"[^"\n]*"\n?)+)', source)
    pairs = {
        "".join(re.findall(r'"([^"\n]*)"', msgid)): "".join(re.findall(r'"([^"\n]*)"', msgstr))
        for msgid, msgstr in entries
    }
    pairs.pop("")
    assert len(pairs) > 20
    with (folder / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    assert {msgid: translations.gettext(msgid) for msgid in pairs} == pairs
