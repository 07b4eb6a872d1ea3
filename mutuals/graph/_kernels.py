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
    s: Any,
    targets: Any,
    banned: Any,
    forward_hops: Any,
    backward_hops: Any,
    min_strength: Any,
    ban_stamp: Any,
    f_stamp: Any,
    f_val: Any,
    f_pred: Any,
    b_stamp: Any,
    b_val: Any,
    b_succ: Any,
    b_hop: Any,
    list_a: Any,
    list_a_w: Any,
    list_b: Any,
    gen: Any,
) -> tuple[int, float, int]:
    """Meet in the middle: the best ≤`forward_hops` half from s and the best
    ≤`backward_hops` half into any target, joined on a common node.

    Maximizes the product of strengths over simple paths whose edges are all at least
    `min_strength`, whose inner members are open to introductions, not banned, and neither s
    nor a target. Returns (meeting node, score, hops) or (-1, 0, 0).

    The forward value of m is max(w(s,m), max_x w(s,x)·w(x,m)), with `f_pred[m]` = x, or -1
    for the direct edge; the backward value mirrors it, with `b_hop[m]` in {0, 1, 2} and
    `b_succ[m]` the next member towards the target. A joined walk that repeats a member
    (s-x-m-x-t) is skipped: its shortcut s-x-t is also a candidate and scores at least as
    much, since every strength is at most 1, so the maximum over simple paths is still found.
    """
    for k in range(banned.shape[0]):
        ban_stamp[banned[k]] = gen
    # Targets: hop 0 of the backward half.
    n_b = 0
    for k in range(targets.shape[0]):
        t = targets[k]
        if t == s or ban_stamp[t] == gen or b_stamp[t] == gen:
            continue
        b_stamp[t] = gen
        b_val[t] = 1.0
        b_succ[t] = -1
        b_hop[t] = 0
        list_b[n_b] = t
        n_b += 1
    if n_b == 0:
        return -1, 0.0, 0
    n_targets = n_b
    # Backward hop 1: members adjacent to a target.
    if backward_hops >= 1:
        for k in range(n_targets):
            t = list_b[k]
            for e in range(indptr[t], indptr[t + 1]):
                y = indices[e]
                w = weights[e]
                if w < min_strength or y == s or ban_stamp[y] == gen:
                    continue
                if b_stamp[y] != gen:
                    b_stamp[y] = gen
                    b_val[y] = w
                    b_succ[y] = t
                    b_hop[y] = 1
                    list_b[n_b] = y
                    n_b += 1
                elif b_hop[y] == 1 and w > b_val[y]:
                    b_val[y] = w
                    b_succ[y] = t
    n_b1 = n_b
    # Backward hop 2: through an open hop-1 member y, using y's hop-1 value.
    if backward_hops >= 2:
        for k in range(n_targets, n_b1):
            list_a_w[k] = b_val[list_b[k]]
        for k in range(n_targets, n_b1):
            y = list_b[k]
            if not open_[y]:
                continue
            wy = list_a_w[k]
            for e in range(indptr[y], indptr[y + 1]):
                m = indices[e]
                w = weights[e]
                if w < min_strength or ban_stamp[m] == gen:
                    continue
                value = wy * w
                if b_stamp[m] != gen:
                    b_stamp[m] = gen
                    b_val[m] = value
                    b_succ[m] = y
                    b_hop[m] = 2
                    list_b[n_b] = m
                    n_b += 1
                elif b_hop[m] != 0 and value > b_val[m]:
                    b_val[m] = value
                    b_succ[m] = y
                    b_hop[m] = 2
    # Forward half from s.
    f_stamp[s] = gen
    f_val[s] = 1.0
    f_pred[s] = -1
    n_a = 0
    if forward_hops >= 1:
        for e in range(indptr[s], indptr[s + 1]):
            x = indices[e]
            w = weights[e]
            if w < min_strength or ban_stamp[x] == gen:
                continue
            f_stamp[x] = gen
            f_val[x] = w
            f_pred[x] = -1
            list_a[n_a] = x
            list_a_w[n_a] = w
            n_a += 1
    if forward_hops >= 2:
        for k in range(n_a):
            x = list_a[k]
            if not open_[x] or (b_stamp[x] == gen and b_hop[x] == 0):
                continue
            wx = list_a_w[k]
            for e in range(indptr[x], indptr[x + 1]):
                m = indices[e]
                w = weights[e]
                if w < min_strength or m == s or ban_stamp[m] == gen:
                    continue
                value = wx * w
                if f_stamp[m] != gen:
                    f_stamp[m] = gen
                    f_val[m] = value
                    f_pred[m] = x
                elif value > f_val[m]:
                    f_val[m] = value
                    f_pred[m] = x
    # Join on the backward side's members (usually the smaller list).
    best_m = -1
    best_score = 0.0
    best_hops = 0
    for k in range(n_b):
        m = list_b[k]
        if f_stamp[m] != gen:
            continue
        hop_b = b_hop[m]
        if m == s:
            hop_f = 0
        else:
            hop_f = 1 if f_pred[m] == -1 else 2
            if hop_b != 0 and not open_[m]:
                continue
        if hop_f == 2 and hop_b == 2 and f_pred[m] == b_succ[m]:
            continue
        score = f_val[m] * b_val[m]
        hops = hop_f + hop_b
        if hops == 0:
            continue
        if score > best_score or (score == best_score and best_m >= 0 and hops < best_hops):
            best_m = m
            best_score = score
            best_hops = hops
    return best_m, best_score, best_hops


strongest = _compile(_strongest_py)


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


def _shared_py(candidates: Any, attr_indptr: Any, attr_indices: Any, mark: Any, out: Any) -> None:
    """`out[i]` = how many of candidate i's attributes (topics, events) are marked."""
    for i in range(candidates.shape[0]):
        c = candidates[i]
        shared = 0
        for e in range(attr_indptr[c], attr_indptr[c + 1]):
            if mark[attr_indices[e]]:
                shared += 1
        out[i] = shared


shared = _compile(_shared_py)
