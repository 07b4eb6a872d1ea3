"""Collaborations (issue #7): a project two or more connections mark together, started from a
conversation they all share. Proposing, confirming, declining and completing; the
`collaboration` interactions it records; where it shows (profiles, the health dashboard, the
conversation page); the JSON API; and the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.core.errors import Conflict, NotAllowed, NotFound, Refused
from mutuals.engagement import collaborations
from mutuals.engagement.models import (
    Collaboration,
    CollaborationEvent,
    CollaborationState,
    Collaborator,
    CollaboratorState,
    Interaction,
    InteractionKind,
    Notification,
)
from mutuals.messaging.tests.factories import connect, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict[str, Any]:
    """Amara, Ben and Chen, all connected, in a group conversation; Dana is connected to Amara
    only and has a one-to-one conversation with her."""
    amara = make_member(name="Amara Nwosu")
    ben = make_member(name="Ben Roth")
    chen = make_member(name="Chen Li")
    dana = make_member(name="Dana Pillay")
    connect(amara, ben, chen)
    connect(amara, dana)
    group = start(
        amara, ben, chen, text="Shall we write up the supplier-risk checklist?"
    ).conversation
    direct = start(amara, dana, text="Good to meet you").conversation
    return {
        "amara": amara,
        "ben": ben,
        "chen": chen,
        "dana": dana,
        "group": group,
        "direct": direct,
    }


def propose(team: dict[str, Any], *members: str, **overrides: Any) -> Collaboration:
    values: dict[str, Any] = {
        "proposer": team["amara"],
        "title": "Supplier-risk checklist",
        "description": "A one-page checklist for pricing schedule risk into contracts.",
        "member_ids": [team[m].pk for m in (members or ("ben", "chen"))],
        "conversation_id": team["group"].pk,
    }
    values.update(overrides)
    return collaborations.collaboration_propose(**values)


def collaboration_interactions() -> set[tuple[int, int]]:
    return set(
        Interaction.objects.filter(kind=InteractionKind.COLLABORATION).values_list(
            "actor_id", "counterpart_id"
        )
    )


# --- Proposing -----------------------------------------------------------------------------------


def test_proposal_invites_each_member_and_counts_nothing_yet(team):
    collaboration = propose(team)
    assert collaboration.state == CollaborationState.PROPOSED
    seats = dict(
        Collaborator.objects.filter(collaboration=collaboration).values_list("member_id", "state")
    )
    assert seats == {
        team["amara"].pk: CollaboratorState.CONFIRMED,
        team["ben"].pk: CollaboratorState.INVITED,
        team["chen"].pk: CollaboratorState.INVITED,
    }
    assert collaboration_interactions() == set()
    invited = Notification.objects.filter(kind="collaboration_invited")
    assert set(invited.values_list("member_id", flat=True)) == {team["ben"].pk, team["chen"].pk}
    assert all("Supplier-risk checklist" in n.title for n in invited)


def test_title_is_required_and_bounded_and_description_is_short(team):
    with pytest.raises(Refused) as error:
        propose(team, title="  ")
    assert "title" in error.value.detail["fields"]
    with pytest.raises(Refused) as error:
        propose(team, title="x" * 121)
    assert "title" in error.value.detail["fields"]
    with pytest.raises(Refused) as error:
        propose(team, description="y" * 601)
    assert "description" in error.value.detail["fields"]
    assert not Collaboration.objects.exists()


def test_needs_someone_else_and_not_the_proposer_twice(team):
    with pytest.raises(Refused) as error:
        propose(team, member_ids=[])
    assert "member_ids" in error.value.detail["fields"]
    with pytest.raises(Refused) as error:
        propose(team, member_ids=[team["amara"].pk, team["ben"].pk])
    assert "member_ids" in error.value.detail["fields"]


def test_at_most_eight_people(team):
    others = [make_member() for _ in range(8)]
    connect(team["amara"], *others)
    big = start(team["amara"], *others[:7]).conversation
    with pytest.raises(Refused) as error:
        propose(team, member_ids=[o.pk for o in others], conversation_id=big.pk)
    assert "member_ids" in error.value.detail["fields"]
    assert propose(team, member_ids=[o.pk for o in others[:7]], conversation_id=big.pk).pk


def test_only_connections_of_the_proposer(team):
    # Ben and Dana are not connected; Ben cannot propose with Dana, even in a shared group.
    with pytest.raises(Refused) as error:
        collaborations.collaboration_propose(
            proposer=team["ben"],
            title="Something",
            member_ids=[team["dana"].pk],
            conversation_id=team["group"].pk,
        )
    assert error.value.code == "not_connected"
    assert error.value.detail["member_ids"] == [team["dana"].pk]


def test_origin_must_be_shared_by_all(team):
    # Dana is Amara's connection but not in the group conversation.
    with pytest.raises(Refused) as error:
        propose(team, "ben", "dana")
    assert error.value.code == "origin_not_shared"
    assert error.value.detail["member_ids"] == [team["dana"].pk]
    assert "Dana Pillay" in error.value.message
    assert not Collaboration.objects.exists()


def test_origin_is_required_and_single(team):
    with pytest.raises(Refused) as error:
        propose(team, conversation_id=None)
    assert error.value.code == "origin_required"
    with pytest.raises(Refused) as error:
        propose(team, event_id=1)
    assert error.value.code == "origin_required"


def test_a_conversation_the_proposer_is_not_in_is_not_found(team):
    outsider = make_member()
    connect(outsider, team["ben"])
    theirs = start(outsider, team["ben"]).conversation
    with pytest.raises(NotFound):
        propose(team, "ben", conversation_id=theirs.pk)


def test_blocked_members_are_not_found(team):
    block_create(blocker=team["chen"], blocked=team["amara"])
    with pytest.raises(NotFound):
        propose(team)
    with pytest.raises(NotFound):
        propose(team, member_ids=[999_999])


def test_same_open_title_twice_is_a_conflict(team):
    propose(team)
    with pytest.raises(Conflict) as error:
        propose(team, title="supplier-RISK checklist")
    assert error.value.code == "collaboration_exists"


# --- Answering -----------------------------------------------------------------------------------


def test_confirming_activates_and_records_one_interaction_per_confirmed_pair(team):
    collaboration = propose(team)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.ACTIVE
    assert collaboration.started_at is not None
    assert collaboration_interactions() == {(team["ben"].pk, team["amara"].pk)}
    collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    assert collaboration_interactions() == {
        (team["ben"].pk, team["amara"].pk),
        (team["chen"].pk, team["amara"].pk),
        (team["chen"].pk, team["ben"].pk),
    }
    interaction = Interaction.objects.filter(kind=InteractionKind.COLLABORATION).earliest("id")
    from mutuals.engagement.models import INTERACTION_WEIGHTS

    assert interaction.weight == INTERACTION_WEIGHTS["collaboration"]
    confirmed = Notification.objects.filter(member=team["amara"], kind="collaboration_confirmed")
    assert confirmed.count() == 2


def test_collaboration_weighs_deepest_of_all_kinds():
    from mutuals.engagement.models import INTERACTION_WEIGHTS

    assert INTERACTION_WEIGHTS["collaboration"] == max(INTERACTION_WEIGHTS.values())


def test_interactions_are_idempotent(team):
    collaboration = propose(team)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_record(collaboration=collaboration)
    collaborations.collaboration_record(collaboration=collaboration)
    assert Interaction.objects.filter(kind=InteractionKind.COLLABORATION).count() == 1


def test_only_invitees_confirm_or_decline(team):
    collaboration = propose(team)
    with pytest.raises(NotAllowed) as error:
        collaborations.collaboration_confirm(
            member=team["amara"], collaboration_id=collaboration.pk
        )
    assert error.value.code == "not_an_invitee"
    with pytest.raises(NotAllowed):
        collaborations.collaboration_decline(
            member=team["amara"], collaboration_id=collaboration.pk
        )
    with pytest.raises(NotFound):
        collaborations.collaboration_confirm(member=team["dana"], collaboration_id=collaboration.pk)
    with pytest.raises(NotFound):
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=999_999)


def test_an_invitee_blocked_with_the_proposer_no_longer_sees_it(team):
    collaboration = propose(team)
    block_create(blocker=team["amara"], blocked=team["ben"])
    with pytest.raises(NotFound):
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)


def test_decline_then_confirm_is_a_conflict_and_the_reverse_too(team):
    collaboration = propose(team)
    collaborations.collaboration_decline(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_decline(member=team["ben"], collaboration_id=collaboration.pk)
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    assert error.value.code == "already_declined"
    collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_decline(member=team["chen"], collaboration_id=collaboration.pk)
    assert error.value.code == "already_confirmed"
    assert collaboration_interactions() == {(team["chen"].pk, team["amara"].pk)}


def test_everyone_declining_closes_the_proposal(team):
    collaboration = propose(team)
    collaborations.collaboration_decline(member=team["ben"], collaboration_id=collaboration.pk)
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.PROPOSED
    collaborations.collaboration_decline(member=team["chen"], collaboration_id=collaboration.pk)
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.DECLINED
    declined = Notification.objects.filter(member=team["amara"], kind="collaboration_declined")
    assert declined.count() == 2
    # A declined title may be proposed again.
    assert propose(team).pk != collaboration.pk


def test_completing(team):
    collaboration = propose(team)
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_complete(
            member=team["amara"], collaboration_id=collaboration.pk
        )
    assert error.value.code == "collaboration_not_started"
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    with pytest.raises(NotAllowed) as refused:
        collaborations.collaboration_complete(
            member=team["chen"], collaboration_id=collaboration.pk
        )
    assert refused.value.code == "not_a_collaborator"
    collaborations.collaboration_complete(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_complete(member=team["ben"], collaboration_id=collaboration.pk)
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.COMPLETED
    assert collaboration.completed_by_id == team["ben"].pk
    assert Notification.objects.filter(kind="collaboration_completed").get().member == team["amara"]
    # Chen never answered: once it is completed, it takes no more answers.
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    assert error.value.code == "collaboration_closed"


def test_confirming_strengthens_the_tie(team):
    from mutuals.engagement.models import Tie
    from mutuals.engagement.ties import ties_recompute

    ties_recompute(member_id=team["amara"].pk)
    before = {t.other_id: t.strength for t in Tie.objects.filter(member=team["amara"])}
    collaboration = propose(team, "ben")
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    ties_recompute(member_id=team["amara"].pk)
    after = {t.other_id: t.strength for t in Tie.objects.filter(member=team["amara"])}
    assert after[team["ben"].pk] > before[team["ben"].pk]
    assert after[team["chen"].pk] == pytest.approx(before[team["chen"].pk], rel=0.05)


# --- Where it shows ------------------------------------------------------------------------------


def test_profile_shows_only_collaborations_the_member_confirmed(team):
    collaboration = propose(team)
    ben_profile = reverse("member_detail", args=[team["ben"].pk])
    amara_profile = reverse("member_detail", args=[team["amara"].pk])
    viewer = web_client_for(team["dana"])
    assert "Supplier-risk checklist" not in viewer.get(amara_profile).content.decode()
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    page = viewer.get(amara_profile).content.decode()
    assert "Supplier-risk checklist" in page
    assert "Ben Roth" in page
    assert "Chen Li" not in page  # invited, never confirmed
    assert "Supplier-risk checklist" in viewer.get(ben_profile).content.decode()
    chen_page = viewer.get(reverse("member_detail", args=[team["chen"].pk])).content.decode()
    assert "Supplier-risk checklist" not in chen_page
    collaborations.collaboration_decline(member=team["chen"], collaboration_id=collaboration.pk)
    chen_page = viewer.get(reverse("member_detail", args=[team["chen"].pk])).content.decode()
    assert "Supplier-risk checklist" not in chen_page


def test_profile_hides_collaborators_the_viewer_is_blocked_with(team):
    collaboration = propose(team)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    block_create(blocker=team["dana"], blocked=team["ben"])
    page = (
        web_client_for(team["dana"])
        .get(reverse("member_detail", args=[team["amara"].pk]))
        .content.decode()
    )
    assert "Supplier-risk checklist" in page
    assert "Chen Li" in page
    assert "Ben Roth" not in page


def test_own_profile_invites_a_first_collaboration(team):
    page = (
        web_client_for(team["amara"])
        .get(reverse("member_detail", args=[team["amara"].pk]))
        .content.decode()
    )
    assert "Collaborations" in page
    assert reverse("collaboration_new") in page
    other = (
        web_client_for(team["amara"])
        .get(reverse("member_detail", args=[team["ben"].pk]))
        .content.decode()
    )
    assert 'id="collaborations-heading"' not in other


def test_health_dashboard_counts_active_collaborations(team):
    collaboration = propose(team)
    body = api_client_for(team["amara"]).get("/api/insights/health").json()
    assert body["collaborations"] == {"active": 0, "completed": 0}
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    body = api_client_for(team["amara"]).get("/api/insights/health").json()
    assert body["collaborations"] == {"active": 1, "completed": 0}
    assert (
        api_client_for(team["chen"]).get("/api/insights/health").json()["collaborations"]["active"]
        == 0
    )
    page = web_client_for(team["amara"]).get(reverse("insights_health")).content.decode()
    assert "Active collaborations" in page
    assert "Supplier-risk checklist" in page
    collaborations.collaboration_complete(member=team["amara"], collaboration_id=collaboration.pk)
    body = api_client_for(team["ben"]).get("/api/insights/health").json()
    assert body["collaborations"] == {"active": 0, "completed": 1}


def test_conversation_page_offers_to_start_one(team):
    page = web_client_for(team["ben"]).get(reverse("conversation_detail", args=[team["group"].pk]))
    assert (
        f"{reverse('collaboration_new')}?conversation={team['group'].pk}" in page.content.decode()
    )


# --- API -----------------------------------------------------------------------------------------


def test_api_create_read_confirm_complete(team):
    response = api_client_for(team["amara"]).post(
        "/api/collaborations",
        {
            "title": "Supplier-risk checklist",
            "description": "One page.",
            "member_ids": [team["ben"].pk, team["chen"].pk],
            "conversation_id": team["group"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "proposed"
    assert body["origin"] == "conversation"
    assert body["conversation_id"] == team["group"].pk
    assert [(m["member"]["id"], m["role"], m["state"]) for m in body["members"]] == [
        (team["amara"].pk, "proposer", "confirmed"),
        (team["ben"].pk, "invitee", "invited"),
        (team["chen"].pk, "invitee", "invited"),
    ]
    cid = body["id"]
    assert api_client_for(team["ben"]).get(f"/api/collaborations/{cid}").json()["title"] == (
        "Supplier-risk checklist"
    )
    assert api_client_for(team["dana"]).get(f"/api/collaborations/{cid}").status_code == 404
    confirmed = api_client_for(team["ben"]).post(f"/api/collaborations/{cid}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "active"
    declined = api_client_for(team["chen"]).post(f"/api/collaborations/{cid}/decline")
    assert declined.json()["members"][2]["state"] == "declined"
    completed = api_client_for(team["amara"]).post(f"/api/collaborations/{cid}/complete")
    assert completed.json()["state"] == "completed"
    assert completed.json()["completed_at"]


def test_api_refusals_have_codes_and_statuses(team):
    client = api_client_for(team["amara"])

    def create(**body: Any) -> Any:
        payload = {
            "title": "Checklist",
            "member_ids": [team["ben"].pk],
            "conversation_id": team["group"].pk,
        }
        payload.update(body)
        return client.post("/api/collaborations", payload, content_type="application/json")

    response = create(member_ids=[team["dana"].pk])
    assert (response.status_code, response.json()["code"]) == (422, "origin_not_shared")
    response = create(conversation_id=None)
    assert (response.status_code, response.json()["code"]) == (422, "origin_required")
    response = create(title="")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_fields")
    assert "title" in response.json()["detail"]["fields"]
    block_create(blocker=team["chen"], blocked=team["amara"])
    response = create(member_ids=[team["chen"].pk])
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert create().status_code == 201
    response = create()
    assert (response.status_code, response.json()["code"]) == (409, "collaboration_exists")
    cid = Collaboration.objects.get().pk
    response = client.post(f"/api/collaborations/{cid}/confirm")
    assert (response.status_code, response.json()["code"]) == (403, "not_an_invitee")
    response = client.post(f"/api/collaborations/{cid}/complete")
    assert (response.status_code, response.json()["code"]) == (409, "collaboration_not_started")
    response = api_client_for(team["dana"]).post(f"/api/collaborations/{cid}/confirm")
    assert response.status_code == 404


def test_api_list_is_paginated_and_hides_blocked_proposers(team):
    for n in range(3):
        propose(team, title=f"Project {n}")
    client = api_client_for(team["ben"])
    first = client.get("/api/collaborations?limit=2").json()
    assert [i["title"] for i in first["items"]] == ["Project 2", "Project 1"]
    second = client.get(f"/api/collaborations?limit=2&cursor={first['next']}").json()
    assert [i["title"] for i in second["items"]] == ["Project 0"]
    assert second["next"] is None
    block_create(blocker=team["ben"], blocked=team["amara"])
    assert client.get("/api/collaborations").json()["items"] == []


def test_api_list_query_count_does_not_grow(team, django_assert_max_num_queries):
    for n in range(12):
        propose(team, title=f"Project {n}")
    client = api_client_for(team["ben"])
    with django_assert_max_num_queries(6):
        body = client.get("/api/collaborations?limit=50").json()
    assert len(body["items"]) == 12


# --- Pages ---------------------------------------------------------------------------------------


def test_propose_page_prefills_from_the_conversation(team):
    page = web_client_for(team["amara"]).get(
        reverse("collaboration_new") + f"?conversation={team['group'].pk}"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="conversation:{team["group"].pk}" selected' in html
    checked = set(re.findall(r'name="member_ids" value="(\d+)"[^>]*checked', html))
    assert checked == {str(team["ben"].pk), str(team["chen"].pk)}
    assert (
        web_client_for(team["dana"])
        .get(reverse("collaboration_new") + f"?conversation={team['group'].pk}")
        .status_code
        == 404
    )


def test_propose_page_creates_and_redirects(team):
    client = web_client_for(team["amara"])
    response = client.post(
        reverse("collaboration_new"),
        {
            "title": "Supplier-risk checklist",
            "description": "One page.",
            "member_ids": [team["ben"].pk, team["chen"].pk],
            "origin": f"conversation:{team['group'].pk}",
        },
    )
    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("collaboration_detail", args=[collaboration.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for someone to confirm" in page
    assert "not answered yet" in page


def test_propose_page_shows_refusals_on_the_fields(team):
    client = web_client_for(team["amara"])
    response = client.post(
        reverse("collaboration_new"),
        {
            "title": "Checklist",
            "member_ids": [team["ben"].pk, team["dana"].pk],
            "origin": f"conversation:{team['group'].pk}",
        },
    )
    assert response.status_code == 200
    assert "Dana Pillay is not in that conversation" in response.content.decode()
    assert not Collaboration.objects.exists()
    response = client.post(reverse("collaboration_new"), {"title": "", "origin": ""})
    html = response.content.decode()
    assert "Give the project a title" in html
    assert "Choose at least one person" in html


def test_invitee_confirms_on_the_page_and_sees_it_on_their_profile(team):
    collaboration = propose(team)
    ben = web_client_for(team["ben"])
    listing = ben.get(reverse("collaborations")).content.decode()
    assert "Waiting for your answer" in listing
    detail = ben.get(reverse("collaboration_detail", args=[collaboration.pk])).content.decode()
    assert "Are you working on this together?" in detail
    response = ben.post(reverse("collaborations_confirm", args=[collaboration.pk]))
    assert response.status_code == 302
    page = ben.get(response["Location"]).content.decode()
    assert "Confirmed. It now shows on your profile." in page
    assert "Mark completed" in page
    profile = ben.get(reverse("member_detail", args=[team["ben"].pk])).content.decode()
    assert "Supplier-risk checklist" in profile


def test_each_answer_on_the_page_says_what_happened_and_stays_on_the_collaboration(team):
    def answer(who: str, name: str, collaboration: Collaboration) -> str:
        response = web_client_for(team[who]).post(
            reverse(f"collaborations_{name}", args=[collaboration.pk]), follow=True
        )
        assert response.redirect_chain == [
            (reverse("collaboration_detail", args=[collaboration.pk]), 302)
        ]
        return response.content.decode()

    collaboration = propose(team)
    assert "Declined. The proposer has been told." in answer("chen", "decline", collaboration)
    assert "Confirmed. It now shows on your profile." in answer("ben", "confirm", collaboration)
    completed = answer("amara", "complete", collaboration)
    assert "Marked completed. Well done, all of you." in completed
    assert Collaboration.objects.get(pk=collaboration.pk).state == "completed"
    other = propose(team, title="Another checklist")
    withdrawn = answer("amara", "withdraw", other)
    assert "Withdrawn. Those you invited have been told." in withdrawn
    assert Collaboration.objects.get(pk=other.pk).state == "withdrawn"


def test_pages_refuse_with_messages_and_hide_from_outsiders(team):
    collaboration = propose(team)
    amara = web_client_for(team["amara"])
    response = amara.post(reverse("collaborations_confirm", args=[collaboration.pk]), follow=True)
    assert "the people you invited confirm" in response.content.decode()
    dana = web_client_for(team["dana"])
    assert dana.get(reverse("collaboration_detail", args=[collaboration.pk])).status_code == 404
    assert dana.post(reverse("collaborations_confirm", args=[collaboration.pk])).status_code == 404
    assert amara.post(f"/collaborations/{collaboration.pk}/dance/").status_code == 404
    assert amara.get(reverse("collaborations_confirm", args=[collaboration.pk])).status_code == 405


def test_list_page_query_count_does_not_grow(team, django_assert_max_num_queries):
    for n in range(15):
        collaboration = propose(team, title=f"Project {n}")
        if n % 2:
            collaborations.collaboration_confirm(
                member=team["ben"], collaboration_id=collaboration.pk
            )
    client = web_client_for(team["ben"])
    # 10, the header bell's unread count, the code of conduct's version (a cold cache here)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("collaborations"))
    assert page.content.decode().count("Project ") >= 15


def test_profile_query_count_does_not_grow(team, django_assert_max_num_queries):
    others = [make_member() for _ in range(6)]
    connect(team["amara"], *others)
    group = start(team["amara"], *others).conversation
    for n in range(10):
        collaboration = propose(
            team, title=f"Project {n}", member_ids=[o.pk for o in others], conversation_id=group.pk
        )
        for other in others:
            collaborations.collaboration_confirm(member=other, collaboration_id=collaboration.pk)
    client = web_client_for(team["dana"])
    url = reverse("member_detail", args=[team["amara"].pk])
    client.get(url)
    with django_assert_max_num_queries(22):
        page = client.get(url)
    assert page.content.decode().count("Project ") == 10


def test_sign_in_required():
    assert Client().get(reverse("collaborations")).status_code == 302
    assert Client().get("/api/collaborations").status_code == 401


# --- Event origin --------------------------------------------------------------------------------


def attended_event(organizer: User, *, checked_in: list[User], rsvp_only: list[User]) -> Any:
    """A past event with who checked in and who only said they were going."""
    from datetime import timedelta

    from django.utils import timezone

    from mutuals.events.models import Attendance, Event

    now = timezone.now()
    event = Event.objects.create(
        organizer=organizer,
        title="Risk workshop",
        starts_at=now - timedelta(days=1, hours=3),
        ends_at=now - timedelta(days=1),
        place="Chapter house",
        checkin_code="ABC123",
    )
    for member in checked_in + rsvp_only:
        Attendance.objects.create(
            event=event,
            member=member,
            status="going",
            queued_at=now - timedelta(days=3),
            updated_at=now,
            checked_in_at=now - timedelta(days=1, hours=2) if member in checked_in else None,
        )
    return event


def test_an_event_all_checked_in_at_is_an_origin(team):
    event = attended_event(
        team["dana"], checked_in=[team["amara"], team["ben"]], rsvp_only=[team["chen"]]
    )
    collaboration = propose(team, "ben", conversation_id=None, event_id=event.pk)
    assert collaboration.origin == "event"
    assert collaboration.event_id == event.pk
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    page = (
        web_client_for(team["chen"])
        .get(reverse("member_detail", args=[team["ben"].pk]))
        .content.decode()
    )
    assert "Risk workshop</a>" in page
    assert "met at" in page


def test_an_event_origin_needs_everyone_checked_in(team):
    event = attended_event(
        team["dana"], checked_in=[team["amara"], team["ben"]], rsvp_only=[team["chen"]]
    )
    with pytest.raises(Refused) as error:
        propose(team, conversation_id=None, event_id=event.pk)
    assert error.value.code == "origin_not_shared"
    assert error.value.detail["member_ids"] == [team["chen"].pk]
    assert "Chen Li was not checked in" in error.value.message
    absent = attended_event(team["dana"], checked_in=[team["ben"], team["chen"]], rsvp_only=[])
    with pytest.raises(Refused) as error:
        propose(team, conversation_id=None, event_id=absent.pk)
    assert error.value.detail["member_ids"] == [team["amara"].pk]


def test_an_event_the_proposer_may_not_see_is_not_found(team):
    event = attended_event(team["dana"], checked_in=[team["amara"], team["ben"]], rsvp_only=[])
    with pytest.raises(NotFound):
        propose(team, "ben", conversation_id=None, event_id=999_999)
    block_create(blocker=team["dana"], blocked=team["amara"])
    with pytest.raises(NotFound):
        propose(team, "ben", conversation_id=None, event_id=event.pk)


def test_propose_page_prefills_from_an_event(team):
    event = attended_event(
        team["dana"], checked_in=[team["amara"], team["ben"]], rsvp_only=[team["chen"]]
    )
    html = (
        web_client_for(team["amara"])
        .get(reverse("collaboration_new") + f"?event={event.pk}")
        .content.decode()
    )
    assert f'value="event:{event.pk}" selected' in html
    checked = set(re.findall(r'name="member_ids" value="(\d+)"[^>]*checked', html))
    assert checked == {str(team["ben"].pk)}
    assert (
        web_client_for(team["chen"])
        .get(reverse("collaboration_new") + f"?event={event.pk}")
        .status_code
        == 404
    )


# --- Withdrawing ---------------------------------------------------------------------------------


def test_the_proposer_withdraws_before_anyone_confirms(team):
    collaboration = propose(team)
    collaborations.collaboration_decline(member=team["chen"], collaboration_id=collaboration.pk)
    with pytest.raises(NotAllowed) as refused:
        collaborations.collaboration_withdraw(member=team["ben"], collaboration_id=collaboration.pk)
    assert refused.value.code == "not_the_proposer"
    with pytest.raises(NotFound):
        collaborations.collaboration_withdraw(
            member=team["dana"], collaboration_id=collaboration.pk
        )
    collaborations.collaboration_withdraw(member=team["amara"], collaboration_id=collaboration.pk)
    collaborations.collaboration_withdraw(member=team["amara"], collaboration_id=collaboration.pk)
    collaboration.refresh_from_db()
    assert collaboration.state == CollaborationState.WITHDRAWN
    told = Notification.objects.filter(kind="collaboration_withdrawn")
    assert list(told.values_list("member_id", flat=True)) == [team["ben"].pk]  # not Chen
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    assert error.value.code == "collaboration_closed"
    # The title is free again.
    assert propose(team).pk != collaboration.pk


def test_once_confirmed_it_cannot_be_withdrawn(team):
    collaboration = propose(team)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_withdraw(
            member=team["amara"], collaboration_id=collaboration.pk
        )
    assert error.value.code == "collaboration_confirmed"


def test_withdraw_through_the_api_and_the_page(team):
    collaboration = propose(team)
    response = api_client_for(team["ben"]).post(f"/api/collaborations/{collaboration.pk}/withdraw")
    assert (response.status_code, response.json()["code"]) == (403, "not_the_proposer")
    amara = web_client_for(team["amara"])
    detail = amara.get(reverse("collaboration_detail", args=[collaboration.pk])).content.decode()
    assert "Withdraw this proposal" in detail
    response = amara.post(reverse("collaborations_withdraw", args=[collaboration.pk]), follow=True)
    page = response.content.decode()
    assert "Withdrawn. Those you invited have been told." in page
    assert "You withdrew this proposal." in page
    body = (
        api_client_for(team["amara"])
        .post(f"/api/collaborations/{collaboration.pk}/withdraw")
        .json()
    )
    assert body["state"] == "withdrawn"


def test_home_asks_each_invitee_until_they_answer(team):
    collaboration = propose(team)
    invitation = f"Amara Nwosu invites you to collaborate on “{collaboration.title}”"
    assert invitation in web_client_for(team["ben"]).get("/").content.decode()
    assert invitation not in web_client_for(team["amara"]).get("/").content.decode()
    web_client_for(team["ben"]).post(reverse("collaborations_confirm", args=[collaboration.pk]))
    assert invitation not in web_client_for(team["ben"]).get("/").content.decode()
    # Still open for Chen, who has not answered.
    assert invitation in web_client_for(team["chen"]).get("/").content.decode()


def test_home_lists_an_invitation_once_not_also_as_its_notice(team):
    """The walk of 2 December: "Amara proposes a collaboration: …" (the unread notice) and
    "Amara invites you to collaborate on …" (the line kept until answered) stood one under
    the other, both for the same collaboration. The line stays; its notice gives way (it is
    still in the bell and on the notifications page)."""
    collaboration = propose(team)
    home = web_client_for(team["chen"]).get("/").content.decode()
    assert f"Amara Nwosu invites you to collaborate on “{collaboration.title}”" in home
    assert "proposes a collaboration" not in home
    assert Notification.objects.filter(
        member=team["chen"], kind="collaboration_invited", read_at__isnull=True
    ).exists()
    detail = reverse("collaboration_detail", args=[collaboration.pk])
    assert home.count(f'href="{detail}"') == 1


# --- A member's collaborations through the API (what their profile shows) ------------------------


def _profile_api(viewer: User, member: User, query: str = "") -> Any:
    return api_client_for(viewer).get(f"/api/members/{member.pk}/collaborations{query}")


def test_api_member_collaborations_match_the_profile(team):
    collaboration = propose(team)
    assert _profile_api(team["dana"], team["amara"]).json() == {"items": [], "next": None}
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    response = _profile_api(team["dana"], team["amara"])
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == collaboration.pk
    assert item["title"] == "Supplier-risk checklist"
    assert item["state"] == "active"
    assert item["event"] is None
    assert item["started_at"]
    assert item["completed_at"] is None
    # The other confirmed members: Ben; Chen was invited and never confirmed.
    assert [m["name"] for m in item["members"]] == ["Ben Roth"]
    assert set(item["members"][0]) == {"id", "name", "headline", "photo_url"}
    # Chen has not confirmed it, so it is not on Chen's profile.
    assert _profile_api(team["dana"], team["chen"]).json()["items"] == []
    assert [i["id"] for i in _profile_api(team["dana"], team["ben"]).json()["items"]] == [
        collaboration.pk
    ]


def test_api_member_collaborations_hide_who_the_viewer_is_blocked_with(team):
    collaboration = propose(team)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    block_create(blocker=team["dana"], blocked=team["ben"])
    (item,) = _profile_api(team["dana"], team["amara"]).json()["items"]
    assert [m["name"] for m in item["members"]] == ["Chen Li"]
    # Ben's own profile is not found for Dana, as the page is.
    response = _profile_api(team["dana"], team["ben"])
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = api_client_for(team["dana"]).get("/api/members/999999/collaborations")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = Client().get(f"/api/members/{team['amara'].pk}/collaborations")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_api_member_collaborations_are_paginated(team):
    for n in range(5):
        collaboration = propose(team, title=f"Project {n}")
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    first = _profile_api(team["dana"], team["amara"], "?limit=3").json()
    rest = _profile_api(team["dana"], team["amara"], f"?limit=3&cursor={first['next']}").json()
    titles = [i["title"] for i in first["items"] + rest["items"]]
    assert titles == [f"Project {n}" for n in reversed(range(5))]
    assert rest["next"] is None


# --- Audit rows and the lost race ---------------------------------------------------------------


def history(collaboration: Collaboration) -> list[tuple[str, str, int | None]]:
    return [
        (e.from_state, e.to_state, e.actor_id)
        for e in CollaborationEvent.objects.filter(collaboration=collaboration)
    ]


def test_every_move_leaves_an_audit_row(team):
    collaboration = propose(team)
    amara, ben = team["amara"].pk, team["ben"].pk
    assert history(collaboration) == [("", "proposed", amara)]
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    collaborations.collaboration_confirm(member=team["chen"], collaboration_id=collaboration.pk)
    collaborations.collaboration_complete(member=team["ben"], collaboration_id=collaboration.pk)
    assert history(collaboration) == [
        ("", "proposed", amara),
        ("proposed", "active", ben),  # the first confirmation; the second moves nothing
        ("active", "completed", ben),
    ]
    declined = propose(team, "ben", title="Another one")
    collaborations.collaboration_decline(member=team["ben"], collaboration_id=declined.pk)
    withdrawn = propose(team, "chen", title="A third one")
    collaborations.collaboration_withdraw(member=team["amara"], collaboration_id=withdrawn.pk)
    assert history(declined)[-1] == ("proposed", "declined", ben)
    assert history(withdrawn)[-1] == ("proposed", "withdrawn", amara)


def test_a_lost_race_answers_state_changed_and_writes_nothing(team, monkeypatch):
    """Where rows are not locked (SQLite), another request can move the collaboration between
    this one's read and its write: the conditional UPDATE finds it moved and refuses."""
    collaboration = propose(team)
    read_seat = collaborations._own_seat

    def read_then_lose_the_race(member, collaboration_id):
        seat = read_seat(member, collaboration_id)
        Collaboration.objects.filter(pk=collaboration_id).update(state=CollaborationState.WITHDRAWN)
        return seat

    monkeypatch.setattr(collaborations, "_own_seat", read_then_lose_the_race)
    with pytest.raises(Conflict) as error:
        collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    assert error.value.code == "state_changed"
    assert error.value.detail == {"state": "withdrawn"}
    assert history(collaboration) == [("", "proposed", team["amara"].pk)]
    seat = Collaborator.objects.get(collaboration=collaboration, member=team["ben"])
    assert seat.state == CollaboratorState.INVITED  # the confirmation went with the refusal
    assert not Interaction.objects.filter(kind=InteractionKind.COLLABORATION).exists()


