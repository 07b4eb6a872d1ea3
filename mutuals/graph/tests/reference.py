"""Brute-force references the engine is checked against: plain, slow, obviously right."""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from mutuals.graph.snapshot import GraphSnapshot


def adjacency(snapshot: GraphSnapshot) -> dict[int, dict[int, float]]:
    adj: dict[int, dict[int, float]] = {}
    for i in range(snapshot.node_count):
        row = snapshot.neighbours_of(i).tolist()
        weights = snapshot.strengths_of(i).tolist()
        adj[i] = dict(zip(row, weights, strict=True))
    return adj


def bfs_distances(adj: dict[int, dict[int, float]], s: int) -> dict[int, int]:
    dist = {s: 0}
    queue = deque([s])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    return dist


def best_path_score(
    adj: dict[int, dict[int, float]],
    s: int,
    targets: set[int],
    *,
    open_: list[bool],
    banned: set[int],
    max_hops: int,
    min_strength: float,
) -> float:
    """Enumerate every simple path of at most `max_hops` (small graphs only)."""
    best = 0.0
    targets = targets - banned - {s}

    def walk(u: int, score: float, hops: int, seen: set[int]) -> None:
        nonlocal best
        for v, w in adj[u].items():
            if w < min_strength or v in seen or v in banned:
                continue
            value = score * w
            if v in targets:
                best = max(best, value)
                continue  # a target ends a path: going on through it never helps
            if hops + 1 < max_hops and open_[v]:
                seen.add(v)
                walk(v, value, hops + 1, seen)
                seen.discard(v)

    walk(s, 1.0, 0, {s})
    return best


def best_path_score_dp(
    snapshot: GraphSnapshot,
    s: int,
    targets: set[int],
    *,
    banned: set[int],
    max_hops: int,
    min_strength: float,
) -> float:
    """Hop-bounded Bellman–Ford over products (walks, which never beat simple paths since
    every strength is at most 1): fast enough for the real graphs."""
    n = snapshot.node_count
    src = np.repeat(np.arange(n), np.diff(snapshot.indptr))
    dst = snapshot.neighbours.astype(np.int64)
    w = snapshot.strengths.astype(np.float64)
    relay = snapshot.open_to_introductions.copy()
    relay[list(banned)] = False
    relay[list(targets)] = False
    usable = (w >= min_strength) & (relay[src] | (src == s))
    blocked_nodes = np.zeros(n, dtype=bool)
    blocked_nodes[list(banned)] = True
    usable &= ~blocked_nodes[dst] & (dst != s)
    src, dst, w = src[usable], dst[usable], w[usable]
    best = np.zeros(n)
    best[s] = 1.0
    for _ in range(max_hops):
        step = np.zeros(n)
        np.maximum.at(step, dst, best[src] * w)
        step[s] = 1.0
        # only a walk's first member may be s; a relay's value may grow, a target's too
        best = np.maximum(best, step)
    values = [best[t] for t in targets if t != s and t not in banned]
    return max(values, default=0.0)


def adamic_adar(
    adj: dict[int, dict[int, float]], s: int, excluded: set[int]
) -> dict[int, tuple[float, int]]:
    scores: dict[int, tuple[float, int]] = {}
    for z in adj[s]:
        if z in excluded or len(adj[z]) < 2:
            continue
        weight = 1.0 / math.log(len(adj[z]))
        for c in adj[z]:
            if c == s or c in adj[s] or c in excluded:
                continue
            total, count = scores.get(c, (0.0, 0))
            scores[c] = (total + weight, count + 1)
    return scores
