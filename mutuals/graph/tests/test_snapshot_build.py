"""The snapshot build: the connection graph in compressed sparse rows equals a plain sort of
the same pairs; and the stored Adamic–Adar
weights are exactly the per-query logarithms they replace, after a build, an overlay and a
round trip through the store."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from mutuals.graph import build_snapshot, normalize_label, people_you_may_know, snapshot, store
from mutuals.graph.overlay import PairChanges, overlaid
from mutuals.graph.search import adamic_adar_weight

from .reference import adjacency


def reference_csr(
    member_ids: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    strengths: np.ndarray,
    blocked: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the build must give, by the obvious means: both directions of every pair of two
    distinct known members, not blocked, a pair given twice keeping its strongest strength,
    rows sorted by neighbour."""
    ids = np.sort(member_ids)
    best: dict[tuple[int, int], float] = {}
    node = {int(member): i for i, member in enumerate(ids.tolist())}
    banned = {
        frozenset((node[a], node[b]))
        for a, b in zip(blocked[0].tolist(), blocked[1].tolist(), strict=True)
        if a in node and b in node
    }
    for a, b, w in zip(sources.tolist(), targets.tolist(), strengths.tolist(), strict=True):
        if a not in node or b not in node or a == b:
            continue
        u, v = node[a], node[b]
        if frozenset((u, v)) in banned:
            continue
        w = min(max(float(np.float32(w)), 0.0), 1.0)
        for key in ((u, v), (v, u)):
            best[key] = max(best.get(key, -1.0), w)
    keys = sorted(best)
    indptr = np.zeros(ids.size + 1, dtype=np.int64)
    for u, _ in keys:
        indptr[u + 1] += 1
    return (
        np.cumsum(indptr),
        np.array([v for _, v in keys], dtype=np.int32),
        np.array([best[key] for key in keys], dtype=np.float32),
    )


