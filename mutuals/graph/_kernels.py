"""Compiled kernels over the CSR arrays (numba, no Python objects inside).

Each kernel reads the snapshot's arrays and writes only into a caller-owned `Workspace`
(per-thread scratch arrays sized to the graph). Scratch arrays are never cleared: an entry is
valid only when its `stamp` equals the current query's generation, so a query costs what it
touches, not the size of the graph.

The pure-Python bodies are kept (``*_py``) so the reference tests can also run them uncompiled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit


def _compile(function: Callable[..., Any]) -> Callable[..., Any]:
    compiled: Callable[..., Any] = njit(cache=True, nogil=True)(function)
    return compiled


# --- Building ------------------------------------------------------------------------------


def _build_csr_py(
    n: Any, src: Any, dst: Any, weight: Any
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Undirected CSR from (src, dst, weight) pairs given once each: both directions are
    stored, self-loops dropped, duplicates merged keeping the strongest weight, rows sorted."""
    degree = np.zeros(n + 1, dtype=np.int64)
    for k in range(src.shape[0]):
        a = src[k]
        b = dst[k]
        if a != b:
            degree[a + 1] += 1
            degree[b + 1] += 1
    for i in range(n):
        degree[i + 1] += degree[i]
    fill = degree[:-1].copy()
    nbr = np.empty(degree[n], dtype=np.int32)
    wgt = np.empty(degree[n], dtype=np.float32)
    for k in range(src.shape[0]):
        a = src[k]
        b = dst[k]
        if a != b:
            nbr[fill[a]] = b
            wgt[fill[a]] = weight[k]
            fill[a] += 1
            nbr[fill[b]] = a
            wgt[fill[b]] = weight[k]
            fill[b] += 1
    # Sort each row by neighbour and merge duplicates in place, then compact.
    indptr = np.zeros(n + 1, dtype=np.int64)
    out = 0
    for i in range(n):
        lo = degree[i]
        hi = degree[i + 1]
        if hi - lo > 1:
            order = np.argsort(nbr[lo:hi], kind="mergesort")
            row_n = nbr[lo:hi][order]
            row_w = wgt[lo:hi][order]
        else:
            row_n = nbr[lo:hi].copy()
            row_w = wgt[lo:hi].copy()
        previous = -1
        for j in range(row_n.shape[0]):
            if row_n[j] == previous:
                if row_w[j] > wgt[out - 1]:
                    wgt[out - 1] = row_w[j]
            else:
                nbr[out] = row_n[j]
                wgt[out] = row_w[j]
                out += 1
                previous = row_n[j]
        indptr[i + 1] = out
    return indptr, nbr[:out].copy(), wgt[:out].copy()


build_csr = _compile(_build_csr_py)


def _set_strengths_py(indptr: Any, nbr: Any, wgt: Any, a: Any, b: Any, w: Any) -> int:
    """Set the strength of each a[k]–b[k] connection in both directions (rows are sorted, so
    each end is a binary search). Returns how many pairs were found."""
    found = 0
    for k in range(a.shape[0]):
        hit = False
        for u, v in ((a[k], b[k]), (b[k], a[k])):
            lo = indptr[u]
            hi = indptr[u + 1]
            while lo < hi:
                mid = (lo + hi) // 2
                if nbr[mid] < v:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < indptr[u + 1] and nbr[lo] == v:
                wgt[lo] = w[k]
                hit = True
        found += hit
    return found


set_strengths = _compile(_set_strengths_py)


# --- Degree of separation --------------------------------------------------------------------


