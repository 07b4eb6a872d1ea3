"""Queries over a `GraphSnapshot`: degree of separation, strongest warm-introduction paths and
people you may know. Every answer is in member ids; nodes stay inside this package.

Each thread keeps one `Workspace` of scratch arrays sized to the graph, reused across queries
by generation stamps, so a query allocates nothing proportional to the graph.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mutuals.graph import _kernels
from mutuals.graph.snapshot import GraphSnapshot, Int32Array

# Ties weaker than this never carry an introduction ("very weak" or resting: strength 0).
MIN_INTRODUCTION_STRENGTH = 0.2
MAX_PATH_HOPS = 4
DEFAULT_ALTERNATIVES = 3
# People you may know: points per shared topic and per event both attended, on top of the
# Adamic–Adar sum (about 1.4 for one mutual connection who has two connections, 0.2 for a hub).
TOPIC_WEIGHT = 0.25
EVENT_WEIGHT = 0.5
MAX_NAMED_MUTUALS = 3
# People you may know reads a connection's row of at least this many entries only when it can
# still change the best suggestions (see `_kernels.adamic_adar_top`).
HUB_ROW = 1024

_EMPTY = np.zeros(0, dtype=np.int32)


class Workspace:
    """Scratch arrays for one thread; entries are valid only under the current stamp."""

    def __init__(self, n: int) -> None:
        size = max(n, 1)
        self.size = size
        self.generation = 0
        self.stamp_a = np.zeros(size, dtype=np.int32)
        self.stamp_b = np.zeros(size, dtype=np.int32)
        self.stamp_ban = np.zeros(size, dtype=np.int32)
        self.level_a = np.zeros(size, dtype=np.int32)
        self.level_b = np.zeros(size, dtype=np.int32)
        self.list_a = np.zeros(size, dtype=np.int32)
        self.list_b = np.zeros(size, dtype=np.int32)
        self.list_w = np.zeros(size, dtype=np.float64)
        self.val_a = np.zeros(size, dtype=np.float64)
        self.val_b = np.zeros(size, dtype=np.float64)
        self.stamp_y = np.zeros(size, dtype=np.int32)
        self.pos_y = np.zeros(size, dtype=np.int32)
        self.hop_b = np.zeros(size, dtype=np.int8)

    def next_generation(self) -> int:
        self.generation += 1
        if self.generation >= 2**31 - 1:
            for stamps in (self.stamp_a, self.stamp_b, self.stamp_ban, self.stamp_y):
                stamps.fill(0)
            self.generation = 1
        return self.generation


_local = threading.local()


def workspace_for(snapshot: GraphSnapshot) -> Workspace:
    workspace: Workspace | None = getattr(_local, "workspace", None)
    if workspace is None or workspace.size < snapshot.node_count:
        workspace = Workspace(snapshot.node_count)
        _local.workspace = workspace
    return workspace


def _nodes(snapshot: GraphSnapshot, member_ids: Iterable[int]) -> Int32Array:
    ids = np.fromiter(member_ids, dtype=np.int64)
    nodes = snapshot.nodes_of(ids)
    return np.ascontiguousarray(nodes[nodes >= 0].astype(np.int32))


# --- Degree of separation ----------------------------------------------------------------


def degree_of_separation(
    snapshot: GraphSnapshot, source_id: int, target_id: int, *, max_hops: int = 3
) -> int | None:
    """Hops from one member to another when at most `max_hops`, else None."""
    s = snapshot.node_of(source_id)
    t = snapshot.node_of(target_id)
    if s is None or t is None:
        return None
    hops = distance_nodes(snapshot, s, t, max_hops=max_hops)
    return hops if hops >= 0 else None


class _SearchScratch(threading.local):
    """Degree of separation's scratch array for this thread (see `_kernels.distance`): [0]
    says how many nodes it is made for; it starts with none, and the first query on a graph
    larger than it replaces it. Every search leaves it as it found it."""

    array: npt.NDArray[np.int32] = np.zeros(1, dtype=np.int32)


_search_scratch = _SearchScratch()


def distance_nodes(snapshot: GraphSnapshot, s: int, t: int, *, max_hops: int) -> int:
    """Hops between nodes s and t when at most `max_hops` (0–127), else -1."""
    # The unchecked entry point is safe here: GraphSnapshot refuses any other array types,
    # the scratch is ours, and the kernel checks the nodes, the depth and the scratch's size.
    hops: int = _kernels.distance_fast(
        snapshot.indptr, snapshot.neighbours, _search_scratch.array, s, t, max_hops
    )
    if hops >= -1:
        return hops
    if hops == _kernels.DISTANCE_NEEDS_SCRATCH:
        n = snapshot.node_count
        scratch = np.zeros(_kernels.distance_scratch_size(n), dtype=np.int32)
        scratch[0] = n
        _search_scratch.array = scratch
        return distance_nodes(snapshot, s, t, max_hops=max_hops)
    if hops == _kernels.DISTANCE_BAD_DEPTH:
        raise ValueError(f"max_hops must be between 0 and {_kernels.MAX_SEARCH_DEPTH}")
    raise IndexError(f"nodes {s} and {t}: the graph has {snapshot.node_count} nodes")


@dataclass(frozen=True)
class Proximity:
    degree: int | None
    mutual_count: int


class Circle:
    """A viewer's first- and second-degree sets, computed once and reused for every badge on
    a page (degree 1, 2, 3 = exactly three hops, None beyond) and for mutual counts."""

    def __init__(self, snapshot: GraphSnapshot, viewer_id: int) -> None:
        self.snapshot = snapshot
        self.viewer = snapshot.node_of(viewer_id)
        if self.viewer is None:
            self.first: Int32Array = _EMPTY
            self.second: Int32Array = _EMPTY
            return
        self.first = snapshot.neighbours_of(self.viewer)
        ws = workspace_for(snapshot)
        count = _kernels.two_hop(
            snapshot.indptr,
            snapshot.neighbours,
            snapshot.inverse_log_degree,
            self.viewer,
            _EMPTY,
            ws.stamp_a,
            ws.val_a,
            ws.level_a,
            ws.list_a,
            ws.next_generation(),
        )
        self.second = np.sort(ws.list_a[:count])

    def proximity(self, member_id: int) -> Proximity:
        node = self.snapshot.node_of(member_id)
        if node is None or self.viewer is None or node == self.viewer:
            return Proximity(degree=None, mutual_count=0)
        theirs = self.snapshot.neighbours_of(node)
        mutual = int(_sorted_overlap(theirs, self.first).size)
        if _contains(self.first, node):
            degree: int | None = 1
        elif _contains(self.second, node):
            degree = 2
        elif _sorted_overlap(theirs, self.second).size:
            degree = 3
        else:
            degree = None
        return Proximity(degree=degree, mutual_count=mutual)

    def mutual_ids(self, member_id: int) -> list[int]:
        node = self.snapshot.node_of(member_id)
        if node is None:
            return []
        overlap = _sorted_overlap(self.snapshot.neighbours_of(node), self.first)
        return [int(x) for x in self.snapshot.member_ids[overlap]]


def _contains(sorted_nodes: Int32Array, node: int) -> bool:
    k = int(np.searchsorted(sorted_nodes, node))
    return k < sorted_nodes.size and int(sorted_nodes[k]) == node


def _sorted_overlap(a: Int32Array, b: Int32Array) -> Int32Array:
    if a.size == 0 or b.size == 0:
        return _EMPTY
    if a.size > b.size:
        a, b = b, a
    k = np.minimum(np.searchsorted(b, a), b.size - 1)
    overlap: Int32Array = a[b[k] == a]
    return overlap


# --- Strongest warm-introduction paths -----------------------------------------------------


@dataclass(frozen=True)
class WarmPath:
    """Members from the requester to the target; `strengths[i]` joins members i and i+1;
    `score` is their product."""

    members: tuple[int, ...]
    strengths: tuple[float, ...]
    score: float

    @property
    def hops(self) -> int:
        return len(self.members) - 1


def strongest_paths(
    snapshot: GraphSnapshot,
    source_id: int,
    *,
    to: int | None = None,
    company: str | None = None,
    topic: str | None = None,
    alternatives: int = DEFAULT_ALTERNATIVES,
    max_hops: int = MAX_PATH_HOPS,
    min_strength: float = MIN_INTRODUCTION_STRENGTH,
    excluded: Iterable[int] = (),
) -> list[WarmPath]:
    """The strongest paths (product of strengths) of at most `max_hops` from `source_id` to
    one member (`to`), or to anyone at `company` or with `topic`, best first.

    After the best path, each alternative avoids every earlier path's first-hop introducer,
    so the answers go through different people. Members in `excluded` (e.g. blocked either
    way), members the snapshot marks as blocked with the source or the target, and members
    closed to introductions are never inner members; ties below `min_strength` are skipped.
    A target who is already a connection is answered by the direct one-hop path."""
    if not 1 <= max_hops <= MAX_PATH_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
    s = snapshot.node_of(source_id)
    if s is None:
        return []
    if sum(x is not None for x in (to, company, topic)) != 1:
        raise ValueError("give exactly one of to, company, topic")
    excluded = list(excluded)
    banned = set(_nodes(snapshot, excluded).tolist()) if excluded else set()
    banned.update(snapshot.blocked_with(s).tolist())
    if to is not None:
        t = snapshot.node_of(to)
        if t is None or t in banned:
            return []
        targets = np.array([t], dtype=np.int32)
        banned.update(snapshot.blocked_with(t).tolist())
    elif company is not None:
        targets = snapshot.members_at_company(company)
    else:
        targets = snapshot.members_with_topic(topic or "")
    found: list[WarmPath] = []
    for _ in range(max(alternatives, 1)):
        path = _strongest_once(snapshot, s, targets, banned, max_hops, min_strength)
        if path is None:
            break
        found.append(path)
        if path.hops == 1 and to is not None:
            break  # already connected: no introduction needed
        banned.add(int(snapshot.nodes_of([path.members[1]])[0]))
    return found


def _strongest_once(
    snapshot: GraphSnapshot,
    s: int,
    targets: Int32Array,
    banned: set[int],
    max_hops: int,
    min_strength: float,
) -> WarmPath | None:
    ws = workspace_for(snapshot)
    source = np.array([s], dtype=np.int32)
    targets = np.ascontiguousarray(targets[targets != s], dtype=np.int32)
    if targets.size == 0:
        return None
    # The side whose two-hop neighbourhood is cheaper to read is expanded two hops (side A).
    forward = _kernels.two_hop_cost(snapshot.indptr, snapshot.neighbours, source) <= (
        _kernels.two_hop_cost(snapshot.indptr, snapshot.neighbours, targets)
    )
    a_roots, b_roots = (source, targets) if forward else (targets, source)
    banned = banned - {s}
    banned_arr = np.fromiter(banned, dtype=np.int32, count=len(banned))
    kind, m, k, score, _hops = _kernels.strongest(
        snapshot.indptr,
        snapshot.neighbours,
        snapshot.strengths,
        snapshot.open_to_introductions,
        a_roots,
        b_roots,
        banned_arr,
        max_hops,
        min_strength,
        ws.stamp_ban,
        ws.stamp_a,
        ws.val_a,
        ws.level_a,
        ws.hop_b,
        ws.stamp_b,
        ws.stamp_y,
        ws.pos_y,
        ws.list_a,
        ws.list_w,
        ws.list_b,
        ws.val_b,
        ws.level_b,
        ws.next_generation(),
    )
    if kind < 0:
        return None

    def half(v: int) -> list[int]:
        """A's best ≤2-hop half from one of its roots to v."""
        hop = int(ws.hop_b[v])
        if hop == 0:
            return [v]
        pred = int(ws.level_a[v])
        if hop == 1:
            return [pred, v]
        root = (
            int(a_roots[0])
            if a_roots.size == 1
            else _best_target_next_to(snapshot, pred, a_roots, banned, min_strength)
        )
        return [root, pred, v]

    nodes = half(int(m))
    if kind == 1:
        nodes.append(int(ws.level_b[k]))
    elif kind == 2:
        nodes += [int(ws.list_b[k]), int(ws.level_b[k])]
    if not forward:
        nodes.reverse()
    hops = np.asarray(nodes, dtype=np.int64)
    weights = np.zeros(hops.size - 1, dtype=np.float32)
    _kernels.get_strengths(
        snapshot.indptr, snapshot.neighbours, snapshot.strengths, hops[:-1], hops[1:], weights
    )
    strengths = tuple(float(w) for w in weights)
    members = tuple(int(x) for x in snapshot.member_ids[hops])
    return WarmPath(members=members, strengths=strengths, score=float(score))


