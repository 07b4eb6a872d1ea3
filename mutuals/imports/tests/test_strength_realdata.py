"""Strength and tiers on real temporal data (docs/design.md §5: "tested on real temporal data").

Data: tests/data/email-eu-core-dept3-temporal (SNAP email-Eu-core-temporal, one
department: 12,216 timestamped e-mails among 89 people over about 800 days). The busiest
person plays the export's owner; the first two thirds of their e-mails are written out as a
LinkedIn messages.csv (2024 header) and go through the real parser and audit. The last third
is the future the tiers should anticipate: people in the closer tiers should be the ones the
owner keeps writing with. (Measured: the inner five average 43 later e-mails, the close ten
16, everyone else 1.6; the inner five carry half of the owner's later e-mail.)
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from mutuals.imports.audit import audit_export
from mutuals.imports.linkedin import parse_upload
from mutuals.imports.tests.helpers import DATA, make_zip

EMAILS = DATA / "email-eu-core-dept3-temporal" / "out.email-Eu-core-temporal-Dept3"
ORIGIN = datetime(2020, 1, 1, tzinfo=UTC)


def _emails() -> list[tuple[int, int, int]]:
    rows = []
    for line in EMAILS.read_text().splitlines():
        if line.startswith("%") or not line.strip():
            continue
        source, target, seconds = (int(part) for part in line.split()[:3])
        if source != target:
            rows.append((source, target, seconds))
    return rows


def _url(person: int) -> str:
    return f"https://www.linkedin.com/in/member-{person}"


def test_tiers_anticipate_who_the_owner_keeps_writing_with():
    emails = _emails()
    assert len(emails) > 12_000
    activity: Counter[int] = Counter()
    for source, target, _ in emails:
        activity[source] += 1
        activity[target] += 1
    owner = activity.most_common(1)[0][0]
    mine = [e for e in emails if owner in e[:2]]
    # The cut is at two thirds of the owner's e-mails (their activity thins out at the end).
    cut = sorted(e[2] for e in mine)[len(mine) * 2 // 3]
    past = [e for e in mine if e[2] < cut]
    future = Counter(e[1] if e[0] == owner else e[0] for e in mine if e[2] >= cut)

    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(
        ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
         "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT"]
    )  # fmt: skip
    for source, target, seconds in past:
        other = target if source == owner else source
        at = ORIGIN + timedelta(seconds=seconds)
        writer.writerow(
            [f"pair-{other}", "", f"Person {source}", _url(source), f"Person {target}",
             _url(target), at.strftime("%Y-%m-%d %H:%M:%S UTC"), "", "(e-mail)", "INBOX", "No"]
        )  # fmt: skip
    export = parse_upload("export.zip", make_zip({"messages.csv": stream.getvalue()}))
    audit = audit_export(export)

    assert audit["owner"]["name"] == f"Person {owner}"  # found from the URLs alone
    tiers: dict[str, str] = audit["_tiers"]
    by_tier: dict[str, list[int]] = {}
    for key, tier in tiers.items():
        person = int(key.rsplit("-", 1)[1])
        by_tier.setdefault(tier, []).append(future.get(person, 0))
    counts = {tier: len(people) for tier, people in by_tier.items()}
    assert counts["inner"] == 5
    assert counts["close"] == 10
    correspondents = len(tiers)
    assert sum(counts.values()) == correspondents

    def mean(values: list[int]) -> float:
        return sum(values) / len(values) if values else 0.0

    inner, close = mean(by_tier["inner"]), mean(by_tier["close"])
    rest = mean(
        by_tier.get("active", []) + by_tier.get("wider", []) + by_tier.get("acquaintance", [])
    )
    # The closer the tier, the more the owner writes with them afterwards.
    assert inner > close > rest
    # And the inner five alone carry a large share of the owner's future e-mail.
    assert sum(by_tier["inner"]) / sum(future.values()) > 0.4
