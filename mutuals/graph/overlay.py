"""An overlay of pair changes laid over a published snapshot: connections made or removed
(or their strength changed), blocks made or lifted, since the snapshot was built.

The published snapshot is immutable and shared by every process on the host; a server
process lays the few changes since it over its own copy of the connection arrays, so a new
connection or a block reaches the very next answer without waiting for the builder. Each
change states what is now true of a pair (connected with a strength, or not; blocked or not),
so laying the same change twice, or one the snapshot already holds, changes nothing.

Cost: the rows of the touched members are rebuilt (small sorted merges) and the connection
arrays are copied around them, once per new set of changes and process: a memory copy of 8
bytes per directed edge (11–43 ms at 100,000 members / 2M connections on a loaded 2-core
machine, docs/benchmarks.md).
Every other array (attributes, topics, events) is shared with the published snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from mutuals.graph.snapshot import Csr, GraphSnapshot, inverse_log_degrees

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PairChanges:
    """What is now true of each changed pair, as member ids (one entry per pair):
    `connected` pairs with their `strengths`, `apart` pairs (no connection), `blocked` pairs
    (no connection either, and never routed through each other) and `unblocked` pairs."""

    connected: tuple[Ids, Ids]
    strengths: npt.NDArray[np.float32]
    apart: tuple[Ids, Ids]
    blocked: tuple[Ids, Ids]
    unblocked: tuple[Ids, Ids]

    @property
    def size(self) -> int:
        return int(self.connected[0].size + self.apart[0].size + self.unblocked[0].size)


def overlaid(snapshot: GraphSnapshot, changes: PairChanges, *, version: int) -> GraphSnapshot:
    """`snapshot` with `changes` laid over it, as version `version`. Pairs naming a member the
    snapshot does not hold (joined since it was built) are left for the next build."""
    node_a, node_b, weight = _directed(
        snapshot,
        np.concatenate([changes.connected[0], changes.apart[0], changes.blocked[0]]),
        np.concatenate([changes.connected[1], changes.apart[1], changes.blocked[1]]),
        np.concatenate(
            [
                np.clip(changes.strengths.astype(np.float32), 0.0, 1.0),
                np.full(changes.apart[0].size + changes.blocked[0].size, np.nan, np.float32),
            ]
        ),
    )
    indptr, neighbours, strengths = _rows_replaced(snapshot, node_a, node_b, weight)
    blocked = _blocks_replaced(snapshot, changes)
    inverse_log_degree = snapshot.inverse_log_degree
    if node_a.size:
        # Only the touched members' degrees can have changed.
        touched = np.unique(node_a)
        inverse_log_degree = inverse_log_degree.copy()
        inverse_log_degree[touched] = inverse_log_degrees(indptr, touched)
    return replace(
        snapshot,
        version=version,
        indptr=indptr,
        neighbours=neighbours,
        strengths=strengths,
        inverse_log_degree=inverse_log_degree,
        blocked=blocked,
    )


def _directed(
    snapshot: GraphSnapshot, a: Ids, b: Ids, weight: npt.NDArray[np.float32]
) -> tuple[Ids, Ids, npt.NDArray[np.float32]]:
    """Both directions of each known pair, sorted by (from, to); NaN weight: no edge."""
    na = snapshot.nodes_of(a)
    nb = snapshot.nodes_of(b)
    known = (na >= 0) & (nb >= 0) & (na != nb)
    src = np.concatenate([na[known], nb[known]])
    dst = np.concatenate([nb[known], na[known]])
    w = np.concatenate([weight[known], weight[known]])
    order = np.lexsort((dst, src))
    return src[order], dst[order], w[order]


def _rows_replaced(
    snapshot: GraphSnapshot, src: Ids, dst: Ids, weight: npt.NDArray[np.float32]
) -> tuple[Ids, npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    indptr, neighbours, strengths = snapshot.indptr, snapshot.neighbours, snapshot.strengths
    if src.size == 0:
        return indptr, neighbours, strengths
    touched, starts = np.unique(src, return_index=True)
    ends = np.append(starts[1:], src.size)
    degrees = np.diff(indptr)
    new_degrees = degrees.copy()
    pieces_n: list[npt.NDArray[np.int32]] = []
    pieces_w: list[npt.NDArray[np.float32]] = []
    previous_end = 0
    for node, lo, hi in zip(touched.tolist(), starts.tolist(), ends.tolist(), strict=True):
        row = neighbours[indptr[node] : indptr[node + 1]]
        row_w = strengths[indptr[node] : indptr[node + 1]]
        targets = dst[lo:hi].astype(np.int32)
        weights = weight[lo:hi]
        kept = ~np.isin(row, targets)
        added = ~np.isnan(weights)
        merged = np.concatenate([row[kept], targets[added]])
        merged_w = np.concatenate([row_w[kept], weights[added]])
        order = np.argsort(merged, kind="stable")
        pieces_n += [neighbours[previous_end : indptr[node]], merged[order]]
        pieces_w += [strengths[previous_end : indptr[node]], merged_w[order]]
        previous_end = int(indptr[node + 1])
        new_degrees[node] = merged.size
    pieces_n.append(neighbours[previous_end:])
    pieces_w.append(strengths[previous_end:])
    new_indptr = np.zeros(indptr.size, dtype=np.int64)
    np.cumsum(new_degrees, out=new_indptr[1:])
    return (
        new_indptr,
        np.ascontiguousarray(np.concatenate(pieces_n), dtype=np.int32),
        np.ascontiguousarray(np.concatenate(pieces_w), dtype=np.float32),
    )


def _blocks_replaced(snapshot: GraphSnapshot, changes: PairChanges) -> Csr:
    blocked = snapshot.blocked
    n = snapshot.node_count
    if changes.blocked[0].size == 0 and changes.unblocked[0].size == 0:
        return blocked
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(blocked.indptr))
    cols = blocked.indices.astype(np.int64)
    add_a, add_b = snapshot.nodes_of(changes.blocked[0]), snapshot.nodes_of(changes.blocked[1])
    known = (add_a >= 0) & (add_b >= 0)
    rows = np.concatenate([rows, add_a[known], add_b[known]])
    cols = np.concatenate([cols, add_b[known], add_a[known]])
    lift_a = snapshot.nodes_of(changes.unblocked[0])
    lift_b = snapshot.nodes_of(changes.unblocked[1])
    if lift_a.size:
        size = max(n, 1)
        lifted = np.concatenate([lift_a * size + lift_b, lift_b * size + lift_a])
        keep = ~np.isin(rows * size + cols, lifted)
        rows, cols = rows[keep], cols[keep]
    return Csr.from_pairs(n, rows, cols)
