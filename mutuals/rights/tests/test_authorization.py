"""Who may use the new pages and endpoints of issue 18's leaving, privacy and code of conduct:
walked as a visitor who is signed out, as another member, as the owner (and, for the code of
conduct's editing, as an organizer)."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.conduct import conduct_accept, conduct_publish
from mutuals.accounts.models import AccountDeletion, User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

JSON = "application/json"

# (method, path, body) of every new API operation.
API = [
    ("post", "/api/me/deletion", {"password": PASSWORD}),
    ("get", "/api/me/privacy", None),
    ("patch", "/api/me/privacy", {"visibility": "connections"}),
    ("get", "/api/conduct", None),
    ("put", "/api/conduct", {"text": "Be kinder."}),
    ("post", "/api/conduct/accept", {"version": 1}),
]
PAGES = ["/me/delete/", "/me/privacy/", "/conduct/edit/"]


@pytest.fixture
def owner() -> User:
    return make_member(name="Olga Owner", email="olga@example.com")


@pytest.fixture(autouse=True)
def conduct() -> None:
    conduct_publish(user=make_member(is_staff=True), text="Be kind.")


def _call(client: Client, method: str, path: str, body: dict | None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, JSON)


@pytest.mark.parametrize(("method", "path", "body"), API)
def test_signed_out_is_401_and_changes_nothing(owner, method, path, body):
    response = _call(Client(), method, path, body)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert User.objects.get(pk=owner.pk).is_active


@pytest.mark.parametrize("path", [*PAGES, "/conduct/accept/"])
def test_signed_out_pages_ask_to_sign_in(path):
    response = Client().get(path) if path != "/conduct/accept/" else Client().post(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_code_of_conduct_is_public():
    assert "Be kind." in Client().get("/conduct/").content.decode()


class TestAnotherMember:
    """Every operation is about the caller: another member can reach nothing of the owner's."""

    def test_cannot_delete_the_owners_account_with_the_owners_password(self, owner):
        other = make_member(email="eve@example.com")
        User.objects.filter(pk=other.pk).update(password="!")  # not the shared test password
        response = api_client_for(other).post("/api/me/deletion", {"password": PASSWORD}, JSON)
        assert response.status_code == 403
        assert response.json()["code"] == "reauthentication_failed"
        assert not AccountDeletion.objects.exists()
        assert User.objects.get(pk=owner.pk).is_active

    def test_privacy_changes_only_their_own(self, owner):
        other = make_member()
        api_client_for(other).patch("/api/me/privacy", {"visibility": "connections"}, JSON)
        assert api_client_for(owner).get("/api/me/privacy").json()["visibility"] == "community"
        web_client_for(other).post("/me/privacy/", {"visibility": "connections"})
        owner.profile.refresh_from_db()
        assert owner.profile.visibility == "community"

    def test_a_member_who_is_not_an_organizer_cannot_edit_the_code(self, owner):
        response = api_client_for(owner).put("/api/conduct", {"text": "Anything goes."}, JSON)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert web_client_for(owner).get("/conduct/edit/").status_code == 403
        assert web_client_for(owner).post("/conduct/edit/", {"text": "x"}).status_code == 403
        assert "Anything goes." not in Client().get("/conduct/").content.decode()


class TestTheOwner:
    def test_pages_open(self, owner):
        # Pages other than the code itself first ask to accept it (test_community.py).
        conduct_accept(user=owner, version=1)
        client = web_client_for(owner)
        for path in ["/me/delete/", "/me/privacy/", "/conduct/"]:
            assert client.get(path).status_code == 200, path

    def test_the_api_answers(self, owner):
        client = api_client_for(owner)
        assert client.get("/api/me/privacy").status_code == 200
        assert client.get("/api/conduct").json()["version"] == 1
        accepted = client.post("/api/conduct/accept", {"version": 1}, JSON)
        assert accepted.json()["accepted"] is True

    def test_deleting_needs_the_password_then_signs_out(self, owner):
        client = web_client_for(owner)
        wrong = client.post("/me/delete/", {"password": "nope"})
        assert wrong.status_code == 200
        assert "That password is not right" in wrong.content.decode()
        assert User.objects.get(pk=owner.pk).is_active
        done = client.post("/me/delete/", {"password": PASSWORD}, follow=True)
        assert "Your account will be deleted on" in done.content.decode()
        assert not User.objects.get(pk=owner.pk).is_active
        assert client.get("/me/profile/").status_code == 302  # signed out

    def test_wrong_passwords_are_rate_limited_like_sign_in(self, owner):
        client = api_client_for(owner)
        codes = [
            client.post("/api/me/deletion", {"password": f"guess {n}"}, JSON).json()["code"]
            for n in range(6)
        ]
        assert codes == ["reauthentication_failed"] * 5 + ["rate_limited"]
        # Even the right password waits now.
        response = client.post("/api/me/deletion", {"password": PASSWORD}, JSON)
        assert response.status_code == 429
        assert "retry_at" in response.json()["detail"]
        assert User.objects.get(pk=owner.pk).is_active

    def test_deleting_through_the_api(self, owner):
        client = api_client_for(owner)
        response = client.post("/api/me/deletion", {"password": PASSWORD}, JSON)
        assert response.status_code == 202
        body = response.json()
        assert body["state"] == "scheduled"
        assert body["erase_after"] > body["requested_at"]
        # The token that asked stops working at once.
        assert client.get("/api/me").status_code == 401

    def test_an_organizer_edits(self):
        organizer = make_member(is_staff=True)
        client = api_client_for(organizer)
        response = client.put("/api/conduct", {"text": "Be kinder."}, JSON)
        assert response.json()["version"] == 2
        assert web_client_for(organizer).get("/conduct/edit/").status_code == 200
