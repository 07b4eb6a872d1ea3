"""The audit's lists as tables and CSV files (issue 16: "a report that helps act").

One definition per list (its columns and where its rows are in the audit) serves the audit
page, the offline report (both render every row; `static/imports/audit-lists.js` filters and
sorts them in the browser) and the CSV download of each list. Pure Python, no Django."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    # text | prose (sentences: a wider column) | number | date | link (a name, to its profile)
    kind: str = "text"


@dataclass(frozen=True, slots=True)
class AuditList:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[dict[str, Any]], list[dict[str, Any]]]
    # Shown as a table on the page (the offline report makes its CSV from it); False for a
    # list the page shows its own way (template reach: a card per template).
    table: bool = True


NAME = Column("Name", "name", "link")
COMPANY = Column("Company", "company")
POSITION = Column("Position", "position")
SENT = Column("You sent", "sent", "number")
RECEIVED = Column("They sent", "received", "number")
LAST = Column("Last message", "last_at", "date")
COUNT = Column("Connections", "count", "number")


def _at(*path: str) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    def rows(audit: dict[str, Any]) -> list[dict[str, Any]]:
        found: Any = audit
        for step in path:
            found = found.get(step) if isinstance(found, dict) else None
            if found is None:
                return []
        return list(found)

    return rows


def _reengage(audit: dict[str, Any]) -> list[dict[str, Any]]:
    """Re-engage entries with the start of the latest message each way beside the counts: the
    history that justifies the entry (audits stored before excerpts have none)."""

    def said(last: dict[str, Any] | None) -> str:
        return str(last.get("excerpt") or "") if isinstance(last, dict) else ""

    return [
        {
            **entry,
            "their_last": said(entry.get("last_from_them")),
            "your_last": said(entry.get("last_from_you")),
        }
        for entry in _at("reengage")(audit)
    ]


def _templates(audit: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**cluster, "example": " ".join(cluster["example"].split())}
        for cluster in audit["templates"]["clusters"]
    ]


LISTS: dict[str, AuditList] = {
    item.name: item
    for item in (
        AuditList(
            "reengage",
            "Re-engage",
            (
                NAME,
                COMPANY,
                Column("Why", "reason", "prose"),
                Column("Their last message", "their_last", "prose"),
                Column("Your last message", "your_last", "prose"),
                SENT,
                RECEIVED,
                Column("First message", "first_at", "date"),
                LAST,
            ),
            _reengage,
        ),
        AuditList(
            "strength",
            "Relationships by strength",
            (
                NAME,
                COMPANY,
                Column("Tier", "tier"),
                Column("Strength", "strength", "number"),
                SENT,
                RECEIVED,
                LAST,
            ),
            _at("strength", "people"),
        ),
        AuditList(
            "only_you",
            "Only you write",
            (NAME, COMPANY, SENT, Column("Last sent", "last_at", "date")),
            _at("one_way", "only_you", "people"),
        ),
        AuditList(
            "only_them",
            "Only they write",
            (NAME, COMPANY, RECEIVED, Column("Last received", "last_at", "date")),
            _at("one_way", "only_them", "people"),
        ),
        AuditList(
            "never_messaged",
            "Connected, never messaged",
            (NAME, COMPANY, POSITION, Column("Connected on", "connected_on", "date")),
            _at("never_messaged", "people"),
        ),
        AuditList(
            "let_rest",
            "Let rest",
            (NAME, COMPANY, Column("Why", "reason", "prose")),
            _at("let_rest", "people"),
        ),
        AuditList(
            "companies",
            "Connections by company",
            (Column("Company", "label"), COUNT),
            _at("breakdowns", "companies", "parts"),
        ),
        AuditList(
            "roles",
            "Connections by role",
            (Column("Role", "label"), COUNT),
            _at("breakdowns", "roles", "parts"),
        ),
        AuditList(
            "titles",
            "Connections by title",
            (Column("Title", "label"), COUNT),
            _at("breakdowns", "titles", "parts"),
        ),
        AuditList(
            "templates",
            "Template reach",
            (
                Column("Note", "example", "prose"),
                Column("Sent", "size", "number"),
                Column("Accepted", "accepted", "number"),
                Column("First sent", "first_sent", "date"),
                Column("Last sent", "last_sent", "date"),
            ),
            _templates,
            table=False,
        ),
    )
}


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return str(value)[:10]  # ISO 8601: the day, which sorts as text
    return str(value)


def cells(audit: dict[str, Any], name: str) -> Iterator[list[dict[str, str]]]:
    """The rows of one list, each as its cells `{text, href, label, kind}`, one row at a time."""
    item = LISTS[name]
    for row in item.rows(audit):
        row_cells = []
        for column in item.columns:
            text = _text(row.get(column.key), column.kind)
            href = row.get("url") or "" if column.kind == "link" else ""
            row_cells.append(
                {
                    "text": text,
                    "href": _safe_link(href),
                    "label": column.header,
                    "kind": column.kind,
                }
            )
        yield row_cells


def table(audit: dict[str, Any], name: str, *, body: str | None = None) -> dict[str, Any]:
    """A list ready for templates/imports/_audit_list.html: its headers, its row count and its
    rows as escaped HTML. The rows' cells are made one row at a time and not kept: a report of
    30,000 connections holds a dozen lists, and keeping every cell as a dictionary beside the
    HTML it became cost more memory than the audit itself. With `body`, that text stands in
    for the rows (the streamed report writes them in its place, `body_rows`)."""
    item = LISTS[name]
    if body is None:
        rows = list(body_rows(audit, name))
        count, body = len(rows), "".join(rows)
    else:
        count = sum(1 for _ in item.rows(audit))
    return {
        "name": item.name,
        "title": item.title,
        "columns": [{"header": c.header, "kind": c.kind} for c in item.columns],
        "count": count,
        "body_html": body,
    }


def body_rows(audit: dict[str, Any], name: str) -> Iterator[str]:
    """One list's table rows as escaped HTML, one `<tr>` at a time."""
    for row_cells in cells(audit, name):
        yield _row_html(row_cells)


