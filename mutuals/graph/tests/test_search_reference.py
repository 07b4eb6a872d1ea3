"""The engine against brute force on random graphs (hypothesis): degree of separation, the
strongest path (to a member, a company, a topic, with alternatives) and people you may know."""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuals.graph import (
    Circle,
    _kernels,
    build_snapshot,
    degree_of_separation,
    people_you_may_know,
    search,
    strongest_paths,
)
from mutuals.graph.search import EVENT_WEIGHT, MIN_INTRODUCTION_STRENGTH, TOPIC_WEIGHT
from mutuals.graph.tests import reference

STRENGTHS = [0.1, 0.25, 0.4, 0.5, 0.7, 0.9, 1.0]
COMPANIES = ["Acme Rail", "Kestrel", ""]
TOPICS = ["Agile", "Risk", "PMO", "Lean"]
EVENTS = ["Risk workshop", "Spring mixer"]
RUNS = settings(
    # GRAPH_EXAMPLES=2000 for a longer search after changing a kernel.
    max_examples=int(os.environ.get("GRAPH_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=2, max_value=14))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(STRENGTHS)),
            max_size=n * 3,
        )
    )
    ids = [10 * i + 7 for i in range(n)]  # member ids are not node indices
    open_ = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    companies = draw(st.lists(st.sampled_from(COMPANIES), min_size=n, max_size=n))
    topic_pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(TOPICS) - 1)), max_size=2 * n)
    )
    event_pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(EVENTS) - 1)), max_size=n)
    )
    snapshot = build_snapshot(
        member_ids=ids,
        sources=[ids[a] for a, _, _ in pairs],
        targets=[ids[b] for _, b, _ in pairs],
        strengths=[w for _, _, w in pairs],
        open_to_introductions=open_,
        companies=companies,
        topic_pairs=([(ids[m], t) for m, t in topic_pairs] or np.zeros((0, 2)), TOPICS),
        event_pairs=([(ids[m], e) for m, e in event_pairs] or np.zeros((0, 2)), EVENTS),
    )
    s = draw(st.integers(0, n - 1))
    t = draw(st.integers(0, n - 1))
    excluded = draw(st.sets(st.integers(0, n - 1), max_size=2))
    return snapshot, ids, s, t, excluded


def _check_path(snapshot, path, source, targets, excluded, max_hops=4):
    nodes = [snapshot.node_of(m) for m in path.members]
    assert nodes[0] == source
    assert nodes[-1] in targets
    assert len(set(nodes)) == len(nodes), "paths are simple"
    assert 1 <= len(nodes) - 1 <= max_hops
    product = 1.0
    for a, b, w in zip(nodes, nodes[1:], path.strengths, strict=False):
        assert snapshot.strength(a, b) == pytest.approx(w)
        assert w >= MIN_INTRODUCTION_STRENGTH
        product *= w
    assert product == pytest.approx(path.score, rel=1e-9)
    for inner in nodes[1:-1]:
        assert snapshot.open_to_introductions[inner]
        assert inner not in excluded
        assert inner not in targets


@RUNS
@given(graphs(), st.integers(1, 6))
def test_degree_of_separation_matches_breadth_first_search(case, max_hops):
    snapshot, ids, s, t, _ = case
    expected = reference.bfs_distances(reference.adjacency(snapshot), s).get(t)
    if expected is not None and expected > max_hops:
        expected = None
    assert degree_of_separation(snapshot, ids[s], ids[t], max_hops=max_hops) == expected


@RUNS
@given(graphs())
def test_circle_badges_match_breadth_first_search(case):
    snapshot, ids, s, _, _ = case
    adj = reference.adjacency(snapshot)
    dist = reference.bfs_distances(adj, s)
    circle = Circle(snapshot, ids[s])
    for node, member_id in enumerate(ids):
        proximity = circle.proximity(member_id)
        expected = dist.get(node) if node != s else None
        assert proximity.degree == (expected if expected and expected <= 3 else None)
        mutual = 0 if node == s else len(set(adj[node]) & set(adj[s]))
        assert proximity.mutual_count == mutual


