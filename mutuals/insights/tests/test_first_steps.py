"""Issue 19, newcomer empty states: a member with profile topics and no connection is pointed
to people who share their topics, the directory and upcoming events, on "People you may know"
and on network health (which said "Nothing is waiting on you. Well kept.")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mutuals.accounts.tests.clients import web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create
from mutuals.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    nia = make_member(name="Nia Newcomer", profile={"topics": ["Agile", "Risk management"]})
    make_member(name="Ana Ferreira", profile={"topics": ["Agile"]})
    make_member(name="Cleo Lund", profile={"topics": ["Risk management", "Agile"]})
    make_member(name="Ben Cho", profile={"topics": ["Gardening"]})
    eve = make_member(name="Eve Hidden", profile={"topics": ["Agile"]})
    block_create(blocker=eve, blocked=nia)
    make_event(title="Spring PMO forum", starts_in=timedelta(days=5))
    make_event(title="Last year's forum", starts_in=timedelta(days=-400))
    return nia


def _points_the_way(html: str) -> None:
    assert html.index("Cleo Lund") < html.index("Ana Ferreira")  # two topics in common first
    assert "you both follow Agile, Risk management" in html
    assert "Ben Cho" not in html
    assert "Eve Hidden" not in html
    assert 'href="/members/"' in html
    assert "Spring PMO forum" in html
    assert "Last year&#x27;s forum" not in html


def test_people_you_may_know_points_a_newcomer_to_where_to_start(newcomer):
    html = web_client_for(newcomer).get("/people/").content.decode()
    _points_the_way(html)


def test_network_health_with_no_connection_says_how_to_start(newcomer):
    html = web_client_for(newcomer).get("/insights/").content.decode()
    assert "Well kept" not in html
    assert "You have no connections yet" in html
    _points_the_way(html)


def test_a_newcomer_without_topics_is_asked_for_them():
    html = web_client_for(make_member(name="Tom Blank")).get("/people/").content.decode()
    assert 'href="/me/profile/"' in html
    assert "Add the topics you work on" in html


def test_someone_dismissed_from_the_suggestions_is_not_offered_again(newcomer):
    from mutuals.accounts.models import User
    from mutuals.introductions.models import SuggestionDismissal

    cleo = User.objects.get(name="Cleo Lund")
    SuggestionDismissal.objects.create(member=newcomer, dismissed=cleo, reason="dont_know")
    html = web_client_for(newcomer).get("/people/").content.decode()
    assert "Ana Ferreira" in html
    assert "Cleo Lund" not in html