def _best_target_next_to(
    snapshot: GraphSnapshot, y: int, targets: Int32Array, banned: set[int], min_strength: float
) -> int:
    """The target y reaches by its strongest tie (the kernel keeps only y's value)."""
    if targets.size == 1:
        return int(targets[0])
    row = snapshot.neighbours_of(y)
    weights = snapshot.strengths_of(y)
    is_target = np.isin(row, targets) & (weights >= min_strength)
    if banned:
        is_target &= ~np.isin(row, np.fromiter(banned, dtype=np.int32))
    candidates = np.flatnonzero(is_target)
    return int(row[candidates[np.argmax(weights[candidates])]])


# --- People you may know -------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    member_id: int
    score: float
    mutual_count: int
    mutual_ids: tuple[int, ...]  # the strongest few mutual connections, strongest first
    shared_topics: tuple[str, ...]
    shared_events: tuple[str, ...]


def people_you_may_know(
    snapshot: GraphSnapshot,
    member_id: int,
    *,
    limit: int = 20,
    excluded: Iterable[int] = (),
) -> list[Suggestion]:
    """Two-hop candidates ranked by Adamic–Adar (Σ 1/log degree over mutual connections) plus
    TOPIC_WEIGHT per shared topic and EVENT_WEIGHT per event both attended. `excluded`
    members (blocked, declined, "don't know") and those the snapshot marks as blocked are
    never suggested and never count as a mutual connection."""
    s = snapshot.node_of(member_id)
    if s is None or limit <= 0:
        return []
    banned = np.union1d(_nodes(snapshot, excluded), snapshot.blocked_with(s)).astype(np.int32)
    ws = workspace_for(snapshot)
    topic_mark = _marks(snapshot.topics.row(s), len(snapshot.topic_names))
    event_mark = _marks(snapshot.events.row(s), len(snapshot.event_names))
    max_bonus = TOPIC_WEIGHT * int(topic_mark.sum()) + EVENT_WEIGHT * int(event_mark.sum())
    topic_weight = TOPIC_WEIGHT if topic_mark.any() else 0.0
    event_weight = EVENT_WEIGHT if event_mark.any() else 0.0
    # Adamic–Adar, exact for every candidate that can still make the best `limit` (hubs
    # among the member's connections are read only as far as they can change the answer).
    _, count = _kernels.adamic_adar_top(
        snapshot.indptr,
        snapshot.neighbours,
        snapshot.inverse_log_degree,
        s,
        banned,
        ws.stamp_a,
        ws.val_a,
        ws.level_a,
        ws.list_a,
        ws.next_generation(),
        limit,
        max_bonus,
        HUB_ROW,
        snapshot.topics.indptr,
        snapshot.topics.indices,
        topic_mark,
        topic_weight,
        snapshot.events.indptr,
        snapshot.events.indices,
        event_mark,
        event_weight,
    )
    if count == 0:
        return []
    # One fused pass scores every contender (Adamic–Adar + topics + events) and keeps the
    # best `limit`; only those leave the kernel.
    k = min(limit, count)
    top_pos = np.zeros(k, dtype=np.int64)
    top_score = np.zeros(k, dtype=np.float64)
    kept = _kernels.top_candidates(
        ws.list_a[:count],
        ws.val_a,
        snapshot.topics.indptr,
        snapshot.topics.indices,
        topic_mark,
        topic_weight,
        snapshot.events.indptr,
        snapshot.events.indices,
        event_mark,
        event_weight,
        max_bonus,
        k,
        top_pos,
        top_score,
    )
    candidates = ws.list_a[top_pos[:kept]].copy()
    scores = top_score[:kept]
    mutual_counts = ws.level_a[candidates]
    # Best first; equal scores by member id so the order is stable.
    top = np.lexsort((snapshot.member_ids[candidates], -scores))
    candidates, scores, mutual_counts = candidates[top], scores[top], mutual_counts[top]
    mine = snapshot.neighbours_of(s)
    mine_w = snapshot.strengths_of(s)
    if banned.size:
        allowed = ~np.isin(mine, banned)
        mine, mine_w = mine[allowed], mine_w[allowed]
    # Named mutuals: the strongest two-step ties first (s–z times z–c), found by one kernel
    # that walks each candidate's sorted row once for all of mine.
    named = np.full((kept, MAX_NAMED_MUTUALS), -1, dtype=np.int32)
    _kernels.named_mutuals(
        snapshot.indptr,
        snapshot.neighbours,
        snapshot.strengths,
        np.ascontiguousarray(mine),
        np.ascontiguousarray(mine_w),
        candidates,
        named,
    )
    named_ids = snapshot.member_ids[np.maximum(named, 0)].tolist()
    my_topics = set(snapshot.topics.row(s).tolist())
    my_events = set(snapshot.events.row(s).tolist())
    out: list[Suggestion] = []
    for i, c in enumerate(candidates.tolist()):
        out.append(
            Suggestion(
                member_id=int(snapshot.member_ids[c]),
                score=float(scores[i]),
                mutual_count=int(mutual_counts[i]),
                mutual_ids=tuple(
                    named_ids[i][j] for j in range(MAX_NAMED_MUTUALS) if named[i, j] >= 0
                ),
                shared_topics=tuple(
                    snapshot.topic_names[code]
                    for code in snapshot.topics.row(c).tolist()
                    if code in my_topics
                ),
                shared_events=tuple(
                    snapshot.event_names[code]
                    for code in snapshot.events.row(c).tolist()
                    if code in my_events
                ),
            )
        )
    return out


def _marks(codes: Int32Array, vocabulary: int) -> npt.NDArray[np.bool_]:
    mark = np.zeros(max(vocabulary, 1), dtype=np.bool_)
    mark[codes] = True
    return mark


def adamic_adar_weight(degree: int) -> float:
    """The Adamic–Adar contribution of a mutual connection with `degree` connections."""
    return 1.0 / math.log(degree)


__all__: Sequence[str] = (
    "Circle",
    "Proximity",
    "Suggestion",
    "WarmPath",
    "degree_of_separation",
    "people_you_may_know",
    "strongest_paths",
)