@RUNS
@given(graphs(), st.integers(1, 4))
def test_strongest_path_to_a_member_is_the_best_simple_path(case, max_hops):
    snapshot, ids, s, t, excluded = case
    adj = reference.adjacency(snapshot)
    open_ = snapshot.open_to_introductions.tolist()
    paths = strongest_paths(
        snapshot, ids[s], to=ids[t], excluded=[ids[x] for x in excluded], max_hops=max_hops
    )
    banned = set(excluded)
    expected = reference.best_path_score(
        adj,
        s,
        {t},
        open_=open_,
        banned=banned,
        max_hops=max_hops,
        min_strength=MIN_INTRODUCTION_STRENGTH,
    )
    if expected == 0.0:
        assert paths == []
        return
    assert paths, "a path exists"
    assert paths[0].score == pytest.approx(expected, rel=1e-9)
    _check_path(snapshot, paths[0], s, {t}, banned, max_hops)
    # Each alternative is the best path avoiding every earlier first-hop introducer.
    for earlier, path in itertools.pairwise(paths):
        banned.add(snapshot.node_of(earlier.members[1]))
        best = reference.best_path_score(
            adj,
            s,
            {t},
            open_=open_,
            banned=banned,
            max_hops=max_hops,
            min_strength=MIN_INTRODUCTION_STRENGTH,
        )
        assert path.score == pytest.approx(best, rel=1e-9)
        _check_path(snapshot, path, s, {t}, banned, max_hops)
    firsts = [p.members[1] for p in paths]
    assert len(set(firsts)) == len(firsts)


@RUNS
@given(graphs(), st.sampled_from(["company", "topic"]), st.integers(0, 3))
def test_strongest_path_to_a_company_or_topic(case, kind, which):
    snapshot, ids, s, _, excluded = case
    adj = reference.adjacency(snapshot)
    if kind == "company":
        name = COMPANIES[which % 2]
        targets = {i for i in range(len(ids)) if snapshot.company[i] == snapshot.company_code(name)}
        paths = strongest_paths(
            snapshot, ids[s], company=name.upper(), excluded=[ids[x] for x in excluded]
        )
    else:
        name = TOPICS[which]
        targets = set(snapshot.members_with_topic(name).tolist())
        paths = strongest_paths(
            snapshot, ids[s], topic=f" {name.lower()} ", excluded=[ids[x] for x in excluded]
        )
    expected = reference.best_path_score(
        adj,
        s,
        targets - set(excluded),
        open_=snapshot.open_to_introductions.tolist(),
        banned=set(excluded),
        max_hops=4,
        min_strength=MIN_INTRODUCTION_STRENGTH,
    )
    if expected == 0.0:
        assert paths == []
        return
    assert paths[0].score == pytest.approx(expected, rel=1e-9)
    for path in paths:
        _check_path(snapshot, path, s, targets - {s}, set(excluded))


@RUNS
@given(graphs(), st.integers(1, 5), st.sampled_from([search.HUB_ROW, 0, 3]))
def test_people_you_may_know_ranks_by_adamic_adar_topics_and_events(case, limit, hub_row):
    """`hub_row` 0 or 3 makes every (or nearly every) row a hub, so the pruning (contenders
    only, rows intersected by binary search) is checked against the reference too."""
    with patch.object(search, "HUB_ROW", hub_row):
        _check_people_you_may_know(case, limit)


def _check_people_you_may_know(case, limit):
    snapshot, ids, s, _, excluded = case
    excluded = excluded - {s}
    adj = reference.adjacency(snapshot)
    aa = reference.adamic_adar(adj, s, excluded)
    mine_topics = set(snapshot.topics.row(s).tolist())
    mine_events = set(snapshot.events.row(s).tolist())
    expected = {}
    for c, (score, count) in aa.items():
        topics = len(mine_topics & set(snapshot.topics.row(c).tolist()))
        events = len(mine_events & set(snapshot.events.row(c).tolist()))
        expected[ids[c]] = (score + TOPIC_WEIGHT * topics + EVENT_WEIGHT * events, count)
    got = people_you_may_know(snapshot, ids[s], limit=limit, excluded=[ids[x] for x in excluded])
    assert len(got) == min(limit, len(expected))
    ranked = sorted((v[0] for v in expected.values()), reverse=True)
    assert [g.score for g in got] == pytest.approx(ranked[: len(got)], rel=1e-9)
    for suggestion in got:
        score, count = expected[suggestion.member_id]
        assert suggestion.score == pytest.approx(score, rel=1e-9)
        assert suggestion.mutual_count == count
        assert len(suggestion.mutual_ids) == min(count, 3)
        for mutual in suggestion.mutual_ids:
            node = snapshot.node_of(mutual)
            assert node in adj[s]
            assert node in adj[snapshot.node_of(suggestion.member_id)]
        assert suggestion.member_id not in {ids[x] for x in excluded}


def test_empty_and_unknown_members_answer_nothing():
    snapshot = build_snapshot(member_ids=[1, 2], sources=[], targets=[])
    assert degree_of_separation(snapshot, 1, 2) is None
    assert degree_of_separation(snapshot, 1, 99) is None
    assert strongest_paths(snapshot, 1, to=2) == []
    assert strongest_paths(snapshot, 99, to=2) == []
    assert people_you_may_know(snapshot, 1) == []
    assert Circle(snapshot, 99).proximity(1).degree is None
    with pytest.raises(ValueError, match="exactly one"):
        strongest_paths(snapshot, 1)
    with pytest.raises(ValueError, match="max_hops"):
        strongest_paths(snapshot, 1, to=2, max_hops=5)


