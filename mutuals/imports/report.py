"""Rendering an audit: the context both the audit page and the offline report use, and the
offline report itself — one HTML file with its CSS and SVG charts inline, nothing fetched.
The charts' geometry comes from mutuals/core/charts.py; templates/charts/ draws them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string

from mutuals.core import charts
from mutuals.imports import lists
from mutuals.imports.strength import TIERS

EXCLUDED_LABELS = {
    "drafts": "drafts",
    "spam": "in spam",
    "sponsored": "sponsored",
    "linkedin_member": "with a deleted account (“LinkedIn Member”)",
    "unattributed": "with nobody to attribute them to",
}
VERDICT_LABELS = {"personal": "personal", "needs_work": "needs work", "generic": "generic"}


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _with_dates(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **person,
            "connected_on_date": _date(person.get("connected_on")),
            "last_at_date": _date(person.get("last_at")),
        }
        for person in people
    ]


def _chart_points(chart: dict[str, Any] | None, fallback: list[tuple[str, int]]) -> Any:
    if chart is None:  # an audit stored before charts stated their totals (version 1)
        return fallback
    return [(part["label"], part["count"]) for part in chart["parts"]]


STATIC = Path(__file__).resolve().parent / "static" / "imports"


def _offline_csv(audit: dict[str, Any]) -> Callable[[str], str]:
    """The offline report's CSV links. A list shown as a table gets its file made from the
    table in the browser when clicked (audit-lists.js, the same bytes as `lists.as_csv`), so
    the report carries it once instead of once more percent-encoded in its link (36.6 MB for
    30,000 connections); a list shown otherwise (a few template cards) carries its file in
    the link. Nothing is fetched either way."""

    def href(name: str) -> str:
        if lists.LISTS[name].table:
            return "#csv"
        return "data:text/csv;charset=utf-8," + quote(lists.as_csv(audit, name))

    return href


def _share_text(rate: dict[str, Any]) -> str:
    return f"{round(rate['share'] * 100)}%" if rate.get("sent") else "—"


def audit_context(
    audit: dict[str, Any],
    *,
    csv_href: Callable[[str], str] | None = None,
    list_bodies: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """What the audit page and the offline report render. `csv_href(name)` is where a list's
    CSV downloads from (the page's URL); without it (the offline report), the browser makes
    the CSV from the table. `list_bodies(name)`, when given, is the text that stands in for a
    list's rows (the streamed report's marks)."""
    href = csv_href or _offline_csv(audit)
    tables = {
        name: {
            **lists.table(audit, name, body=list_bodies(name) if list_bodies else None),
            "csv_href": href(name),
            "csv_in_browser": not csv_href and lists.LISTS[name].table,
        }
        for name in lists.LISTS
    }
    acceptance = audit.get("acceptance") or {}
    totals = audit["totals"]
    one_way = audit["one_way"]
    charts_out: dict[str, Any] = audit.get("charts") or {}
    per_year = _chart_points(
        charts_out.get("connections_per_year"),
        [(str(row["year"]), row["count"]) for row in audit["connections_per_year"]],
    )
    months = [(row["month"], row["sent"], row["received"]) for row in audit["messages_per_month"]]
    tiers = audit["strength"]["tiers"]
    never = audit["never_messaged"]["count"]
    templates = audit["templates"]
    split = [
        ("both ways", one_way["two_way"]),
        ("only you write", one_way["only_you"]["count"]),
        ("only they write", one_way["only_them"]["count"]),
        ("never a message", never),
    ]
    return {
        "audit": audit,
        "lists": tables,
        "breakdowns": audit.get("breakdowns") or {},
        "acceptance": acceptance,
        "acceptance_rows": [
            (label, rate, _share_text(rate))
            for label, rate in (
                ("With a note", acceptance.get("with_note")),
                ("Without a note", acceptance.get("without_note")),
            )
            if rate
        ],
        "totals": totals,
        "as_of_date": _date(audit.get("as_of")),
        "never_people": _with_dates(audit["never_messaged"]["people"]),
        "only_you": _with_dates(one_way["only_you"]["people"]),
        "only_them": _with_dates(one_way["only_them"]["people"]),
        "strength_people": _with_dates(audit["strength"]["people"]),
        "reengage": _with_dates(audit["reengage"]),
        "let_rest": _with_dates(audit["let_rest"]["people"]),
        "tier_rows": [(tier, tiers.get(tier, 0)) for tier in TIERS],
        "excluded": [
            (EXCLUDED_LABELS.get(name, name), count)
            for name, count in sorted(totals["messages_excluded"].items())
        ],
        "clusters": [
            {
                **cluster,
                "verdict_label": VERDICT_LABELS.get(cluster.get("verdict") or "", ""),
                "first_sent_date": _date(cluster.get("first_sent")),
                "last_sent_date": _date(cluster.get("last_sent")),
            }
            for cluster in audit["templates"]["clusters"]
        ],
        "split": split,
        "charts": charts_out,
        "not_relationships": audit.get("not_relationships") or {},
        "identity": audit.get("identity") or {},
        "templates_summary": _templates_summary(templates),
        "chart_years": charts.columns("Connections made per year", per_year),
        "chart_months": charts.paired_columns(
            "Messages per month", months, ("you sent", "you received"), empty="No messages."
        ),
        "chart_split": charts.share_bar("Who writes to whom", split),
        "chart_tiers": charts.columns(
            "People per tier (by relationship strength)",
            [(tier, tiers.get(tier, 0)) for tier in TIERS],
            height=180,
        ),
    }


def _templates_summary(templates: dict[str, Any]) -> str:
    """ "12 of 18 notes from 2 templates", "18 notes, none reused", "no notes": never
    "0 notes from 0 templates" when there are notes."""
    notes = templates.get("notes", 0)
    clusters = len(templates.get("clusters", []))
    if not notes:
        return "no invitation notes sent"
    if not clusters:
        return f"{notes} invitation note{'s' if notes != 1 else ''}, none reused"
    reused = templates.get("notes_in_templates", 0)
    return f"{reused} of {notes} notes from {clusters} template{'s' if clusters != 1 else ''}"


def report_pieces(audit: dict[str, Any]) -> Iterator[str]:
    """The self-contained offline report (`mutuals audit PATH --out report.html`) in pieces:
    the page around the lists is rendered once with a mark where each list's rows go, and
    the rows are written in its place one at a time. A report of 30,000 connections is
    24 MB of HTML; made whole it was held three times over (the lists, the page, its
    encoding), which decided the command's peak memory."""
    # Where a list's rows go: a mark with a secret of this rendering, so no text an export
    # carries (a name, a message) can stand for one.
    secret = secrets.token_hex(16)
    mark = re.compile(f"<!--rows:{secret}:([a-z_]+)-->")
    context = audit_context(audit, list_bodies=lambda name: f"<!--rows:{secret}:{name}-->")
    context["inline_css"] = (STATIC / "audit.css").read_text(encoding="utf-8")
    context["inline_js"] = (STATIC / "audit-lists.js").read_text(encoding="utf-8")
    page = render_to_string("imports/report.html", context)
    for index, piece in enumerate(mark.split(page)):
        if index % 2:
            yield from lists.body_rows(audit, piece)
        else:
            yield piece


def render_report(audit: dict[str, Any]) -> str:
    """The offline report as one text (the web download, tests)."""
    return "".join(report_pieces(audit))