def random_input(seed: int, members: int, pairs: int, *, dense: bool | str):
    rng = np.random.default_rng(seed)
    if dense == "contiguous":  # ids base, base + 1, …: a node is the id minus the base
        member_ids = rng.permutation(members).astype(np.int64) - 7
    elif dense:  # ids with gaps: the build maps them through a table
        member_ids = rng.choice(3 * members, size=members, replace=False).astype(np.int64) + 1
    else:  # ids far apart: the build maps them by binary search, not a table
        member_ids = rng.choice(10**12, size=members, replace=False).astype(np.int64)
    pool = np.concatenate([member_ids, [0, 10**13, -5]])  # some unknown members
    sources = rng.choice(pool, pairs)
    targets = rng.choice(pool, pairs)
    # Repeat some pairs, in either direction, with other strengths; add self-loops.
    again = rng.integers(0, pairs, pairs // 5)
    flip = rng.random(again.size) < 0.5
    sources = np.concatenate([sources, np.where(flip, targets[again], sources[again]), pool[:3]])
    targets = np.concatenate([targets, np.where(flip, sources[again], targets[again]), pool[:3]])
    strengths = rng.uniform(-0.1, 1.1, sources.size).astype(np.float32)
    blocked = (rng.choice(member_ids, 10), rng.choice(member_ids, 10))
    blocked = (
        np.concatenate([blocked[0], targets[:5]]),  # some blocks between connected members
        np.concatenate([blocked[1], sources[:5]]),
    )
    return member_ids, sources, targets, strengths, blocked


@pytest.mark.parametrize("dense", ["contiguous", True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_connection_rows_equal_a_plain_sort(seed, dense):
    member_ids, sources, targets, strengths, blocked = random_input(seed, 300, 2500, dense=dense)
    built = build_snapshot(
        member_ids=member_ids,
        sources=sources,
        targets=targets,
        strengths=strengths,
        blocked_pairs=blocked,
    )
    indptr, neighbours, weights = reference_csr(member_ids, sources, targets, strengths, blocked)
    np.testing.assert_array_equal(built.indptr, indptr)
    np.testing.assert_array_equal(built.neighbours, neighbours)
    np.testing.assert_array_equal(built.strengths, weights)
    assert built.neighbours.dtype == np.int32
    assert built.strengths.dtype == np.float32


@pytest.mark.parametrize("dense", ["contiguous", True, False])
@pytest.mark.parametrize(("members", "bucket_records"), [(40, 8), (5000, 64), (5000, 1)])
def test_rows_sorted_in_many_buckets_and_radix_passes_equal_a_plain_sort(
    members, bucket_records, dense, monkeypatch
):
    """The build sorts the connections in buckets of consecutive rows (`BUCKET_RECORDS`
    directed edges each), each by a radix sort of as many passes as its key needs: with small
    buckets, thousands of buckets (some empty, some holding one member's long row), and 5,000
    members (13 bits of column, so two passes), the rows are still exactly the plain sort."""
    monkeypatch.setattr(snapshot, "BUCKET_RECORDS", bucket_records)
    member_ids, sources, targets, strengths, blocked = random_input(
        members, members, 4 * members, dense=dense
    )
    # One member with a long row (a bucket much larger than the others), and duplicates of it.
    hub = np.full(members, member_ids[members // 2])
    sources = np.concatenate([sources, hub, member_ids[::-1]])
    targets = np.concatenate([targets, member_ids, hub])
    strengths = np.concatenate([strengths, np.linspace(-0.2, 1.2, 2 * members, dtype=np.float32)])
    built = build_snapshot(
        member_ids=member_ids,
        sources=sources,
        targets=targets,
        strengths=strengths,
        blocked_pairs=blocked,
    )
    indptr, neighbours, weights = reference_csr(member_ids, sources, targets, strengths, blocked)
    np.testing.assert_array_equal(built.indptr, indptr)
    np.testing.assert_array_equal(built.neighbours, neighbours)
    np.testing.assert_array_equal(built.strengths, weights)
    assert built.indptr.dtype == np.int64


def test_strengths_come_back_bit_for_bit():
    """Strengths travel through the sort as their float32 bits and come back unchanged."""
    strengths = np.array([0.1, np.nextafter(np.float32(0.5), 1, dtype=np.float32), 1.0, 0.0])
    built = build_snapshot(
        member_ids=[10, 11, 12, 13, 14],
        sources=[10, 11, 12, 13],
        targets=[11, 12, 13, 14],
        strengths=strengths.astype(np.float32),
    )
    assert built.strengths.view(np.uint32).tolist() == (
        np.array([0.1, 0.1, strengths[1], strengths[1], 1.0, 1.0, 0.0, 0.0], dtype=np.float32)
        .view(np.uint32)
        .tolist()
    )
    assert built.strengths.dtype == np.float32


def test_a_small_path_graph():
    built = build_snapshot(member_ids=[1, 2, 3, 4], sources=[1, 2, 3], targets=[2, 3, 4])
    assert built.indptr.tolist() == [0, 1, 3, 5, 6]
    assert built.neighbours.tolist() == [1, 0, 2, 1, 3, 2]
    assert built.strengths.tolist() == [1.0] * 6


def assert_weights_are_the_logarithms(built) -> None:
    """Each node's stored weight is, bit for bit, what people you may know computed per query
    before it was stored: 1 / math.log(degree), and nothing (0) below degree 2."""
    degrees = np.diff(built.indptr)
    expected = [adamic_adar_weight(int(d)) if d >= 2 else 0.0 for d in degrees.tolist()]
    assert built.inverse_log_degree.dtype == np.float64
    assert built.inverse_log_degree.tolist() == expected
    assert expected == [1.0 / math.log(d) if d >= 2 else 0.0 for d in degrees.tolist()]


def test_stored_adamic_adar_weights_equal_the_per_query_logarithms(tmp_path: Path):
    member_ids, sources, targets, strengths, blocked = random_input(3, 200, 3000, dense=True)
    built = build_snapshot(
        member_ids=member_ids,
        sources=sources,
        targets=targets,
        strengths=strengths,
        blocked_pairs=blocked,
    )
    assert_weights_are_the_logarithms(built)
    # People you may know gives what the logarithms gave: scores summed per candidate.
    adj = adjacency(built)
    for member in member_ids[:40].tolist():
        s = built.node_of(member)
        assert s is not None
        mine = set(adj[s])
        for suggestion in people_you_may_know(built, member, limit=5):
            c = built.node_of(suggestion.member_id)
            assert c is not None
            score = 0.0
            for z in sorted(mine & set(adj[c])):
                score += 1.0 / math.log(len(adj[z]))  # z has s and c: degree at least 2
            assert suggestion.score == pytest.approx(score, rel=1e-12)

    # An overlay changes the degrees of the members it touches: their weights follow.
    node_ids = built.member_ids
    changes = PairChanges(
        connected=(node_ids[[0, 1, 2]], node_ids[[5, 6, 7]]),
        strengths=np.array([0.5, 0.6, 0.7], dtype=np.float32),
        apart=(built.member_ids[[built.neighbours[0]]], node_ids[[0]]),
        blocked=(node_ids[[3]], node_ids[built.neighbours_of(3)[:1]]),
        unblocked=(np.zeros(0, np.int64), np.zeros(0, np.int64)),
    )
    changed = overlaid(built, changes, version=2)
    assert not np.array_equal(np.diff(changed.indptr), np.diff(built.indptr))
    assert_weights_are_the_logarithms(changed)

    # Published and mapped back; and a snapshot published before the weights were stored
    # (no file for them) gets them computed when it is mapped.
    name = store.publish(tmp_path, built)
    loaded = store.load(tmp_path, name).snapshot
    np.testing.assert_array_equal(loaded.inverse_log_degree, built.inverse_log_degree)
    (tmp_path / name / "inverse_log_degree.npy").unlink()
    older = store.load(tmp_path, name).snapshot
    assert_weights_are_the_logarithms(older)
    assert people_you_may_know(older, int(member_ids[0])) == people_you_may_know(
        built, int(member_ids[0])
    )


def reference_companies(member_ids, labels, names_given):
    """Company codes by the obvious means: labels equal once normalized share a code, codes
    numbered by first appearance in member id order, each named as the first of
    `names_given` with that normal form; -1 for none."""
    first_name: dict[str, str] = {}
    for label in names_given:
        key = normalize_label(label)
        if key and key not in first_name:
            first_name[key] = label.strip()
    names: list[str] = []
    codes: dict[str, int] = {}
    member_codes = []
    for i in np.argsort(member_ids, kind="stable").tolist():
        key = normalize_label(labels[i])
        if not key:
            member_codes.append(-1)
            continue
        if key not in codes:
            codes[key] = len(names)
            names.append(first_name[key])
        member_codes.append(codes[key])
    return tuple(names), codes, member_codes


@pytest.mark.parametrize("given", ["names", "codes"])
@pytest.mark.parametrize("seed", [1, 2])
def test_company_codes_numbered_by_first_appearance_in_member_order(seed, given):
    rng = np.random.default_rng(seed)
    members = 2000
    member_ids = rng.permutation(members).astype(np.int64) * 3 + 5
    pool = [f"Company {i}" for i in range(300)] + ["", "  ", " company 7 ", "COMPANY  12"]
    labels = [pool[i] for i in rng.integers(0, len(pool), members).tolist()]
    distinct = list(dict.fromkeys(labels))
    if given == "names":
        built = build_snapshot(member_ids=member_ids, sources=[], targets=[], companies=labels)
    else:
        raw = [distinct.index(label) for label in labels]
        raw[:50] = [-1] * 50  # no company given at all
        labels = ["" if i < 50 else label for i, label in enumerate(labels)]
        built = build_snapshot(
            member_ids=member_ids, sources=[], targets=[], company_codes=(raw, distinct)
        )
    names, codes, member_codes = reference_companies(member_ids, labels, distinct)
    assert built.company_names == names
    assert built._company_codes == codes
    assert built.company.tolist() == member_codes
    assert built.company.dtype == np.int32
    for name in names[:20]:
        expected = [
            i for i, code in enumerate(member_codes) if code == codes[normalize_label(name)]
        ]
        assert built.members_at_company(name).tolist() == expected
