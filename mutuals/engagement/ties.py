"""Recomputing a member's ties — strength, tier and state of each connection — from the
interaction ledger with the one strength model, `mutuals.strength` (docs/design.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from numpy.typing import NDArray

from mutuals.accounts.models import User
from mutuals.connections.models import Connection
from mutuals.core import graph_changes
from mutuals.core.tasks import queue_in_transaction
from mutuals.engagement import notifications
from mutuals.engagement.models import Interaction, StrengthCalibration, Tie, TieState
from mutuals.strength import model as strength

# Strength decays with time, not only with activity (recency, and silence read against each
# tie's rhythm), and a tie's state moves from engaged to stagnant by the clock. Recomputing only
# when someone interacts left a relationship that went silent strong forever, in tiers, states
# and the graph's introduction paths, so the hourly sweep recomputes ties older than this,
# oldest first, a bounded batch of members per pass.
TIE_REFRESH_AGE = timedelta(hours=24)
TIE_REFRESH_BATCH = 2000


def ties_ensure(*, member_id: int) -> None:
    """Every connection of the member has the member's Tie row (connections made before the
    pact existed, or seeded, get one here). A write: the worker's (`ties_recompute`) and the
    sweep's (`ties_ensure_all`), never a page's or an endpoint's (issue 20: no write in a
    GET); a connection opened by a member flow has both rows from the start (`pact_open`)."""
    connections = Connection.objects.filter(
        Q(member_low_id=member_id) | Q(member_high_id=member_id)
    ).exclude(ties__member_id=member_id)
    Tie.objects.bulk_create(
        [
            Tie(member_id=member_id, other_id=c.other_id(member_id), connection=c)
            for c in connections
        ],
        ignore_conflicts=True,
    )


TIES_ENSURE_BATCH = 2000


def ties_ensure_all() -> int:
    """Both Tie rows of every connection that lacks one (a connection written in bulk, or
    made before the pact existed), in batches; returns how many were created. Run by
    `mutuals sweep`; readers never create them (they read a missing row as a tie just begun,
    `insights.selectors.tie_rows`, or wait for the sweep)."""
    created = 0
    for side, other_side in (
        ("member_low_id", "member_high_id"),
        ("member_high_id", "member_low_id"),
    ):
        missing = Connection.objects.filter(
            ~Exists(Tie.objects.filter(connection=OuterRef("pk"), member_id=OuterRef(side)))
        ).values_list("pk", side, other_side)
        batch: list[Tie] = []
        for connection_id, member_id, other_id in missing.iterator(chunk_size=TIES_ENSURE_BATCH):
            batch.append(Tie(member_id=member_id, other_id=other_id, connection_id=connection_id))
            if len(batch) >= TIES_ENSURE_BATCH:
                created += len(Tie.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        if batch:
            created += len(Tie.objects.bulk_create(batch, ignore_conflicts=True))
    return created


@transaction.atomic
def ties_recompute(*, member_id: int, now: datetime | None = None) -> int:
    """Recompute every tie of one member in one pass over their ledger: a few queries and one
    vectorized model evaluation, however many connections they have."""
    now = now or timezone.now()
    if not User.objects.filter(pk=member_id).exists():
        return 0
    ties_ensure(member_id=member_id)
    # The member's own tie rows only (`of`: the joined connections and members are read, not
    # locked), in one order: two recomputes of connected members, or one and a request holding
    # a member's row, each locking the other's member row deadlocked (issue 21).
    ties = list(
        Tie.objects.select_for_update(of=("self",))
        .filter(member_id=member_id)
        .select_related("connection", "member", "other")
        .order_by("pk")
    )
    if not ties:
        return 0
    was_stagnant = {tie.pk for tie in ties if tie.state == TieState.STAGNANT}
    ledger = _ledger(member_id, ties)
    pair_index, timestamps = ledger.pair_index, ledger.timestamps
    from_member, kinds = ledger.from_member, ledger.kinds
    count = len(timestamps)
    # The platform's calibration (the sweep fits it on many members' ledgers), not one fitted
    # to this member's: strengths are compared across members (paths, thresholds, both ends
    # of a tie), and per-member calibration measured worse on that
    # (docs/relationship-strength.md).
    values = strength.relationship_strengths(
        pair_index=pair_index,
        timestamps=timestamps,
        from_member=from_member,
        kinds=kinds,
        tie_started=ledger.tie_started,
        now=now.timestamp(),
        calibration=current_calibration(),
    )
    # Tiers rank relationships only: a tie the other side never answered is an acquaintance,
    # and so is a tie the member lets rest (it asks for no keep-warm cadence). The model gives
    # a silent tie no tier above acquaintance, whatever its rank (TIER_MIN_STRENGTH).
    relationship = strength.relationships(
        pair_index=pair_index, from_member=from_member, kinds=kinds, n_ties=len(ties)
    ) & np.array([tie.resting_since is None for tie in ties], dtype=np.bool_)
    tiers = strength.assign_tiers(values, relationship=relationship)
    last = np.full(len(ties), np.nan)
    if count:
        np.fmax.at(last, pair_index, timestamps)
    before = {tie.pk: tie.tier for tie in ties}
    their_tiers = dict(
        Tie.objects.filter(connection_id__in=[tie.connection_id for tie in ties])
        .exclude(member_id=member_id)
        .values_list("connection_id", "tier")
    )
    for index, tie in enumerate(ties):
        last_at = None if np.isnan(last[index]) else float(last[index])
        tie.strength = float(values[index])
        tie.tier = tiers[index]
        tie.last_interaction_at = (
            datetime.fromtimestamp(last_at, tz=UTC) if last_at is not None else None
        )
        tie.state = tie_state(tie, their_tier=their_tiers.get(tie.connection_id, tie.tier), now=now)
        tie.computed_at = now
    Tie.objects.bulk_update(
        ties, ["strength", "tier", "state", "last_interaction_at", "computed_at"], batch_size=500
    )
    graph_changes.ties_changed(member_id=member_id)  # the graph snapshot patches these strengths
    for tie in ties:
        if tie.state == TieState.STAGNANT and tie.pk not in was_stagnant:
            notifications.tie_stagnant_notify(tie=tie)
    # The other side's state reads this side's tier: when it moved, they are recomputed too
    # (a task queued with this commit; their recompute changes no tier of this member's, so
    # it stops there).
    moved = [tie.other_id for tie in ties if tie.tier != before[tie.pk]]
    if moved:
        queue_in_transaction(lambda: _recompute_later(moved))
    return len(ties)


def tie_state(tie: Tie, *, their_tier: str, now: datetime) -> str:
    """The state of one member's tie (`strength.relationship_state`), one for both members:
    the time since the pair's last interaction (or since they connected) against the cadence
    of the pair's closer tier; "resting" when this member lets it rest."""
    last = tie.last_interaction_at or tie.connection.created_at
    return strength.relationship_state(
        last_interaction=last.timestamp(),
        tier=strength.closer_tier(tie.tier, their_tier),
        resting=tie.resting_since is not None,
        now=now.timestamp(),
    )


