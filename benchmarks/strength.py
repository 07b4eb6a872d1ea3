"""Relationship strength (issue 4, docs/design.md §5): does it predict contact, and is it fast?

(a) Evaluation on two real timestamped networks in tests/data — CollegeMsg (59,835
    private messages among 1,899 students, Apr–Oct 2004) and email-Eu-core dept. 3 (12,216
    e-mails among 89 people over 802 days). At each cut-off, every pair that exchanged a
    message before it is scored from its history up to the cut-off (tie start = the pair's
    first message; every interaction is a MESSAGE); the label is whether the pair is in
    contact (either direction) in the following 30 days. ROC AUC (Mann–Whitney, average ranks
    for ties) of the model against two baselines — recency only (time since the last message)
    and message count only — with a paired bootstrap interval of the margin over the better
    baseline, and each component alone. The model's constants were chosen on two cut-offs,
    CollegeMsg day 60 and e-mail day 180 (TUNING_CUTOFFS); the other eight rows are held out.
    Then tiers by rank per person against Dunbar's layers (5 / 15 / 50 / 150), and what the
    fixed thresholds other modules put on a tie's strength (introductions 0.2, referrals 0.5)
    select on these data and on worked histories.
(b) Performance: `relationship_strengths` for one member with 1,000 connections and 100,000
    interactions (synthetic, heavy-tailed activity, all kinds) — median and p99 over repeated
    runs. Target (issue 4): median ≤ 50 ms.

    .venv/bin/python benchmarks/strength.py [--runs 300] [--skip-evaluation] [--skip-performance]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutuals.graph.search import MIN_INTRODUCTION_STRENGTH  # noqa: E402
from mutuals.introductions.strength import REFERRAL_MIN_FIRST_HOP  # noqa: E402
from mutuals.strength import model  # noqa: E402
from tests.datasets import DATA_DIR as DATA  # noqa: E402

DAY = model.SECONDS_PER_DAY
HORIZON_DAYS = 30
SEED = 20261125


@dataclass(frozen=True)
class Dataset:
    name: str
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    times: npt.NDArray[np.float64]
    cutoff_days: tuple[int, ...]  # days after the first record


# The only cut-offs the constants were chosen on (dataset name, days after the first record);
# every other row of the evaluation is held out.
TUNING_CUTOFFS = frozenset({("collegemsg", 60), ("email-eu-dept3", 180)})
# Paired bootstrap over pairs for the margin of the model over the better baseline.
BOOTSTRAP_RESAMPLES = 200


def load_datasets() -> list[Dataset]:
    college = np.loadtxt(DATA / "collegemsg" / "CollegeMsg.txt", dtype=np.int64, ndmin=2)
    email = np.loadtxt(
        DATA / "email-eu-core-dept3-temporal" / "out.email-Eu-core-temporal-Dept3",
        dtype=np.int64,
        comments="%",
        ndmin=2,
    )
    datasets = []
    # CollegeMsg spans 194 days, most of it in the first 60; the e-mail data has activity for
    # about 540 days, then a gap (see SOURCE.txt), so its cut-offs stop at day 450.
    for name, rows, cutoffs in (
        ("collegemsg", college, (30, 60, 90, 120, 150)),
        ("email-eu-dept3", email, (90, 180, 270, 360, 450)),
    ):
        order = np.argsort(rows[:, 2], kind="stable")  # e-mail has 4 small descents
        rows = rows[order]
        datasets.append(
            Dataset(
                name=name,
                src=rows[:, 0].copy(),
                dst=rows[:, 1].copy(),
                times=rows[:, 2].astype(np.float64),
                cutoff_days=cutoffs,
            )
        )
    return datasets


def roc_auc(scores: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_]) -> float:
    """Mann–Whitney AUC: P(score of a positive > score of a negative), ties counting 1/2."""
    positives = int(labels.sum())
    negatives = labels.shape[0] - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    # The average rank (1-based) of each distinct value, so equal scores share a rank.
    ends = np.cumsum(counts)
    average_rank = ends - (counts - 1) / 2.0
    rank_sum = float(average_rank[inverse][labels].sum())
    return float((rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives))


@dataclass
class Snapshot:
    """Every pair that interacted before a cut-off, scored, with its label."""

    low: npt.NDArray[np.int64]
    high: npt.NDArray[np.int64]
    strength: npt.NDArray[np.float64]
    components: dict[str, npt.NDArray[np.float64]]
    last: npt.NDArray[np.float64]
    count: npt.NDArray[np.int64]
    conversations: npt.NDArray[np.int64]
    first: npt.NDArray[np.float64]
    label: npt.NDArray[np.bool_]
    future_count: npt.NDArray[np.int64]
    cutoff: float


def snapshot(data: Dataset, cutoff: float) -> Snapshot:
    """Score all pairs at `cutoff` in one call: the model is symmetric, so scoring the pair
    from its lower-numbered end gives both ends' strength."""
    before = data.times < cutoff
    low = np.minimum(data.src, data.dst)
    high = np.maximum(data.src, data.dst)
    span = int(high.max()) + 1
    key = low * span + high
    pairs, pair_index = np.unique(key[before], return_inverse=True)
    times = data.times[before]
    n_pairs = pairs.shape[0]
    first = np.full(n_pairs, np.inf)
    np.minimum.at(first, pair_index, times)
    last = np.full(n_pairs, -np.inf)
    np.maximum.at(last, pair_index, times)
    arguments = {
        "pair_index": pair_index.astype(np.int64),
        "timestamps": times,
        "from_member": (data.src == low)[before],
        "kinds": np.full(times.shape[0], model.Kind.MESSAGE, dtype=np.int8),
        "tie_started": first,
        "now": cutoff,
    }
    strength = model.relationship_strengths(**arguments)
    # Conversations as the model counts them: messages on a pair less than a gap apart are one.
    by_pair = np.lexsort((times, pair_index))
    pair_sorted, times_sorted = pair_index[by_pair], times[by_pair]
    opens = np.ones(times.shape[0], dtype=np.bool_)
    opens[1:] = (pair_sorted[1:] != pair_sorted[:-1]) | (
        times_sorted[1:] - times_sorted[:-1] > model.CONVERSATION_GAP_DAYS * DAY
    )
    components = model.relationship_components(**arguments)
    window = (data.times >= cutoff) & (data.times < cutoff + HORIZON_DAYS * DAY)
    future_keys = key[window]
    position = np.searchsorted(pairs, future_keys)
    position = np.minimum(position, n_pairs - 1)
    known = pairs[position] == future_keys
    future_count = np.bincount(position[known], minlength=n_pairs)
    return Snapshot(
        low=pairs // span,
        high=pairs % span,
        strength=strength,
        components=components,
        last=last,
        count=np.bincount(pair_index, minlength=n_pairs),
        conversations=np.bincount(pair_sorted[opens], minlength=n_pairs),
        first=first,
        label=future_count > 0,
        future_count=future_count,
        cutoff=cutoff,
    )