def _bitmap(scratch):
    """The scratch's 2-bit-per-node bitmap (`_kernels.distance`), which every search leaves
    all zero: a stale bit would pass for this query's."""
    size = int(scratch[0])
    return scratch[1 : 1 + (size + 15) // 16]


def test_degree_of_separation_leaves_its_scratch_clean_and_bounds_its_depth():
    # A path 1 - 2 - 3 - 4, a triangle 6 - 7 - 8 beside 4, and an isolated 5: searches that
    # meet, that run out of members, that stop at the depth and that meet mid-level each
    # clear every bit they set before they return.
    snapshot = build_snapshot(
        member_ids=[1, 2, 3, 4, 5, 6, 7, 8],
        sources=[1, 2, 3, 4, 6, 7, 8],
        targets=[2, 3, 4, 6, 7, 8, 6],
    )
    assert degree_of_separation(snapshot, 1, 4) == 3
    scratch = search._search_scratch.array
    assert not _bitmap(scratch).any()
    for source, target, hops, expected in (
        (1, 3, 3, 2),
        (4, 2, 3, 2),
        (1, 5, 3, None),
        (1, 4, 2, None),
        (3, 3, 0, 0),
        (1, 8, 6, 5),
        (7, 1, 6, 5),
        (8, 7, 1, 1),
    ):
        assert degree_of_separation(snapshot, source, target, max_hops=hops) == expected
        assert not _bitmap(scratch).any(), (source, target)
    with pytest.raises(ValueError, match="max_hops"):
        degree_of_separation(snapshot, 1, 4, max_hops=_kernels.MAX_SEARCH_DEPTH + 1)
    # A scratch made for a smaller graph is replaced, not overrun.
    search._search_scratch.array = np.zeros(_kernels.distance_scratch_size(3), np.int32)
    search._search_scratch.array[0] = 3
    assert degree_of_separation(snapshot, 1, 8, max_hops=6) == 5
    assert search._search_scratch.array[0] == snapshot.node_count


def _power_law_snapshot(seed, n=4000, edges=60_000):
    """A graph with hubs (a few members with thousands of connections), as the 1M benchmark."""
    rng = np.random.default_rng(seed)
    weights = np.arange(1, n + 1, dtype=np.float64) ** (-1 / 1.5)
    cdf = np.cumsum(weights) / weights.sum()
    src = np.searchsorted(cdf, rng.random(edges))
    dst = np.searchsorted(cdf, rng.random(edges))
    return rng, build_snapshot(
        member_ids=np.arange(n) + 100,
        sources=src + 100,
        targets=dst + 100,
        strengths=rng.choice(STRENGTHS, edges),
        open_to_introductions=rng.random(n) < 0.9,
    )


def test_degree_of_separation_on_a_graph_with_hubs_matches_breadth_first_search():
    """Thousands of random pairs, many through hubs, against a plain breadth-first search
    (and with the bitmap clean after every one)."""
    rng, snapshot = _power_law_snapshot(11, n=3000, edges=9000)
    adj = reference.adjacency(snapshot)
    sources = rng.integers(0, snapshot.node_count, 40)
    for s in sources:
        distances = reference.bfs_distances(adj, int(s))
        for t in rng.integers(0, snapshot.node_count, 100):
            expected = distances.get(int(t))
            for max_hops in (3, 64):
                got = search.distance_nodes(snapshot, int(s), int(t), max_hops=max_hops)
                want = expected if expected is not None and expected <= max_hops else -1
                assert got == want, (s, t, max_hops)
    assert not _bitmap(search._search_scratch.array).any()


def test_named_mutuals_are_the_strongest_two_step_ties():
    """The (at most three) mutual connections a suggestion names are the strongest s–z–c
    ties, equal products by node order: against a plain computation on a graph with hubs,
    whose long rows the kernel searches by doubling steps."""
    rng, snapshot = _power_law_snapshot(5)
    adj = reference.adjacency(snapshot)
    ids = snapshot.member_ids
    members = rng.choice(np.flatnonzero(np.diff(snapshot.indptr) >= 10), 60, replace=False)
    for s in members:
        mine = adj[int(s)]
        for suggestion in people_you_may_know(snapshot, int(ids[s]), limit=20):
            c = snapshot.node_of(suggestion.member_id)
            mutual = sorted(set(mine) & set(adj[c]))
            ranked = sorted(mutual, key=lambda z: (-(float(mine[z]) * float(adj[c][z])), z))
            assert suggestion.mutual_count == len(mutual)
            assert suggestion.mutual_ids == tuple(int(ids[z]) for z in ranked[:3])


def test_degree_of_separation_refuses_unknown_nodes_and_snapshots_refuse_other_array_types():
    # The search calls its kernel's machine code without numba's type checks, so the snapshot
    # guarantees the array types and the kernel checks the node indices.
    snapshot = build_snapshot(member_ids=[1, 2, 3], sources=[1, 2], targets=[2, 3])
    with pytest.raises(IndexError, match="3 nodes"):
        search.distance_nodes(snapshot, 0, 3, max_hops=3)
    with pytest.raises(IndexError):
        search.distance_nodes(snapshot, -1, 0, max_hops=3)
    with pytest.raises(TypeError, match="indptr"):
        dataclasses.replace(snapshot, indptr=snapshot.indptr.astype(np.int32))
    with pytest.raises(TypeError, match="neighbours"):
        dataclasses.replace(snapshot, neighbours=snapshot.neighbours.astype(np.int64))
    with pytest.raises(TypeError, match="neighbours"):
        dataclasses.replace(snapshot, neighbours=np.repeat(snapshot.neighbours, 2)[::2])


def test_a_block_removes_the_tie_and_bans_routing_through_the_blocked():
    # 1 - 2 - 3 - 4 and 1 - 5 - 4; 2 and 4 blocked each other (the 2-3 tie stays).
    snapshot = build_snapshot(
        member_ids=[1, 2, 3, 4, 5],
        sources=[1, 2, 3, 1, 5, 2],
        targets=[2, 3, 4, 5, 4, 4],
        strengths=[1, 1, 1, 0.5, 0.5, 1],
        blocked_pairs=([2], [4]),
    )
    assert snapshot.strength(1, 3) is None  # nodes 1 and 3 are members 2 and 4
    paths = strongest_paths(snapshot, 1, to=4)
    assert [p.members for p in paths] == [(1, 5, 4)]
    assert math.isclose(paths[0].score, 0.25)


def test_weak_and_resting_ties_carry_no_introduction_but_count_for_degree():
    snapshot = build_snapshot(
        member_ids=[1, 2, 3], sources=[1, 2], targets=[2, 3], strengths=[0.0, 1.0]
    )
    assert degree_of_separation(snapshot, 1, 3) == 2
    assert strongest_paths(snapshot, 1, to=3) == []


def test_sparse_member_ids_map_by_binary_search():
    ids = [5, 10**9, 3 * 10**9]
    snapshot = build_snapshot(member_ids=ids, sources=[5, 10**9, 77], targets=[10**9, 3 * 10**9, 5])
    assert snapshot.edge_count == 2  # the pair naming an unknown member is dropped
    assert degree_of_separation(snapshot, 5, 3 * 10**9) == 2
    assert [p.members for p in strongest_paths(snapshot, 5, to=3 * 10**9)] == [tuple(ids)]


def test_people_you_may_know_reads_hubs_only_when_they_matter():
    """On a power-law graph with hubs, the pruned answer (hub rows skipped or probed once no
    one else can make the list) is exactly the full Adamic–Adar answer."""
    rng = np.random.default_rng(7)
    n = 4000
    weights = np.arange(1, n + 1, dtype=np.float64) ** (-1 / 1.5)
    cdf = np.cumsum(weights) / weights.sum()
    src = np.searchsorted(cdf, rng.random(60_000))
    dst = np.searchsorted(cdf, rng.random(60_000))
    topic_pairs = np.stack([rng.integers(0, n, 3 * n), rng.integers(0, 30, 3 * n)], axis=1)
    snapshot = build_snapshot(
        member_ids=np.arange(n) + 100,
        sources=src + 100,
        targets=dst + 100,
        topic_pairs=(topic_pairs + np.array([100, 0]), [f"topic {i}" for i in range(30)]),
    )
    members = rng.choice(np.flatnonzero(np.diff(snapshot.indptr) >= 20), 150, replace=False)
    for limit in (1, 3, 20):
        for s in members:
            with patch.object(search, "HUB_ROW", 1 << 40):
                full = people_you_may_know(snapshot, int(s) + 100, limit=limit)
            with patch.object(search, "HUB_ROW", 16):
                pruned = people_you_may_know(snapshot, int(s) + 100, limit=limit)
            assert [(p.member_id, p.mutual_count) for p in pruned] == [
                (f.member_id, f.mutual_count) for f in full
            ]
            assert [p.score for p in pruned] == pytest.approx([f.score for f in full], rel=1e-12)
