"""The immutable graph snapshot: connections in compressed sparse rows, with strengths and the
member attributes the searches filter on.

Layout (n members, m connections, so 2m directed edges):

- `member_ids[i]`: the member id of node i, ascending, so ids map to nodes by binary search;
- `indptr[i]:indptr[i + 1]` slices `neighbours` (int32, ascending within a row) and
  `strengths` (float32 in [0, 1]; 0 marks a tie that must not carry an introduction);
- `inverse_log_degree[i]`: 1 / log(degree of i), i's weight as a mutual connection in people
  you may know (Adamic–Adar), computed once per build;
- `open_to_introductions[i]`, `company[i]` (a code, -1 when none), and two small CSR maps,
  member → topic codes and member → event codes, plus their inverses for "anyone with topic";
- `blocked`: member → members it must never be routed through or to (either side's block).

That is 8 bytes per directed edge plus about 38 bytes per member. A snapshot is never changed
after it is built; a new version replaces it whole (`version` says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from mutuals.graph import _kernels

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def normalize_label(label: str) -> str:
    """Company names and topics compare case- and space-insensitively."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True, eq=False)
class Csr:
    """A row → values map in compressed sparse rows (used for topics, events, blocks)."""

    indptr: Int64Array
    indices: Int32Array

    @classmethod
    def from_pairs(cls, rows: int, row: npt.ArrayLike, value: npt.ArrayLike) -> Csr:
        row_arr = np.ascontiguousarray(row, dtype=np.int64)
        value_arr = np.ascontiguousarray(value, dtype=np.int32)
        indptr, indices = _kernels.pairs_csr(rows, row_arr, value_arr)
        return cls(indptr=indptr, indices=indices)

    @classmethod
    def empty(cls, rows: int) -> Csr:
        return cls(indptr=np.zeros(rows + 1, dtype=np.int64), indices=np.zeros(0, np.int32))

    def row(self, i: int) -> Int32Array:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def transpose(self, columns: int) -> Csr:
        rows = np.repeat(
            np.arange(self.indptr.size - 1, dtype=np.int64), np.diff(self.indptr).astype(np.int64)
        )
        return Csr.from_pairs(columns, self.indices, rows)

    @property
    def nbytes(self) -> int:
        return int(self.indptr.nbytes + self.indices.nbytes)

    def shared(self, a: npt.ArrayLike, b: npt.ArrayLike) -> Int32Array:
        """How many values rows a[k] and b[k] share, for each k (rows -1: none)."""
        counts: Int32Array = _kernels.shared_counts(
            self.indptr,
            self.indices,
            np.ascontiguousarray(a, dtype=np.int64),
            np.ascontiguousarray(b, dtype=np.int64),
        )
        return counts