def _distance_py(
    indptr: Any,
    indices: Any,
    s: Any,
    t: Any,
    max_hops: Any,
    stamp_a: Any,
    stamp_b: Any,
    level_a: Any,
    level_b: Any,
    frontier_a: Any,
    frontier_b: Any,
    gen: Any,
) -> int:
    """Hops between s and t by bidirectional breadth-first search, or -1 beyond `max_hops`.

    Each round expands, one whole level, the side whose frontier has fewer edges to read, so
    the cost follows the smaller neighbourhood; the first meeting gives the distance."""
    if s == t:
        return 0
    stamp_a[s] = gen
    level_a[s] = 0
    stamp_b[t] = gen
    level_b[t] = 0
    frontier_a[0] = s
    frontier_b[0] = t
    size_a = 1
    size_b = 1
    depth_a = 0
    depth_b = 0
    cost_a = indptr[s + 1] - indptr[s]
    cost_b = indptr[t + 1] - indptr[t]
    while depth_a + depth_b < max_hops and size_a > 0 and size_b > 0:
        expand_a = cost_a <= cost_b
        if expand_a:
            frontier, size, stamp, level = frontier_a, size_a, stamp_a, level_a
            other_stamp, other_level = stamp_b, level_b
            depth = depth_a
        else:
            frontier, size, stamp, level = frontier_b, size_b, stamp_b, level_b
            other_stamp, other_level = stamp_a, level_a
            depth = depth_b
        # New nodes are appended after the current level, then moved to the front.
        tail = size
        cost = 0
        for k in range(size):
            u = frontier[k]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if stamp[v] == gen:
                    continue
                if other_stamp[v] == gen:
                    # No earlier round met, so the distance exceeds depth + the other side's
                    # depth: every meeting in this round has the same length. Stop at once.
                    hops = depth + 1 + other_level[v]
                    return hops if hops <= max_hops else -1
                stamp[v] = gen
                level[v] = depth + 1
                frontier[tail] = v
                tail += 1
                cost += indptr[v + 1] - indptr[v]
        new_size = tail - size
        for k in range(new_size):
            frontier[k] = frontier[size + k]
        if expand_a:
            size_a = new_size
            depth_a += 1
            cost_a = cost
        else:
            size_b = new_size
            depth_b += 1
            cost_b = cost
    return -1


distance = _compile(_distance_py)


# --- Strongest warm-introduction path ------------------------------------------------------


