"""Evaluate the one relationship-strength model (issue 15) on every message network in tests/data.

The protocol (docs/relationship-strength.md, "Evaluation protocol of issue 15") is fixed here,
in its own commit, before any method is tuned:

- Networks: SNAP CollegeMsg (a bursty student network) and SNAP email-Eu-core dept. 3 (a
  steady e-mail department). The two LinkedIn exports in tests/data hold 15 and 20 messages
  (truncated samples): too few pairs for an AUC, so they are checked by tests, not scored here.
- Cut-offs (days after each network's first record): CUTOFF_DAYS. At each one, every pair
  that exchanged a message before it is scored from its history up to the cut-off; the label
  is whether the pair is in contact (either direction) in the next HORIZON_DAYS.
- Tuning cut-offs: TUNING_CUTOFFS, one early and one late per network. The method (which
  candidate in CANDIDATES) is chosen on them alone, by the smaller of their margins over the
  better baseline; every other cut-off is held out. Cut-offs that no earlier revision had
  computed are marked fresh (FRESH_CUTOFFS); the others were seen by earlier revisions
  (docs/relationship-strength.md says how), so they are weaker evidence.
- Baselines: recency only (time since the last message) and count only (messages before the
  cut-off). Metric: ROC AUC (Mann–Whitney, ties ½). Each row reports the margin over the
  better baseline with a 95% paired bootstrap interval (BOOTSTRAP_RESAMPLES resamples of the
  pairs, seeded with SEED).
- Calibration may only read the network's history before the cut-off (what a deployed
  system has): it back-tests on cut-offs inside that history.

    .venv/bin/python scripts/strength_eval.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.datasets import DATA_DIR  # noqa: E402

HORIZON_DAYS = 30
SEED = 20261202
BOOTSTRAP_RESAMPLES = 200

NETWORKS: dict[str, Path] = {
    "collegemsg": DATA_DIR / "collegemsg" / "CollegeMsg.txt",
    "email-eu-dept3": DATA_DIR
    / "email-eu-core-dept3-temporal"
    / "out.email-Eu-core-temporal-Dept3",
}
# CollegeMsg spans 194 days (most of it in the first 60); the e-mail department is active for
# about 540 days, then stops, so its last cut-off leaves a full horizon before that.
CUTOFF_DAYS: dict[str, tuple[int, ...]] = {
    "collegemsg": (30, 45, 60, 75, 90, 105, 120, 135, 150),
    "email-eu-dept3": (90, 135, 180, 225, 270, 315, 360, 405, 450, 495),
}
TUNING_CUTOFFS: frozenset[tuple[str, int]] = frozenset(
    {("collegemsg", 60), ("collegemsg", 120), ("email-eu-dept3", 180), ("email-eu-dept3", 360)}
)
# Rows no earlier revision of the model or its evaluation computed (the others were the
# 2026-11-26 table's ten cut-offs).
FRESH_CUTOFFS: frozenset[tuple[str, int]] = frozenset(
    {
        ("collegemsg", 45),
        ("collegemsg", 75),
        ("collegemsg", 105),
        ("collegemsg", 135),
        ("email-eu-dept3", 135),
        ("email-eu-dept3", 225),
        ("email-eu-dept3", 315),
        ("email-eu-dept3", 405),
        ("email-eu-dept3", 495),
    }
)
# The methods the tuning cut-offs choose between (registered before any was run):
# - "fixed": the ties' model with its constants (engagement/strength.py of 2026-11-26);
# - "calibrated-1": the same components, with the recency/frequency weights and the recency
#   half-life chosen per network by one back-test HORIZON_DAYS before the cut-off;
# - "calibrated-3": the same, scored on three back-tests (1, 2 and 3 horizons before the
#   cut-off, AUCs averaged), steadier where one month is noisy.
CANDIDATES: tuple[str, ...] = ("fixed", "calibrated-1", "calibrated-3")

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from mutuals.strength import model  # noqa: E402

DAY = model.SECONDS_PER_DAY
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Network:
    name: str
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    times: Floats


def load(name: str) -> Network:
    rows = np.loadtxt(NETWORKS[name], dtype=np.int64, comments="%", ndmin=2)
    rows = rows[rows[:, 0] != rows[:, 1]]
    rows = rows[np.argsort(rows[:, 2], kind="stable")]  # the e-mails have 4 small descents
    return Network(name, rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].astype(np.float64))


def old_audit_strength(
    pair: npt.NDArray[np.int64], times: Floats, mine: Bools, n_pairs: int, now: float
) -> Floats:
    """`imports/strength.py` as it was on 2026-12-01, vectorized (each pair one thread, as the
    audit reads a LinkedIn conversation): recency with a 90-day half-life, messages in the last
    365 days on a log scale saturating at 50, reciprocity 2·min/total of messages, depth the
    changes of writer saturating at 10; weights 0.35 / 0.25 / 0.20 / 0.20."""
    order = np.lexsort((times, pair))
    pair, times, mine = pair[order], times[order], mine[order]
    last = np.full(n_pairs, -np.inf)
    np.maximum.at(last, pair, times)
    recency = 0.5 ** (np.maximum(now - last, 0.0) / DAY / 90.0)
    recent = np.bincount(pair[times >= now - 365 * DAY], minlength=n_pairs)
    frequency = np.minimum(1.0, np.log1p(recent) / np.log1p(50))
    sent = np.bincount(pair[mine], minlength=n_pairs)
    total = np.bincount(pair, minlength=n_pairs)
    reciprocity = 2 * np.minimum(sent, total - sent) / np.maximum(total, 1)
    switch = (pair[1:] == pair[:-1]) & (mine[1:] != mine[:-1])
    replies = np.bincount(pair[1:][switch], minlength=n_pairs)
    depth = np.minimum(1.0, replies / 10)
    value = 0.35 * recency + 0.25 * frequency + 0.20 * reciprocity + 0.20 * depth
    result: Floats = np.clip(value, 0.001, 1.0)
    return result


@dataclass
class Row:
    network: str
    days: int
    pairs: int
    in_contact: int
    label: Bools
    scores: dict[str, Floats]  # method -> score per pair
    calibration: dict[str, model.Calibration]


METHODS = (*CANDIDATES, "old audit model")


def score_cutoff(network: Network, days: int) -> Row:
    """Every pair in touch before the cut-off, scored by each method from history before it."""
    cutoff = float(network.times.min()) + days * DAY
    before = network.times < cutoff
    low = np.minimum(network.src, network.dst)
    high = np.maximum(network.src, network.dst)
    key = low * (int(high.max()) + 1) + high
    pairs, pair = np.unique(key[before], return_inverse=True)
    times = network.times[before]
    mine = (network.src == low)[before]
    n_pairs = pairs.shape[0]
    first = np.full(n_pairs, np.inf)
    np.minimum.at(first, pair, times)
    last = np.full(n_pairs, -np.inf)
    np.maximum.at(last, pair, times)
    window = (network.times >= cutoff) & (network.times < cutoff + HORIZON_DAYS * DAY)
    label = np.isin(pairs, key[window])
    ledger = {
        "pair_index": pair.astype(np.int64),
        "timestamps": times,
        "from_member": mine,
        "kinds": np.full(times.shape[0], model.Kind.MESSAGE, dtype=np.int8),
        "tie_started": first,
        "now": cutoff,
    }
    scores: dict[str, Floats] = {
        "recency only": last,
        "count only": np.bincount(pair, minlength=n_pairs).astype(np.float64),
        "fixed": model.relationship_strengths(**ledger),
        "old audit model": old_audit_strength(pair, times, mine, n_pairs, cutoff),
    }
    calibration = {}
    for method, backtests in (("calibrated-1", 1), ("calibrated-3", 3)):
        calibration[method] = model.calibrate(**ledger, backtests=backtests)
        scores[method] = model.relationship_strengths(**ledger, calibration=calibration[method])
    return Row(network.name, days, n_pairs, int(label.sum()), label, scores, calibration)


def ego_evaluation(network: Network, days: int, rng: np.random.Generator) -> str:
    """As deployed: the platform calibrates on each member's own ties, the audit on one
    owner's export. Every pair counted from both ends; each person's ties scored with the
    calibration of that person's own ledger (the defaults when it is too small), against the
    fixed constants on the same rows. A table row."""
    cutoff = float(network.times.min()) + days * DAY
    before = network.times < cutoff
    src, dst, times = network.src[before], network.dst[before], network.times[before]
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    key = low * (int(network.dst.max().clip(min=network.src.max())) + 1) + high
    pairs, pair = np.unique(key, return_inverse=True)
    n_pairs = pairs.shape[0]
    first = np.full(n_pairs, np.inf)
    np.minimum.at(first, pair, times)
    window = (network.times >= cutoff) & (network.times < cutoff + HORIZON_DAYS * DAY)
    future_key = (
        np.minimum(network.src, network.dst)[window]
        * (int(network.dst.max().clip(min=network.src.max())) + 1)
        + np.maximum(network.src, network.dst)[window]
    )
    label = np.isin(pairs, future_key)
    kinds = np.full(times.shape[0], model.Kind.MESSAGE, dtype=np.int8)
    fixed = model.relationship_strengths(
        pair_index=pair, timestamps=times, from_member=src == low, kinds=kinds,
        tie_started=first, now=cutoff,
    )  # fmt: skip
    pair_low = np.zeros(n_pairs, dtype=np.int64)
    pair_low[pair] = low
    pair_high = np.zeros(n_pairs, dtype=np.int64)
    pair_high[pair] = high
    person = np.r_[pair_low, pair_high]
    rows_pair = np.r_[np.arange(n_pairs), np.arange(n_pairs)]
    ego = fixed[rows_pair].copy()
    degree = np.bincount(person)
    big = np.flatnonzero(degree >= 2 * model.CALIBRATION_MIN_PAIRS)
    calibrated = 0
    within: list[tuple[float, float]] = []  # each calibrated person's own AUC, fixed and ego
    for who in big.tolist():
        mask = (low == who) | (high == who)
        ties, local = np.unique(pair[mask], return_inverse=True)
        calibration = model.calibrate(
            pair_index=local, timestamps=times[mask], from_member=src[mask] == who,
            kinds=kinds[mask], tie_started=first[ties], now=cutoff,
        )  # fmt: skip
        if calibration == model.DEFAULT_CALIBRATION:
            continue
        calibrated += 1
        scored = model.relationship_strengths(
            pair_index=local, timestamps=times[mask], from_member=src[mask] == who,
            kinds=kinds[mask], tie_started=first[ties], now=cutoff, calibration=calibration,
        )  # fmt: skip
        rows = np.flatnonzero(person == who)
        ego[rows] = scored[np.searchsorted(ties, rows_pair[rows])]
        own = label[rows_pair[rows]]
        within.append(
            (
                model.roc_auc(fixed[rows_pair[rows]], own),
                model.roc_auc(ego[rows], own),
            )
        )
    labels = label[rows_pair]
    auc_fixed = model.roc_auc(fixed[rows_pair], labels)
    auc_ego = model.roc_auc(ego, labels)
    n = labels.shape[0]
    samples = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        pick = rng.integers(0, n, n)
        samples.append(
            model.roc_auc(ego[pick], labels[pick])
            - model.roc_auc(fixed[rows_pair][pick], labels[pick])
        )
    low_ci, high_ci = np.nanpercentile(samples, [2.5, 97.5])
    own_fixed = np.nanmean([a for a, _ in within]) if within else float("nan")
    own_ego = np.nanmean([b for _, b in within]) if within else float("nan")
    better = sum(1 for a, b in within if b > a + 1e-12)
    worse = sum(1 for a, b in within if b < a - 1e-12)
    return (
        f"| {network.name} | day {days} | {n} | {calibrated} of {big.shape[0]} | "
        f"{auc_fixed:.4f} | {auc_ego:.4f} | {auc_ego - auc_fixed:+.4f} "
        f"[{low_ci:+.4f}, {high_ci:+.4f}] | {own_fixed:.3f} → {own_ego:.3f} "
        f"({better} better, {worse} worse of {len(within)}) |"
    )


Margin = tuple[float, float, float, str, Floats]  # margin, 95% low, high, baseline, samples


def margins(row: Row, rng: np.random.Generator) -> dict[str, Margin]:
    """Per method: AUC margin over the better baseline, its 95% paired bootstrap interval, and
    which baseline. The same resamples serve every method."""
    auc = {name: model.roc_auc(score, row.label) for name, score in row.scores.items()}
    baseline = max(("recency only", "count only"), key=lambda name: auc[name])
    picks = [rng.integers(0, row.pairs, row.pairs) for _ in range(BOOTSTRAP_RESAMPLES)]
    base_samples = np.array([model.roc_auc(row.scores[baseline][p], row.label[p]) for p in picks])
    out = {}
    for method in METHODS:
        samples = (
            np.array([model.roc_auc(row.scores[method][p], row.label[p]) for p in picks])
            - base_samples
        )
        low, high = np.nanpercentile(samples, [2.5, 97.5])
        out[method] = (auc[method] - auc[baseline], float(low), float(high), baseline, samples)
    return out


def describe(calibration: model.Calibration) -> str:
    if calibration == model.DEFAULT_CALIBRATION:
        return "default"
    return f"{calibration.w_recency:.2f} / {calibration.half_life_days:.0f} d"


def synthetic_member(rng: np.random.Generator, connections: int, interactions: int) -> Ledger:
    """One member's ledger as benchmarks/strength.py builds it: heavy-tailed activity per tie,
    two years of history, every kind, in time order as the database returns it."""
    now = 1_800_000_000.0
    activity = 1.0 / np.arange(1, connections + 1) ** 1.1
    pair = rng.choice(connections, size=interactions, p=activity / activity.sum())
    times = np.sort(now - rng.exponential(120 * DAY, size=interactions).clip(0, 730 * DAY))
    kinds = rng.choice(
        len(model.Kind),
        size=interactions,
        p=np.array([30, 20, 10, 15, 5, 4, 4, 3, 2, 2, 2, 3]) / 100,
    ).astype(np.int8)
    return Ledger(
        pair_index=pair.astype(np.int64),
        timestamps=times,
        from_member=rng.random(interactions) < 0.5,
        kinds=kinds,
        tie_started=now - rng.uniform(0, 1_000 * DAY, size=connections),
        now=now,
    )


@dataclass(frozen=True)
class Ledger:
    pair_index: npt.NDArray[np.int64]
    timestamps: Floats
    from_member: Bools
    kinds: npt.NDArray[np.int8]
    tie_started: Floats
    now: float


def recompute(ledger: Ledger, *, calibrated: bool) -> list[str]:
    """What `ties_recompute` asks of the model for one member (score, tier), and with
    `calibrated` what the audit asks of it for one export (calibrate, score, tier)."""
    calibration = (
        model.calibrate(
            pair_index=ledger.pair_index,
            timestamps=ledger.timestamps,
            from_member=ledger.from_member,
            kinds=ledger.kinds,
            tie_started=ledger.tie_started,
            now=ledger.now,
        )
        if calibrated
        else model.DEFAULT_CALIBRATION
    )
    values = model.relationship_strengths(
        pair_index=ledger.pair_index,
        timestamps=ledger.timestamps,
        from_member=ledger.from_member,
        kinds=ledger.kinds,
        tie_started=ledger.tie_started,
        now=ledger.now,
        calibration=calibration,
    )
    relationship = model.relationships(
        pair_index=ledger.pair_index,
        from_member=ledger.from_member,
        kinds=ledger.kinds,
        n_ties=ledger.tie_started.shape[0],
    )
    return model.assign_tiers(values, relationship=relationship)


def performance(runs: int) -> None:
    """Median and p99 wall-clock and median CPU for one member with 1,000 ties and 100,000
    interactions (issue 15's target for a strength recompute: ≤ 50 ms)."""
    ledger = synthetic_member(np.random.default_rng(SEED), 1_000, 100_000)
    for label, calibrated in (
        ("ties recompute (score + tiers)", False),
        ("audit of an export this size (calibrate + score + tiers)", True),
    ):
        for _ in range(3):
            recompute(ledger, calibrated=calibrated)
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            recompute(ledger, calibrated=calibrated)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"{label}, 1,000 ties, 100,000 interactions, {runs} runs, load average "
            f"{os.getloadavg()[0]:.1f}: median {statistics.median(wall):.1f} ms, p99 "
            f"{np.percentile(wall, 99):.1f} ms wall; median {statistics.median(cpu):.1f} ms CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--tuning-only", action="store_true", help="score the tuning cut-offs alone"
    )
    parser.add_argument("--performance", type=int, default=0, metavar="RUNS")
    arguments = parser.parse_args()
    if arguments.performance:
        performance(arguments.performance)
        return
    rng = np.random.default_rng(SEED)
    rows: list[tuple[Row, dict[str, Margin]]] = []
    for name, cutoffs in CUTOFF_DAYS.items():
        network = load(name)
        for days in cutoffs:
            if arguments.tuning_only and (name, days) not in TUNING_CUTOFFS:
                continue
            row = score_cutoff(network, days)
            rows.append((row, margins(row, rng)))

    tuning = [(row, m) for row, m in rows if (row.network, row.days) in TUNING_CUTOFFS]
    smallest = {method: min(m[method][0] for _, m in tuning) for method in CANDIDATES}
    chosen = max(CANDIDATES, key=lambda method: smallest[method])
    print("Choice on the tuning cut-offs (smallest margin over the better baseline):")
    for method in CANDIDATES:
        mark = "  <- chosen" if method == chosen else ""
        print(f"- {method}: {smallest[method]:+.4f}{mark}")
    print()
    print(
        "| network | cut-off | pairs | in contact | recency only | count only | fixed | "
        "calibrated-1 | calibrated-3 | old audit model | calibration (recency weight / "
        "half-life), 1 and 3 back-tests | margin of the chosen method over the better "
        "baseline [95% bootstrap] | old audit model's margin |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    wins = {method: [0, 0] for method in METHODS}
    for row, m in rows:
        kind = (
            "tuning"
            if (row.network, row.days) in TUNING_CUTOFFS
            else ("fresh" if (row.network, row.days) in FRESH_CUTOFFS else "spent")
        )
        aucs = {name: model.roc_auc(score, row.label) for name, score in row.scores.items()}
        margin, low, high, baseline, _ = m[chosen]
        old = m["old audit model"]
        print(
            f"| {row.network} | day {row.days} ({kind}) | {row.pairs} | {row.in_contact} | "
            + " | ".join(
                f"{aucs[name]:.3f}"
                for name in ("recency only", "count only", *CANDIDATES, "old audit model")
            )
            + f" | {describe(row.calibration['calibrated-1'])}; "
            f"{describe(row.calibration['calibrated-3'])} | "
            f"{margin:+.4f} vs {baseline.split()[0]} [{low:+.3f}, {high:+.3f}] | "
            f"{old[0]:+.4f} [{old[1]:+.3f}, {old[2]:+.3f}] |"
        )
        if kind != "tuning":
            for method in METHODS:
                wins[method][0] += m[method][0] > 0
                wins[method][1] += 1
    print()
    print("Held-out cut-offs where each method beats both baselines:")
    for method in METHODS:
        print(f"- {method}: {wins[method][0]} of {wins[method][1]}")
    print()
    print(
        "Calibrated per person, as deployed (each pair from both ends; people with at least "
        f"{2 * model.CALIBRATION_MIN_PAIRS} ties may calibrate; looked at after the choice):"
    )
    print()
    print(
        "| network | cut-off | rows | people calibrated | fixed | per-person calibration | "
        "difference [95% bootstrap] | calibrated people's own AUC, fixed → calibrated |"
    )
    print("|---|---|---|---|---|---|---|---|")
    ego_rng = np.random.default_rng(SEED + 1)
    for name, cutoffs in CUTOFF_DAYS.items():
        if arguments.tuning_only:
            break
        network = load(name)
        for days in cutoffs:
            print(ego_evaluation(network, days, ego_rng))
    print()
    print(
        "Mean margin over the better baseline across held-out cut-offs [95% bootstrap of the "
        "mean; cut-offs of one network share pairs, so the interval is narrower than the truth]:"
    )
    groups: dict[str, list[dict[str, Margin]]] = {}
    for row, m in rows:
        if (row.network, row.days) in TUNING_CUTOFFS:
            continue
        fresh = "fresh" if (row.network, row.days) in FRESH_CUTOFFS else "spent"
        for group in ("all held-out", f"{fresh} held-out", f"{row.network} held-out"):
            groups.setdefault(group, []).append(m)
    for group, members in groups.items():
        parts = []
        for method in METHODS:
            mean = float(np.mean([m[method][0] for m in members]))
            pooled = np.nanmean(np.stack([m[method][4] for m in members]), axis=0)
            low, high = np.nanpercentile(pooled, [2.5, 97.5])
            parts.append(f"{method} {mean:+.4f} [{low:+.4f}, {high:+.4f}]")
        print(f"- {group} ({len(members)}): " + "; ".join(parts))


if __name__ == "__main__":
    main()
