"""The snapshot store: what the builder publishes is what every server process maps back,
array for array, and answers the same questions the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mutuals.graph import build_snapshot, people_you_may_know, store, strongest_paths
from mutuals.graph.search import Circle


def small_graph(version: int = 7):
    return build_snapshot(
        member_ids=[10, 20, 30, 40, 50],
        sources=[10, 20, 10, 40],
        targets=[20, 30, 40, 30],
        strengths=[0.9, 0.8, 0.3, 0.6],
        version=version,
        open_to_introductions=[True, True, True, False, True],
        companies=["Kestrel", "", "Acme Rail", " acme  rail", "Metrolinx"],
        topic_pairs=(np.array([[10, 0], [30, 0], [30, 1], [50, 1]]), ["Risk", "Agile"]),
        event_pairs=(np.array([[10, 0], [50, 0]]), ["Rail meetup"]),
        blocked_pairs=([20], [50]),
    )


def test_a_published_snapshot_maps_back_equal(tmp_path: Path):
    built = small_graph()
    name = store.publish(tmp_path, built, key=[3, "token"])
    assert store.current_name(tmp_path) == name
    loaded = store.load_current(tmp_path)
    assert loaded is not None
    assert loaded.key == [3, "token"]
    mapped = loaded.snapshot
    assert mapped.version == 7
    for field in ("member_ids", "indptr", "neighbours", "strengths", "open_to_introductions"):
        np.testing.assert_array_equal(getattr(mapped, field), getattr(built, field))
        assert type(getattr(mapped, field)) is np.ndarray  # numba's plain array type
    for csr in ("topics", "events", "blocked", "company_members", "topic_members"):
        np.testing.assert_array_equal(getattr(mapped, csr).indices, getattr(built, csr).indices)
    assert mapped.company_names == built.company_names
    assert mapped.members_at_company("ACME rail").tolist() == [2, 3]
    assert mapped.members_with_topic("agile").tolist() == [2, 4]
    assert strongest_paths(mapped, 10, to=30) == strongest_paths(built, 10, to=30)
    assert people_you_may_know(mapped, 10) == people_you_may_know(built, 10)
    assert Circle(mapped, 10).proximity(30) == Circle(built, 10).proximity(30)


def test_nothing_published_yet(tmp_path: Path):
    assert store.current_name(tmp_path) is None
    assert store.load_current(tmp_path) is None


def test_old_snapshots_are_pruned_and_the_current_one_kept(tmp_path: Path):
    names = [store.publish(tmp_path, small_graph(version)) for version in range(6)]
    kept = {path.name for path in tmp_path.iterdir() if path.is_dir()}
    assert names[-1] in kept
    assert len(kept) == store.KEEP + 1
    assert store.current_name(tmp_path) == names[-1]


def test_a_mapping_outlives_its_files(tmp_path: Path):
    first = store.load(tmp_path, store.publish(tmp_path, small_graph(1))).snapshot
    for version in range(2, 8):
        store.publish(tmp_path, small_graph(version))
    assert len([path for path in tmp_path.iterdir() if path.is_dir()]) == store.KEEP + 1
    assert strongest_paths(first, 10, to=30)[0].members == (10, 20, 30)


def test_one_builder_holds_the_lock(tmp_path: Path):
    with store.builder_lock(tmp_path) as first, store.builder_lock(tmp_path) as second:
        assert first
        assert not second
    with store.builder_lock(tmp_path) as again:
        assert again
