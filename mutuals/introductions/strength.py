"""The strength of each connection as the graph sees it (one weight per undirected edge).

Measured strength first: the engagement app keeps one `Tie` row per member per connection,
with `strength` from the interaction ledger (docs/design.md §5, `mutuals.strength.model`) and
`computed_at` once it has been computed. `tie_edge_strength` combines the two rows of a
connection into the edge's weight:

- either side lets the relationship rest (`resting_since`) → 0: a resting tie carries no
  introduction (it still counts for degree of separation);
- otherwise the strength of the **most recently computed** row. The engagement model is
  symmetric by construction (the same value from both ends of a tie, see
  `mutuals.strength.model`), so the two rows differ only because one side was recomputed
  later; the later one has seen every interaction and every day of decay. A geometric mean
  or a minimum would mix a current value with a stale one (a tie that became close this
  week would stay weak until the other member's ties happen to be recomputed);
- no computed row (a connection nobody has recomputed yet: `ties_ensure` creates its rows with
  the model field's default, not a measurement) → the documented default below.

Measured strengths lie in (0, 1]; a tie whose members never interacted is at most
`mutuals.strength.model.SILENT_CEILING` (0.002), below the engine's MIN_INTRODUCTION_STRENGTH, so
"connected but never in touch" does not carry an introduction; a tie with a recent two-way
exchange is well above it.

The default, for connections without a measurement: a base for any accepted connection,
growing with the age of the tie and with the topics both members share (a proxy for
multiplexity), in [DEFAULT_BASE, 1]. It is what lets a new community route introductions
before anyone has interacted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

DEFAULT_BASE = 0.35
AGE_GAIN = 0.25  # reached asymptotically by an old tie
AGE_SCALE_DAYS = 180.0  # e-folding time of the age gain
SHARED_TOPIC_GAIN = 0.1
SHARED_TOPIC_CAP = 3  # topics beyond this add nothing
# A referral is asked of people who know the requester well enough to vouch for them: a
# connection at least a month old, in current and regular contact. Strength alone cannot say
# "well enough": it predicts contact, so a day-old connection with one exchange scores about
# 0.72, above two years of monthly calls twenty days after the last (0.66); 0.5 is where ties
# in regular contact sit (docs/relationship-strength.md, "Thresholds").
REFERRAL_MIN_FIRST_HOP = 0.5
REFERRAL_MIN_TIE_DAYS = 30


def default_strengths(
    age_days: npt.ArrayLike, shared_topics: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """DEFAULT_BASE + AGE_GAIN·(1 − e^(−age/AGE_SCALE_DAYS)) + SHARED_TOPIC_GAIN·min(shared, cap),
    clipped to [0, 1]. A new tie with nothing shared is 0.35; a year-old tie with three
    shared topics is about 0.87. The age counts whole days (a fraction is dropped); callers
    give `age_in_days`, so that two builds on the same day give the same strengths."""
    # In place, one array and the topics' (the builder computes 20M at once); each step the
    # same operation, in the same order, as the formula above, so the values are the same.
    value = np.maximum(np.asarray(age_days, dtype=np.float64), 0.0)
    np.floor(value, out=value)
    np.negative(value, out=value)
    np.divide(value, AGE_SCALE_DAYS, out=value)
    np.exp(value, out=value)
    np.subtract(1.0, value, out=value)
    np.multiply(AGE_GAIN, value, out=value)
    np.add(DEFAULT_BASE, value, out=value)
    shared = np.minimum(np.asarray(shared_topics, dtype=np.float64), SHARED_TOPIC_CAP)
    np.multiply(SHARED_TOPIC_GAIN, shared, out=shared)
    np.add(value, shared, out=value)
    del shared
    np.clip(value, 0.0, 1.0, out=value)
    return value.astype(np.float32)


def age_in_days(
    made_days: npt.ArrayLike, now_days: float, *, out: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """Each connection's age in UTC calendar days: midnights passed between its making and
    now (both given in days since 1970-01-01 UTC). Every connection's age ticks at the same
    midnight, so two builds on the same UTC day give the same default strengths and the
    builder's periodic rebuild finds nothing new to publish. (An age counted from the
    instant each connection was made ticks for some connection of a large community every
    few seconds: at 20M connections about 7,000 change in any 30 s, so every rebuild
    differed from the last and was published.) `out`: where to write (may be `made_days`)."""
    made = np.floor(np.asarray(made_days, dtype=np.float64), out=out)
    return np.subtract(np.floor(now_days), made, out=made)


def connection_strengths(
    *,
    created_at: Sequence[datetime],
    shared_topics: Sequence[int],
    now: datetime,
) -> npt.NDArray[np.float32]:
    """Strength of each connection (same order as the inputs)."""
    made_days = np.fromiter(
        (at.timestamp() / 86400.0 for at in created_at), dtype=np.float64, count=len(created_at)
    )
    age_days = age_in_days(made_days, now.timestamp() / 86400.0)
    return default_strengths(age_days, np.asarray(shared_topics, dtype=np.float64))


def tie_edge_strength(
    rows: Iterable[tuple[float, datetime | None, datetime | None]],
) -> float | None:
    """The edge weight from a connection's Tie rows, each (strength, computed_at,
    resting_since): 0 when either side rests, else the most recently computed strength, or
    None when no row has been computed (the caller uses the default). One connection's case
    of `tie_edge_strengths`."""
    listed = list(rows)
    measured = tie_edge_strengths(
        connection=np.zeros(len(listed), dtype=np.int64),
        strength=np.array([row[0] for row in listed], dtype=np.float64),
        computed=np.array(
            [row[1].timestamp() if row[1] is not None else np.nan for row in listed],
            dtype=np.float64,
        ),
        resting=np.array([row[2] is not None for row in listed], dtype=np.bool_),
        connections=1,
    )
    return None if np.isnan(measured[0]) else float(measured[0])


def tie_edge_strengths(
    *,
    connection: npt.NDArray[np.integer[Any]],
    strength: npt.NDArray[np.float64],
    computed: npt.NDArray[np.float64],
    resting: npt.NDArray[np.bool_],
    connections: int,
) -> npt.NDArray[np.float32]:
    """The rule of `tie_edge_strength` over Tie rows in bulk, one row per entry: the
    connection's index (0 ≤ index < `connections`), the strength, when it was computed (any
    increasing number; NaN when never) and whether that side rests. Per connection: 0 when a
    side rests, else the most recently computed strength clipped to [0, 1], else NaN."""
    out = np.full(connections, np.nan, dtype=np.float32)
    # The computed rows, last given first: a stable sort by (connection, time of computation)
    # then ends each connection's run with its latest row and, of rows computed at the same
    # time, with the first given. Indices into the inputs instead of sorted copies of them,
    # and no third sort key (a negated position as the tie-break): at 13.3M rows over 20M
    # connections the peak above the inputs fell from 698 to 546 MiB, the time by a quarter.
    rows = np.flatnonzero(~np.isnan(computed))[::-1]
    if rows.size < 2**31:  # half the memory of the positions, in the sort too
        rows = rows.astype(np.int32)
    order = np.lexsort((computed[rows], connection[rows]))
    rows = rows[order]
    del order
    index = connection[rows]
    last = np.ones(rows.size, dtype=np.bool_)
    last[:-1] = index[1:] != index[:-1]
    out[index[last]] = np.clip(strength[rows[last]], 0.0, 1.0)
    out[connection[resting]] = 0.0
    return out