def margin_samples(
    snap: Snapshot, baseline: npt.NDArray[np.float64], rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """AUC(model) − AUC(baseline) over BOOTSTRAP_RESAMPLES paired resamples of the pairs
    (with replacement)."""
    n = snap.label.shape[0]
    margins = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        pick = rng.integers(0, n, n)
        label = snap.label[pick]
        margins.append(roc_auc(snap.strength[pick], label) - roc_auc(baseline[pick], label))
    return np.array(margins)


def interval(samples: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The 95% percentile interval of bootstrap samples."""
    low, high = np.nanpercentile(samples, [2.5, 97.5])
    return float(low), float(high)


def pooled_margins(held_out: dict[str, list[tuple[float, npt.NDArray[np.float64]]]]) -> None:
    """The mean margin over the better baseline across held-out cut-offs, per dataset and in
    all, with a bootstrap interval of the mean (each cut-off's resample i averaged with the
    others' resample i). Cut-offs of one dataset share many pairs, so their errors are
    correlated and this interval is narrower than the truth: read it as a summary, not as
    ten independent trials."""
    print("Mean margin over the better baseline across the held-out cut-offs:")
    groups = dict(held_out)
    groups["both datasets"] = [row for rows in held_out.values() for row in rows]
    for name, rows in groups.items():
        mean = float(np.mean([margin for margin, _ in rows]))
        low, high = interval(np.nanmean(np.stack([samples for _, samples in rows]), axis=0))
        print(f"- {name} ({len(rows)} cut-offs): {mean:+.4f} [{low:+.4f}, {high:+.4f}]")
    print()


def evaluation(datasets: list[Dataset]) -> dict[str, Snapshot]:
    print(f"## (a) Does strength predict contact in the next {HORIZON_DAYS} days? (ROC AUC)")
    print()
    print(
        "| dataset | cut-off | pairs | in contact | model | recency only | count only | "
        "margin over the better baseline [95% bootstrap] | " + " | ".join(model.COMPONENTS) + " |"
    )
    print("|---|---|---|---|---|---|---|---|" + "---|" * len(model.COMPONENTS))
    wins = total = 0
    losses: list[str] = []
    kept: dict[str, Snapshot] = {}
    held_out: dict[str, list[tuple[float, npt.NDArray[np.float64]]]] = {}
    rng = np.random.default_rng(SEED)
    for data in datasets:
        origin = float(data.times.min())
        for days in data.cutoff_days:
            snap = snapshot(data, origin + days * DAY)
            auc_model = roc_auc(snap.strength, snap.label)
            auc_recency = roc_auc(snap.last, snap.label)
            auc_count = roc_auc(snap.count.astype(np.float64), snap.label)
            better, name_better, auc_better = (
                (snap.last, "recency", auc_recency)
                if auc_recency >= auc_count
                else (snap.count.astype(np.float64), "count", auc_count)
            )
            samples = margin_samples(snap, better, rng)
            low, high = interval(samples)
            if (data.name, days) not in TUNING_CUTOFFS:
                held_out.setdefault(data.name, []).append((auc_model - auc_better, samples))
            parts = " | ".join(
                f"{roc_auc(snap.components[name], snap.label):.3f}" for name in model.COMPONENTS
            )
            tuned = " (tuning)" if (data.name, days) in TUNING_CUTOFFS else ""
            print(
                f"| {data.name} | day {days}{tuned} | {snap.label.shape[0]} | "
                f"{int(snap.label.sum())} | **{auc_model:.3f}** | {auc_recency:.3f} | "
                f"{auc_count:.3f} | {auc_model - auc_better:+.4f} vs {name_better} "
                f"[{low:+.3f}, {high:+.3f}] | {parts} |"
            )
            total += 1
            if auc_model > auc_better:
                wins += 1
            else:
                losses.append(
                    f"{data.name} day {days}: {auc_model:.4f} against {name_better} only "
                    f"{auc_better:.4f} ({auc_model - auc_better:+.4f})"
                )
            kept[f"{data.name}@{days}"] = snap
    print()
    print(f"model beats both baselines at {wins} of {total} cut-offs")
    for loss in losses:
        print(f"- does not beat {loss}")
    print()
    pooled_margins(held_out)
    return kept


def ranks_per_person(
    person: npt.NDArray[np.int64], strength: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """0-based rank of each (person, tie) row within the person's ties, strongest first."""
    order = np.lexsort((-strength, person))
    sorted_person = person[order]
    starts = np.flatnonzero(np.r_[True, sorted_person[1:] != sorted_person[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, sorted_person.shape[0]]))
    ranks = np.empty(person.shape[0], dtype=np.int64)
    ranks[order] = np.arange(person.shape[0]) - group_start
    return ranks


def tiers(snapshots: dict[str, Snapshot]) -> None:
    print("## Tiers by rank per person against Dunbar's layers")
    print()
    print(
        "Each pair counted from both ends; tiers by rank of strength within each person's "
        "ties. 'N full' = people with at least as many ties as the layer's cumulative size."
    )
    print()
    print(
        "| dataset | cut-off | people | ties per person (median / p90 / max) | "
        + " | ".join(f"{name} ≤{size}" for name, size in model.TIER_SIZES)
        + " |"
    )
    print("|---|---|---|---|" + "---|" * len(model.TIER_SIZES))
    shares: list[str] = []
    natural: list[str] = []
    for label, snap in snapshots.items():
        name, _, days = label.partition("@")
        person = np.r_[snap.low, snap.high]
        strength = np.r_[snap.strength, snap.strength]
        future = np.r_[snap.future_count, snap.future_count]
        last = np.r_[snap.last, snap.last]
        degree = np.bincount(person)
        degree = degree[degree > 0]
        tier = model.tier_index_by_rank(ranks_per_person(person, strength))
        filled = " | ".join(
            f"{int((degree >= size).sum())} people full" for _, size in model.TIER_SIZES
        )
        print(
            f"| {name} | day {days} | {degree.shape[0]} | {int(np.median(degree))} / "
            f"{int(np.percentile(degree, 90))} / {int(degree.max())} | {filled} |"
        )
        future_by_tier = np.bincount(tier, weights=future, minlength=len(model.TIERS))
        ties_by_tier = np.bincount(tier, minlength=len(model.TIERS))
        share = future_by_tier / max(float(future_by_tier.sum()), 1.0)
        shares.append(
            f"| {name} | day {days} | "
            + " | ".join(
                f"{share[i]:.0%} of contact, {int(ties_by_tier[i])} ties"
                for i in range(len(model.TIERS))
            )
            + " |"
        )
        # Natural layers: how many ties each person had kept within each tier's cadence.
        cutoff = snap.cutoff
        sizes = []
        for tier_name, _ in model.TIER_SIZES:
            recent = (cutoff - last) <= model.CADENCE_DAYS[tier_name] * DAY
            per_person = np.bincount(person[recent], minlength=int(person.max()) + 1)
            active_people = np.bincount(person) > 0
            values = per_person[active_people]
            sizes.append(
                f"{np.median(values):.0f} / {np.percentile(values, 90):.0f} / {values.max()}"
            )
        natural.append(f"| {name} | day {days} | " + " | ".join(sizes) + " |")
    print()
    print("Where the next 30 days' messages went, by tier at the cut-off:")
    print()
    print("| dataset | cut-off | " + " | ".join(model.TIERS) + " |")
    print("|---|---|" + "---|" * len(model.TIERS))
    print("\n".join(shares))
    print()
    print(
        "Ties per person in contact within each tier's cadence before the cut-off "
        "(median / p90 / max; Dunbar: 5 / 15 / 50 / 150 cumulative):"
    )
    print()
    print(
        "| dataset | cut-off | "
        + " | ".join(f"≤{model.CADENCE_DAYS[n]} days" for n, _ in model.TIER_SIZES)
        + " |"
    )
    print("|---|---|" + "---|" * len(model.TIER_SIZES))
    print("\n".join(natural))
    print()


def exchanges(accepted_days_ago: float, days_ago: list[float], now: float) -> float:
    """Strength of one tie whose every conversation is a message and an answer ten minutes
    later, the two sides taking turns to open."""
    times, mine = [], []
    for number, days in enumerate(sorted(days_ago, reverse=True)):
        opener = number % 2 == 0
        times += [now - days * DAY, now - days * DAY + 600.0]
        mine += [opener, not opener]
    n = len(times)
    return float(
        model.relationship_strengths(
            pair_index=np.zeros(n, dtype=np.int64),
            timestamps=np.array(times, dtype=np.float64),
            from_member=np.array(mine, dtype=np.bool_),
            kinds=np.array([model.Kind.MESSAGE, model.Kind.REPLY] * (n // 2), dtype=np.int8),
            tie_started=np.array([now - accepted_days_ago * DAY]),
            now=now,
        )[0]
    )


def thresholds(snapshots: dict[str, Snapshot]) -> None:
    low, high = MIN_INTRODUCTION_STRENGTH, REFERRAL_MIN_FIRST_HOP
    print(
        f"## Fixed thresholds on strength: introductions ≥ {low} (graph.search), "
        f"referrals ≥ {high} (introductions.strength)"
    )
    print()
    print(
        "Share of ties at or above each threshold, overall and by tier (each pair from both "
        "ends), and the share of pairs in contact in the next 30 days below, between and "
        "above them (pairs in brackets):"
    )
    print()
    print(
        f"| dataset | cut-off | pairs | ≥ {low} | ≥ {high} | "
        + " | ".join(f"{name} ≥ {low} / ≥ {high}" for name, _ in model.TIER_SIZES[:3])
        + f" | contact next 30 days: < {low} / {low}–{high} / ≥ {high} |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    near: list[str] = []
    for label, snap in snapshots.items():
        name, _, days = label.partition("@")
        person = np.r_[snap.low, snap.high]
        strength = np.r_[snap.strength, snap.strength]
        tier = model.tier_index_by_rank(ranks_per_person(person, strength))
        by_tier = []
        for index in range(3):
            chosen = strength[tier == index]
            by_tier.append(
                f"{(chosen >= low).mean():.0%} / {(chosen >= high).mean():.0%}"
                if chosen.shape[0]
                else "–"
            )
        bands = []
        for chosen in (
            snap.strength < low,
            (snap.strength >= low) & (snap.strength < high),
            snap.strength >= high,
        ):
            share = f"{snap.label[chosen].mean():.0%}" if chosen.any() else "–"
            bands.append(f"{share} ({int(chosen.sum())})")
        print(
            f"| {name} | day {days} | {snap.strength.shape[0]} | "
            f"{(snap.strength >= low).mean():.0%} | {(snap.strength >= high).mean():.0%} | "
            + " | ".join(by_tier)
            + " | "
            + " / ".join(bands)
            + " |"
        )
        for threshold in (low, high):
            chosen = np.abs(snap.strength - threshold) <= 0.1 * threshold
            if not chosen.any():
                continue

            def spread(values: npt.NDArray[np.float64]) -> str:
                p10, p50, p90 = np.percentile(values, [10, 50, 90])
                return f"{p50:.0f} [{p10:.0f}, {p90:.0f}]"

            near.append(
                f"| {name} | day {days} | {threshold} ± 10% | {int(chosen.sum())} | "
                f"{spread(snap.conversations[chosen].astype(np.float64))} | "
                f"{spread((snap.cutoff - snap.last[chosen]) / DAY)} | "
                f"{spread((snap.cutoff - snap.first[chosen]) / DAY)} | "
                f"{snap.label[chosen].mean():.0%} |"
            )
    print()
    print("Pairs near each threshold: median [p10, p90]")
    print()
    print(
        "| dataset | cut-off | strength | pairs | conversations | days since the last message "
        "| days since the first | in contact next 30 days |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(near))
    print()
    now = datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    weekly = [7.0 * week for week in range(52)]
    histories: list[tuple[str, float, list[float]]] = [
        ("accepted 1 day ago, one exchange now", 1, [0.0]),
        ("accepted 3 days ago, one exchange 2 days ago", 3, [2]),
        ("accepted 14 days ago, one exchange 13 days ago", 14, [13]),
        ("accepted 30 days ago, one exchange 29 days ago", 30, [29]),
        ("accepted 30 days ago, exchanges 25 and 5 days ago", 30, [25, 5]),
        ("accepted a year ago, one exchange 3 days ago", 365, [3]),
        ("accepted a year ago, one exchange 60 days ago", 365, [60]),
        ("accepted a year ago, one exchange 120 days ago", 365, [120]),
        ("accepted a year ago, quarterly, the last 20 days ago", 365, [290, 200, 110, 20]),
        (
            "accepted a year ago, weekly for 5 weeks, the last 3 days ago",
            365,
            [3 + d for d in weekly[:5]],
        ),
        ("monthly for two years, the last 20 days ago", 730, [20 + 30.0 * m for m in range(24)]),
        ("monthly for two years, the last 60 days ago", 730, [60 + 30.0 * m for m in range(22)]),
        ("weekly for a year, the last 3 days ago", 365, [3 + d for d in weekly]),
        ("weekly for a year, then 8 weeks silent", 421, [56 + d for d in weekly]),
        ("weekly for a year, then 2 years silent", 1095, [730 + d for d in weekly]),
    ]
    print(
        "Worked histories (every conversation a message and an answer, the sides taking turns "
        "to open; the tie starts at the connection's acceptance):"
    )
    print()
    print("| history | strength | introduction | referral |")
    print("|---|---|---|---|")
    for text, accepted, days_ago in histories:
        value = exchanges(accepted, days_ago, now)
        print(
            f"| {text} | {value:.2f} | {'yes' if value >= low else 'no'} | "
            f"{'yes' if value >= high else 'no'} |"
        )
    print()


def synthetic_member(
    rng: np.random.Generator, connections: int, interactions: int, now: float
) -> dict[str, object]:
    """One member's ledger: heavy-tailed activity per tie (Zipf-like), two years of history,
    conversations in bursts, every kind, in time order as the database returns it."""
    activity = 1.0 / np.arange(1, connections + 1) ** 1.1
    pair = rng.choice(connections, size=interactions, p=activity / activity.sum())
    times = now - rng.exponential(120 * DAY, size=interactions).clip(0, 730 * DAY)
    times = np.sort(times)
    kinds = rng.choice(
        len(model.Kind),
        size=interactions,
        p=np.array([30, 20, 10, 15, 5, 4, 4, 3, 2, 2, 2, 3]) / 100,
    ).astype(np.int8)
    tie_started = now - rng.uniform(0, 1_000 * DAY, size=connections)
    return {
        "pair_index": pair.astype(np.int64),
        "timestamps": times,
        "from_member": rng.random(interactions) < 0.5,
        "kinds": kinds,
        "tie_started": tie_started,
        "now": now,
    }


def performance(runs: int) -> None:
    rng = np.random.default_rng(SEED)
    now = datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    member = synthetic_member(rng, 1_000, 100_000, now)
    shuffled = dict(member)
    order = rng.permutation(100_000)
    for name in ("pair_index", "timestamps", "from_member", "kinds"):
        shuffled[name] = member[name][order]  # type: ignore[index]
    print("## (b) Recomputing one member: 1,000 connections, 100,000 interactions")
    print()
    print(
        f"{runs} runs after 5 warm-up runs; wall-clock ms (CPU time: this process); "
        f"host {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}), load average {os.getloadavg()[0]:.1f}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print()
    print("| input order | median | p99 | max | CPU-time median |")
    print("|---|---|---|---|---|")
    medians = {}
    for label, arguments in (
        ("by time (as the ledger query returns it)", member),
        ("shuffled", shuffled),
    ):
        for _ in range(5):
            model.relationship_strengths(**arguments)  # type: ignore[arg-type]
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            model.relationship_strengths(**arguments)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        medians[label] = statistics.median(timings)
        print(
            f"| {label} | {statistics.median(timings):.2f} | "
            f"{np.percentile(timings, 99):.2f} | {max(timings):.2f} | "
            f"{statistics.median(cpu):.2f} |"
        )
    median = medians["by time (as the ledger query returns it)"]
    print()
    print(
        f"target median ≤ 50 ms (ledger in time order): {'met' if median <= 50 else 'MISSED'}; "
        f"shuffled input {'also meets it' if medians['shuffled'] <= 50 else 'does not'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--skip-evaluation", action="store_true")
    parser.add_argument("--skip-performance", action="store_true")
    arguments = parser.parse_args()
    print(f"relationship strength — {datetime.now(UTC):%Y-%m-%d} on {platform.node()}")
    print()
    if not arguments.skip_evaluation:
        snapshots = evaluation(load_datasets())
        tiers(snapshots)
        thresholds(snapshots)
    if not arguments.skip_performance:
        performance(arguments.runs)


if __name__ == "__main__":
    main()
