"""Community settings and privacy (issue 18): the code of conduct organizers publish outside
the admin and sign-up asks to accept (recorded with its version), and the privacy settings'
rules."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mutuals.accounts.conduct import conduct_accept, conduct_publish
from mutuals.accounts.models import CodeOfConduct, ConductAcceptance, User
from mutuals.accounts.services import privacy_update
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "priya@example.com",
    "name": "Priya Raman",
    "password1": "a-very-long-pass-77",
    "password2": "a-very-long-pass-77",
}


@pytest.fixture
def organizer() -> User:
    return make_member(name="Olu Organizer", is_staff=True)


class TestCodeOfConduct:
    def test_only_organizers_publish(self, member, organizer):
        with pytest.raises(NotAllowed):
            conduct_publish(user=member, text="Be kind.")
        assert conduct_publish(user=organizer, text="Be kind.").version == 1
        assert conduct_publish(user=organizer, text="Be kind.\n\nNo spam.").version == 2
        # The same text again publishes nothing.
        assert conduct_publish(user=organizer, text=" Be kind.\n\nNo spam. ").version == 2
        assert CodeOfConduct.objects.count() == 2

    def test_text_is_required_and_bounded(self, organizer):
        for text in ("   ", "x" * 20001):
            with pytest.raises(Refused) as refused:
                conduct_publish(user=organizer, text=text)
            assert "text" in refused.value.detail["fields"]

    def test_accepting_the_version_in_force_only(self, member, organizer):
        with pytest.raises(NotFound):
            conduct_accept(user=member, version=1)
        conduct_publish(user=organizer, text="Be kind.")
        conduct_publish(user=organizer, text="Be kinder.")
        with pytest.raises(Conflict) as refused:
            conduct_accept(user=member, version=1)
        assert refused.value.detail == {"state": "superseded", "version": 2}
        conduct_accept(user=member, version=2)
        conduct_accept(user=member, version=2)
        mine = ConductAcceptance.objects.filter(user=member)
        assert list(mine.values_list("user_id", "version")) == [(member.pk, 2)]
        # The organizer accepted what they published, by publishing it.
        assert organizer.conduct_acceptances.count() == 2

    def test_sign_up_asks_to_accept_it_once_published(self, organizer):
        page = Client().get(reverse("account_signup")).content.decode()
        assert "accept_conduct" not in page
        conduct_publish(user=organizer, text="Be kind.")
        page = Client().get(reverse("account_signup")).content.decode()
        assert 'href="/conduct/"' in page
        refused = Client().post(reverse("account_signup"), SIGN_UP)
        assert refused.status_code == 200
        assert "Joining means agreeing to the code of conduct." in refused.content.decode()
        assert not User.objects.filter(email="priya@example.com").exists()
        joined = Client().post(reverse("account_signup"), {**SIGN_UP, "accept_conduct": "on"})
        assert joined.status_code == 302
        user = User.objects.get(email="priya@example.com")
        assert list(user.conduct_acceptances.values_list("version", flat=True)) == [1]

    def test_headless_sign_up_sends_the_acceptance_too(self, organizer):
        conduct_publish(user=organizer, text="Be kind.")
        body = {"email": "nia@example.com", "password": "a-very-long-pass-77", "name": "Nia"}
        url = "/api/auth/app/v1/auth/signup"
        assert Client().post(url, body, "application/json").status_code == 400
        Client().post(url, {**body, "accept_conduct": True}, "application/json")
        user = User.objects.get(email="nia@example.com")
        assert user.conduct_acceptances.get().version == 1

    def test_pages(self, member, organizer):
        assert Client().get("/conduct/").status_code == 200
        web = web_client_for(organizer)
        assert web.post("/conduct/edit/", {"text": "Be kind."}).status_code == 302
        assert "Be kind." in Client().get("/conduct/").content.decode()
        assert web_client_for(member).get("/conduct/edit/").status_code == 403
        mine = web_client_for(member)
        assert "I accept version 1" in mine.get("/conduct/").content.decode()
        mine.post("/conduct/accept/", {"version": "1"})
        assert "You accepted this version." in mine.get("/conduct/").content.decode()
        mine.post("/conduct/accept/", {"version": "not a number"})  # no 500
        assert mine.post("/conduct/accept/", {}).status_code == 302

    def test_api(self, member, organizer):
        api = api_client_for(member)
        assert api.get("/api/conduct").status_code == 404
        assert api.put("/api/conduct", {"text": "Hi"}, "application/json").status_code == 403
        published = api_client_for(organizer).put(
            "/api/conduct", {"text": "Be kind."}, "application/json"
        )
        assert published.status_code == 200
        assert published.json()["version"] == 1
        assert api.get("/api/conduct").json()["accepted"] is False
        accepted = api.post("/api/conduct/accept", {"version": 1}, "application/json")
        assert accepted.json() == {**api.get("/api/conduct").json(), "accepted": True}
        stale = api.post("/api/conduct/accept", {"version": 7}, "application/json")
        assert stale.status_code == 409
        assert stale.json()["code"] == "state_changed"


class TestNewVersionToAccept:
    """Issue 18: when organizers publish a new version, members who joined before are asked
    to accept it — on their next page visit, and by the API's `conduct_not_accepted` — and
    nothing else changes for them until they do, but for what is never held back."""

    def test_the_next_page_visit_shows_it_and_accepting_goes_on_to_the_page(
        self, member, organizer
    ):
        conduct_accept(
            user=member, version=conduct_publish(user=organizer, text="Be kind.").version
        )
        web = web_client_for(member)
        assert web.get("/connections/").status_code == 200
        conduct_publish(user=organizer, text="Be kind.\n\nNo sales pitches.")
        asked = web.get("/connections/?q=ana")
        assert asked.status_code == 302
        assert asked["Location"] == "/conduct/?next=%2Fconnections%2F%3Fq%3Dana"
        page = web.get(asked["Location"]).content.decode()
        assert "The organizers have published a new version" in page
        assert "No sales pitches." in page
        assert 'name="next" value="/connections/?q=ana"' in page
        # Taking one's data, leaving and signing out are never held back.
        assert web.get("/me/data/").status_code == 200
        assert web.get("/me/delete/").status_code == 200
        # An HTMX partial is not redirected; the next full page is.
        assert web.get("/connections/", headers={"HX-Request": "true"}).status_code == 200
        accepted = web.post("/conduct/accept/", {"version": "2", "next": "/connections/?q=ana"})
        assert accepted["Location"] == "/connections/?q=ana"
        assert web.get("/connections/").status_code == 200

    def test_a_next_page_elsewhere_is_not_followed(self, member, organizer):
        conduct_publish(user=organizer, text="Be kind.")
        web = web_client_for(member)
        page = web.get("/conduct/?next=https://evil.example/").content.decode()
        assert "evil.example" not in page
        answer = web.post("/conduct/accept/", {"version": "1", "next": "//evil.example/"})
        assert answer["Location"] == "/conduct/"

    def test_visitors_and_the_organizer_who_published_it_are_not_asked(self, member, organizer):
        conduct_publish(user=organizer, text="Be kind.")
        assert web_client_for(organizer).get("/connections/").status_code == 200
        assert Client().get("/conduct/").status_code == 200

    def test_the_api_refuses_writes_until_accepted_and_reads_go_on(self, member, organizer):
        conduct_accept(
            user=member, version=conduct_publish(user=organizer, text="Be kind.").version
        )
        api = api_client_for(member)
        assert (
            api.patch(
                "/api/me/privacy", {"visibility": "community"}, "application/json"
            ).status_code
            == 200
        )
        conduct_publish(user=organizer, text="Be kinder.")
        refused = api.patch("/api/me/privacy", {"visibility": "connections"}, "application/json")
        assert refused.status_code == 403
        assert refused.json()["code"] == "conduct_not_accepted"
        assert refused.json()["detail"] == {"version": 2}
        assert api.get("/api/me/privacy").json()["visibility"] == "community"
        assert api.get("/api/conduct").json()["accepted"] is False
        # The browser's session is held back the same way.
        session = web_client_for(member)
        blocked = session.patch(
            "/api/me/privacy", {"visibility": "connections"}, "application/json"
        )
        assert blocked.json()["code"] == "conduct_not_accepted"
        assert (
            api.post("/api/conduct/accept", {"version": 2}, "application/json").status_code == 200
        )
        assert (
            api.patch(
                "/api/me/privacy", {"visibility": "connections"}, "application/json"
            ).status_code
            == 200
        )


class TestPrivacySettings:
    def test_rules(self, member):
        with pytest.raises(Refused) as refused:
            privacy_update(
                user=member, visibility="friends", phone="call me", shared_contacts=["address"]
            )
        assert set(refused.value.detail["fields"]) == {"visibility", "phone", "shared_contacts"}
        profile = privacy_update(
            user=member,
            visibility="connections",
            phone=" +1 (416) 555-0199 ",
            shared_contacts=["phone", "email", "phone"],
        )
        assert profile.visibility == "connections"
        assert profile.phone == "+1 (416) 555-0199"
        assert profile.shared_contacts == ["email", "phone"]

    def test_api_and_page(self, member):
        api = api_client_for(member)
        assert api.get("/api/me/privacy").json() == {
            "visibility": "community",
            "phone": "",
            "shared_contacts": [],
        }
        changed = api.patch(
            "/api/me/privacy", {"shared_contacts": ["linkedin_url"]}, "application/json"
        )
        assert changed.json()["shared_contacts"] == ["linkedin_url"]
        bad = api.patch("/api/me/privacy", {"visibility": "everyone"}, "application/json")
        assert bad.status_code == 422
        assert bad.json()["code"] == "invalid_fields"
        web = web_client_for(member)
        assert web.get("/me/privacy/").status_code == 200
        saved = web.post(
            "/me/privacy/",
            {"visibility": "connections", "phone": "+44 113 555 0100", "shared_contacts": "phone"},
        )
        assert saved.status_code == 302
        member.profile.refresh_from_db()
        assert member.profile.visibility == "connections"
        assert member.profile.shared_contacts == ["phone"]
        # The phone is never on the member's page.
        other = web_client_for(make_member())
        privacy_update(user=member, visibility="community")
        assert "555 0100" not in other.get(f"/members/{member.pk}/").content.decode()
