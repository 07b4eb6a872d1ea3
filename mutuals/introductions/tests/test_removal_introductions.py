"""A removal closes the open introductions that ran through the pair, as a block does
(docs/design.md §4 "Removing a connection"): what the requester, the introducer and the target
each see after, and the 21-day wait an introduction cannot go round."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.connections.models import Connection
from mutuals.connections.services import block_create, connection_create
from mutuals.engagement import removals
from mutuals.engagement.models import Notification
from mutuals.introductions.models import Introduction, IntroductionEvent
from mutuals.introductions.tests.factories import GOOD_NOTE, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member):
    return make_cast(member)


def ask(cast, introducer=None, target=None):
    introducer = introducer or cast.kwame
    target = target or cast.thandi
    return api_client_for(cast.sam).post(
        "/api/introductions",
        {
            "target_id": target.pk,
            "introducer_id": introducer.pk,
            "context": {"kind": "mutual", "ref": introducer.pk},
            "intent": "advice",
            "message": GOOD_NOTE,
        },
        content_type="application/json",
    )


def forward(cast, pk):
    response = api_client_for(cast.kwame).post(
        f"/api/introductions/{pk}/forward",
        {"note": "Thandi, Sam is thoughtful and asks good questions."},
        content_type="application/json",
    )
    assert response.status_code == 200


def remove(member, other):
    low, high = sorted((member.pk, other.pk))
    connection = Connection.objects.get(member_low_id=low, member_high_id=high)
    removals.connection_remove(member=member, connection_id=connection.pk)


def waiting_notices(member):
    return Notification.objects.filter(
        member=member, kind__in=["introduction_asked", "introduction_forwarded"]
    )


def test_removing_the_requester_closes_the_request_waiting_for_the_introducer(cast):
    """Sam asked Kwame to introduce him to Thandi; Kwame removes Sam: the request closes.
    Kwame's inbox and bell no longer ask him to act; Sam reads it closed, not withdrawn by
    him, and not who ended what."""
    pk = ask(cast).json()["id"]
    assert waiting_notices(cast.kwame).filter(read_at__isnull=True).count() == 1
    remove(cast.kwame, cast.sam)

    introduction = Introduction.objects.get(pk=pk)
    assert introduction.state == "withdrawn"
    assert introduction.decided_at is not None
    event = IntroductionEvent.objects.filter(introduction=introduction).last()
    assert event is not None
    assert (event.actor_id, event.from_state, event.to_state) == (
        cast.kwame.pk,
        "requested",
        "withdrawn",
    )
    assert not waiting_notices(cast.kwame).exists()
    kwame_api = api_client_for(cast.kwame)
    assert kwame_api.get("/api/introductions?box=to_introduce").json()["items"] == []
    refused = kwame_api.post(
        f"/api/introductions/{pk}/forward",
        {"note": "Thandi, Sam is thoughtful and asks good questions."},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "state_changed")
    inbox = web_client_for(cast.kwame).get("/introductions/").content.decode()
    assert "Nobody is waiting for an introduction from you." in inbox
    # Sam's list: closed, without saying that Kwame removed him.
    sent = web_client_for(cast.sam).get("/introductions/").content.decode()
    assert "Closed <span" in sent
    assert "it can no longer go ahead" in sent
    assert ">Withdrawn<" not in sent
    # Nothing new told to anyone (a removal is not announced).
    assert not Notification.objects.filter(
        member__in=[cast.sam, cast.kwame, cast.thandi], created_at__gt=introduction.decided_at
    ).exists()


def test_removing_the_target_closes_a_forwarded_introduction(cast):
    """Kwame forwarded it to Thandi, then removes Thandi: it can no longer be accepted, and
    Thandi's notice that asked her to answer goes."""
    pk = ask(cast).json()["id"]
    forward(cast, pk)
    assert waiting_notices(cast.thandi).count() == 1
    remove(cast.kwame, cast.thandi)
    assert Introduction.objects.get(pk=pk).state == "withdrawn"
    assert not waiting_notices(cast.thandi).exists()
    thandi_api = api_client_for(cast.thandi)
    assert thandi_api.get("/api/introductions?box=offered").json()["items"] == []
    refused = thandi_api.post(f"/api/introductions/{pk}/accept")
    assert (refused.status_code, refused.json()["code"]) == (409, "state_changed")
    assert not Connection.objects.filter(
        member_low_id=min(cast.sam.pk, cast.thandi.pk),
        member_high_id=max(cast.sam.pk, cast.thandi.pk),
    ).exists()


def test_a_notice_already_read_stays(cast):
    pk = ask(cast).json()["id"]
    waiting_notices(cast.kwame).update(read_at=timezone.now())
    remove(cast.sam, cast.kwame)
    assert Introduction.objects.get(pk=pk).state == "withdrawn"
    assert waiting_notices(cast.kwame).count() == 1


def test_an_introduction_not_through_the_pair_stays_open(cast):
    """Sam asks Lena for an introduction to Thandi; Sam removing Kwame does not touch it."""
    through_lena = ask(cast, introducer=cast.lena).json()["id"]
    remove(cast.sam, cast.kwame)
    assert Introduction.objects.get(pk=through_lena).state == "requested"
    assert waiting_notices(cast.lena).count() == 1


def test_between_the_requester_and_the_target_it_closes_and_cannot_be_asked_again(cast):
    """Sam and Thandi met meanwhile and connected, then Thandi removes Sam: the open
    introduction closes (accepting it would connect them again before the 21-day wait), and a
    new one is `reinvite_too_soon` until then, as a request is."""
    pk = ask(cast).json()["id"]
    forward(cast, pk)
    connection_create(member=cast.sam, other=cast.thandi)
    remove(cast.thandi, cast.sam)
    assert Introduction.objects.get(pk=pk).state == "withdrawn"
    again = ask(cast)
    assert (again.status_code, again.json()["code"]) == (409, "reinvite_too_soon")
    assert "retry_at" in again.json()["detail"]
    assert not Introduction.objects.filter(state="requested").exists()


def test_a_block_withdraws_the_waiting_notices_the_same_way(cast):
    """One rule for both (`introductions.hooks.introductions_close_between`)."""
    pk = ask(cast).json()["id"]
    block_create(blocker=cast.thandi, blocked=cast.sam)
    assert Introduction.objects.get(pk=pk).state == "withdrawn"
    assert not waiting_notices(cast.kwame).exists()