def tie_state_unmeasured(*, connected_at: datetime, now: datetime) -> str:
    """The state of a tie nobody has computed yet: a tie begun at `connected_at` with no
    interaction, the other side an acquaintance (as `pact_open` starts both)."""
    return tie_state(
        Tie(connection=Connection(created_at=connected_at)),
        their_tier=strength.TIER_ACQUAINTANCE,
        now=now,
    )


def _recompute_later(member_ids: list[int]) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.engagement import tasks

    for other_id in member_ids:
        tasks.ties_recompute.enqueue(other_id)


def ties_refresh_stale(
    *,
    now: datetime | None = None,
    older_than: timedelta = TIE_REFRESH_AGE,
    limit: int = TIE_REFRESH_BATCH,
) -> int:
    """Recompute every tie of the members whose oldest computed tie is older than
    `older_than` or than the platform's latest changed calibration, oldest first, at most
    `limit` members; returns how many were recomputed.

    Only members with a computed tie are refreshed: a connection nobody has measured yet keeps
    the graph's documented default until either member's ties are first computed. Idempotent:
    a recompute stamps `computed_at`, so a second pass right after finds nothing, and two
    passes at once only recompute a member twice (each recompute locks the member's ties)."""
    now = now or timezone.now()
    cut = now - older_than
    calibrated = StrengthCalibration.objects.filter(changed=True).aggregate(at=Max("adopted_at"))
    if calibrated["at"] is not None:
        cut = max(cut, calibrated["at"])  # ties computed with an earlier calibration
    members = list(
        Tie.objects.filter(computed_at__lt=cut)
        .values("member_id")
        .annotate(oldest=Min("computed_at"))
        .order_by("oldest", "member_id")
        .values_list("member_id", flat=True)[:limit]
    )
    for member_id in members:
        ties_recompute(member_id=member_id, now=now)
    return len(members)


@dataclass(frozen=True)
class _Ledger:
    """One member's interactions with their connections, as the strength model reads them."""

    pair_index: NDArray[np.int64]
    timestamps: NDArray[np.float64]
    from_member: NDArray[np.bool_]
    kinds: NDArray[np.int8]
    tie_started: NDArray[np.float64]


