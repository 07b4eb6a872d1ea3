"""What the network is made of, and what invitations got (issue 16), pure Python like audit.py.

- Companies: connections per company as the export writes it (spellings that differ only in
  case or spacing are one company, shown in its most common spelling).
- Roles: connections per role family, read from the title's words (`ROLE_FAMILIES`, first
  match wins: "Engineering Manager" is management), and per title as written.
- Acceptance: invitations you sent, with and without a note, and how many of those people are
  among your connections now (LinkedIn writes no "accepted" column; a connection is the
  acceptance).

Each breakdown has the shape of a chart (`{total, parts, left_out, of}`): its parts add up to
its total, and what it leaves out (without a company or a title, hidden) is said with its count.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from mutuals.imports.network import Network, Person, normalize_name

# (family, words that name it). Checked in order: the first family whose word appears in the
# title wins, so seniority and leadership come before the craft they lead.
ROLE_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Founders and executives",
        (
            *("founder", "co-founder", "cofounder", "ceo", "cto", "cfo", "coo", "cio"),
            *("owner", "president", "chief", "partner", "managing director"),
        ),
    ),
    (
        "Directors and managers",
        ("director", "head of", "manager", "lead ", "vp", "supervisor"),
    ),
    ("Recruiting and people", ("recruit", "talent", "hr ", "human resources", "people ")),
    ("Students and interns", ("student", "intern", "trainee", "apprentice", "graduate")),
    (
        "Research and teaching",
        (
            *("research", "scientist", "professor", "lecturer", "teacher", "phd", "postdoc"),
            *("teaching", "academic", "fellow"),
        ),
    ),
    (
        "Engineering and data",
        (
            *("engineer", "developer", "programmer", "architect", "devops", "data ", "analyst"),
            *("software", "sre", "qa", "tester", "administrator", "technician"),
        ),
    ),
    ("Design and product", ("design", "ux", "ui ", "product")),
    (
        "Sales, marketing and business",
        ("sales", "marketing", "account", "business", "growth", "consultant", "advisor"),
    ),
)
OTHER_ROLES = "Other roles"
_WORDS = re.compile(r"[^\w&+-]+")


def role_family(title: str) -> str:
    """The family a title belongs to ("" when there is no title)."""
    text = f" {_WORDS.sub(' ', title.casefold()).strip()} "
    if not text.strip():
        return ""
    text = text.replace(" vice president ", " vp ")  # a VP is not a president
    for family, words in ROLE_FAMILIES:
        if any(_has_word(text, word) for word in words):
            return family
    return OTHER_ROLES


def _has_word(text: str, word: str) -> bool:
    stem = word.strip()
    if word.endswith(" ") or len(stem) <= 3:  # short words and marked ones: whole words only
        return f" {stem} " in text
    return f" {stem}" in text  # a word's start: "recruit" finds "recruiter"


def _grouped(values: Iterable[str]) -> list[dict[str, Any]]:
    """Counts of values, spellings that differ only in case and spacing counted as one and
    shown as their most common spelling; largest first, then by name."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for value in values:
        spellings[normalize_name(value)][" ".join(value.split())] += 1
    counted = sorted(
        ((seen.most_common(1)[0][0], sum(seen.values())) for seen in spellings.values()),
        key=lambda item: (-item[1], item[0].casefold()),
    )
    return [{"label": label, "count": count} for label, count in counted]


def _breakdown(
    parts: list[dict[str, Any]], missing: int, missing_label: str, hidden: int
) -> dict[str, Any]:
    left_out: list[dict[str, Any]] = [
        {"label": missing_label, "count": missing, "why": "the export gives none"},
        {
            "label": "hidden connections",
            "count": hidden,
            "why": "they hide their details from exports",
        },
    ]
    kept = [item for item in left_out if item["count"]]
    total = sum(part["count"] for part in parts)
    return {
        "total": total,
        "parts": parts,
        "left_out": kept,
        "of": total + sum(item["count"] for item in kept),
    }


def network_breakdowns(connections: Sequence[Person], hidden: int) -> dict[str, Any]:
    """Connections by company, by role family and by title."""
    companies = [p.company.strip() for p in connections if p.company.strip()]
    titles = [p.position.strip() for p in connections if p.position.strip()]
    families = Counter(role_family(title) for title in titles)
    order = [family for family, _ in ROLE_FAMILIES] + [OTHER_ROLES]
    no_company = len(connections) - len(companies)
    no_title = len(connections) - len(titles)
    return {
        "companies": _breakdown(_grouped(companies), no_company, "without a company", hidden),
        "roles": _breakdown(
            [{"label": family, "count": families[family]} for family in order if families[family]],
            no_title,
            "without a title",
            hidden,
        ),
        "titles": _breakdown(_grouped(titles), no_title, "without a title", hidden),
    }


def _rate(accepted: int, sent: int) -> dict[str, Any]:
    return {"sent": sent, "accepted": accepted, "share": round(accepted / sent, 4) if sent else 0.0}


def acceptance(network: Network) -> dict[str, Any]:
    """Invitations you sent, with and without a note: how many are connections now."""
    with_note = [0, 0]
    without_note = [0, 0]
    for key, note, _ in network.invitations_sent:
        tally = with_note if note.strip() else without_note
        tally[0] += 1
        tally[1] += network.people[key].is_connection
    return {
        "with_note": _rate(with_note[1], with_note[0]),
        "without_note": _rate(without_note[1], without_note[0]),
        "how": "accepted means they are among your connections in this export",
    }


def template_reach(
    network: Network, keys: Sequence[str], sent_at: dict[str, datetime | None]
) -> dict[str, Any]:
    """One template's reach: how many it went to, how many accepted, and how many were sent
    each year (undated ones counted apart)."""
    per_year = Counter(at.year for key in keys if (at := sent_at.get(key)))
    return {
        "accepted": sum(1 for key in keys if network.people[key].is_connection),
        "per_year": [{"year": year, "count": per_year[year]} for year in sorted(per_year)],
        "undated": sum(1 for key in keys if sent_at.get(key) is None),
    }
