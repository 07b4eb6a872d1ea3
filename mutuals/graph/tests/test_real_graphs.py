"""The engine on real graphs, against plain references.

- ego-facebook (SNAP, McAuley & Leskovec 2012): 4,039 people, 88,234 friendships, undirected,
  CRLF line endings.
- email-eu-core (SNAP, Yin et al. 2017): 1,005 people of a research institution, 25,571
  directed e-mail edges (642 self-loops) read as undirected ties, with 42 department labels,
  which stand in for companies here.

Strengths and openness to introductions are drawn with a fixed seed (the datasets have
neither); queries are a seeded sample of members.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mutuals.graph import (
    Circle,
    build_snapshot,
    degree_of_separation,
    people_you_may_know,
    search,
    strongest_paths,
)
from mutuals.graph.datasets import read_edge_list
from mutuals.graph.search import MIN_INTRODUCTION_STRENGTH
from mutuals.graph.tests import reference
from tests.datasets import DATA_DIR as DATA

FACEBOOK = DATA / "ego-facebook" / "facebook_combined.txt"
EMAIL = DATA / "email-eu-core" / "email-Eu-core.txt"
DEPARTMENTS = DATA / "email-eu-core" / "email-Eu-core-department-labels.txt"


def _snapshot(path: Path, departments: Path | None = None):
    sources, targets = read_edge_list(path)
    rng = np.random.default_rng(5)
    ids = np.unique(np.concatenate([sources, targets]))
    companies = None
    if departments is not None:
        node, dept = read_edge_list(departments)
        labels = dict(zip(node.tolist(), dept.tolist(), strict=True))
        companies = [f"Department {labels.get(int(i), -1)}" for i in ids]
    return build_snapshot(
        member_ids=ids + 1000,  # member ids are not node numbers
        sources=sources + 1000,
        targets=targets + 1000,
        strengths=rng.uniform(0.05, 1.0, sources.size),
        open_to_introductions=rng.random(ids.size) < 0.85,
        companies=companies,
    )


@pytest.fixture(scope="module")
def facebook():
    return _snapshot(FACEBOOK)


@pytest.fixture(scope="module")
def email():
    return _snapshot(EMAIL, DEPARTMENTS)


def test_the_files_read_as_documented(facebook, email):
    assert (facebook.node_count, facebook.edge_count) == (4039, 88234)
    assert email.node_count == 1005  # 16,064 distinct ties once direction and loops go
    assert email.edge_count == 16064
    assert len(email.company_names) == 42


@pytest.mark.parametrize("graph", ["facebook", "email"])
def test_degree_of_separation_and_badges_match_bfs(graph, request):
    snapshot = request.getfixturevalue(graph)
    adj = reference.adjacency(snapshot)
    rng = np.random.default_rng(1)
    for s in rng.choice(snapshot.node_count, 4, replace=False):
        dist = reference.bfs_distances(adj, int(s))
        viewer = int(snapshot.member_ids[s])
        circle = Circle(snapshot, viewer)
        for t in rng.choice(snapshot.node_count, 300, replace=False):
            member = int(snapshot.member_ids[t])
            expected = dist.get(int(t))
            assert degree_of_separation(snapshot, viewer, member, max_hops=20) == (
                expected if expected != 0 else 0
            )
            badge = circle.proximity(member).degree
            assert badge == (expected if expected in (1, 2, 3) and t != s else None)


@pytest.mark.parametrize("graph", ["facebook", "email"])
def test_strongest_path_matches_hop_bounded_dynamic_programming(graph, request):
    snapshot = request.getfixturevalue(graph)
    rng = np.random.default_rng(2)
    found = 0
    for _ in range(25):
        s, t = (int(x) for x in rng.choice(snapshot.node_count, 2, replace=False))
        paths = strongest_paths(
            snapshot, int(snapshot.member_ids[s]), to=int(snapshot.member_ids[t])
        )
        expected = reference.best_path_score_dp(
            snapshot, s, {t}, banned=set(), max_hops=4, min_strength=MIN_INTRODUCTION_STRENGTH
        )
        if expected == 0.0:
            assert paths == []
            continue
        found += 1
        assert paths[0].score == pytest.approx(expected, rel=1e-9)
        product = float(np.prod(paths[0].strengths))
        assert product == pytest.approx(paths[0].score, rel=1e-6)
        assert len(paths[0].members) <= 5
    assert found >= 10


def test_strongest_path_to_a_department(email):
    rng = np.random.default_rng(3)
    for _ in range(10):
        s = int(rng.integers(email.node_count))
        name = email.company_names[int(rng.integers(len(email.company_names)))]
        targets = set(email.members_at_company(name).tolist()) - {s}
        paths = strongest_paths(email, int(email.member_ids[s]), company=name.lower())
        expected = reference.best_path_score_dp(
            email, s, targets, banned=set(), max_hops=4, min_strength=MIN_INTRODUCTION_STRENGTH
        )
        if expected == 0.0:
            assert paths == []
        else:
            assert paths[0].score == pytest.approx(expected, rel=1e-9)
            assert email.node_of(paths[0].members[-1]) in targets


@pytest.mark.parametrize("graph", ["facebook", "email"])
@pytest.mark.parametrize("hub_row", [search.HUB_ROW, 16])
def test_people_you_may_know_matches_adamic_adar(graph, hub_row, request, monkeypatch):
    """Also with rows of 16 or more treated as hubs, so the pruning is exercised."""
    monkeypatch.setattr(search, "HUB_ROW", hub_row)
    snapshot = request.getfixturevalue(graph)
    adj = reference.adjacency(snapshot)
    rng = np.random.default_rng(4)
    for s in rng.choice(snapshot.node_count, 6, replace=False):
        expected = reference.adamic_adar(adj, int(s), set())
        got = people_you_may_know(snapshot, int(snapshot.member_ids[s]), limit=15)
        ranked = sorted((v[0] for v in expected.values()), reverse=True)[:15]
        assert [g.score for g in got] == pytest.approx(ranked, rel=1e-9)
        for suggestion in got:
            _score, count = expected[snapshot.node_of(suggestion.member_id)]
            assert suggestion.mutual_count == count