def test_the_feature_apps_registered_their_origins():
    from mutuals.engagement.models import CollaborationOrigin
    from mutuals.events.access import collaboration_origin_event
    from mutuals.messaging.access import collaboration_origin_conversation

    assert {
        CollaborationOrigin.CONVERSATION: collaboration_origin_conversation,
        CollaborationOrigin.EVENT: collaboration_origin_event,
    } == collaborations._ORIGIN_RESOLVERS


def test_a_confirmation_that_finds_it_just_made_active_joins_it(team, monkeypatch):
    """Two invitees confirming at once where rows are not locked: the second finds the
    collaboration active already and joins it, with one audit row for the move."""
    collaboration = propose(team)
    read_seat = collaborations._own_seat

    def read_then_another_confirms(member, collaboration_id):
        seat = read_seat(member, collaboration_id)
        Collaboration.objects.filter(pk=collaboration_id).update(
            state=CollaborationState.ACTIVE, started_at=collaboration.created_at
        )
        return seat

    monkeypatch.setattr(collaborations, "_own_seat", read_then_another_confirms)
    collaborations.collaboration_confirm(member=team["ben"], collaboration_id=collaboration.pk)
    seat = Collaborator.objects.get(collaboration=collaboration, member=team["ben"])
    assert seat.state == CollaboratorState.CONFIRMED
    assert Collaboration.objects.get(pk=collaboration.pk).state == CollaborationState.ACTIVE
    assert history(collaboration) == [("", "proposed", team["amara"].pk)]
