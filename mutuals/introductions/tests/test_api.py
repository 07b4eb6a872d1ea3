"""The graph endpoints end to end (docs/api.md "Graph"), including authorization and the rule that
a block is reflected in the very next answer."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.services import boundaries_update
from mutuals.accounts.tests.clients import api_client_for
from mutuals.connections.selectors import are_connected
from mutuals.connections.services import block_create, connection_create
from mutuals.introductions.models import Introduction
from mutuals.introductions.tests.factories import GOOD_NOTE, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member):
    return make_cast(member)


def ask(api_client, cast, **overrides):
    body = {
        "target_id": cast.thandi.pk,
        "introducer_id": cast.kwame.pk,
        "context": {"kind": "mutual", "ref": cast.kwame.pk},
        "intent": "advice",
        "message": GOOD_NOTE,
    }
    body.update(overrides)
    return api_client.post("/api/introductions", body, content_type="application/json")


def ask_referral_through_lena(api_client, cast):
    """Sam asks Lena, a connection of two days, to introduce him to Thandi for a referral."""
    return ask(
        api_client,
        cast,
        introducer_id=cast.lena.pk,
        intent="referral",
        context={"kind": "mutual", "ref": cast.lena.pk},
    )


class TestPaths:
    def test_strongest_path_to_a_member_goes_through_the_older_tie_first(self, api_client, cast):
        response = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}")
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert [p["members"] for p in paths] == [
            [cast.sam.pk, cast.kwame.pk, cast.thandi.pk],
            [cast.sam.pk, cast.lena.pk, cast.thandi.pk],
        ]
        best = paths[0]
        assert best["score"] == pytest.approx(best["strengths"][0] * best["strengths"][1], rel=1e-3)
        assert all(0 < s <= 1 for s in best["strengths"])
        assert paths[0]["score"] > paths[1]["score"]

    def test_company_and_topic(self, api_client, cast):
        by_company = api_client.get("/api/introductions/paths?company=acme rail").json()["paths"]
        assert by_company
        assert by_company[0]["members"][-1] == cast.thandi.pk
        by_topic = api_client.get("/api/introductions/paths?topic=Supplier contracts").json()
        assert by_topic["paths"][0]["members"][-1] == cast.thandi.pk
        nobody = api_client.get("/api/introductions/paths?company=Nowhere Ltd").json()
        assert nobody == {"paths": []}

    def test_exactly_one_target_kind(self, api_client, cast):
        for query in ("", f"?to={cast.thandi.pk}&company=Acme"):
            response = api_client.get(f"/api/introductions/paths{query}")
            assert response.status_code == 422
            assert response.json()["code"] == "invalid_fields"

    def test_unknown_or_blocked_target_is_not_found(self, api_client, cast):
        assert api_client.get("/api/introductions/paths?to=999999").status_code == 404
        block_create(blocker=cast.thandi, blocked=cast.sam)
        response = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_a_path_to_yourself_is_refused(self, api_client, cast):
        response = api_client.get(f"/api/introductions/paths?to={cast.sam.pk}")
        assert response.status_code == 422
        assert response.json()["code"] == "cannot_reach_self"

    def test_a_block_is_reflected_in_the_next_answer(self, api_client, cast):
        first = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}").json()["paths"]
        assert first[0]["members"][1] == cast.kwame.pk
        block_create(blocker=cast.kwame, blocked=cast.sam)
        after = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}").json()["paths"]
        assert [p["members"][1] for p in after] == [cast.lena.pk]

    def test_members_closed_to_introductions_are_never_introducers(self, api_client, cast):
        boundaries_update(user=cast.kwame, open_to_introductions=False)
        paths = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}").json()["paths"]
        assert [p["members"][1] for p in paths] == [cast.lena.pk]

    def test_a_resting_tie_carries_no_introduction(self, api_client, cast):
        from mutuals.connections.models import Connection
        from mutuals.engagement.services import connection_rest

        low, high = sorted((cast.sam.pk, cast.kwame.pk))
        tie = Connection.objects.get(member_low_id=low, member_high_id=high)
        connection_rest(member=cast.sam, connection_id=tie.pk)
        paths = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}").json()["paths"]
        assert [p["members"][1] for p in paths] == [cast.lena.pk]
        assert ask(api_client, cast, intent="referral").json()["code"] == (
            "referral_needs_stronger_tie"
        )

    def test_requires_authentication(self, cast):
        assert Client().get(f"/api/introductions/paths?to={cast.thandi.pk}").status_code == 401


class TestRecommendations:
    def test_two_hop_candidates_with_reasons(self, api_client, cast):
        response = api_client.get("/api/recommendations/people")
        assert response.status_code == 200
        body = response.json()
        assert [item["member"]["id"] for item in body["items"]] == [cast.thandi.pk]
        item = body["items"][0]
        assert item["member"]["degree"] == 2
        assert item["reasons"][0] == "2 mutual connections: Kwame Asante and Lena Fischer"
        assert "You both follow Risk management" in item["reasons"]
        assert body["next"] is None

    def test_dismissed_blocked_and_declined_are_not_suggested(self, api_client, cast):
        response = api_client.post(
            f"/api/recommendations/people/{cast.thandi.pk}/dismiss",
            {"reason": "dont_know"},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert api_client.get("/api/recommendations/people").json()["items"] == []
        bad = api_client.post(
            f"/api/recommendations/people/{cast.thandi.pk}/dismiss",
            {"reason": "whatever"},
            content_type="application/json",
        )
        assert bad.status_code == 422

    def test_a_block_removes_the_suggestion_at_once(self, api_client, cast):
        assert api_client.get("/api/recommendations/people").json()["items"]
        block_create(blocker=cast.thandi, blocked=cast.sam)
        assert api_client.get("/api/recommendations/people").json()["items"] == []


class TestIntroductions:
    def test_double_opt_in_connects_requester_and_target(self, api_client, cast):
        response = ask(api_client, cast)
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["state"] == "requested"
        pk = created["id"]
        thandi, kwame = api_client_for(cast.thandi), api_client_for(cast.kwame)
        # The target does not see it before the introducer forwards it.
        assert thandi.get(f"/api/introductions/{pk}").status_code == 404
        assert kwame.get("/api/introductions?box=to_introduce").json()["items"][0]["id"] == pk
        forwarded = kwame.post(
            f"/api/introductions/{pk}/forward",
            {"note": "Sam is thoughtful and works on the same contract problems as you."},
            content_type="application/json",
        )
        assert forwarded.status_code == 200
        assert forwarded.json()["state"] == "forwarded"
        offered = thandi.get("/api/introductions?box=offered").json()["items"]
        assert [o["id"] for o in offered] == [pk]
        assert offered[0]["message"] == ""  # the requester's note was for the introducer
        accepted = thandi.post(f"/api/introductions/{pk}/accept")
        assert accepted.status_code == 200
        assert accepted.json()["state"] == "accepted"
        assert accepted.json()["connection_id"]
        assert are_connected(cast.sam.pk, cast.thandi.pk)
        # The pact opens, and the introduction is an interaction for all three pairs.
        from mutuals.engagement.models import Interaction, Obligation

        connection_id = accepted.json()["connection_id"]
        assert Obligation.objects.filter(connection_id=connection_id).count() == 3
        pairs = {
            frozenset((i.actor_id, i.counterpart_id))
            for i in Interaction.objects.filter(kind="introduction")
        }
        assert pairs == {
            frozenset((cast.kwame.pk, cast.sam.pk)),
            frozenset((cast.kwame.pk, cast.thandi.pk)),
            frozenset((cast.sam.pk, cast.thandi.pk)),
        }
        from mutuals.engagement.models import Notification

        told = set(Notification.objects.values_list("member_id", "kind"))
        assert told == {
            (cast.kwame.pk, "introduction_asked"),
            (cast.thandi.pk, "introduction_forwarded"),
            (cast.sam.pk, "introduction_accepted"),
        }
        thanks = api_client.post(
            f"/api/introductions/{pk}/thank",
            {"note": "Thank you, Kwame!"},
            content_type="application/json",
        )
        assert thanks.status_code == 200
        # The new tie is in the next degree answer.
        assert api_client.get(f"/api/members/{cast.thandi.pk}").json()["degree"] == 1

    def test_only_the_right_person_acts(self, api_client, cast):
        pk = ask(api_client, cast).json()["id"]
        omar = api_client_for(cast.omar)
        assert omar.get(f"/api/introductions/{pk}").status_code == 404
        assert (
            omar.post(
                f"/api/introductions/{pk}/forward",
                {"note": "x" * 20},
                content_type="application/json",
            ).status_code
            == 404
        )
        forward_by_requester = api_client.post(
            f"/api/introductions/{pk}/forward", {"note": "x" * 20}, content_type="application/json"
        )
        assert forward_by_requester.status_code == 403
        assert (
            api_client_for(cast.thandi).post(f"/api/introductions/{pk}/accept").status_code == 404
        )
        kwame = api_client_for(cast.kwame)
        assert kwame.post(f"/api/introductions/{pk}/accept").status_code == 403

    def test_introducer_declines(self, api_client, cast):
        pk = ask(api_client, cast).json()["id"]
        kwame = api_client_for(cast.kwame)
        response = kwame.post(
            f"/api/introductions/{pk}/decline", {"reason": "busy"}, content_type="application/json"
        )
        assert response.json()["state"] == "declined_by_introducer"
        again = kwame.post(
            f"/api/introductions/{pk}/forward", {"note": "x" * 20}, content_type="application/json"
        )
        assert again.status_code == 409
        assert again.json()["code"] == "state_changed"
        assert api_client_for(cast.thandi).get(f"/api/introductions/{pk}").status_code == 404

    def test_target_declines_and_is_not_suggested_again(self, api_client, cast):
        pk = ask(api_client, cast).json()["id"]
        api_client_for(cast.kwame).post(
            f"/api/introductions/{pk}/forward",
            {"note": "You two should talk."},
            content_type="application/json",
        )
        response = api_client_for(cast.thandi).post(
            f"/api/introductions/{pk}/decline", {}, content_type="application/json"
        )
        assert response.json()["state"] == "declined_by_target"
        assert not are_connected(cast.sam.pk, cast.thandi.pk)
        assert api_client.get("/api/recommendations/people").json()["items"] == []

    def test_refusals(self, api_client, cast):
        assert ask(api_client, cast, introducer_id=cast.omar.pk).json()["code"] == (
            "introducer_not_connected"
        )
        assert (
            ask(api_client, cast, target_id=cast.sam.pk).json()["code"] == "cannot_introduce_self"
        )
        generic = ask(api_client, cast, message="Hi, I'd like to join your network.")
        assert generic.status_code == 422
        assert generic.json()["code"] == "below_personalization_threshold"
        assert generic.json()["detail"]["findings"]
        # Lena is a two-day-old tie: too new to vouch for a referral; advice is suggested.
        weak = ask_referral_through_lena(api_client, cast)
        assert weak.status_code == 422
        assert weak.json()["code"] == "referral_needs_stronger_tie"
        assert weak.json()["detail"]["suggested_intent"] == "advice"
        strong = ask(api_client, cast, intent="referral")
        assert strong.status_code == 201, strong.json()
        assert ask(api_client, cast).json()["code"] == "introduction_pending"
        connection_create(member=cast.sam, other=cast.omar)
        connection_create(member=cast.omar, other=cast.lena)
        boundaries_update(user=cast.omar, open_to_introductions=False)
        closed = ask(api_client, cast, target_id=cast.lena.pk, introducer_id=cast.omar.pk)
        assert closed.json()["code"] in {"already_connected", "introducer_closed_to_introductions"}

    def test_a_referral_needs_a_month_of_connection_and_regular_contact(
        self, api_client, cast, django_capture_on_commit_callbacks
    ):
        """Strength predicts contact, so a two-day-old connection that talked yesterday scores
        high; it still may not vouch for a referral. A year-old connection never in touch is
        old enough but not in regular contact."""
        from datetime import timedelta

        from django.utils import timezone

        from mutuals.engagement.services import interaction_record
        from mutuals.introductions.services import tie_strength

        yesterday = timezone.now() - timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            for key, (actor, counterpart) in enumerate(
                [(cast.sam, cast.lena), (cast.lena, cast.sam), (cast.sam, cast.kwame)]
            ):
                interaction_record(
                    actor=actor,
                    counterpart=counterpart,
                    kind="meeting" if key < 2 else "reaction",
                    at=yesterday - timedelta(days=200 if key == 2 else 0),
                    source_key=f"referral-{key}",
                )
        assert (tie_strength(cast.sam.pk, cast.lena.pk) or 0) >= 0.5
        new = ask_referral_through_lena(api_client, cast)
        assert new.status_code == 422
        assert new.json()["code"] == "referral_needs_stronger_tie"
        assert "you connected 2 days ago" in new.json()["message"]
        assert new.json()["detail"]["connected_days"] == 2
        assert new.json()["detail"]["required_days"] == 30
        assert new.json()["detail"]["suggested_intent"] == "advice"

        assert (tie_strength(cast.sam.pk, cast.kwame.pk) or 1) < 0.5
        quiet = ask(api_client, cast, intent="referral")
        assert quiet.status_code == 422
        assert "not been in regular touch lately" in quiet.json()["message"]
        assert quiet.json()["detail"]["connected_days"] == 400
        # Advice, as suggested, goes through the same connection.
        assert ask(api_client, cast, intent="advice").status_code == 201

    def test_a_block_withdraws_open_introductions(self, api_client, cast):
        pk = ask(api_client, cast).json()["id"]
        block_create(blocker=cast.thandi, blocked=cast.sam)
        assert Introduction.objects.get(pk=pk).state == "withdrawn"
        assert (
            api_client_for(cast.kwame)
            .post(
                f"/api/introductions/{pk}/forward",
                {"note": "x" * 20},
                content_type="application/json",
            )
            .status_code
            == 409
        )