def _ledger(member_id: int, ties: list[Tie]) -> _Ledger:
    """The member's ledger with the others of `ties` (tie i is pair index i), time-ordered."""
    position = {tie.other_id: index for index, tie in enumerate(ties)}
    others = list(position)
    rows = list(
        Interaction.objects.filter(
            Q(actor_id=member_id, counterpart_id__in=others)
            | Q(counterpart_id=member_id, actor_id__in=others)
        )
        .order_by("at")  # the model is fastest on time-ordered input
        .values_list("actor_id", "counterpart_id", "kind", "at")
    )
    count = len(rows)
    return _Ledger(
        pair_index=np.fromiter(
            (
                position[counterpart if actor == member_id else actor]
                for actor, counterpart, _, _ in rows
            ),
            dtype=np.int64,
            count=count,
        ),
        timestamps=np.fromiter((at.timestamp() for *_, at in rows), dtype=np.float64, count=count),
        from_member=np.fromiter(
            (actor == member_id for actor, *_ in rows), dtype=np.bool_, count=count
        ),
        kinds=np.fromiter(
            (strength.KIND_BY_NAME.get(kind, strength.Kind.OTHER) for _, _, kind, _ in rows),
            dtype=np.int8,
            count=count,
        ),
        tie_started=np.array(
            [tie.connection.created_at.timestamp() for tie in ties], dtype=np.float64
        ),
    )


# --- The platform's calibration ------------------------------------------------------------

# How often the sweep fits the calibration again, and on how many members' ledgers at most (a
# sample spread evenly over member ids: each member's ties as that member sees them, which is
# what every recompute scores).
CALIBRATION_PERIOD = timedelta(days=7)
CALIBRATION_MAX_MEMBERS = 2000


def current_calibration() -> strength.Calibration:
    """The latest adopted calibration of the platform; the model's defaults before any."""
    latest = StrengthCalibration.objects.order_by("-adopted_at", "-id").first()
    if latest is None:
        return strength.DEFAULT_CALIBRATION
    return strength.Calibration(
        w_recency=latest.w_recency,
        w_frequency=latest.w_frequency,
        half_life_days=latest.half_life_days,
    )


def strength_calibrate(*, now: datetime | None = None, force: bool = False) -> bool:
    """Fit the strength model's calibration to the platform's own history before `now`
    (`mutuals.strength.calibrate`: back-tests of the month before, CALIBRATION_GRID) on the
    ledgers of at most CALIBRATION_MAX_MEMBERS members, unless the last fit is younger than
    CALIBRATION_PERIOD (or `force`). Returns whether the calibration changed.

    A changed calibration is a new `StrengthCalibration` row (`changed`), and every tie
    computed before it is stale (`ties_refresh_stale` recomputes them), so members' strengths
    stay comparable; an unchanged one only stamps `checked_at` (the first fit is recorded even
    when it keeps the defaults, not `changed`). Idempotent: a second run within the period
    does nothing, and two at once fit the same values from the same ledger."""
    now = now or timezone.now()
    latest = StrengthCalibration.objects.order_by("-adopted_at", "-id").first()
    if latest is not None and not force and latest.checked_at > now - CALIBRATION_PERIOD:
        return False
    members = list(Tie.objects.order_by("member_id").values_list("member_id", flat=True).distinct())
    step = max(1, -(-len(members) // CALIBRATION_MAX_MEMBERS))
    parts: list[_Ledger] = []
    for member_id in members[::step]:
        ties = list(Tie.objects.filter(member_id=member_id).select_related("connection"))
        parts.append(_ledger(member_id, ties))
    offsets = np.cumsum([0] + [len(part.tie_started) for part in parts])
    merged = _Ledger(
        pair_index=np.concatenate(
            [part.pair_index + offset for part, offset in zip(parts, offsets, strict=False)]
            or [np.empty(0, dtype=np.int64)]
        ),
        timestamps=np.concatenate([p.timestamps for p in parts] or [np.empty(0)]),
        from_member=np.concatenate([p.from_member for p in parts] or [np.empty(0, bool)]),
        kinds=np.concatenate([p.kinds for p in parts] or [np.empty(0, np.int8)]),
        tie_started=np.concatenate([p.tie_started for p in parts] or [np.empty(0)]),
    )
    fitted = strength.calibrate(
        pair_index=merged.pair_index,
        timestamps=merged.timestamps,
        from_member=merged.from_member,
        kinds=merged.kinds,
        tie_started=merged.tie_started,
        now=now.timestamp(),
    )
    in_use = current_calibration()
    if latest is not None and fitted == in_use:
        StrengthCalibration.objects.filter(pk=latest.pk).update(checked_at=now)
        return False
    changed = fitted != in_use
    StrengthCalibration.objects.create(
        w_recency=fitted.w_recency,
        w_frequency=fitted.w_frequency,
        half_life_days=fitted.half_life_days,
        members_sampled=len(parts),
        ties_used=len(merged.tie_started),
        interactions_used=len(merged.timestamps),
        changed=changed,
        adopted_at=now,
        checked_at=now,
    )
    return changed