def _strongest_py(
    indptr: Any,
    indices: Any,
    weights: Any,
    open_: Any,
    a_roots: Any,
    b_roots: Any,
    banned: Any,
    max_hops: Any,
    min_strength: Any,
    ban_stamp: Any,
    a_stamp: Any,
    a_val: Any,
    a_pred: Any,
    a_hop: Any,
    root_stamp: Any,
    y_stamp: Any,
    y_pos: Any,
    a_list: Any,
    a_list_w: Any,
    b_list: Any,
    b_list_w: Any,
    b_end: Any,
    gen: Any,
) -> tuple[int, int, int, float, int]:
    """Strongest path (product of strengths) of at most `max_hops` ≤ 4 between the A roots
    and the B roots, over simple paths whose edges are all ≥ `min_strength` and whose inner
    members are open to introductions, not banned and not a root.

    Meet in the middle, lopsided on purpose: side A (the caller passes the side whose two-hop
    neighbourhood is cheaper) is expanded two hops, keeping for each member m the best value
    `a_val[m]` = max over ≤2-hop walks from an A root, with `a_pred`/`a_hop`; side B only one
    hop (members y next to a B root, with their best tie `b_list_w`). The two halves are
    joined over the edges y–m, visiting y by falling strength and stopping once
    strength(y) × (best first tie of A) cannot beat the best path found: the expensive side
    is read only as far as it can still matter.

    A joined walk that repeats a member (root-x-m-x-root') is skipped: its shortcut is also a
    candidate and scores at least as much, since every strength is at most 1.

    Returns (kind, m, k, score, hops): kind 0 = a B root m reached by A's half; kind 1 = a
    B-side member y = m (b_list[k]) reached by A's half; kind 2 = A's half to m, then
    m–y (y = b_list[k]) and y's tie to its B root; kind -1 = no path.
    """
    for i in range(banned.shape[0]):
        ban_stamp[banned[i]] = gen
    for i in range(b_roots.shape[0]):
        r = b_roots[i]
        if ban_stamp[r] != gen:
            root_stamp[r] = gen
    # Side A, hop 0 and hop 1.
    n_a = 0
    for i in range(a_roots.shape[0]):
        r = a_roots[i]
        if ban_stamp[r] == gen or root_stamp[r] == gen:
            continue
        a_stamp[r] = gen
        a_val[r] = 1.0
        a_pred[r] = -1
        a_hop[r] = 0
    if max_hops >= 1:
        for i in range(a_roots.shape[0]):
            r = a_roots[i]
            if a_stamp[r] != gen or a_hop[r] != 0:
                continue
            for e in range(indptr[r], indptr[r + 1]):
                x = indices[e]
                w = weights[e]
                if w < min_strength or ban_stamp[x] == gen:
                    continue
                if a_stamp[x] != gen:
                    a_stamp[x] = gen
                    a_val[x] = w
                    a_pred[x] = r
                    a_hop[x] = 1
                    a_list[n_a] = x
                    n_a += 1
                elif a_hop[x] == 1 and w > a_val[x]:
                    a_val[x] = w
                    a_pred[x] = r
    f_max = 0.0
    for i in range(n_a):
        a_list_w[i] = a_val[a_list[i]]
        if a_list_w[i] > f_max:
            f_max = a_list_w[i]
    # Side B, hop 1: members next to a B root (not a root, not banned, open: they relay).
    n_b = 0
    b_max = 0.0
    if max_hops >= 2:
        for i in range(b_roots.shape[0]):
            r = b_roots[i]
            if root_stamp[r] != gen:
                continue
            for e in range(indptr[r], indptr[r + 1]):
                y = indices[e]
                w = weights[e]
                if w < min_strength or ban_stamp[y] == gen or root_stamp[y] == gen:
                    continue
                if not open_[y] or (a_stamp[y] == gen and a_hop[y] == 0):
                    continue
                if y_stamp[y] != gen:
                    y_stamp[y] = gen
                    y_pos[y] = n_b
                    b_list[n_b] = y
                    b_list_w[n_b] = w
                    b_end[n_b] = r
                    n_b += 1
                elif w > b_list_w[y_pos[y]]:
                    b_list_w[y_pos[y]] = w
                    b_end[y_pos[y]] = r
                if w > b_max:
                    b_max = w
    # A lower bound from the short paths, before the second hop of A.
    best_kind = -1
    best_m = -1
    best_k = -1
    best = 0.0
    best_hops = 0
    for i in range(n_a):
        x = a_list[i]
        if root_stamp[x] == gen and a_list_w[i] > best:
            best_kind, best_m, best_k, best, best_hops = 0, x, -1, a_list_w[i], 1
    for k in range(n_b):
        y = b_list[k]
        if a_stamp[y] == gen and a_hop[y] == 1:
            value = a_val[y] * b_list_w[k]
            if value > best:
                best_kind, best_m, best_k, best, best_hops = 1, y, k, value, 2
    # Side A, hop 2: through an open hop-1 member x, unless x cannot beat `best`.
    if max_hops >= 3:
        for i in range(n_a):
            x = a_list[i]
            wx = a_list_w[i]
            # Every path through x scores at most wx × (x's or a later y's tie to a B root).
            if not open_[x] or root_stamp[x] == gen or wx * b_max <= best:
                continue
            for e in range(indptr[x], indptr[x + 1]):
                m = indices[e]
                w = weights[e]
                if w < min_strength or ban_stamp[m] == gen:
                    continue
                value = wx * w
                if a_stamp[m] != gen:
                    a_stamp[m] = gen
                    a_val[m] = value
                    a_pred[m] = x
                    a_hop[m] = 2
                elif a_hop[m] != 0 and value > a_val[m]:
                    a_val[m] = value
                    a_pred[m] = x
                    a_hop[m] = 2
        # Candidates ending at a B root or at a B-side member, with A's final values.
        for i in range(b_roots.shape[0]):
            r = b_roots[i]
            if root_stamp[r] == gen and a_stamp[r] == gen and a_hop[r] > 0:
                value = a_val[r]
                hops = a_hop[r]
                if value > best or (value == best and best_kind >= 0 and hops < best_hops):
                    best_kind, best_m, best_k, best, best_hops = 0, r, -1, value, hops
        for k in range(n_b):
            y = b_list[k]
            if a_stamp[y] == gen and a_hop[y] > 0:
                value = a_val[y] * b_list_w[k]
                hops = a_hop[y] + 1
                if value > best or (value == best and best_kind >= 0 and hops < best_hops):
                    best_kind, best_m, best_k, best, best_hops = 1, y, k, value, hops
    # The join over edges y–m, strongest y first, while y can still win.
    if max_hops >= 3 and n_b > 0:
        hop_cap = max_hops - 2
        order = np.argsort(-b_list_w[:n_b])
        for j in range(n_b):
            k = order[j]
            wy = b_list_w[k]
            if wy * f_max <= best:
                break
            y = b_list[k]
            for e in range(indptr[y], indptr[y + 1]):
                m = indices[e]
                if a_stamp[m] != gen or a_hop[m] == 0 or a_hop[m] > hop_cap:
                    continue
                w = weights[e]
                if w < min_strength or root_stamp[m] == gen or not open_[m]:
                    continue
                if a_hop[m] == 2 and a_pred[m] == y:
                    continue
                value = a_val[m] * w * wy
                hops = a_hop[m] + 2
                if value > best or (value == best and best_kind >= 0 and hops < best_hops):
                    best_kind, best_m, best_k, best, best_hops = 2, m, k, value, hops
    return best_kind, best_m, best_k, best, best_hops


