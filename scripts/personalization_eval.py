"""Evaluate the personalization engine on the labelled corpus (tests/data/personalization-corpus).

Each note is judged as the platform judges a draft: with its recipient's profile, its context
and intent, against the same sender's earlier notes (so mass copies meet their originals).
Prints, for the tuning and the held-out part separately, the confusion matrix (class ×
verdict) and each class's rate against its target at the default minimum score of 40:
personal notes scored at or above the minimum; every other class not `personal`.

    .venv/bin/python scripts/personalization_eval.py [--misses]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutuals.personalization import (  # noqa: E402
    PERSONAL,
    Context,
    Recipient,
    Report,
    SenderHistory,
    assess,
)
from tests.datasets import DATA_DIR  # noqa: E402

CORPUS = DATA_DIR / "personalization-corpus"
DEFAULT_MINIMUM = 40  # accounts.Boundaries.min_personalization's default
TARGET = 0.95
CLASSES = ("personal", "generic", "template", "pitch", "flattery", "stuffed", "mass_copy")
VERDICTS = ("personal", "needs_work", "generic")


@dataclass(frozen=True)
class Judged:
    record: dict[str, Any]
    report: Report

    @property
    def cls(self) -> str:
        return str(self.record["class"])

    @property
    def hit(self) -> bool:
        """Whether the engine met this class's target on the note."""
        if self.cls == "personal":
            return self.report.score >= DEFAULT_MINIMUM
        return self.report.verdict != PERSONAL


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def recipient(profile: dict[str, Any]) -> Recipient:
    return Recipient(
        name=profile["name"],
        company=profile["company"],
        title=profile["title"],
        headline=profile["headline"],
        topics=tuple(profile["topics"]),
        about=profile["about"],
        posts=tuple(profile["posts"]),
        events=tuple(profile["events"]),
        mentor_offer=profile["mentor_offer"],
        key=profile["id"],
    )


def judge(corpus: Path = CORPUS) -> list[Judged]:
    profiles = {p["id"]: recipient(p) for p in _lines(corpus / "profiles.jsonl")}
    histories: dict[str, SenderHistory] = {}
    judged = []
    for notes in sorted(corpus.glob("notes-*.jsonl")):
        for record in _lines(notes):
            to = profiles[record["recipient"]]
            context = Context(**record["context"]) if record["context"] else None
            history = histories.setdefault(f"{notes.name}:{record['sender']}", SenderHistory())
            report = assess(
                record["note"][:2000],
                recipient=to,
                context=context,
                intent=record["intent"],
                history=history,
            )
            history.add(report.signature, to.key)
            judged.append(Judged(record, report))
    return judged


def rates(judged: list[Judged], split: str) -> dict[str, tuple[int, int]]:
    """class → (notes meeting the target, notes) in one part."""
    part = [j for j in judged if j.record["split"] == split]
    return {
        cls: (sum(1 for j in part if j.cls == cls and j.hit), sum(1 for j in part if j.cls == cls))
        for cls in CLASSES
    }


def report_text(judged: list[Judged], *, misses: bool = False) -> str:
    out: list[str] = []
    for split, title in (("tune", "Tuning part"), ("holdout", "Held-out part")):
        part = [j for j in judged if j.record["split"] == split]
        matrix = Counter((j.cls, j.report.verdict) for j in part)
        out.append(f"### {title} ({len(part)} notes)\n")
        out.append("| class | " + " | ".join(VERDICTS) + " | target | met |")
        out.append("|---|" + "---|" * (len(VERDICTS) + 2))
        for cls, (hit, total) in rates(judged, split).items():
            target = f"score ≥ {DEFAULT_MINIMUM}" if cls == "personal" else "not personal"
            share = f"{hit}/{total} ({hit / total:.0%})" if total else "–"
            cells = " | ".join(str(matrix[(cls, v)]) for v in VERDICTS)
            out.append(f"| {cls} | {cells} | {target} | {share} |")
        out.append("")
        if misses:
            for j in part:
                if not j.hit:
                    codes = ", ".join(f.code for f in j.report.findings)
                    out.append(
                        f"- MISS {j.record['id']} ({j.cls}) {j.report.score} "
                        f"{j.report.verdict}: {j.record['note'][:110]!r} [{codes}]"
                    )
            out.append("")
    return "\n".join(out)


def main() -> None:
    print(report_text(judge(), misses="--misses" in sys.argv))


if __name__ == "__main__":
    main()
