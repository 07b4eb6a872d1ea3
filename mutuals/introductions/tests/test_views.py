"""The pages end to end: how can I reach…, the composer, the inbox, people you may know."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from mutuals.accounts.tests.clients import web_client_for
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import block_create, invitation_ignore
from mutuals.connections.tests.factories import send
from mutuals.introductions.models import Introduction, SuggestionDismissal
from mutuals.introductions.tests.factories import GOOD_NOTE, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member):
    return make_cast(member)


def test_pages_need_sign_in(cast):
    for url in ("/reach/", "/introductions/", "/people/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_reach_a_member_by_name_then_see_named_paths(web_client, cast):
    search = web_client.get("/reach/?kind=member&q=Thandi")
    assert search.status_code == 200
    assert f"/reach/?to={cast.thandi.pk}" in search.content.decode()
    page = web_client.get(f"/reach/?to={cast.thandi.pk}").content.decode()
    assert "Warm paths to Thandi Mokoena" in page
    assert page.index("Kwame Asante") < page.index("Lena Fischer")  # strongest first
    assert f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/" in page


def test_reach_with_htmx_answers_only_the_results(web_client, cast):
    response = web_client.get("/reach/?kind=company&q=Acme Rail", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Warm paths to someone at Acme Rail" in html
    assert "<html" not in html


def test_reach_a_blocked_member_is_not_found(web_client, cast):
    block_create(blocker=cast.thandi, blocked=cast.sam)
    assert web_client.get(f"/reach/?to={cast.thandi.pk}").status_code == 404


def test_compose_refuses_a_generic_note_with_findings_then_sends_a_personal_one(web_client, cast):
    url = f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/"
    assert web_client.get(url).status_code == 200
    refused = web_client.post(
        url, {"intent": "advice", "context_kind": "mutual", "message": "Hi, add me please."}
    )
    assert refused.status_code == 200
    assert "asks for notes scoring at least" in refused.content.decode()
    assert not Introduction.objects.exists()
    sent = web_client.post(
        url, {"intent": "advice", "context_kind": "mutual", "message": GOOD_NOTE}
    )
    assert sent.status_code == 302
    assert Introduction.objects.get().introducer == cast.kwame


def test_inbox_forward_accept_and_thank(web_client, cast):
    web_client.post(
        f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/",
        {"intent": "advice", "context_kind": "mutual", "message": GOOD_NOTE},
    )
    intro = Introduction.objects.get()
    kwame = web_client_for(cast.kwame)
    assert "asks you to introduce them to" in kwame.get("/introductions/").content.decode()
    kwame.post(f"/introductions/{intro.pk}/forward/", {"note": "You two think alike on risk."})
    thandi = web_client_for(cast.thandi)
    inbox = thandi.get("/introductions/").content.decode()
    assert "You two think alike on risk." in inbox
    thandi.post(f"/introductions/{intro.pk}/accept/")
    assert are_connected(cast.sam.pk, cast.thandi.pk)
    inbox = web_client.get("/introductions/").content.decode()
    assert "Thank Kwame" in inbox
    # The due date reads as dates do elsewhere ("Tue 8 Dec"), never "Dec. 8, 2026" (issue 19).
    assert re.search(r"\(due [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}\)", inbox), inbox
    web_client.post(f"/introductions/{intro.pk}/thank/", {"note": "Thanks, Kwame!"})
    intro.refresh_from_db()
    assert intro.thanked_at is not None


def test_strangers_cannot_act_on_an_introduction(web_client, cast):
    web_client.post(
        f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/",
        {"intent": "advice", "context_kind": "mutual", "message": GOOD_NOTE},
    )
    intro = Introduction.objects.get()
    omar = web_client_for(cast.omar)
    assert omar.post(f"/introductions/{intro.pk}/accept/").status_code == 404
    assert web_client_for(cast.thandi).post(f"/introductions/{intro.pk}/accept/").status_code == 404


def test_suggestions_show_reasons_and_can_be_dismissed(web_client, cast):
    page = web_client.get("/people/").content.decode()
    assert "Thandi Mokoena" in page
    assert "2 mutual connections: Kwame Asante and Lena Fischer" in page
    response = web_client.post(
        f"/people/{cast.thandi.pk}/dismiss/", {"reason": "not_now"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content == b""
    assert SuggestionDismissal.objects.get().reason == "not_now"
    assert "Thandi Mokoena" not in web_client.get("/people/").content.decode()


def test_navigation_has_the_introductions_link(web_client, cast):
    assert 'href="/introductions/"' in web_client.get("/people/").content.decode()


@pytest.mark.parametrize("answered_by_setting_aside", [False, True])
def test_a_suggestion_who_asked_you_offers_to_answer_not_to_ask(
    web_client, member, cast, answered_by_setting_aside
):
    """Crossed requests (issue 17): someone whose request to you waits is shown as "asked to
    connect — answer", never "Ask to connect" (set aside, they used to come back with it)."""
    theirs = send(cast.thandi, member, cast.kwame)
    if answered_by_setting_aside:
        invitation_ignore(member=member, invitation_id=theirs.pk)
    page = web_client.get("/people/").content.decode()
    card = page[page.index(f'id="suggestion-{cast.thandi.pk}"') :]
    card = card[: card.index("</form>")]
    assert "Thandi asked to connect — answer" in card
    assert f"/members/{cast.thandi.pk}/connect/" not in card


