"""Benchmark: personalization check latency with a sender history of 10,000 earlier notes.

Target (issues 3 and 15): median ≤ 2 ms and p99 ≤ 10 ms per check. Compares, in the same run, the
engine's LSH-banded history lookup with a linear scan over every earlier signature, and
reports the cost of building the history index. Notes are generated from the demo cast's
names, companies and topics with a mix of templates and free variations, so some drafts
have near-duplicates in the history and most do not.

    .venv/bin/python benchmarks/personalization.py [--history 10000] [--checks 3000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime

import numpy as np

from mutuals import personalization as engine
from mutuals.personalization import minhash
from mutuals.site.demo_cast import CAST

OPENINGS = ["Hi {first},", "Hello {first},", "Dear {first},", "{first} —", "Good morning {first},"]
HOOKS = [
    "your talk on {topic} at the chapter meetup",
    "your post about {topic}",
    "what you said about {topic} at the {company} open day",
    "{mutual} told me about your work on {topic}",
    "the {topic} round-table last Tuesday",
]
BODIES = [
    "is exactly what my team is wrestling with",
    "made me rethink how we run our PMO",
    "matches a problem we have at {own}",
    "was the most practical thing I heard this month",
    "answered a question I have had since our last release",
]
ASKS = [
    "Could I ask your advice for 20 minutes?",
    "Would you be open to comparing notes over coffee?",
    "Can I buy you a coffee and hear how you set it up?",
    "Would you mentor me through my first portfolio review?",
    "Are you open to a short call next week?",
]


def note(rng: random.Random) -> tuple[str, engine.Recipient]:
    person = rng.choice(CAST)
    first = person.name.split()[0]
    topic = rng.choice(person.topics)
    mutual = rng.choice(CAST).name.split()[0]
    own = rng.choice(CAST).company
    text = " ".join(
        [
            rng.choice(OPENINGS).format(first=first),
            rng.choice(HOOKS).format(topic=topic, company=person.company, mutual=mutual),
            rng.choice(BODIES).format(own=own) + ".",
            rng.choice(ASKS),
        ]
    )
    if rng.random() < 0.5:  # free variation: most notes are not template copies
        extra = rng.sample(
            [
                "We",
                "I",
                "both",
                "started",
                "in",
                "rail",
                "health",
                "last",
                "year",
                "moved",
                "from",
                "ops",
                "into",
                "delivery",
                "and",
                "now",
                "lead",
            ],
            6,
        )
        text += " " + " ".join(extra) + "."
    return text, engine.Recipient(
        name=person.name,
        company=person.company,
        title=person.title,
        headline=person.headline,
        about=person.bio,
        topics=person.topics,
        key=person.name,
    )


class LinearHistory(engine.SenderHistory):
    """The baseline: compare the draft with every earlier signature, no LSH."""

    def __init__(self, entries: list[tuple[tuple[int, ...], str]]) -> None:
        super().__init__()
        self.matrix = np.asarray([sig for sig, _ in entries], dtype=np.int64)
        self.keys = np.asarray([key for _, key in entries])

    def __len__(self) -> int:
        return len(self.keys)

    def near_duplicates(self, sig, threshold=0.7, key=None):  # type: ignore[no-untyped-def]
        if not len(self) or len(sig) != minhash.NUM_PERMUTATIONS:
            return 0
        matches = (self.matrix == np.asarray(sig, dtype=np.int64)).sum(axis=1)
        hit = matches >= threshold * minhash.NUM_PERMUTATIONS
        return len(set(self.keys[hit].tolist()) - {key})


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def run(history_size: int, checks: int) -> None:
    rng = random.Random(7)
    context = engine.Context("topic", "Risk management", verified=True)
    earlier = [note(rng) for _ in range(history_size)]
    entries = [
        (engine.signature(text, engine.recipient_terms(recipient)), recipient.key)
        for text, recipient in earlier
    ]

    started = time.perf_counter()
    lsh = engine.SenderHistory(entries)
    build_ms = (time.perf_counter() - started) * 1000
    linear = LinearHistory(entries)

    drafts = [note(rng) for _ in range(checks)]
    timings: dict[str, list[float]] = {"lsh": [], "linear": []}
    cpu: list[float] = []
    verdicts: dict[str, list[str]] = {"lsh": [], "linear": []}
    for text, recipient in drafts[:50]:  # warm-up
        engine.assess(text, recipient=recipient, context=context, intent="advice", history=lsh)
    for text, recipient in drafts:
        for name, history in (("lsh", lsh), ("linear", linear)):
            started, cpu_started = time.perf_counter(), time.thread_time()
            report = engine.assess(
                text, recipient=recipient, context=context, intent="advice", history=history
            )
            timings[name].append((time.perf_counter() - started) * 1000)
            if name == "lsh":
                cpu.append((time.thread_time() - cpu_started) * 1000)
            verdicts[name].append(report.verdict)

    agree = sum(a == b for a, b in zip(verdicts["lsh"], verdicts["linear"], strict=True))
    print(
        f"personalization check — {datetime.now(UTC):%Y-%m-%d} on {platform.node()} "
        f"({platform.processor() or platform.machine()}, Python {platform.python_version()})"
    )
    print(f"history: {history_size} earlier notes; index built in {build_ms:.0f} ms")
    print(f"{checks} checks; times in ms")
    print("| history lookup | median | p99 | max |")
    print("|---|---|---|---|")
    for name in ("lsh", "linear"):
        values = timings[name]
        print(
            f"| {name} | {statistics.median(values):.3f} | {percentile(values, 99):.3f} | "
            f"{max(values):.3f} |"
        )
    print(
        f"| lsh, CPU time of the checking thread | {statistics.median(cpu):.3f} | "
        f"{percentile(cpu, 99):.3f} | {max(cpu):.3f} |"
    )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    ratio = statistics.median(timings["linear"]) / statistics.median(timings["lsh"])
    print(f"linear scan / LSH median ratio: {ratio:.1f}×; verdicts agree on {agree}/{checks}")
    median, p99 = statistics.median(timings["lsh"]), percentile(timings["lsh"], 99)
    print(f"target median ≤ 2 ms, p99 ≤ 10 ms: {'met' if median <= 2 and p99 <= 10 else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=3_000)
    arguments = parser.parse_args()
    run(arguments.history, arguments.checks)
