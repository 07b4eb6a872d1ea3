"""A report that helps act (issue 16): whole lists, each as a table and a CSV file, what the
network is made of (companies, roles), and what invitations with and without a note got.

Real data: `linkedin-analyzer-fixtures/connections-corpus.csv` (220 connection rows, 192
never messaged, hostile cell values such as `=SUM(A1:B2)` and `+1 leads here`), and the
pseudonymised 2018 and 2022 exports. The small export of `helpers.py` is known by
construction: Sam invited Bob, Eve and Fay with one template and Gus without a note; all four
are connections now; Dan was never invited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from mutuals.imports.audit import audit_export, public
from mutuals.imports.breakdowns import OTHER_ROLES, role_family
from mutuals.imports.linkedin import parse_export, parse_upload
from mutuals.imports.lists import LISTS, as_csv, cells, table
from mutuals.imports.report import render_report, report_pieces
from mutuals.imports.tests.helpers import (
    EXPORT_2018,
    EXPORT_2022,
    FIXTURES,
    OWNER_URL,
    small_export,
)

CORPUS = FIXTURES / "connections-corpus.csv"


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    return public(audit_export(parse_export(CORPUS)))


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    return public(audit_export(parse_upload("export.zip", small_export())))


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_lists_are_whole_not_the_first_50(corpus):
    assert corpus["never_messaged"]["count"] == 192
    assert len(corpus["never_messaged"]["people"]) == 192
    assert table(corpus, "never_messaged")["count"] == 192
    rows = _csv_rows(as_csv(corpus, "never_messaged"))
    assert rows[0] == ["Name", "Company", "Position", "Connected on", "Profile URL"]
    assert len(rows) == 1 + 192


def test_every_list_downloads_with_its_header_and_every_row(small):
    for name, item in LISTS.items():
        rows = _csv_rows(as_csv(small, name))
        assert rows[0][: len(item.columns)] == [c.header for c in item.columns], name
        assert len(rows) - 1 == len(item.rows(small)) == table(small, name)["count"], name


def test_csv_cells_never_run_as_spreadsheet_formulas(corpus):
    """Exports carry whatever people typed: a title of `=SUM(A1:B2)` stays text."""
    cells = [cell for row in _csv_rows(as_csv(corpus, "never_messaged"))[1:] for cell in row]
    assert "'=SUM(A1:B2)" in cells
    assert "'+1 leads here" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_names_link_to_profiles_and_only_web_addresses_become_links(small):
    rows = list(cells(small, "never_messaged"))
    dan = next(row for row in rows if row[0]["text"] == "Dan Dare")
    assert dan[0]["href"] == "https://www.linkedin.com/in/dan"
    hostile = {**small, "never_messaged": {"people": [{"name": "X", "url": "javascript:alert(1)"}]}}
    assert next(cells(hostile, "never_messaged"))[0]["href"] == ""


def test_dates_show_and_sort_as_days(small):
    rows = list(cells(small, "never_messaged"))
    dan = next(row for row in rows if row[0]["text"] == "Dan Dare")
    assert dan[3] == {
        "text": "2015-03-01",
        "href": "",
        "label": "Connected on",
        "kind": "date",
    }


def test_reengage_carries_the_history_that_justifies_it(small):
    ada = next(p for p in small["reengage"] if p["name"] == "Ada Lovelace")
    assert (ada["sent"], ada["received"], ada["conversations"]) == (2, 2, 1)
    assert ada["first_at"].startswith("2023-01-10")
    assert ada["last_at"].startswith("2023-01-11")
    # The latest message each way, quoted: what the two last said before the silence.
    assert ada["last_from_you"]["excerpt"] == "Tuesday?"
    assert ada["last_from_you"]["at"].startswith("2023-01-11T09:00")
    assert ada["last_from_them"]["excerpt"] == "Tuesday works."
    row = next(r for r in LISTS["reengage"].rows(small) if r["name"] == "Ada Lovelace")
    assert (row["their_last"], row["your_last"]) == ("Tuesday works.", "Tuesday?")
    assert "Tuesday works." in as_csv(small, "reengage")


def test_an_excerpt_is_one_line_cut_at_a_word():
    from mutuals.imports.network import EXCERPT_CHARS, excerpt

    assert excerpt("Great, thanks!\nLet's  talk.") == "Great, thanks! Let's talk."
    long = "word " * 100
    cut = excerpt(long)
    assert cut.endswith("…")
    assert len(cut) <= EXCERPT_CHARS + 1
    assert not cut[:-1].endswith(" ")


def test_an_audit_stored_before_excerpts_lists_its_reengage_rows_without_them(small):
    old = {**small, "reengage": [{k: v for k, v in p.items() if not k.startswith("last_from")}
                                 for p in small["reengage"]]}  # fmt: skip
    rows = LISTS["reengage"].rows(old)
    assert rows
    assert all(row["their_last"] == "" and row["your_last"] == "" for row in rows)


def test_acceptance_with_and_without_a_note(small):
    assert small["acceptance"]["with_note"] == {"sent": 3, "accepted": 3, "share": 1.0}
    assert small["acceptance"]["without_note"] == {"sent": 1, "accepted": 1, "share": 1.0}


def test_an_invitation_that_was_not_accepted_counts_as_sent_only():
    """Eve declined (she is not among the connections any more): 2 of 3 notes accepted."""
    from mutuals.imports.tests.helpers import CONNECTIONS

    without_eve = "".join(
        line for line in CONNECTIONS.splitlines(keepends=True) if not line.startswith("Eve,")
    )
    audit = public(
        audit_export(parse_upload("e.zip", small_export(**{"Connections.csv": without_eve})))
    )
    assert audit["acceptance"]["with_note"] == {"sent": 3, "accepted": 2, "share": 0.6667}
    (template,) = audit["templates"]["clusters"]
    assert (template["size"], template["accepted"]) == (3, 2)


def test_each_template_states_its_reach_over_time(small):
    (template,) = small["templates"]["clusters"]
    assert template["first_sent"].startswith("2022-01-02")
    assert template["last_sent"].startswith("2024-12-30")
    assert template["per_year"] == [
        {"year": 2022, "count": 1},
        {"year": 2023, "count": 1},
        {"year": 2024, "count": 1},
    ]
    assert template["undated"] == 0
    assert template["accepted"] == 3


@pytest.mark.parametrize("path", [EXPORT_2018, EXPORT_2022, CORPUS], ids=lambda p: p.name)
def test_company_and_role_breakdowns_add_up_to_the_connections(path):
    audit = public(audit_export(parse_export(path)))
    connections = audit["totals"]["connections"]
    for name in ("companies", "roles", "titles"):
        breakdown = audit["breakdowns"][name]
        assert sum(part["count"] for part in breakdown["parts"]) == breakdown["total"], name
        left_out = sum(item["count"] for item in breakdown["left_out"])
        assert breakdown["total"] + left_out == breakdown["of"] == connections, name


def test_companies_group_spellings_and_count_largest_first():
    from mutuals.imports.breakdowns import network_breakdowns
    from mutuals.imports.network import Person

    people = [
        Person(key=str(i), name=str(i), company=company, is_connection=True)
        for i, company in enumerate(["Acme", "ACME ", "acme", "Zeta", "", "Beta", "Beta"])
    ]
    companies = network_breakdowns(people, hidden=2)["companies"]
    assert companies["parts"] == [
        {"label": "Acme", "count": 3},  # the first of three spellings seen once each
        {"label": "Beta", "count": 2},
        {"label": "Zeta", "count": 1},
    ]
    assert companies["total"] == 6
    assert {item["label"]: item["count"] for item in companies["left_out"]} == {
        "without a company": 1,
        "hidden connections": 2,
    }
    assert companies["of"] == 9


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Co-Founder", "Founders and executives"),
        ("Vice President, Sales", "Directors and managers"),
        ("Engineering Manager", "Directors and managers"),
        ("Tech Lead", "Directors and managers"),
        ("leading vtab", OTHER_ROLES),
        ("Senior Technical Recruiter", "Recruiting and people"),
        ("Research Intern", "Students and interns"),
        ("Assistant Professor", "Research and teaching"),
        ("Embedded Software Engineer", "Engineering and data"),
        ("UX Designer", "Design and product"),
        ("Account Executive", "Sales, marketing and business"),
        ("Astronaut", OTHER_ROLES),
        ("  ", ""),
    ],
)
def test_role_families(title, family):
    assert role_family(title) == family


def test_the_offline_report_filters_sorts_and_downloads_without_fetching(small):
    """The report is one file: the script inline, every list's CSV made in the browser from
    its table (test_browser_report_csv.py) or, for template cards, inside its link."""
    html = render_report(small)
    for name in ("reengage", "strength", "only_you", "only_them", "never_messaged", "companies"):
        assert f'data-audit-list="{name}"' in html, name
    assert html.count('href="#csv" download="reengage.csv" data-audit-csv') == 1
    assert 'href="data:text/csv;charset=utf-8,Note%2CSent' in html  # the template cards
    assert "addSorting" in html
    assert OWNER_URL not in html  # the owner is not a relationship, in no list


def test_table_rows_escape_what_people_typed(small):
    hostile = {
        **small,
        "never_messaged": {
            "people": [
                {"name": "<script>x</script>", "company": 'A "B" & C', "url": "https://e.x/?a=1&b"}
            ]
        },
    }
    body = table(hostile, "never_messaged")["body_html"]
    assert "<script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    assert "A &quot;B&quot; &amp; C" in body
    assert 'href="https://e.x/?a=1&amp;b"' in body


def test_the_report_is_written_in_pieces_with_every_row_in_its_list(small):
    """`mutuals audit` writes the report piece by piece; the rows land inside their own
    table, and text in the export that looks like a row mark stays text."""
    pieces = list(report_pieces(small))
    assert len(pieces) > 2 * len(LISTS)
    html = "".join(pieces)
    assert "<!--rows:" not in html
    for name in ("never_messaged", "companies"):
        start = html.index(f'data-audit-list="{name}"')
        body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
        assert body.count("<tr>") == table(small, name)["count"] > 0, name
    forged = {
        **small,
        "never_messaged": {
            "count": 1,
            "people": [{"name": "<!--rows:x:companies-->", "url": ""}],
        },
    }
    assert "&lt;!--rows:x:companies--&gt;" in render_report(forged)
