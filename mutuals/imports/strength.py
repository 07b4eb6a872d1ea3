"""Relationship strength and tiers for the LinkedIn audit: the export's message history fed to
the one strength model, `mutuals.strength` (docs/design.md §5, issue 15), pure Python.

Each person's messages with the owner become that tie's ledger (every message a MESSAGE,
sent by the owner or by them); the tie starts when they connected (or at the first message).
The export is the owner's network: the model calibrates itself on its history before the
reference time (`model.calibrate`), so a bursty inbox and a steady one are each read on their
own terms, and a small export keeps the defaults. Tiers rank relationships only, people both
sides wrote to; a contact who never answers, or whom the owner never answered, is an
acquaintance whatever the volume (issue 16).

The reference time is the export's own latest record, not today: an export downloaded in 2018
describes the network as it was then.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from mutuals.strength import model

TIERS = model.TIERS
TIER_ACQUAINTANCE = model.TIER_ACQUAINTANCE


@dataclass(frozen=True, slots=True)
class History:
    """One person's messages with the owner: (when, sent by the owner), and when they
    connected, if they did."""

    messages: tuple[tuple[datetime, bool], ...] = ()
    connected_on: datetime | None = None


@dataclass(frozen=True, slots=True)
class Scores:
    strengths: dict[str, float]  # every key, in (0, 1]
    tiers: dict[str, str]  # the ranked keys only
    calibration: model.Calibration = field(default=model.DEFAULT_CALIBRATION)

    def model_description(self) -> dict[str, float]:
        """The weights and half-life this export was scored with, for the audit to show."""
        return self.calibration.describe()


def score_network(
    histories: Mapping[str, History], *, ranked: Collection[str], now: datetime
) -> Scores:
    """Strength for every person (key -> History), calibrated on the whole export; tiers for
    the `ranked` keys (the relationships the audit shows), by rank among those both sides
    wrote to. Messages after `now` count as `now`."""
    keys = list(histories)
    pair: list[int] = []
    times: list[float] = []
    mine: list[bool] = []
    for index, key in enumerate(keys):
        for at, outgoing in histories[key].messages:
            pair.append(index)
            times.append(at.timestamp())
            mine.append(outgoing)
    return score_ledger(
        keys,
        [histories[key].connected_on for key in keys],
        pair=np.array(pair, dtype=np.int64),
        times=np.array(times, dtype=np.float64),
        mine=np.array(mine, dtype=np.bool_),
        ranked=ranked,
        now=now,
    )


def score_ledger(
    keys: Sequence[str],
    connected_on: Sequence[datetime | None],
    *,
    pair: np.ndarray,
    times: np.ndarray,
    mine: np.ndarray,
    ranked: Collection[str],
    now: datetime,
) -> Scores:
    """`score_network` of messages given as arrays, one entry a message: whose (`pair`, an
    index into `keys`), when (`times`, POSIX seconds) and whether the owner sent it (`mine`);
    `connected_on` per key. What the import's `MessageLedger` holds, without a tuple per
    message."""
    moment = now.timestamp()
    first = np.full(len(keys), moment, dtype=np.float64)
    np.minimum.at(first, pair, times)
    started = np.array(
        [
            min(connected.timestamp() if connected else first[index], moment)
            for index, connected in enumerate(connected_on)
        ],
        dtype=np.float64,
    )
    # By time; at the same time by person, then in the order given (as a person at a time).
    order = np.lexsort((pair, times))
    ledger_pair = np.asarray(pair, dtype=np.int64)[order]
    ledger_times = np.asarray(times, dtype=np.float64)[order]
    ledger_mine = np.asarray(mine, dtype=np.bool_)[order]
    kinds = np.full(ledger_pair.shape[0], model.Kind.MESSAGE, dtype=np.int8)
    calibration = model.calibrate(
        pair_index=ledger_pair,
        timestamps=ledger_times,
        from_member=ledger_mine,
        kinds=kinds,
        tie_started=started,
        now=moment,
    )
    values = model.relationship_strengths(
        pair_index=ledger_pair,
        timestamps=ledger_times,
        from_member=ledger_mine,
        kinds=kinds,
        tie_started=started,
        now=moment,
        calibration=calibration,
    )
    in_ranks = np.array([key in ranked for key in keys], dtype=np.bool_)
    relationship = model.relationships(
        pair_index=ledger_pair, from_member=ledger_mine, kinds=kinds, n_ties=len(keys)
    )
    # Ranked on the export's own terms (calibrated, at the export's date): no strength floors.
    tiers = model.assign_tiers(
        values[in_ranks], relationship=relationship[in_ranks], minimum_strength=False
    )
    ranked_keys = [key for key, keep in zip(keys, in_ranks.tolist(), strict=True) if keep]
    return Scores(
        strengths={key: float(value) for key, value in zip(keys, values.tolist(), strict=True)},
        tiers=dict(zip(ranked_keys, tiers, strict=True)),
        calibration=calibration,
    )
