"""The graph is built off the request path: one builder publishes the snapshot, requests map
the last published one and never build. Here the suite's stand-in (GRAPH_BUILD_ON_READ) is
off, so these tests see what production sees."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from mutuals.connections.services import block_create, connection_create
from mutuals.graph import store
from mutuals.introductions import builder, graph
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
def no_build_in_requests(monkeypatch):
    """Any build from here on fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request built the graph")

    monkeypatch.setattr(graph, "build_from_database", refuse)
    monkeypatch.setattr(graph, "graph_build", refuse)


def path_members(api_client, target_id: int) -> list[list[int]]:
    response = api_client.get(f"/api/introductions/paths?to={target_id}")
    assert response.status_code == 200
    return [p["members"] for p in response.json()["paths"]]


def test_before_the_first_build_requests_answer_from_an_empty_graph(
    api_client, cast, no_build_in_requests
):
    assert path_members(api_client, cast.thandi.pk) == []
    assert api_client.get("/api/recommendations/people").json()["items"] == []
    assert proximity_for(cast.sam.pk, [cast.kwame.pk])[cast.kwame.pk].degree is None


def test_a_new_connection_reaches_answers_at_once_with_the_snapshot_file_unchanged(
    api_client, cast, production_builder, monkeypatch
):
    assert graph.graph_build() is not None
    published = store.current_name(production_builder)
    monkeypatch.setattr(graph, "build_from_database", _refuse)
    monkeypatch.setattr(graph, "graph_build", _refuse)
    assert proximity_for(cast.sam.pk, [cast.omar.pk])[cast.omar.pk].degree is None
    # Omar connects with Sam and with Thandi: the overlay carries both to the next answers.
    connection_create(member=cast.sam, other=cast.omar)
    connection_create(member=cast.omar, other=cast.thandi)
    assert proximity_for(cast.sam.pk, [cast.omar.pk])[cast.omar.pk].degree == 1
    assert api_client.get(f"/api/members/{cast.omar.pk}").json()["degree"] == 1
    assert [cast.sam.pk, cast.omar.pk, cast.thandi.pk] in path_members(api_client, cast.thandi.pk)
    assert store.current_name(production_builder) == published


def test_the_builder_publishes_only_when_the_database_moved(cast):
    assert graph.graph_build() is not None
    assert graph.graph_build() is None
    connection_create(member=cast.sam, other=cast.omar)
    assert graph.graph_build() is not None


class TestPublishedBlock:
    def test_paths_and_suggestions_leave_a_new_block_out_at_once(
        self, api_client, cast, production_builder, monkeypatch
    ):
        graph.graph_build()
        published = store.current_name(production_builder)
        assert [p[1] for p in path_members(api_client, cast.thandi.pk)] == [
            cast.kwame.pk,
            cast.lena.pk,
        ]
        suggested = api_client.get("/api/recommendations/people").json()["items"]
        assert [item["member"]["id"] for item in suggested] == [cast.thandi.pk]

        monkeypatch.setattr(graph, "build_from_database", _refuse)
        block_create(blocker=cast.sam, blocked=cast.kwame)
        assert [p[1] for p in path_members(api_client, cast.thandi.pk)] == [cast.lena.pk]
        block_create(blocker=cast.thandi, blocked=cast.sam)
        assert api_client.get("/api/recommendations/people").json()["items"] == []
        blocked = api_client.get(f"/api/introductions/paths?to={cast.thandi.pk}")
        assert blocked.status_code == 404
        assert store.current_name(production_builder) == published


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a request built the graph")


def test_a_patch_reaches_answers_after_the_builder_runs(cast, django_capture_on_commit_callbacks):
    from mutuals.accounts.services import boundaries_update
    from mutuals.graph import strongest_paths

    graph.graph_build()

    def first_hops() -> list[int]:
        paths = strongest_paths(graph.current_snapshot(), cast.sam.pk, to=cast.thandi.pk)
        return [p.members[1] for p in paths]

    assert first_hops() == [cast.kwame.pk, cast.lena.pk]
    with django_capture_on_commit_callbacks(execute=True):
        boundaries_update(user=cast.kwame, open_to_introductions=False)
    assert first_hops() == [cast.kwame.pk, cast.lena.pk]  # not yet published
    built = graph._state
    graph.graph_build()
    assert graph._state is not None
    assert built is not None
    assert graph._state.read_at == built.read_at  # a patch, not a rebuild
    assert first_hops() == [cast.lena.pk]


class _OneStep(threading.Event):
    """A stop signal that is given at the builder's first wait: one poll."""

    def wait(self, timeout: float | None = None) -> bool:
        self.set()
        return True


def test_the_builder_loop_publishes_and_a_second_builder_stands_by(cast, production_builder):
    with store.builder_lock(production_builder) as holding:
        assert holding
        with store.builder_lock(production_builder) as second:
            assert not second
        builder.run(interval=0, stop=_OneStep())  # stands by: another builder holds the lock
        assert store.current_name(production_builder) is None
    builder.run(interval=0, stop=_OneStep())
    assert store.current_name(production_builder) is not None


