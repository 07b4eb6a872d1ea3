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
from numba import njit, types


def _compile(function: Callable[..., Any]) -> Callable[..., Any]:
    compiled: Callable[..., Any] = njit(cache=True, nogil=True)(function)
    return compiled


# --- Building ------------------------------------------------------------------------------


def _node_py(x: Any, table: Any, base: Any, n: Any) -> Any:
    """The node of member id x (-1 when unknown): x - base when the ids are contiguous (an
    empty table), else through the dense table (`GraphSnapshotIds`)."""
    if x < base:
        return -1
    y = x - base
    size = table.shape[0]
    if size == 0:
        return y if y < n else -1
    return table[y] if y < size else -1


_node = _compile(_node_py)


def _row_index_py(indptr: Any, indices: Any, u: Any, v: Any) -> Any:
    """Where v stands in u's sorted row of a CSR (`indices[indptr[u]:indptr[u + 1]]`), by
    binary search; -1 when it is not there. The one search of a row every kernel uses."""
    lo = indptr[u]
    hi = indptr[u + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < indptr[u + 1] and indices[lo] == v else -1


_row_index = _compile(_row_index_py)


def _is_blocked_py(a: Any, b: Any, block_indptr: Any, block_indices: Any) -> Any:
    """Whether the pair a–b (nodes) is blocked: b in a's sorted row of the block map."""
    return _row_index(block_indptr, block_indices, a, b) >= 0


_is_blocked = _compile(_is_blocked_py)


def _build_csr_py(
    n: Any,
    src: Any,
    dst: Any,
    weight_bits: Any,
    table: Any,
    base: Any,
    has_block: Any,
    block_indptr: Any,
    block_indices: Any,
    bucket_records: Any,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Undirected CSR from (src, dst, weight) pairs of member ids given once each: both
    directions are stored; self-loops, pairs with an unknown member (`_node`) and blocked
    pairs (`_is_blocked`) dropped; duplicates merged keeping the strongest weight; rows sorted.
    `weight_bits` are the float32 weights' bits; so are the returned strengths.

    A radix sort of the directed edges by (row, column) whose every pass stays in cache:

    1. count the directed edges of each bucket of 2^shift consecutive rows, the shift chosen
       so that a bucket holds about `bucket_records` of them;
    2. scatter each directed edge, as one 8-byte record (row within its bucket and column:
       the key, above the weight's bits), to its bucket: a few thousand buckets, so each
       bucket's next slot is usually in cache, unlike a scatter to a million rows;
    3. sort each bucket (a few hundred KiB) by its key with a stable least-significant-digit
       radix sort of about ten bits a pass, then write its rows out in order, merging
       duplicates (adjacent now, in input order) as the previous kernel did.

    Every edge is read twice and written three times in all, in long runs; the previous
    kernel's two scatters to a million rows each missed the cache on almost every write."""
    m = src.shape[0]
    colbits = 1
    while (1 << colbits) < n:
        colbits += 1
    # Rows per bucket: about `bucket_records` directed edges each, and the key (row within
    # the bucket, column) in 31 bits, so a record stays a positive int64.
    rows = bucket_records * max(n, 1) // max(2 * m, 1)
    shift = 0
    while shift < 31 - colbits and (1 << (shift + 1)) <= rows:
        shift += 1
    buckets = (n >> shift) + 1
    blocks = has_block.shape[0] > 0  # else nobody blocks anyone
    start = np.zeros(buckets + 1, dtype=np.int64)
    for k in range(m):
        a = _node(src[k], table, base, n)
        b = _node(dst[k], table, base, n)
        if a == b or a < 0 or b < 0:
            continue
        if blocks and has_block[a] and _is_blocked(a, b, block_indptr, block_indices):
            continue
        start[(a >> shift) + 1] += 1
        start[(b >> shift) + 1] += 1
    for i in range(buckets):
        start[i + 1] += start[i]
    total = start[buckets]
    fill = start[:-1].copy()
    records = np.empty(total, dtype=np.int64)
    low = (1 << shift) - 1
    for k in range(m):
        a = _node(src[k], table, base, n)
        b = _node(dst[k], table, base, n)
        if a == b or a < 0 or b < 0:
            continue
        if blocks and has_block[a] and _is_blocked(a, b, block_indptr, block_indices):
            continue
        w = np.int64(weight_bits[k])
        bucket = a >> shift
        records[fill[bucket]] = ((((a & low) << colbits) | b) << 32) | w
        fill[bucket] += 1
        bucket = b >> shift
        records[fill[bucket]] = ((((b & low) << colbits) | a) << 32) | w
        fill[bucket] += 1
    # The radix sort's digits: as few passes of at most 11 bits as cover the key.
    key_bits = shift + colbits
    passes = (key_bits + 10) // 11
    digit = (key_bits + passes - 1) // passes
    radix = 1 << digit
    mask = radix - 1
    largest = 0
    for i in range(buckets):
        largest = max(largest, start[i + 1] - start[i])
    first = np.empty(largest, dtype=np.int64)
    second = np.empty(largest, dtype=np.int64)
    counts = np.zeros((passes, radix), dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    nbr = np.empty(total, dtype=np.int32)
    wgt = np.empty(total, dtype=np.uint32)
    strength = wgt.view(np.float32)
    candidate = np.empty(1, dtype=np.uint32)
    candidate_strength = candidate.view(np.float32)
    column = (1 << colbits) - 1
    out = 0
    row_done = 0  # indptr[0 .. row_done] are set
    for bucket in range(buckets):
        lo = start[bucket]
        size = start[bucket + 1] - lo
        if size == 0:
            continue
        counts[:, :] = 0
        for j in range(lo, lo + size):
            key = records[j] >> 32
            for p in range(passes):
                counts[p, (key >> (p * digit)) & mask] += 1
        source = records[lo : lo + size]
        moved = 0
        for p in range(passes):
            shared = False  # a digit every record has: this pass would not move anything
            for d in range(radix):
                if counts[p, d] != 0:
                    shared = counts[p, d] == size
                    break
            if shared:
                continue
            offset = 0
            for d in range(radix):
                c = counts[p, d]
                counts[p, d] = offset
                offset += c
            at = 32 + p * digit
            target = first if moved % 2 == 0 else second
            for j in range(size):
                record = source[j]
                d = (record >> at) & mask
                target[counts[p, d]] = record
                counts[p, d] += 1
            source = target[:size]
            moved += 1
        previous = -1
        for j in range(size):
            record = source[j]
            key = record >> 32
            row = (bucket << shift) + (key >> colbits)
            while row_done < row:
                indptr[row_done + 1] = out
                row_done += 1
            v = np.int32(key & column)
            bits = np.uint32(record & 0xFFFFFFFF)
            if key == previous:
                candidate[0] = bits
                if candidate_strength[0] > strength[out - 1]:
                    wgt[out - 1] = bits
            else:
                nbr[out] = v
                wgt[out] = bits
                out += 1
                previous = key
    while row_done < n:
        indptr[row_done + 1] = out
        row_done += 1
    if out == total:
        return indptr, nbr, wgt
    return indptr, nbr[:out].copy(), wgt[:out].copy()


def _inverse_log_degree_py(indptr: Any, nodes: Any, out: Any) -> None:
    """out[k] = 1 / log(degree of nodes[k]), the Adamic–Adar weight of a mutual connection
    (0 below degree 2, where it would be infinite or undefined: such a member introduces no
    one). Computed here, with the same `math.log` the searches used to call per query, so the
    stored weights give exactly the answers the per-query logarithms gave."""
    for k in range(nodes.shape[0]):
        v = nodes[k]
        degree = indptr[v + 1] - indptr[v]
        out[k] = 1.0 / math.log(degree) if degree >= 2 else 0.0


inverse_log_degree = _compile(_inverse_log_degree_py)


def _first_appearance_py(codes: Any, k: Any) -> tuple[Any, Any, Any]:
    """Codes 0..k-1 (-1: none) renumbered by first appearance in `codes`: (renumber, with
    renumber[k] = -1 and -1 for codes never seen; the codes in order of first appearance;
    the renumbered codes). One pass, where a sort of the codes would cost n log n."""
    renumber = np.full(k + 1, -1, dtype=np.int32)
    by_first = np.empty(k, dtype=np.int64)
    out = np.empty(codes.shape[0], dtype=np.int32)
    seen = 0
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0:
            out[i] = -1
            continue
        if renumber[c] < 0:
            renumber[c] = seen
            by_first[seen] = c
            seen += 1
        out[i] = renumber[c]
    return renumber, by_first[:seen].copy(), out


first_appearance = _compile(_first_appearance_py)


def _map_ids_py(table: Any, base: Any, n: Any, wanted: Any) -> Any:
    """Node index of each wanted id (`_node`: contiguous ids or a dense table), -1 when
    unknown."""
    out = np.empty(wanted.shape[0], dtype=np.int64)
    for k in range(wanted.shape[0]):
        out[k] = _node(wanted[k], table, base, n)
    return out


map_ids = _compile(_map_ids_py)


def _pairs_csr_py(rows: Any, row: Any, value: Any) -> tuple[Any, Any]:
    """A row → sorted, distinct values CSR from (row, value) pairs, by one counting sort
    (rows are short: members' topics and events, blocks), then an insertion sort per row."""
    indptr = np.zeros(rows + 1, dtype=np.int64)
    for k in range(row.shape[0]):
        indptr[row[k] + 1] += 1
    for i in range(rows):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    out = np.empty(row.shape[0], dtype=np.int32)
    for k in range(row.shape[0]):
        out[fill[row[k]]] = value[k]
        fill[row[k]] += 1
    kept = 0
    start = 0
    for i in range(rows):
        lo = start
        hi = indptr[i + 1]
        start = hi
        first = kept
        if hi - lo > 32:
            # A long row (a topic's members): values usually arrive sorted; sort if not.
            ordered = True
            for j in range(lo + 1, hi):
                if out[j] < out[j - 1]:
                    ordered = False
                    break
            if not ordered:
                out[lo:hi] = np.sort(out[lo:hi])
            for j in range(lo, hi):
                if kept == first or out[j] != out[kept - 1]:
                    out[kept] = out[j]
                    kept += 1
            indptr[i + 1] = kept
            continue
        for j in range(lo, hi):
            v = out[j]
            # Insert v into out[first:kept] (sorted), skipping duplicates.
            p = kept
            while p > first and out[p - 1] > v:
                p -= 1
            if p > first and out[p - 1] == v:
                continue
            for q in range(kept, p, -1):
                out[q] = out[q - 1]
            out[p] = v
            kept += 1
        indptr[i + 1] = kept
    return indptr, out[:kept].copy()


pairs_csr = _compile(_pairs_csr_py)


def _shared_counts_py(indptr: Any, indices: Any, a: Any, b: Any) -> Any:
    """For each k, how many values rows a[k] and b[k] of a CSR with sorted, distinct rows
    share (-1 nodes share nothing): the topics two connected members both follow."""
    out = np.zeros(a.shape[0], dtype=np.int32)
    for k in range(a.shape[0]):
        u = a[k]
        v = b[k]
        if u < 0 or v < 0:
            continue
        i = indptr[u]
        i_end = indptr[u + 1]
        j = indptr[v]
        j_end = indptr[v + 1]
        shared = 0
        while i < i_end and j < j_end:
            x = indices[i]
            y = indices[j]
            if x == y:
                shared += 1
                i += 1
                j += 1
            elif x < y:
                i += 1
            else:
                j += 1
        out[k] = shared
    return out


shared_counts = _compile(_shared_counts_py)


build_csr = _compile(_build_csr_py)


def _set_strengths_py(indptr: Any, nbr: Any, wgt: Any, a: Any, b: Any, w: Any) -> int:
    """Set the strength of each a[k]–b[k] connection in both directions (rows are sorted, so
    each end is a binary search). Returns how many pairs were found."""
    found = 0
    for k in range(a.shape[0]):
        hit = False
        for u, v in ((a[k], b[k]), (b[k], a[k])):
            at = _row_index(indptr, nbr, u, v)
            if at >= 0:
                wgt[at] = w[k]
                hit = True
        found += hit
    return found


set_strengths = _compile(_set_strengths_py)


def _get_strengths_py(indptr: Any, nbr: Any, wgt: Any, a: Any, b: Any, out: Any) -> None:
    """out[k] = the strength of the a[k]–b[k] connection (0 when not connected)."""
    for k in range(a.shape[0]):
        at = _row_index(indptr, nbr, a[k], b[k])
        out[k] = wgt[at] if at >= 0 else 0.0


get_strengths = _compile(_get_strengths_py)


# --- Degree of separation --------------------------------------------------------------------


# A degree-of-separation search's scratch (int32): [0] its size (nodes it can hold), then a
# bitmap of 2 bits per node (side A seen, side B seen; 16 nodes per word), then each side's
# visited nodes in the order seen. Every bit a search sets it clears before it returns.
_NODES_PER_WORD = 16
MAX_SEARCH_DEPTH = 127


def _distance_scratch_size_py(n: Any) -> Any:
    """The length of a scratch array for graphs of up to n nodes."""
    return 1 + (n + _NODES_PER_WORD - 1) // _NODES_PER_WORD + 2 * n


distance_scratch_size = _compile(_distance_scratch_size_py)


# What `distance` answers instead of hops when it cannot search (the caller fixes and retries).
DISTANCE_NEEDS_SCRATCH = -2  # scratch made for fewer nodes than the graph has
DISTANCE_BAD_DEPTH = -3  # max_hops outside 0..MAX_SEARCH_DEPTH
DISTANCE_BAD_NODE = -4  # s or t not a node of this graph


def _distance_py(indptr: Any, indices: Any, scratch: Any, s: Any, t: Any, max_hops: Any) -> int:
    """Hops between s and t by bidirectional breadth-first search, or -1 beyond `max_hops`
    (at most `MAX_SEARCH_DEPTH`); `DISTANCE_NEEDS_SCRATCH`, `DISTANCE_BAD_DEPTH` or
    `DISTANCE_BAD_NODE` when it cannot search.

    Each round expands, one whole level, the side whose frontier has fewer edges to read, so
    the cost follows the smaller neighbourhood; the first meeting gives the distance.

    `scratch` (int32, `distance_scratch_size`; `search._SearchScratch`) holds its size at
    [0], then 2 bits per node (seen by A, seen by B), then each side's visited nodes in the
    order seen (a level is a range of that list). Two bits per node are all a meeting needs:
    no earlier round met, so the distance exceeds the two depths' sum, and a node the other
    side has seen is at its current depth (were it nearer, the sides would have met
    before); so the distance is depth + 1 + the other side's depth. The bitmap is 1/32 of
    the int64 mark per node it replaces (62,500 words, 250 KB, at a million members: it
    stays in the core's cache, where the marks were random reads over 8 MB). No generation:
    before returning, the search clears the words of every node it visited, so it costs
    what it touched. The kernel takes three arrays: on a small graph a query is about a
    microsecond, and every array argument costs numba's dispatcher about 45 ns of it."""
    n = indptr.shape[0] - 1
    if max_hops < 0 or max_hops > MAX_SEARCH_DEPTH:
        return DISTANCE_BAD_DEPTH
    if s < 0 or s >= n or t < 0 or t >= n:
        return DISTANCE_BAD_NODE
    size = scratch[0]
    if size < n or scratch.shape[0] < distance_scratch_size(size):
        return DISTANCE_NEEDS_SCRATCH
    if s == t:
        return 0
    bits = 1  # the bitmap's first word
    start_a = 1 + (size + _NODES_PER_WORD - 1) // _NODES_PER_WORD
    start_b = start_a + size
    scratch[bits + (s >> 4)] |= 1 << ((s & 15) << 1)
    scratch[bits + (t >> 4)] |= 2 << ((t & 15) << 1)
    scratch[start_a] = s
    scratch[start_b] = t
    # Each side's current level is list[lo, hi); its visited nodes are list[start, hi).
    lo_a = start_a
    hi_a = start_a + 1
    lo_b = start_b
    hi_b = start_b + 1
    depth_a = 0
    depth_b = 0
    cost_a = indptr[s + 1] - indptr[s]
    cost_b = indptr[t + 1] - indptr[t]
    hops = -1
    while depth_a + depth_b < max_hops and hi_a > lo_a and hi_b > lo_b:
        expand_a = cost_a <= cost_b
        if expand_a:
            lo, hi, mine, theirs, depth, other = lo_a, hi_a, 1, 2, depth_a, depth_b
        else:
            lo, hi, mine, theirs, depth, other = lo_b, hi_b, 2, 1, depth_b, depth_a
        tail = hi
        cost = 0
        met = False
        for k in range(lo, hi):
            u = scratch[k]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                word = bits + (v >> 4)
                shift = (v & 15) << 1
                seen = (scratch[word] >> shift) & 3
                if seen & theirs:
                    met = True
                    break
                if seen:
                    continue
                scratch[word] |= mine << shift
                scratch[tail] = v
                tail += 1
                cost += indptr[v + 1] - indptr[v]
            if met:
                break
        if expand_a:
            lo_a, hi_a, depth_a, cost_a = hi, tail, depth_a + 1, cost
        else:
            lo_b, hi_b, depth_b, cost_b = hi, tail, depth_b + 1, cost
        if met:
            hops = depth + 1 + other
            break
    for k in range(start_a, hi_a):
        scratch[bits + (scratch[k] >> 4)] = 0
    for k in range(start_b, hi_b):
        scratch[bits + (scratch[k] >> 4)] = 0
    return hops


distance = _compile(_distance_py)


def entry_point(kernel: Any, *arg_types: Any) -> Callable[..., Any]:
    """`kernel`'s compiled machine code for exactly `arg_types`, called without numba's
    dispatcher (which checks every argument's type on every call: about 0.3 µs of a query
    that takes 0.6 µs on a small graph). Nothing checks the arguments' types at call time, so
    only callers whose arguments always have these types may use it."""
    kernel.compile(arg_types)
    function: Callable[..., Any] = kernel.overloads[tuple(arg_types)].entry_point
    return function


_int64_array = types.Array(types.int64, 1, "C")
_int32_array = types.Array(types.int32, 1, "C")
# (indptr, neighbours, scratch, s, t, max_hops): the types GraphSnapshot guarantees.
distance_fast = entry_point(
    distance, _int64_array, _int32_array, _int32_array, types.int64, types.int64, types.int64
)


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
    # Side A, hop 2: through an open hop-1 member x, strongest first, while x can still beat
    # the best path known (then no weaker x can either).
    has_ban = banned.shape[0] > 0
    if max_hops >= 3:
        bound = best
        by_strength = np.argsort(-a_list_w[:n_a])
        for j in range(n_a):
            i = by_strength[j]
            x = a_list[i]
            wx = a_list_w[i]
            # Every path through x scores at most wx × (x's or a later y's tie to a B root).
            if wx * b_max <= bound:
                break
            if not open_[x] or root_stamp[x] == gen:
                continue
            for e in range(indptr[x], indptr[x + 1]):
                w = weights[e]
                if w < min_strength:
                    continue
                m = indices[e]
                if has_ban and ban_stamp[m] == gen:
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


def _mark_source_py(
    indptr: Any, indices: Any, s: Any, excluded: Any, stamp: Any, count: Any, gen: Any
) -> None:
    """Stamp, for generation `gen`, what a two-hop search from s never proposes: s itself and
    the excluded members (count -1: neither a candidate nor a mutual connection), and s's
    connections (count -2: mutual connections, not candidates)."""
    stamp[s] = gen
    count[s] = -1
    for q in range(excluded.shape[0]):
        stamp[excluded[q]] = gen
        count[excluded[q]] = -1
    for e in range(indptr[s], indptr[s + 1]):
        z = indices[e]
        if stamp[z] != gen:
            stamp[z] = gen
            count[z] = -2


_mark_source = _compile(_mark_source_py)


def _two_hop_py(
    indptr: Any,
    indices: Any,
    inverse_log_degree: Any,
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
    `touched`. Excluded members do not count as mutual connections either.
    `inverse_log_degree[z]` is 1/log(deg z) (`GraphSnapshot.inverse_log_degree`)."""
    _mark_source(indptr, indices, s, excluded, stamp, count, gen)
    n = 0
    for e in range(indptr[s], indptr[s + 1]):
        z = indices[e]
        if count[z] != -2:
            continue  # excluded (e.g. blocked) members do not introduce anyone
        if indptr[z + 1] - indptr[z] < 2:
            continue
        w = inverse_log_degree[z]
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


def _kth_best_score(
    acc: Any,
    touched: Any,
    n: Any,
    k: Any,
    max_bonus: Any,
    topic_indptr: Any,
    topic_indices: Any,
    topic_mark: Any,
    topic_weight: Any,
    event_indptr: Any,
    event_indices: Any,
    event_mark: Any,
    event_weight: Any,
) -> float:
    """The k-th best score so far (acc + topics + events) over touched[:n] (n ≥ k), kept in
    k slots; a candidate whose acc + max_bonus cannot beat the worst slot is not scored."""
    best = np.full(k, -1.0, dtype=np.float64)
    low = 0
    for i in range(n):
        c = touched[i]
        value = acc[c]
        if value + max_bonus <= best[low]:
            continue
        if topic_weight > 0.0:
            for e in range(topic_indptr[c], topic_indptr[c + 1]):
                if topic_mark[topic_indices[e]]:
                    value += topic_weight
        if event_weight > 0.0:
            for e in range(event_indptr[c], event_indptr[c + 1]):
                if event_mark[event_indices[e]]:
                    value += event_weight
        if value > best[low]:
            best[low] = value
            low = 0
            for j in range(1, k):
                if best[j] < best[low]:
                    low = j
    return float(best[low])


kth_best_score = _compile(_kth_best_score)


def _adamic_adar_top_py(
    indptr: Any,
    indices: Any,
    inverse_log_degree: Any,
    s: Any,
    excluded: Any,
    stamp: Any,
    acc: Any,
    count: Any,
    touched: Any,
    gen: Any,
    k: Any,
    max_bonus: Any,
    heavy: Any,
    topic_indptr: Any,
    topic_indices: Any,
    topic_mark: Any,
    topic_weight: Any,
    event_indptr: Any,
    event_indices: Any,
    event_mark: Any,
    event_weight: Any,
) -> tuple[int, int]:
    """Adamic–Adar over s's two-hop neighbourhood, exact for every candidate that can still
    make the k best: `acc[c]` = Σ 1/log(deg z) and `count[c]` = mutual connections z, as
    `two_hop`, but reading hubs only as far as they can change the answer.

    Mutual connections are read in order of rising degree (falling weight). Before reading a
    row of at least `heavy` entries, with L the k-th best score so far (sum plus topics and
    events: a lower bound on the k-th best final score, since sums only grow) and R the
    weight of the rows not read yet: when R + max_bonus < L, no member not yet reached can
    make the k best, so the remaining rows only add to the *contenders*, the candidates with
    acc + R + max_bonus ≥ L; each row is then intersected with the sorted contenders by
    binary search when that reads less than the row. Everyone else stays below L. L is
    recomputed (a pass over the candidates) only after reading as many edges as there are
    candidates, so the checks cost at most as much as the rows they may save.

    Returns (candidates reached, lead): touched[:lead] are the candidates with exact sums
    (all of them when nothing was pruned, else the contenders)."""
    _mark_source(indptr, indices, s, excluded, stamp, count, gen)
    # The mutual connections that introduce (not excluded, degree ≥ 2), lightest first.
    m = 0
    mids = np.empty(indptr[s + 1] - indptr[s], dtype=np.int32)
    degs = np.empty(indptr[s + 1] - indptr[s], dtype=np.int64)
    for e in range(indptr[s], indptr[s + 1]):
        z = indices[e]
        if count[z] != -2:
            continue
        degree = indptr[z + 1] - indptr[z]
        if degree < 2:
            continue
        count[z] = -3  # counted once even if listed twice
        mids[m] = z
        degs[m] = degree
        m += 1
    for q in range(m):
        count[mids[q]] = -2
    order = np.argsort(degs[:m], kind="mergesort")
    weights = np.empty(m, dtype=np.float64)
    remaining = np.zeros(m + 1, dtype=np.float64)
    for q in range(m):
        weights[q] = inverse_log_degree[mids[order[q]]]
    for q in range(m - 1, -1, -1):
        remaining[q] = remaining[q + 1] + weights[q]
    n = 0
    top = 0.0
    q = 0
    bound = -1.0  # the k-th best score at the last check: it only grows
    since = 0  # edges read since the last check; a check costs a pass over the candidates
    while q < m:
        z = mids[order[q]]
        w = weights[q]
        if degs[order[q]] >= heavy and n >= k:
            reach = remaining[q] + max_bonus
            if reach < bound:
                break
            if reach < top + max_bonus and since >= n:
                since = 0
                bound = kth_best_score(
                    acc,
                    touched,
                    n,
                    k,
                    max_bonus,
                    topic_indptr,
                    topic_indices,
                    topic_mark,
                    topic_weight,
                    event_indptr,
                    event_indices,
                    event_mark,
                    event_weight,
                )
                if reach < bound:
                    break
        since += indptr[z + 1] - indptr[z]
        for f in range(indptr[z], indptr[z + 1]):
            c = indices[f]
            if stamp[c] != gen:
                stamp[c] = gen
                acc[c] = w
                count[c] = 1
                touched[n] = c
                n += 1
                if w > top:
                    top = w
            elif count[c] > 0:
                value = acc[c] + w
                acc[c] = value
                count[c] += 1
                if value > top:
                    top = value
        q += 1
    if q == m:
        return n, n
    # Pruned: the remaining (heaviest) rows only add to contenders. Before a row longer than
    # the contender list, drop those that can no longer reach L; probe the row by binary
    # search once the (sorted) contenders are few enough, else read it.
    lead = n
    ordered = False
    while q < m:
        z = mids[order[q]]
        w = weights[q]
        lo = indptr[z]
        hi = indptr[z + 1]
        if hi - lo > lead:
            reach = remaining[q] + max_bonus
            kept = 0
            for i in range(lead):  # a stable compaction: a sorted list stays sorted
                c = touched[i]
                if acc[c] + reach >= bound:
                    touched[kept] = c
                    kept += 1
            lead = kept
        if lead * 24 < hi - lo:
            if not ordered:
                touched[:lead] = np.sort(touched[:lead])
                ordered = True
            for i in range(lead):
                c = touched[i]
                a = lo
                b = hi
                while a < b:
                    mid = (a + b) >> 1
                    if indices[mid] < c:
                        a = mid + 1
                    else:
                        b = mid
                lo = a
                if a == hi:
                    break
                if indices[a] == c:
                    acc[c] += w
                    count[c] += 1
        else:
            for f in range(lo, hi):
                c = indices[f]
                if stamp[c] == gen and count[c] > 0:
                    acc[c] += w
                    count[c] += 1
        q += 1
    return n, lead


adamic_adar_top = _compile(_adamic_adar_top_py)


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


def _named_mutuals_py(
    indptr: Any,
    indices: Any,
    weights: Any,
    mine: Any,
    mine_w: Any,
    candidates: Any,
    out: Any,
) -> None:
    """For each candidate c, the (at most) `out.shape[1]` strongest mutual connections: the
    members z of `mine` (s's connections, sorted, with their ties to s `mine_w`) in c's row,
    by falling s–z × z–c (float64 products of the float32 strengths), equal products in
    `mine`'s order; out[i] is padded with -1.

    `mine` is sorted and so is c's row, so each next z is searched from where the last one
    stopped, by doubling steps then bisection (a hub's row of 90,000 costs a few probes per z
    near the last one, not a binary search of the whole row each time)."""
    slots = out.shape[1]
    best = np.empty(slots, dtype=np.float64)
    for i in range(candidates.shape[0]):
        c = candidates[i]
        for j in range(slots):
            out[i, j] = -1
            best[j] = -1.0
        lo = indptr[c]
        hi = indptr[c + 1]
        for q in range(mine.shape[0]):
            if lo >= hi:
                break
            z = mine[q]
            # The first position in lo..hi whose entry is ≥ z: doubling steps, then bisection.
            if indices[lo] < z:
                step = 1
                while lo + step < hi and indices[lo + step] < z:
                    lo += step
                    step *= 2
                a = lo + 1
                b = min(lo + step, hi)
                while a < b:
                    mid = (a + b) >> 1
                    if indices[mid] < z:
                        a = mid + 1
                    else:
                        b = mid
                lo = a
                if lo >= hi:
                    break
            if indices[lo] != z:
                continue
            through = np.float64(mine_w[q]) * np.float64(weights[lo])
            lo += 1
            if through <= best[slots - 1]:
                continue
            p = slots - 1
            while p > 0 and best[p - 1] < through:
                best[p] = best[p - 1]
                out[i, p] = out[i, p - 1]
                p -= 1
            best[p] = through
            out[i, p] = z


named_mutuals = _compile(_named_mutuals_py)
