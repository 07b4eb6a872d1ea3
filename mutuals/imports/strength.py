"""Relationship strength and tiers from a message history (docs/design.md §5), pure Python.

strength = W_RECENCY · recency + W_FREQUENCY · frequency + W_RECIPROCITY · reciprocity
           + W_DEPTH · depth, floored at MIN_STRENGTH so it lies in (0, 1].

- recency: 0.5 ** (days since the last message / HALF_LIFE_DAYS) — a tie halves every 90 days
  of silence.
- frequency: messages in the FREQUENCY_WINDOW_DAYS before the reference time, on a log scale
  that reaches 1 at FREQUENCY_SATURATION messages (the 50th message says less than the 2nd).
- reciprocity: 1 when both sides write as much, 0 when only one does (2·min / total).
- depth: replies (turns where the writer changed within a conversation), saturating at
  DEPTH_SATURATION; a conversation that goes back and forth is worth more than many one-liners.

The reference time is the export's own latest record, not today: an export downloaded in 2018
describes the network as it was then. People with no message have MIN_STRENGTH.

Tiers are ranks within the member's network (Dunbar's layers): the 5 strongest are "inner",
the next 10 "close", then "active" up to 50, "wider" up to 150; everyone else, and anyone
with no message at all, is an "acquaintance".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

HALF_LIFE_DAYS = 90.0
FREQUENCY_WINDOW_DAYS = 365
FREQUENCY_SATURATION = 50
DEPTH_SATURATION = 10
W_RECENCY = 0.35
W_FREQUENCY = 0.25
W_RECIPROCITY = 0.20
W_DEPTH = 0.20
MIN_STRENGTH = 0.001

TIER_INNER = "inner"
TIER_CLOSE = "close"
TIER_ACTIVE = "active"
TIER_WIDER = "wider"
TIER_ACQUAINTANCE = "acquaintance"
# (tier, how many people fit in it and every tier before it)
TIER_LAYERS: tuple[tuple[str, int], ...] = (
    (TIER_INNER, 5),
    (TIER_CLOSE, 15),
    (TIER_ACTIVE, 50),
    (TIER_WIDER, 150),
)
TIERS: tuple[str, ...] = (*(tier for tier, _ in TIER_LAYERS), TIER_ACQUAINTANCE)


@dataclass(frozen=True, slots=True)
class History:
    """What the strength of one relationship is computed from."""

    sent: int
    received: int
    replies: int
    last_at: datetime | None
    message_times: tuple[datetime, ...] = ()


def strength(history: History, now: datetime) -> float:
    total = history.sent + history.received
    if total == 0 or history.last_at is None:
        return MIN_STRENGTH
    days = max((now - history.last_at).total_seconds() / 86400, 0.0)
    recency: float = 0.5 ** (days / HALF_LIFE_DAYS)
    window_start = now - timedelta(days=FREQUENCY_WINDOW_DAYS)
    recent = sum(1 for at in history.message_times if at >= window_start)
    frequency = min(1.0, math.log1p(recent) / math.log1p(FREQUENCY_SATURATION))
    reciprocity = 2 * min(history.sent, history.received) / total
    depth = min(1.0, history.replies / DEPTH_SATURATION)
    value = (
        W_RECENCY * recency
        + W_FREQUENCY * frequency
        + W_RECIPROCITY * reciprocity
        + W_DEPTH * depth
    )
    return min(1.0, max(MIN_STRENGTH, value))


def assign_tiers(strengths: Iterable[tuple[str, float]]) -> dict[str, str]:
    """key -> tier, by rank of strength (ties broken by key, so the result is stable)."""
    ranked = sorted(strengths, key=lambda item: (-item[1], item[0]))
    tiers: dict[str, str] = {}
    for rank, (key, value) in enumerate(ranked):
        tier = TIER_ACQUAINTANCE
        if value > MIN_STRENGTH:
            for name, size in TIER_LAYERS:
                if rank < size:
                    tier = name
                    break
        tiers[key] = tier
    return tiers


def model_description() -> dict[str, float | int]:
    """The constants, for the audit to show what its numbers mean."""
    return {
        "half_life_days": HALF_LIFE_DAYS,
        "frequency_window_days": FREQUENCY_WINDOW_DAYS,
        "frequency_saturation": FREQUENCY_SATURATION,
        "depth_saturation": DEPTH_SATURATION,
        "w_recency": W_RECENCY,
        "w_frequency": W_FREQUENCY,
        "w_reciprocity": W_RECIPROCITY,
        "w_depth": W_DEPTH,
    }