@dataclass(frozen=True, eq=False)
class GraphSnapshot:
    version: int
    member_ids: Int64Array
    indptr: Int64Array
    neighbours: Int32Array
    strengths: FloatArray
    # 1 / log(degree) per node (0 below degree 2): each member's Adamic–Adar weight as a
    # mutual connection, computed once per build instead of per query.
    inverse_log_degree: Float64Array
    open_to_introductions: BoolArray
    company: Int32Array
    company_names: tuple[str, ...]
    topics: Csr
    topic_names: tuple[str, ...]
    events: Csr
    event_names: tuple[str, ...]
    blocked: Csr
    company_members: Csr = field(repr=False)
    topic_members: Csr = field(repr=False)
    _company_codes: dict[str, int] = field(repr=False)
    _topic_codes: dict[str, int] = field(repr=False)

    def __post_init__(self) -> None:
        # The degree-of-separation fast path calls its kernel's machine code for exactly these
        # types without numba's per-call type check (`_kernels.entry_point`): refuse anything
        # else here, once, instead of reading the wrong memory later.
        for name, array, dtype in (
            ("indptr", self.indptr, np.int64),
            ("neighbours", self.neighbours, np.int32),
        ):
            if array.dtype != dtype or array.ndim != 1 or not array.flags.c_contiguous:
                raise TypeError(f"GraphSnapshot.{name} must be a contiguous 1-D {dtype.__name__}")
        if self.inverse_log_degree.shape != (self.member_ids.size,):
            raise ValueError("GraphSnapshot.inverse_log_degree must have one entry per member")

    # --- sizes ----------------------------------------------------------------------------
    @property
    def node_count(self) -> int:
        return int(self.member_ids.size)

    @property
    def edge_count(self) -> int:
        """Connections (each stored in both directions)."""
        return int(self.neighbours.size // 2)

    def graph_nbytes(self) -> int:
        """Bytes of the connection graph proper: row offsets, neighbours, strengths, ids."""
        return int(
            self.indptr.nbytes
            + self.neighbours.nbytes
            + self.strengths.nbytes
            + self.member_ids.nbytes
        )

    def nbytes(self) -> int:
        """Every array the snapshot holds."""
        return (
            self.graph_nbytes()
            + int(self.inverse_log_degree.nbytes)
            + int(self.open_to_introductions.nbytes + self.company.nbytes)
            + self.topics.nbytes
            + self.events.nbytes
            + self.blocked.nbytes
            + self.company_members.nbytes
            + self.topic_members.nbytes
        )

    # --- lookups --------------------------------------------------------------------------
    def node_of(self, member_id: int) -> int | None:
        i = int(np.searchsorted(self.member_ids, member_id))
        if i < self.member_ids.size and int(self.member_ids[i]) == member_id:
            return i
        return None

    def nodes_of(self, member_ids: npt.ArrayLike) -> Int64Array:
        """Node index of each id, -1 for ids not in the snapshot."""
        return _search_nodes(self.member_ids, np.asarray(member_ids, dtype=np.int64))

    def neighbours_of(self, node: int) -> Int32Array:
        return self.neighbours[self.indptr[node] : self.indptr[node + 1]]

    def strengths_of(self, node: int) -> FloatArray:
        return self.strengths[self.indptr[node] : self.indptr[node + 1]]

    def degree(self, node: int) -> int:
        return int(self.indptr[node + 1] - self.indptr[node])

    def strength(self, a: int, b: int) -> float | None:
        """The strength of the a–b connection (nodes), or None when not connected."""
        row = self.neighbours_of(a)
        k = int(np.searchsorted(row, b))
        if k < row.size and int(row[k]) == b:
            return float(self.strengths[self.indptr[a] + k])
        return None

    def company_code(self, name: str) -> int | None:
        return self._company_codes.get(normalize_label(name))

    def topic_code(self, name: str) -> int | None:
        return self._topic_codes.get(normalize_label(name))

    def members_at_company(self, name: str) -> Int32Array:
        code = self.company_code(name)
        return self.company_members.row(code) if code is not None else np.zeros(0, np.int32)

    def members_with_topic(self, name: str) -> Int32Array:
        code = self.topic_code(name)
        return self.topic_members.row(code) if code is not None else np.zeros(0, np.int32)

    def blocked_with(self, node: int) -> Int32Array:
        return self.blocked.row(node)

    # --- patches --------------------------------------------------------------------------
    def patched(
        self,
        *,
        version: int,
        strengths: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None,
        openness: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    ) -> GraphSnapshot:
        """A new snapshot with some edge strengths and openness flags replaced; everything
        else is shared with this one (which is not changed).

        - `strengths`: (member ids a, member ids b, new strengths) per connection; both
          directions are set; pairs that are not connected here are ignored;
        - `openness`: (member ids, open to introductions)."""
        weights = self.strengths
        if strengths is not None:
            a = self.nodes_of(strengths[0])
            b = self.nodes_of(strengths[1])
            w = np.clip(np.asarray(strengths[2], dtype=np.float32), 0.0, 1.0)
            known = (a >= 0) & (b >= 0)
            weights = self.strengths.copy()
            _kernels.set_strengths(
                self.indptr,
                self.neighbours,
                weights,
                np.ascontiguousarray(a[known]),
                np.ascontiguousarray(b[known]),
                np.ascontiguousarray(w[known]),
            )
        open_arr = self.open_to_introductions
        if openness is not None:
            nodes = self.nodes_of(openness[0])
            flags = np.asarray(openness[1], dtype=np.bool_)
            open_arr = open_arr.copy()
            open_arr[nodes[nodes >= 0]] = flags[nodes >= 0]
        return replace(self, version=version, strengths=weights, open_to_introductions=open_arr)


def _factorize(
    labels: Sequence[str], order: Int64Array
) -> tuple[tuple[str, ...], dict[str, int], Int32Array]:
    """(names, normalized name → code, code per member in `order`, -1 when blank), codes
    numbered by first appearance in that order. Each distinct label is normalized once, so a
    million members at twenty thousand companies cost a million dictionary lookups, not a
    million normalizations."""
    position: dict[str, int] = dict.fromkeys(labels, 0)
    for index, label in enumerate(position):
        position[label] = index
    raw = np.fromiter(map(position.__getitem__, labels), dtype=np.int32, count=len(labels))
    return _factorize_codes(raw, list(position), order)


def _factorize_codes(
    raw: Int32Array, labels: Sequence[str], order: Int64Array
) -> tuple[tuple[str, ...], dict[str, int], Int32Array]:
    """`_factorize` for labels given as codes: `raw[i]` indexes `labels` (-1: none) for the
    i-th member of the input order. Labels equal once normalized get one code."""
    names: list[str] = []
    codes: dict[str, int] = {}
    merged = np.full(len(labels) + 1, -1, dtype=np.int32)  # the last entry: raw code -1
    for index, label in enumerate(labels):
        key = normalize_label(label)
        if not key:
            continue
        if key not in codes:
            codes[key] = len(names)
            names.append(label.strip())
        merged[index] = codes[key]
    member_codes = merged[np.asarray(raw, dtype=np.int64)][order]
    # Renumber by first appearance in member order (stable whatever order labels came in).
    renumber, by_first, result = _kernels.first_appearance(
        np.ascontiguousarray(member_codes), len(names)
    )
    names_out = tuple(names[code] for code in by_first.tolist())
    codes_out = {key: int(renumber[code]) for key, code in codes.items() if renumber[code] >= 0}
    return names_out, codes_out, result


def build_snapshot(
    *,
    member_ids: npt.ArrayLike,
    sources: npt.ArrayLike,
    targets: npt.ArrayLike,
    strengths: npt.ArrayLike | None = None,
    version: int = 0,
    open_to_introductions: npt.ArrayLike | None = None,
    companies: Sequence[str] | None = None,
    company_codes: tuple[npt.ArrayLike, Sequence[str]] | None = None,
    topic_pairs: tuple[npt.ArrayLike, Sequence[str]] | None = None,
    event_pairs: tuple[npt.ArrayLike, Sequence[str]] | None = None,
    blocked_pairs: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
) -> GraphSnapshot:
    """Build a snapshot from arrays, in bulk.

    - `member_ids`: every member (any order, unique);
    - `sources`, `targets`, `strengths`: one entry per connection, as member ids; a pair
      given twice keeps its strongest strength; pairs naming unknown members are dropped;
    - `open_to_introductions`: per member of `member_ids` (default: everyone open);
    - `companies`: per member, the company name ("" for none); or `company_codes`, per
      member an index into a list of names (-1 for none), and the list;
    - `topic_pairs` / `event_pairs`: `(pairs, names)` where pairs is an (k, 2) array of
      (member id, code) and names[code] is the label;
    - `blocked_pairs`: (blocker ids, blocked ids); a blocked pair is never connected here.
    """
    raw_ids = np.asarray(member_ids, dtype=np.int64)
    order = np.argsort(raw_ids, kind="stable")
    ids = np.ascontiguousarray(raw_ids[order])
    n = int(ids.size)
    if n and np.any(ids[1:] == ids[:-1]):
        raise ValueError("member_ids must be unique")
    probe = GraphSnapshotIds(ids)

    src = np.ascontiguousarray(sources, dtype=np.int64)
    dst = np.ascontiguousarray(targets, dtype=np.int64)
    if src.shape != dst.shape or src.ndim != 1:
        raise ValueError("sources and targets must be 1-D and of the same length")
    if strengths is None:
        weight = np.ones(src.size, dtype=np.float32)
    else:
        weight = np.clip(np.asarray(strengths, dtype=np.float32), 0.0, 1.0)
        if weight.shape != src.shape:
            raise ValueError("strengths must have one entry per connection")

    if blocked_pairs is not None:
        block_a = probe.nodes(blocked_pairs[0])
        block_b = probe.nodes(blocked_pairs[1])
        valid = (block_a >= 0) & (block_b >= 0) & (block_a != block_b)
        block_a, block_b = block_a[valid], block_b[valid]
        blocked = Csr.from_pairs(
            n, np.concatenate([block_a, block_b]), np.concatenate([block_b, block_a])
        )
    else:
        blocked = Csr.empty(n)
    # Members with a block, for the kernel's quick test (empty: nobody blocks anyone).
    has_block = (np.diff(blocked.indptr) > 0) if blocked.indices.size else np.zeros(0, np.bool_)

    if probe.table is None and probe.base is None:  # ids far apart: binary search here
        src, dst = probe.nodes(src), probe.nodes(dst)
        table, base = _NO_TABLE, 0
    else:  # contiguous or dense ids: the kernel maps them as it reads them
        table = _NO_TABLE if probe.table is None else probe.table
        base = int(probe.base or 0)
    indptr, neighbours, weight_bits = _kernels.build_csr(
        n,
        src,
        dst,
        np.ascontiguousarray(weight).view(np.uint32),
        table,
        base,
        has_block,
        blocked.indptr,
        blocked.indices,
        BUCKET_RECORDS,
    )
    weights = weight_bits.view(np.float32)

    if open_to_introductions is None:
        open_arr = np.ones(n, dtype=np.bool_)
    else:
        open_arr = np.ascontiguousarray(np.asarray(open_to_introductions, dtype=np.bool_)[order])

    if company_codes is not None:
        company_names, company_code_of, company = _factorize_codes(
            np.asarray(company_codes[0], dtype=np.int32), company_codes[1], order
        )
    elif companies is not None:
        company_names, company_code_of, company = _factorize(companies, order)
    else:
        company_names, company_code_of = (), {}
        company = np.full(n, -1, dtype=np.int32)
    has_company = np.flatnonzero(company >= 0)
    company_members = Csr.from_pairs(len(company_names), company[has_company], has_company)

    topics, topic_names, topic_codes = _attribute(probe, n, topic_pairs)
    events, event_names, _ = _attribute(probe, n, event_pairs)

    return GraphSnapshot(
        version=version,
        member_ids=ids,
        indptr=indptr,
        neighbours=neighbours,
        strengths=weights,
        inverse_log_degree=inverse_log_degrees(indptr),
        open_to_introductions=open_arr,
        company=company,
        company_names=company_names,
        topics=topics,
        topic_names=topic_names,
        events=events,
        event_names=event_names,
        blocked=blocked,
        company_members=company_members,
        topic_members=topics.transpose(len(topic_names)),
        _company_codes=company_code_of,
        _topic_codes=topic_codes,
    )


def inverse_log_degrees(indptr: Int64Array, nodes: Int64Array | None = None) -> Float64Array:
    """1 / log(degree) per node (of `nodes`, default: every node); see
    `_kernels.inverse_log_degree`."""
    wanted = np.arange(indptr.size - 1, dtype=np.int64) if nodes is None else nodes
    out = np.empty(wanted.size, dtype=np.float64)
    _kernels.inverse_log_degree(indptr, np.ascontiguousarray(wanted, dtype=np.int64), out)
    return out


_NO_TABLE = np.zeros(0, dtype=np.int32)
# The build sorts the connections in buckets of consecutive rows holding about this many
# directed edges each (`_kernels.build_csr`): a bucket's records and the two sort buffers
# (8 bytes a record each) then stay in a core's own cache (512 KiB here) while it is sorted.
BUCKET_RECORDS = 1 << 14


class GraphSnapshotIds:
    """Member id → node index over a sorted id array (used while building).

    Database ids are nearly dense. When they are contiguous (`base`, `base` + 1, …) a node is
    the id minus `base`; when the largest is at most DENSE_FACTOR times the member count
    above the smallest, a direct table (int32, from `base`) maps them: one read per id
    instead of a binary search. Otherwise (`base` None) ids are found by binary search."""

    DENSE_FACTOR = 4

    def __init__(self, ids: Int64Array) -> None:
        self.ids = ids
        self.table: Int32Array | None = None
        self.base: int | None = None
        if not ids.size:
            return
        span = int(ids[-1]) - int(ids[0]) + 1
        if span == ids.size:
            self.base = int(ids[0])
        elif span <= self.DENSE_FACTOR * ids.size + 1024 and ids.size < 2**31:
            self.base = int(ids[0])
            table = np.full(span, -1, dtype=np.int32)
            table[ids - self.base] = np.arange(ids.size, dtype=np.int32)
            self.table = table

    def nodes(self, member_ids: npt.ArrayLike) -> Int64Array:
        wanted = np.ascontiguousarray(member_ids, dtype=np.int64)
        if self.ids.size == 0:
            return np.full(wanted.size, -1, dtype=np.int64)
        if self.base is not None:
            table = _NO_TABLE if self.table is None else self.table
            found: Int64Array = _kernels.map_ids(table, self.base, self.ids.size, wanted)
            return found
        return _search_nodes(self.ids, wanted)


def _search_nodes(ids: Int64Array, wanted: Int64Array) -> Int64Array:
    if ids.size == 0:
        return np.full(wanted.size, -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    clipped = np.minimum(pos, ids.size - 1)
    return np.where(ids[clipped] == wanted, clipped, -1).astype(np.int64)


def _attribute(
    probe: GraphSnapshotIds, n: int, pairs: tuple[npt.ArrayLike, Sequence[str]] | None
) -> tuple[Csr, tuple[str, ...], dict[str, int]]:
    if pairs is None:
        return Csr.empty(n), (), {}
    raw, labels = pairs
    array: Any = np.asarray(raw, dtype=np.int64).reshape(-1, 2)
    names = tuple(label.strip() for label in labels)
    codes = {normalize_label(name): code for code, name in enumerate(names)}
    nodes = probe.nodes(array[:, 0])
    valid = (nodes >= 0) & (array[:, 1] >= 0) & (array[:, 1] < len(names))
    return Csr.from_pairs(n, nodes[valid], array[valid, 1]), names, codes
