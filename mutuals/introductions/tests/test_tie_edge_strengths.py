"""`tie_edge_strengths`, the builder's bulk rule, against the rule written out row by row."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuals.introductions.strength import tie_edge_strengths

CONNECTIONS = 6


def edge_strength_by_rule(rows: list[tuple[int, float, float, bool]], connection: int) -> float:
    """The documented rule for one connection, row by row: 0 when a side rests; else the
    strength of the most recently computed row, the first given of rows computed at the same
    time, clipped to [0, 1]; NaN when no row was computed."""
    mine = [row for row in rows if row[0] == connection]
    if any(resting for _, _, _, resting in mine):
        return 0.0
    chosen: tuple[float, float] | None = None
    for _, strength, computed, _ in mine:
        if math.isnan(computed):
            continue
        if chosen is None or computed > chosen[1]:  # strictly later: the first given stays
            chosen = (strength, computed)
    if chosen is None:
        return math.nan
    return min(max(chosen[0], 0.0), 1.0)


tie_rows = st.lists(
    st.tuples(
        st.integers(0, CONNECTIONS - 1),
        st.floats(-0.5, 1.5, allow_nan=False, width=32),
        # Few distinct times, so rows of one connection are often computed at the same time.
        st.sampled_from([math.nan, 1.0, 2.0, 3.0]),
        st.sampled_from([False, False, False, True]),  # resting is the rare case
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(rows=tie_rows)
def test_the_bulk_rule_is_the_rule_of_each_connection(rows):
    measured = tie_edge_strengths(
        connection=np.array([row[0] for row in rows], dtype=np.int64),
        strength=np.array([row[1] for row in rows], dtype=np.float64),
        computed=np.array([row[2] for row in rows], dtype=np.float64),
        resting=np.array([row[3] for row in rows], dtype=np.bool_),
        connections=CONNECTIONS,
    )
    assert measured.dtype == np.float32
    for connection in range(CONNECTIONS):
        expected = edge_strength_by_rule(rows, connection)
        if math.isnan(expected):
            assert math.isnan(measured[connection]), connection
        else:
            assert measured[connection] == np.float32(expected), connection


def test_of_rows_computed_at_the_same_time_the_first_given_wins():
    measured = tie_edge_strengths(
        connection=np.array([0, 0, 1, 1, 1], dtype=np.int64),
        strength=np.array([0.4, 0.6, 0.2, 0.9, 0.3], dtype=np.float64),
        computed=np.array([5.0, 5.0, 1.0, 7.0, 7.0], dtype=np.float64),
        resting=np.zeros(5, dtype=np.bool_),
        connections=2,
    )
    assert measured.tolist() == [np.float32(0.4), np.float32(0.9)]