strongest = _compile(_strongest_py)


def _two_hop_cost_py(indptr: Any, indices: Any, roots: Any) -> int:
    """Edges a two-hop expansion from `roots` would read: Σ over their neighbours' degrees."""
    total = 0
    for i in range(roots.shape[0]):
        r = roots[i]
        for e in range(indptr[r], indptr[r + 1]):
            y = indices[e]
            total += indptr[y + 1] - indptr[y]
    return total


two_hop_cost = _compile(_two_hop_cost_py)


# --- People you may know ---------------------------------------------------------------------


def _two_hop_py(
    indptr: Any,
    indices: Any,
    s: Any,
    excluded: Any,
    stamp: Any,
    acc: Any,
    count: Any,
    touched: Any,
    gen: Any,
) -> int:
    """Adamic–Adar over s's two-hop neighbourhood: for each candidate c (not s, not a
    connection, not excluded) `acc[c]` = Σ 1/log(deg z) over mutual connections z and
    `count[c]` = number of mutual connections. Returns how many candidates were written to
    `touched`. Excluded members do not count as mutual connections either."""
    stamp[s] = gen
    count[s] = -1
    for k in range(excluded.shape[0]):
        stamp[excluded[k]] = gen
        count[excluded[k]] = -1
    for e in range(indptr[s], indptr[s + 1]):
        z = indices[e]
        if stamp[z] != gen:
            stamp[z] = gen
            count[z] = -2  # a connection: not a candidate, but a mutual
    n = 0
    for e in range(indptr[s], indptr[s + 1]):
        z = indices[e]
        if count[z] != -2:
            continue  # excluded (e.g. blocked) members do not introduce anyone
        degree = indptr[z + 1] - indptr[z]
        if degree < 2:
            continue
        w = 1.0 / math.log(degree)
        for f in range(indptr[z], indptr[z + 1]):
            c = indices[f]
            if stamp[c] != gen:
                stamp[c] = gen
                acc[c] = w
                count[c] = 1
                touched[n] = c
                n += 1
            elif count[c] > 0:
                acc[c] += w
                count[c] += 1
    return n


two_hop = _compile(_two_hop_py)


def _top_candidates_py(
    candidates: Any,
    acc: Any,
    topic_indptr: Any,
    topic_indices: Any,
    topic_mark: Any,
    topic_weight: Any,
    event_indptr: Any,
    event_indices: Any,
    event_mark: Any,
    event_weight: Any,
    max_bonus: Any,
    k: Any,
    out_pos: Any,
    out_score: Any,
) -> int:
    """Score each candidate c (acc[c] + topic_weight × shared topics + event_weight × shared
    events) and keep the k best in (out_pos = position in `candidates`, out_score); equal
    scores prefer the smaller node (so the smaller member id). Returns how many were kept.

    `max_bonus` bounds what topics and events can add, so once k are kept a candidate that
    cannot reach the worst of them is passed over without reading its topics."""
    kept = 0
    worst = 0
    for i in range(candidates.shape[0]):
        c = candidates[i]
        score = acc[c]
        if kept == k and score + max_bonus < out_score[worst]:
            continue
        if topic_weight > 0.0:
            shared = 0
            for e in range(topic_indptr[c], topic_indptr[c + 1]):
                if topic_mark[topic_indices[e]]:
                    shared += 1
            score += topic_weight * shared
        if event_weight > 0.0:
            shared = 0
            for e in range(event_indptr[c], event_indptr[c + 1]):
                if event_mark[event_indices[e]]:
                    shared += 1
            score += event_weight * shared
        if kept < k:
            out_pos[kept] = i
            out_score[kept] = score
            kept += 1
        else:
            w_score = out_score[worst]
            if score < w_score or (score == w_score and c > candidates[out_pos[worst]]):
                continue
            out_pos[worst] = i
            out_score[worst] = score
        if kept == k:
            # The new worst: lowest score, then the larger node.
            worst = 0
            for j in range(1, k):
                if out_score[j] < out_score[worst] or (
                    out_score[j] == out_score[worst]
                    and candidates[out_pos[j]] > candidates[out_pos[worst]]
                ):
                    worst = j
    return kept


top_candidates = _compile(_top_candidates_py)
