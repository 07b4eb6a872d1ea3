"""A removed connection (`DELETE /api/connections/{id}`, engagement.removals) reaches the
graph's very next answer through the overlay, as a block does (test_overlay.py), with no
build in between."""

from __future__ import annotations

import pytest

from mutuals.accounts.tests.clients import api_client_for
from mutuals.connections.models import Connection
from mutuals.graph import store, strongest_paths
from mutuals.introductions import graph
from mutuals.introductions.selectors import proximity_for
from mutuals.introductions.tests.factories import make_cast

pytestmark = pytest.mark.django_db


def test_the_graph_answers_without_the_pair_at_once(member, settings, tmp_path, monkeypatch):
    """Sam removes Kwame: the path to Thandi through Kwame and Kwame's share of their mutual
    count go from the very next answer, through the overlay, with no build in between (as a
    block does: introductions/tests/test_overlay.py)."""
    settings.GRAPH_BUILD_ON_READ = False
    settings.GRAPH_DIR = tmp_path / "graph"
    cast = make_cast(member)
    published = graph.graph_build()
    assert published is not None

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request built the graph")

    monkeypatch.setattr(graph, "build_from_database", refuse)

    def first_hops() -> list[int]:
        paths = strongest_paths(graph.current_snapshot(), cast.sam.pk, to=cast.thandi.pk)
        return [p.members[1] for p in paths]

    assert first_hops() == [cast.kwame.pk, cast.lena.pk]
    assert proximity_for(cast.sam.pk, [cast.thandi.pk])[cast.thandi.pk].mutual_count == 2
    low, high = sorted((cast.sam.pk, cast.kwame.pk))
    with_kwame = Connection.objects.get(member_low_id=low, member_high_id=high)
    response = api_client_for(cast.sam).delete(f"/api/connections/{with_kwame.pk}")
    assert response.status_code == 204
    assert first_hops() == [cast.lena.pk]
    assert proximity_for(cast.sam.pk, [cast.thandi.pk])[cast.thandi.pk].mutual_count == 1
    assert proximity_for(cast.sam.pk, [cast.kwame.pk])[cast.kwame.pk].degree != 1
    assert store.current_name(settings.GRAPH_DIR) == published
