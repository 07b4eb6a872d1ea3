"""The overlay: connection and block changes since the published snapshot reach the very next
answer, laid over the snapshot by each server process, with the snapshot file unchanged and
no build in the request; the freshness check is one read by primary key; the overlay stays
bounded because the builder publishes. The suite's build-on-read stand-in is off here."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuals.connections.models import Connection
from mutuals.connections.services import block_create, block_remove, connection_create
from mutuals.engagement.services import connection_rest
from mutuals.graph import store, strongest_paths
from mutuals.introductions import graph
from mutuals.introductions.selectors import proximity_for
from mutuals.introductions.tests.factories import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member):
    return make_cast(member)


@pytest.fixture(autouse=True)
def production_builder(settings, tmp_path: Path) -> Path:
    settings.GRAPH_BUILD_ON_READ = False
    settings.GRAPH_DIR = tmp_path / "graph"
    return settings.GRAPH_DIR


@pytest.fixture
def published(cast, production_builder, monkeypatch) -> str:
    """The cast's snapshot is published; from here on nothing may build."""
    name = graph.graph_build()
    assert name is not None
    monkeypatch.setattr(graph, "build_from_database", _refuse)
    return name


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a request built the graph")


def first_hops(cast) -> list[int]:
    paths = strongest_paths(graph.current_snapshot(), cast.sam.pk, to=cast.thandi.pk)
    return [p.members[1] for p in paths]


def test_a_block_between_two_others_is_honoured_in_the_very_next_answer(
    api_client, cast, published, production_builder
):
    """Kwame blocks Thandi: the Kwame–Thandi connection ends, so Sam's path through Kwame and
    Kwame's share of Sam's mutual count with Thandi go at once. The database re-checks of
    the viewer's own blocks cannot see this: only the overlay can."""
    assert first_hops(cast) == [cast.kwame.pk, cast.lena.pk]
    assert proximity_for(cast.sam.pk, [cast.thandi.pk])[cast.thandi.pk].mutual_count == 2
    block_create(blocker=cast.kwame, blocked=cast.thandi)
    assert first_hops(cast) == [cast.lena.pk]
    paths = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}").json()["paths"]
    assert [p["members"][1] for p in paths] == [cast.lena.pk]
    assert proximity_for(cast.sam.pk, [cast.thandi.pk])[cast.thandi.pk].mutual_count == 1
    assert store.current_name(production_builder) == published


def test_lifting_a_block_and_resting_a_tie_reach_the_overlay(cast, published):
    block_create(blocker=cast.kwame, blocked=cast.thandi)
    snapshot = graph.current_snapshot()
    kwame = snapshot.node_of(cast.kwame.pk)
    assert kwame is not None
    assert snapshot.blocked_with(kwame).size == 1
    block_remove(blocker=cast.kwame, blocked_id=cast.thandi.pk)
    snapshot = graph.current_snapshot()
    assert snapshot.blocked_with(kwame).size == 0
    assert first_hops(cast) == [cast.lena.pk]  # lifting a block does not restore the tie
    # Sam lets the tie with Lena rest: it carries no introduction from the next answer on.
    low, high = sorted((cast.sam.pk, cast.lena.pk))
    with_lena = Connection.objects.get(member_low_id=low, member_high_id=high)
    connection_rest(member=cast.sam, connection_id=with_lena.pk, resting=True)
    assert first_hops(cast) == []


def test_the_freshness_check_is_one_read_by_primary_key(cast, published):
    graph.current_snapshot()
    with CaptureQueriesContext(connection) as captured:
        graph.current_snapshot()
        graph.circle_for(cast.sam.pk)
    assert len(captured) == 2
    for query in captured:
        assert "COUNT" not in query["sql"].upper()
        assert "introductions_graphstate" in query["sql"]
    connection_create(member=cast.sam, other=cast.omar)
    with CaptureQueriesContext(connection) as captured:
        graph.current_snapshot()
    assert len(captured) == 2  # the version moved: the overlay's rows are read, once
    with CaptureQueriesContext(connection) as captured:
        graph.current_snapshot()
    assert len(captured) == 1


def test_a_request_during_a_rebuild_answers_from_the_previous_snapshot(
    cast, published, production_builder, monkeypatch
):
    """The builder is half-way through a build (held on an event): a request neither waits
    for it nor builds; it answers from the published snapshot with the overlay."""
    connection_create(member=cast.sam, other=cast.omar)
    started, release = threading.Event(), threading.Event()
    result: list[str | None] = []

    def slow_build(**kwargs: object):
        started.set()
        release.wait(timeout=30)
        return graph.current_snapshot()

    monkeypatch.setattr(graph, "build_from_database", slow_build)
    monkeypatch.setattr(graph, "graph_key", lambda alias="default": ((99, "x"), (0, 0)))
    monkeypatch.setattr(graph, "_prune_pair_log", lambda version: None)
    builder = threading.Thread(target=lambda: result.append(graph._build_step("default")))
    builder.start()
    try:
        assert started.wait(timeout=30)
        assert store.current_name(production_builder) == published
        assert proximity_for(cast.sam.pk, [cast.omar.pk])[cast.omar.pk].degree == 1
        assert first_hops(cast) == [cast.kwame.pk, cast.lena.pk]
    finally:
        release.set()
        builder.join(timeout=30)
    assert result == [result[0]]
    assert result[0] is not None  # the builder then published


def test_the_builder_publishes_the_changes_so_the_overlay_empties(
    cast, published, production_builder, monkeypatch
):
    monkeypatch.setattr(graph, "build_from_database", graph_real_build)
    connection_create(member=cast.sam, other=cast.omar)
    block_create(blocker=cast.kwame, blocked=cast.thandi)
    graph.current_snapshot()
    assert graph._loaded is not None
    assert graph._loaded.snapshot is not graph._loaded.base  # answers carry an overlay
    assert graph.graph_build() is not None
    graph.current_snapshot()
    assert graph._loaded.snapshot is graph._loaded.base  # the published snapshot holds them
    assert proximity_for(cast.sam.pk, [cast.omar.pk])[cast.omar.pk].degree == 1
    assert first_hops(cast) == [cast.lena.pk]


def test_the_overlay_reads_at_most_its_bound_and_says_the_builder_is_behind(
    cast, published, monkeypatch, caplog
):
    """Past OVERLAY_MAX changes the builder is not running: the newest changes are laid
    over the snapshot, and the log says so."""
    monkeypatch.setattr(graph, "OVERLAY_MAX", 2)
    for other in (cast.sam, cast.kwame, cast.lena):
        connection_create(member=cast.omar, other=other)
    with caplog.at_level(logging.WARNING, logger=graph.__name__):
        degrees = proximity_for(cast.omar.pk, [cast.sam.pk, cast.kwame.pk, cast.lena.pk])
    assert "is the builder running" in caplog.text
    assert [degrees[m.pk].degree for m in (cast.sam, cast.kwame, cast.lena)] == [2, 1, 1]


graph_real_build = graph.build_from_database
