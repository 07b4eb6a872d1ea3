"""DESIGN §4: "a connection with no interaction for twice its cadence is stagnant; both parties
are told, once, with a suggestion drawn from what they share" (issue 17: it never happened)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import connection_create
from mutuals.engagement import services
from mutuals.engagement.models import Notification, Tie
from mutuals.engagement.ties import ties_recompute

pytestmark = pytest.mark.django_db


def _told():
    return Notification.objects.filter(kind="tie_stagnant").order_by("member_id")


@pytest.fixture
def quiet_pair():
    """Sam and Priya connected a year ago, spoke once then, and share a topic."""
    sam = make_member(name="Sam Okafor", profile={"topics": ["Risk management"]})
    priya = make_member(name="Priya Raman", profile={"topics": ["Risk management"]})
    long_ago = timezone.now() - timedelta(days=365)
    connection = connection_create(member=sam, other=priya, at=long_ago)
    services.interaction_record(
        actor=sam, counterpart=priya, kind="message", at=long_ago, source_key="message:old"
    )
    services.interaction_record(
        actor=priya, counterpart=sam, kind="reply", at=long_ago, source_key="message:old-reply"
    )
    return sam, priya, connection


def test_both_are_told_once_with_what_they_share(quiet_pair):
    sam, priya, connection = quiet_pair
    ties_recompute(member_id=sam.pk)
    assert Tie.objects.get(member=sam, connection=connection).state == "stagnant"
    told = list(_told())
    assert [n.member_id for n in told] == sorted([sam.pk, priya.pk])
    for_sam = next(n for n in told if n.member_id == sam.pk)
    assert for_sam.title == "It has gone quiet with Priya Raman"
    assert "You both follow Risk management" in for_sam.body
    url = urlsplit(for_sam.url)
    assert url.path == "/messages/new/"
    assert parse_qs(url.query)["to"] == [str(priya.pk)]
    # The sweep recomputes again, and the other side's tie turns stagnant too: told once.
    ties_recompute(member_id=sam.pk)
    ties_recompute(member_id=priya.pk)
    assert _told().count() == 2


def test_a_revived_tie_that_goes_quiet_again_is_told_again(quiet_pair):
    sam, priya, _ = quiet_pair
    ties_recompute(member_id=sam.pk)
    services.interaction_record(
        actor=priya, counterpart=sam, kind="message", at=timezone.now(), source_key="message:new"
    )
    ties_recompute(member_id=sam.pk)
    assert _told().count() == 2
    later = timezone.now() + timedelta(days=400)
    ties_recompute(member_id=sam.pk, now=later)
    assert _told().count() == 4


def test_nothing_for_a_tie_at_rest(quiet_pair):
    sam, _, connection = quiet_pair
    services.connection_rest(member=sam, connection_id=connection.pk)
    ties_recompute(member_id=sam.pk)
    assert _told().count() == 0
