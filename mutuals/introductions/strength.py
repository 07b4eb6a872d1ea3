"""Relationship strength for the graph, until the engagement app measures it.

DESIGN.md §5 defines strength from recency, frequency, reciprocity, depth, multiplexity and age
of the tie. The interaction ledger that feeds most of those does not exist yet, so the graph
uses this documented default: a base for any accepted connection, growing with the age of the
tie and with the topics both members share (a proxy for multiplexity). It lies in
[DEFAULT_BASE, 1]; a resting relationship (when the engagement app marks one) gets 0, which
the engine treats as unable to carry an introduction.

`connection_strengths` is the one function the engagement work replaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

DEFAULT_BASE = 0.35
AGE_GAIN = 0.25  # reached asymptotically by an old tie
AGE_SCALE_DAYS = 180.0  # e-folding time of the age gain
SHARED_TOPIC_GAIN = 0.1
SHARED_TOPIC_CAP = 3  # topics beyond this add nothing
# A referral is asked of people who know the requester well enough to vouch for them.
REFERRAL_MIN_FIRST_HOP = 0.5


def default_strengths(
    age_days: npt.ArrayLike, shared_topics: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """DEFAULT_BASE + AGE_GAIN·(1 − e^(−age/AGE_SCALE_DAYS)) + SHARED_TOPIC_GAIN·min(shared, cap),
    clipped to [0, 1]. A new tie with nothing shared is 0.35; a year-old tie with three
    shared topics is about 0.92."""
    age = np.maximum(np.asarray(age_days, dtype=np.float64), 0.0)
    shared = np.minimum(np.asarray(shared_topics, dtype=np.float64), SHARED_TOPIC_CAP)
    value = DEFAULT_BASE + AGE_GAIN * (1.0 - np.exp(-age / AGE_SCALE_DAYS))
    value = value + SHARED_TOPIC_GAIN * shared
    return np.clip(value, 0.0, 1.0).astype(np.float32)


def connection_strengths(
    *,
    created_at: Sequence[datetime],
    shared_topics: Sequence[int],
    now: datetime,
) -> npt.NDArray[np.float32]:
    """Strength of each connection (same order as the inputs)."""
    age_days = np.fromiter(
        ((now - at).total_seconds() / 86400.0 for at in created_at),
        dtype=np.float64,
        count=len(created_at),
    )
    return default_strengths(age_days, np.asarray(shared_topics, dtype=np.float64))
