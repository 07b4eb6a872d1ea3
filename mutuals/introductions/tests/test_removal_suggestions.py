"""People you may know leave out a member whose connection with you either of you removed,
for the 21 days before either may ask again (docs/design.md §4 "Removing a connection"): in
the page and `GET /api/recommendations/people`, whether the graph answers from its overlay
(the removal not yet built into a snapshot) or from a snapshot built after it, and in the
first steps the page offers from the database when the graph has nothing to suggest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutuals.accounts.tests.clients import api_client_for, web_client_for
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.models import Connection, ConnectionRemoval
from mutuals.connections.services import connection_create
from mutuals.engagement import removals
from mutuals.introductions import graph
from mutuals.introductions.tests.factories import make_cast

pytestmark = pytest.mark.django_db


def remove(member, other):
    low, high = sorted((member.pk, other.pk))
    connection = Connection.objects.get(member_low_id=low, member_high_id=high)
    removals.connection_remove(member=member, connection_id=connection.pk)


def suggested(member) -> set[int]:
    items = api_client_for(member).get("/api/recommendations/people").json()["items"]
    return {item["member"]["id"] for item in items}


def on_the_page(member, other) -> bool:
    html = web_client_for(member).get("/people/").content.decode()
    return f'href="/members/{other.pk}/"' in html


@pytest.fixture
def cast(member):
    """make_cast, with Lena connected to Kwame too: once Sam removes Kwame, Kwame is two
    steps from Sam (through Lena), which is what people you may know suggests."""
    cast = make_cast(member)
    connection_create(member=cast.lena, other=cast.kwame)
    return cast


def test_through_the_overlay_before_any_build(cast, settings, tmp_path, monkeypatch):
    settings.GRAPH_BUILD_ON_READ = False
    settings.GRAPH_DIR = tmp_path / "graph"
    assert graph.graph_build() is not None

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request built the graph")

    monkeypatch.setattr(graph, "build_from_database", refuse)
    assert cast.kwame.pk not in suggested(cast.sam)
    remove(cast.sam, cast.kwame)
    # The overlay has the pair apart: Kwame is two steps away now, and left out.
    assert graph.current_snapshot().version > 0
    assert cast.kwame.pk not in suggested(cast.sam)
    assert not on_the_page(cast.sam, cast.kwame)
    # Either way: Kwame is not offered Sam.
    assert cast.sam.pk not in suggested(cast.kwame)
    assert not on_the_page(cast.kwame, cast.sam)
    # Others still are (Thandi, through Lena).
    assert cast.thandi.pk in suggested(cast.sam)


def test_from_a_snapshot_built_after_the_removal_and_again_after_the_wait(cast):
    """The test settings build on read: every answer here comes from a snapshot that has the
    removal in it, with no overlay."""
    remove(cast.kwame, cast.sam)
    assert cast.kwame.pk not in suggested(cast.sam)
    assert cast.sam.pk not in suggested(cast.kwame)
    assert not on_the_page(cast.sam, cast.kwame)
    # 21 days on, either may ask again, so the suggestion comes back.
    ConnectionRemoval.objects.update(at=timezone.now() - timedelta(days=21, minutes=1))
    assert cast.kwame.pk in suggested(cast.sam)
    assert on_the_page(cast.sam, cast.kwame)


def test_the_first_steps_from_the_database_leave_them_out_too(member):
    """A member with no connection left has no graph suggestion; the page then offers people
    who share their topics (`first_steps`, read from the database): not the one they removed."""
    from mutuals.accounts.services import profile_update

    profile_update(user=member, topics=["Rail signalling"])
    peer = make_member(name="Nadia Petrova", profile={"topics": ["Rail signalling"]})
    other = make_member(name="Oscar Lind", profile={"topics": ["Rail signalling"]})
    connection_create(member=member, other=peer)
    remove(peer, member)
    html = web_client_for(member).get("/people/").content.decode()
    assert "Oscar Lind" in html  # the first steps are shown, with the other peer
    assert f'href="/members/{other.pk}/"' in html
    assert f'href="/members/{peer.pk}/"' not in html
    assert "Nadia Petrova" not in html
    health = web_client_for(member).get("/insights/").content.decode()
    assert "Oscar Lind" in health
    assert "Nadia Petrova" not in health
    # Home's "Members who share your topics" too.
    home = web_client_for(member).get("/").content.decode()
    assert f'href="/members/{other.pk}/"' in home
    assert f'href="/members/{peer.pk}/"' not in home
