"""Run the personalization engine over the notes in the real LinkedIn exports vendored in
tests/data and print how it judged them, as the markdown table in docs/personalization.md.

Each sender's notes are judged in the order they were sent, each against the sender's earlier
notes (as the platform does at send time), so reuse across recipients shows up as it would.
Notes are the invitation notes and the opening message of each sender in each conversation.

    .venv/bin/python scripts/personalization_report.py [DATA_DIR]
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from mutuals.imports.linkedin.parser import parse_export, parse_upload
from mutuals.personalization import Recipient, Report, SenderHistory, assess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.datasets import DATA_DIR

EXPORTS = ["linkedin-export-2018", "linkedin-export-2022"]
FIXTURES = [("linkedin-analyzer-fixtures", "messages-corpus.csv")]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def notes(data: Path) -> list[tuple[str, str, str, str, datetime]]:
    """(source, sender, recipient, text, sent_at) for every note, oldest first."""
    found: list[tuple[str, str, str, str, datetime]] = []
    exports = [(name, parse_export(data / name)) for name in EXPORTS]
    exports += [
        (f"{folder}/{file}", parse_upload(file, (data / folder / file).read_bytes()))
        for folder, file in FIXTURES
    ]
    for source, export in exports:
        for invitation in export.invitations:
            if invitation.message.strip():
                found.append(
                    (
                        f"{source} invitation",
                        invitation.sender,
                        invitation.recipient,
                        invitation.message,
                        invitation.sent_at or _EPOCH,
                    )
                )
        opened: set[tuple[str, str]] = set()
        for message in sorted(export.messages, key=lambda m: m.sent_at or _EPOCH):
            key = (message.conversation_id or message.recipients, message.sender)
            if key in opened or not message.content.strip() or message.is_draft:
                continue
            opened.add(key)
            found.append(
                (
                    f"{source} message",
                    message.sender,
                    message.recipients,
                    message.content,
                    message.sent_at or _EPOCH,
                )
            )
    return sorted(found, key=lambda row: row[4])


def judge(data: Path) -> list[tuple[str, str, str, str, Report]]:
    histories: dict[str, SenderHistory] = {}
    judged = []
    for source, sender, recipient, text, _ in notes(data):
        history = histories.setdefault(sender.strip().lower(), SenderHistory())
        name = recipient.split(",")[0]
        report = assess(text[:2000], recipient=Recipient(name=name, key=name), history=history)
        history.add(report.signature, name)
        judged.append((source, sender, recipient, text, report))
    return judged


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR
    judged = judge(data)
    verdicts = Counter(report.verdict for *_, report in judged)
    print(f"{len(judged)} notes: " + ", ".join(f"{n} {v}" for v, n in verdicts.most_common()))
    print()
    findings = Counter(f.code for *_, report in judged for f in report.findings)
    print(
        "Findings over all notes: " + ", ".join(f"{code} {n}" for code, n in findings.most_common())
    )
    print()
    print("| source | sender → recipient | note (first 70 characters) | score | verdict |", end="")
    print(" main findings |")
    print("|---|---|---|---|---|---|")
    for source, sender, recipient, text, report in judged:
        if source.startswith("linkedin-analyzer-fixtures"):
            continue  # hostile parser fixtures, summarized above rather than listed
        snippet = _cell(text, 70)
        bad = [f.code for f in report.findings if f.severity != "good"][:3]
        print(
            f"| {source} | {_cell(sender, 20)} → {_cell(recipient, 20)} | {snippet} | "
            f"{report.score} | {report.verdict} | {', '.join(bad)} |"
        )


def _cell(text: str, width: int) -> str:
    return " ".join(text.split())[:width].replace("|", "/")


if __name__ == "__main__":
    main()