def _row_html(cells: list[dict[str, str]]) -> str:
    """One table row, every value escaped. Written here rather than in the template: a list
    of 30,000 rows renders in a fraction of a second instead of tens of seconds."""
    out = []
    for cell in cells:
        text = escape(cell["text"])
        if cell["href"]:
            inner = f'<a href="{escape(cell["href"])}" rel="noopener noreferrer">{text}</a>'
        else:
            inner = text or "—"
        prose = " prose" if cell["kind"] == "prose" else ""
        # The browser sorts and writes CSV from the cell's text (audit-lists.js); an empty
        # value shows as "—" and is marked, so it sorts last and is empty in the CSV.
        empty = "" if cell["text"] else " data-empty"
        out.append(
            f'<td data-label="{escape(cell["label"])}"{empty}>'
            f'<span class="audit-cell{prose}">{inner}</span></td>'
        )
    return f"<tr>{''.join(out)}</tr>"


def _safe_link(url: str) -> str:
    """Only web links become links (an export is data, not markup: no `javascript:`)."""
    text = url.strip()
    if text.startswith(("https://", "http://")):
        return text
    if text.startswith(("www.linkedin.com/", "linkedin.com/")):
        return f"https://{text}"
    return ""


# A cell that starts with one of these is a formula to a spreadsheet (CSV injection, OWASP):
# prefixed with an apostrophe it stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_csv(audit: dict[str, Any], name: str) -> str:
    """The whole list as CSV: a header row, then every row, values as the table shows them
    (the profile URL in its own column, when it is a web link). The offline report makes the
    same file from its table in the browser (static/imports/audit-lists.js, `csvFrom`)."""
    item = LISTS[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    has_link = any(column.kind == "link" for column in item.columns)
    writer.writerow([c.header for c in item.columns] + (["Profile URL"] if has_link else []))
    for row in item.rows(audit):
        values = [_text(row.get(c.key), c.kind) for c in item.columns]
        if has_link:
            values.append(_safe_link(row.get("url") or ""))  # the link the table shows
        writer.writerow([_neutral(value) for value in values])
    return out.getvalue()


def _neutral(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value