class _Steps(threading.Event):
    """A stop signal given at the builder's `n`th wait: `n` polls."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def wait(self, timeout: float | None = None) -> bool:
        self.left -= 1
        if self.left <= 0:
            self.set()
        return self.is_set()


def test_the_builder_compiles_the_search_kernels_once_after_its_first_build(
    cast, production_builder, monkeypatch
):
    """So that no member's request waits for numba's compilation on a new install."""
    calls: list[str | None] = []
    monkeypatch.setattr(
        "mutuals.graph.warm.compile_search_kernels",
        lambda: calls.append(store.current_name(production_builder)),
    )
    with store.builder_lock(production_builder):
        builder.run(interval=0, stop=_OneStep())  # standing by: compiles nothing
    assert calls == []
    builder.run(interval=0, stop=_Steps(3))  # three polls, one warm-up
    assert len(calls) == 1
    assert calls[0] is not None  # after the first snapshot was published


def test_a_failed_warm_up_does_not_stop_the_builder(cast, production_builder, monkeypatch):
    def fail() -> None:
        raise RuntimeError("numba cache directory is read-only")

    monkeypatch.setattr("mutuals.graph.warm.compile_search_kernels", fail)
    builder.run(interval=0, stop=_Steps(2))
    assert store.current_name(production_builder) is not None


def test_the_graph_command_publishes_once(cast, production_builder):
    call_command("graph", "--once")
    published = store.load_current(production_builder)
    assert published is not None
    assert published.snapshot.node_of(cast.thandi.pk) is not None


def test_the_graph_command_says_when_the_published_snapshot_was_current(cast, production_builder):
    """A second `--once` over an unchanged database publishes nothing and says so (it
    printed "Published graph snapshot None")."""
    call_command("graph", "--once", stdout=io.StringIO())
    first = store.current_name(production_builder)
    out = io.StringIO()
    call_command("graph", "--once", stdout=out)
    assert "is current" in out.getvalue()
    assert "None" not in out.getvalue()
    assert store.current_name(production_builder) == first


def test_the_worker_starts_the_builder_unless_told_not_to(settings, monkeypatch):
    started = []
    monkeypatch.setattr(builder, "run", lambda **kwargs: started.append(kwargs))
    settings.GRAPH_BUILDER_IN_WORKER = False
    assert "off" in builder.start_in_thread()
    settings.GRAPH_BUILDER_IN_WORKER = True
    assert builder.start_in_thread() == "graph builder: started"
    for thread in threading.enumerate():
        if thread.name == "graph-builder":
            thread.join(timeout=10)
    assert started == [{}]


def test_a_periodic_rebuild_that_finds_nothing_new_publishes_nothing(
    cast, production_builder, monkeypatch
):
    """Every server process drops its caches when a new snapshot appears, so the builder's
    periodic rebuild publishes only what differs; it notes that it looked (CURRENT's mtime,
    which /readyz reports)."""
    import os

    monkeypatch.setattr(graph, "SNAPSHOT_MAX_AGE", 0.0)
    monkeypatch.setattr(graph, "REBUILD_FACTOR", 0)
    published = graph.graph_build()
    assert published is not None
    os.utime(production_builder / store.CURRENT, (0, 0))
    built = []
    real_build = graph.build_from_database

    def counted(**kwargs: Any):
        built.append(1)
        return real_build(**kwargs)

    monkeypatch.setattr(graph, "build_from_database", counted)
    assert graph.graph_build() is None
    assert built == [1]  # it did rebuild
    assert store.current_name(production_builder) == published
    assert (production_builder / store.CURRENT).stat().st_mtime > 0
    connection_create(member=cast.sam, other=cast.omar)
    assert graph.graph_build() is not None


def test_a_half_written_snapshot_from_a_crashed_builder_is_removed(cast, production_builder):
    graph.graph_build()
    left = production_builder / ".v3-abcdef.partial"
    left.mkdir()
    (left / "indptr.npy").write_bytes(b"half")
    pointer = production_builder / f".{store.CURRENT}.v3-abcdef"
    pointer.write_text("v3-abcdef")
    connection_create(member=cast.sam, other=cast.omar)
    assert graph.graph_build() is not None
    assert not left.exists()
    assert not pointer.exists()
    assert store.load_current(production_builder) is not None


def test_the_builder_reads_through_the_replica_scope(cast, monkeypatch):
    import contextlib

    entered = []

    @contextlib.contextmanager
    def replica_scope():
        entered.append(True)
        yield "default"

    # The builder reads through `core.replicas.read_on_replica`, which enters this scope.
    monkeypatch.setattr("mutuals.core.replicas.reading_from_replica", replica_scope)
    assert graph.graph_build() is not None
    assert entered == [True]


def test_readyz_reports_the_snapshot_and_needs_one_only_when_required(
    cast, production_builder, settings
):
    from django.test import Client

    body = Client().get("/readyz").json()
    assert body["status"] == "ready"
    assert body["checks"]["graph"]["snapshot"] is None
    settings.GRAPH_REQUIRED = True
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["graph"]["ok"] is False
    published = graph.graph_build()
    response = Client().get("/readyz")
    assert response.status_code == 200
    check = response.json()["checks"]["graph"]
    assert check["snapshot"] == published
    assert check["version"] == graph.graph_version()
    assert 0 <= check["age_seconds"] < 60
    assert 0 <= check["confirmed_seconds_ago"] < 60


def test_a_default_strength_counts_whole_days_so_a_later_rebuild_is_the_same() -> None:
    """The age-based default strength of a connection no one has measured yet was computed
    from the instant of the build: every periodic rebuild differed from the last and was
    published (seen in CI as a flaky test above). Within a day it is now the same."""
    from mutuals.introductions.strength import default_strengths

    morning, evening = default_strengths([40.01, 40.98], [1, 1])
    assert morning == evening
    assert default_strengths([41.0], [1])[0] > morning