def test_a_longer_path_suggests_asking_for_the_next_step_not_the_target(web_client, member):
    """Issue 19: the page said "ask Keisha to introduce you to Thandi" where Keisha was three
    steps from Thandi; Keisha can introduce Sam only to her own connection on the path."""
    from mutuals.accounts.tests.factories import make_member
    from mutuals.connections.services import connection_create

    keisha, marcus, ana, thandi = (
        make_member(name=name)
        for name in ("Keisha Brown", "Marcus Johnson", "Ana Ferreira", "Thandi Nkosi")
    )
    for first, second in ((member, keisha), (keisha, marcus), (marcus, ana), (ana, thandi)):
        connection_create(member=first, other=second)
    page = web_client.get(f"/reach/?to={thandi.pk}").content.decode()
    assert "Keisha Brown" in page
    assert f"/introductions/new/{thandi.pk}/via/{keisha.pk}/" not in page
    assert "introduce you to Thandi" not in page
    assert f"/introductions/new/{marcus.pk}/via/{keisha.pk}/" in page
    assert "Ask Keisha to introduce you to Marcus" in page
    assert "the first step towards Thandi" in page


def test_the_request_form_is_built_like_the_composer(web_client, cast):
    """Issue 19: labels without colons, the shared topics as choices (not a free-text topic),
    and which intents the target is open to."""
    from mutuals.accounts.models import Boundaries

    Boundaries.objects.filter(user=cast.thandi).update(open_intents=["advice", "peer"])
    page = web_client.get(f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/")
    html = page.content.decode()
    assert ":</label>" not in html
    assert 'name="context_ref"' not in html
    topics = re.search(r'<select name="topic"[^>]*>(.*?)</select>', html, re.S)
    assert topics is not None
    assert re.findall(r">([^<]+)</option>", topics.group(1)) == ["Risk management"]
    assert "Thandi is open to advice, peer connection — not" in html
    assert re.search(r'<option value="referral"\s+disabled', html)
    assert 'hx-post="/introductions/new/' in html


def test_a_shared_topic_chosen_is_the_request_s_context(web_client, cast):
    url = f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/"
    sent = web_client.post(
        url,
        {
            "intent": "advice",
            "context_kind": "topic",
            "topic": "risk-management",
            "message": GOOD_NOTE,
        },
    )
    assert sent.status_code == 302
    intro = Introduction.objects.get()
    assert (intro.context_kind, intro.context_ref) == ("topic", "risk-management")


def test_the_live_score_is_the_score_the_request_is_sent_with(web_client, cast):
    check = f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/check/"
    form = {"intent": "advice", "context_kind": "mutual", "message": GOOD_NOTE}
    empty = web_client.post(check, {**form, "message": ""}, headers={"HX-Request": "true"})
    assert "feedback appears here as you type" in empty.content.decode()
    scored = web_client.post(check, form, headers={"HX-Request": "true"}).content.decode()
    score = re.search(r'<strong class="score">(\d+)</strong>', scored)
    assert score is not None
    assert "<html" not in scored
    web_client.post(f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/", form)
    assert Introduction.objects.get().score == int(score.group(1))
    generic = web_client.post(check, {**form, "message": "Hi, add me please."}).content.decode()
    assert "Generic" in generic or "Needs work" in generic
    assert "would be sent back to you" in generic


def test_each_action_says_what_happened_and_returns_to_the_inbox(web_client, cast):
    def act(client, intro: Introduction, action: str, data: dict[str, str]) -> list[str]:
        response = client.post(f"/introductions/{intro.pk}/{action}/", data, follow=True)
        assert response.redirect_chain == [("/introductions/", 302)], action
        return [str(m) for m in get_messages(response.wsgi_request)]

    def ask() -> Introduction:
        web_client.post(
            f"/introductions/new/{cast.thandi.pk}/via/{cast.kwame.pk}/",
            {"intent": "advice", "context_kind": "mutual", "message": GOOD_NOTE},
            follow=True,  # the next page shows (and uses up) the "Sent to" message
        )
        return Introduction.objects.latest("pk")

    kwame, thandi = web_client_for(cast.kwame), web_client_for(cast.thandi)
    intro = ask()
    assert act(kwame, intro, "forward", {"note": "You two think alike."}) == [
        "Forwarded. They will see your note and decide."
    ]
    assert act(thandi, intro, "decline", {"reason": "Not now"}) == [
        "Declined. Nobody else is told why."
    ]
    again = ask()
    assert act(web_client, again, "withdraw", {}) == ["Withdrawn."]
    assert Introduction.objects.get(pk=again.pk).state == "withdrawn"
    third = ask()
    act(kwame, third, "forward", {"note": "Worth a talk."})
    assert act(thandi, third, "accept", {}) == [f"You are now connected to {cast.sam.name}."]
    assert act(web_client, third, "thank", {"note": "Thanks!"}) == ["Thank-you sent."]
    assert act(web_client, third, "thank", {"note": "Thanks again!"}) != ["Thank-you sent."]
