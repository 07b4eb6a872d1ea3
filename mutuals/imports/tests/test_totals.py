"""Count what LinkedIn counts, and totals that add up (issue 16), on every export in tests/data:
connection totals equal the rows LinkedIn writes, every chart's parts add up to its total
(and its total plus what it leaves out to everything the export holds), people who share a
URL stay apart, and only relationships are ranked."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from mutuals.imports.audit import audit_export, public
from mutuals.imports.linkedin import parse_export, parse_upload
from mutuals.imports.network import build_network
from mutuals.imports.report import render_report
from mutuals.imports.tests.helpers import (
    CONNECTIONS,
    EXPORT_2018,
    EXPORT_2022,
    FIXTURES,
    MESSAGES,
    OWNER_URL,
    message,
    small_export,
)


def _rows_linkedin_writes(path: Path) -> int:
    """Connection rows counted independently of the importer: the non-blank rows after the
    header of the export's Connections.csv (in a folder, the one LinkedIn wrote at its top;
    `excel-resaved/` holds a copy of the same people)."""
    file = path / "Connections.csv" if path.is_dir() else path
    text = file.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("First Name"))
    rows = csv.reader(io.StringIO("".join(lines[start + 1 :])))
    return sum(1 for row in rows if any(cell.strip() for cell in row))


EXPORTS = {
    "2018": EXPORT_2018,
    "2022": EXPORT_2022,
    "analyzer-corpus": FIXTURES / "connections-corpus.csv",
    "analyzer-parity": FIXTURES / "connections-parity.csv",
}


@pytest.fixture(scope="module", params=sorted(EXPORTS))
def exported(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    path = EXPORTS[request.param]
    return path, public(audit_export(parse_export(path)))


def test_connection_totals_equal_the_rows_linkedin_writes(exported):
    path, audit = exported
    assert audit["totals"]["connections"] == _rows_linkedin_writes(path)
    assert audit["charts"]["connections_per_year"]["total"] == audit["totals"]["connections"]


# Files of messages alone: no connection rows to count, but every chart must still add up.
MESSAGE_FILES = {
    "analyzer-messages-corpus": FIXTURES / "messages-corpus.csv",
    "analyzer-messages-parity": FIXTURES / "messages-parity.csv",
}


def test_every_chart_adds_up(exported):
    _, audit = exported
    _assert_charts_add_up(audit)


@pytest.mark.parametrize("name", sorted(MESSAGE_FILES))
def test_every_chart_of_a_messages_file_adds_up(name):
    _assert_charts_add_up(public(audit_export(parse_export(MESSAGE_FILES[name]))))


def _assert_charts_add_up(audit: dict[str, Any]) -> None:
    for name, chart in audit["charts"].items():
        assert sum(part["count"] for part in chart["parts"]) == chart["total"], name
        assert chart["total"] + sum(item["count"] for item in chart["left_out"]) == chart["of"]
        assert all(item["why"] for item in chart["left_out"]), name
    charts, totals = audit["charts"], audit["totals"]
    assert charts["messages_per_month"]["of"] == totals["messages_in_export"]
    assert charts["who_writes"]["of"] == totals["people"] + totals["connections_hidden"]
    assert charts["tiers"]["total"] == charts["who_writes"]["total"] == totals["relationships"]
    assert sum(audit["strength"]["tiers"].values()) == charts["tiers"]["total"]


def test_the_2022_export_explains_its_people():
    """20 connections; who-writes counted 24 without a word (2 + 0 + 3 + 19), tiers 33 on a
    chart scaled to 28. Now: 24 relationships (20 connections and 4 others who wrote), ranked
    in tiers that add up to 24, and the 9 people known only from invitations or endorsements
    named as left out."""
    audit = public(audit_export(parse_export(EXPORT_2022)))
    who = audit["charts"]["who_writes"]
    assert [part["count"] for part in who["parts"]] == [2, 0, 3, 19]
    assert who["total"] == 24
    assert who["left_out"] == [
        {
            "label": "known only from an invitation or an endorsement",
            "count": 9,
            "why": "not a connection, and no message either way",
        }
    ]
    assert audit["charts"]["tiers"]["total"] == 24


def test_hidden_connections_are_counted_and_shown():
    """Rows with only a date: people who hide their details from exports (skipped before)."""
    path = FIXTURES / "connections-corpus.csv"
    audit = public(audit_export(parse_export(path)))
    assert audit["totals"]["connections"] == 220
    assert audit["totals"]["connections_hidden"] == 28
    assert audit["never_messaged"]["count"] == 192  # the ones with a name
    html = render_report(audit)
    assert "220</strong> connections (28 hide their details from exports)" in html


def test_undated_connections_have_their_own_bar():
    data = small_export(
        **{"Connections.csv": CONNECTIONS + "Ida,Early,https://www.linkedin.com/in/ida,,,,\n"}
    )
    audit = public(audit_export(parse_upload("export.zip", data)))
    parts = audit["charts"]["connections_per_year"]["parts"]
    assert parts[-1] == {"label": "no date", "count": 1}
    assert sum(part["count"] for part in parts) == audit["totals"]["connections"] == 9
    assert "no date: 1" in render_report(audit)  # the chart's own description


def test_two_people_sharing_a_url_stay_two():
    """37 people shared one placeholder URL and became one person, who collected the
    messages of four others and was ranked Active. Here: two connections share a URL; a
    message from each finds its own person by name; a third name behind the URL is someone
    else, not either of them."""
    shared = "https://www.linkedin.com/in/placeholder"
    connections = CONNECTIONS + (
        f"Hana,One,{shared},,Acme,Engineer,1 Jan 2024\nIvo,Two,{shared},,Acme,Engineer,2 Jan 2024\n"
    )
    messages = (
        MESSAGES
        + message("s1", "Hana One", shared, "Sam Owner", OWNER_URL, "2025-06-01 10:00:00 UTC", "Hi")
        + message("s2", "Ivo Two", shared, "Sam Owner", OWNER_URL, "2025-06-02 10:00:00 UTC", "Yo")
        + message("s3", "Zed Else", shared, "Sam Owner", OWNER_URL, "2025-06-03 10:00:00 UTC", "?")
    )  # fmt: skip
    export = parse_upload(
        "export.zip", small_export(**{"Connections.csv": connections, "messages.csv": messages})
    )
    network = build_network(export)
    behind = sorted(
        (p.name, p.is_connection, p.received) for p in network.people.values() if p.url == shared
    )
    assert behind == [("Hana One", True, 1), ("Ivo Two", True, 1), ("Zed Else", False, 1)]
    audit = public(audit_export(export))
    [collision] = audit["identity"]["collisions"]
    assert (collision["by"], collision["count"]) == ("url", 2)
    assert collision["names"] == ["Hana One", "Ivo Two"]


def test_namesakes_without_urls_stay_two():
    """2018 and 2022 exports have no URL column: two connections with one name are two."""
    connections = (
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,ada@one.test,Acme,Engineer,1/8/18\n"
        "Ada,Lovelace,ada@two.test,Globex,Analyst,1/9/18\n"
    )
    network = build_network(parse_upload("Connections.csv", connections.encode()))
    assert sorted(p.email for p in network.people.values()) == ["ada@one.test", "ada@two.test"]


def test_linkedin_and_your_own_profiles_are_not_relationships():
    """ "The LinkedIn Team" was listed under "only they write"; the owner's second profile
    among the strongest relationships. Both are listed once, and ranked nowhere."""
    second = "https://www.linkedin.com/in/sam-owner-2"
    connections = CONNECTIONS + f"Sam,Owner,{second},,Freelance,Consultant,1 Jan 2020\n"
    team = "https://www.linkedin.com/company/linkedin"
    messages = (
        MESSAGES
        + message("t1", "The LinkedIn Team", team, "Sam Owner", OWNER_URL,
                  "2025-06-01 10:00:00 UTC", "Your weekly summary")
        + message("t2", "The LinkedIn Team", team, "Sam Owner", OWNER_URL,
                  "2025-06-08 10:00:00 UTC", "Your weekly summary")
        + message("o1", "Sam Owner", second, "Sam Owner", OWNER_URL,
                  "2025-06-02 10:00:00 UTC", "Note to self")
        + message("o1", "Sam Owner", OWNER_URL, "Sam Owner", second,
                  "2025-06-02 11:00:00 UTC", "Got it")
    )  # fmt: skip
    audit = public(
        audit_export(
            parse_upload(
                "export.zip",
                small_export(**{"Connections.csv": connections, "messages.csv": messages}),
            )
        )
    )
    ranked = {p["name"] for p in audit["strength"]["people"]}
    listed = {p["name"] for p in audit["one_way"]["only_them"]["people"]}
    listed |= {p["name"] for p in audit["one_way"]["only_you"]["people"]}
    listed |= {p["name"] for p in audit["never_messaged"]["people"]}
    assert "The LinkedIn Team" not in ranked | listed
    assert "Sam Owner" not in ranked | listed
    others = audit["not_relationships"]
    assert others["linkedin_accounts"] == [{"name": "The LinkedIn Team", "messages": 2}]
    assert [p["url"] for p in others["own_profiles"]] == [second]
    excluded = audit["totals"]["messages_excluded"]
    assert excluded["linkedin_account"] == 2
    assert excluded["own_profile"] == 2
    assert audit["totals"]["connections"] == 9  # the second profile is a row LinkedIn wrote
    chart = audit["charts"]["who_writes"]
    assert {"label": "your own other profiles", "count": 1} | {
        "why": "you, not a relationship"
    } in (chart["left_out"])


TOPICS = (
    "Your Rust talk at FOSDEM",
    "The jazz quartet you ran in Lisbon",
    "Your cheese-making blog",
    "Rowing the Atlantic solo",
    "Your essay on Kant and logistics",
    "The tide tables app you built",
    "Our shared year at Kestrel",
    "Your thesis on rail freight",
    "The podcast episode on procurement",
    "Your mentoring of junior planners",
    "The hackathon in Nairobi",
    "Your book on bridge inspections",
    "The choir concert last spring",
    "Your move from audit to product",
    "The open data portal for buses",
    "Your chess club for refugees",
    "The volunteer fire brigade story",
    "Your paper on wind farm permits",
)


def test_notes_that_are_never_reused_say_so():
    """ "0 notes from 0 templates" was shown when 18 notes existed and none was reused."""
    invitations = "From,To,Sent At,Message,Direction\n" + "".join(
        f'Sam Owner,Person {i},"1/{i + 1}/24, 9:00 AM","{topic} is why I write.",OUTGOING\n'
        for i, topic in enumerate(TOPICS)
    )
    audit = public(audit_export(parse_upload("Invitations.csv", invitations.encode())))
    assert audit["templates"]["notes"] == 18
    html = render_report(audit)
    assert "18 invitation notes, none reused" in html
    assert "0 notes from 0 templates" not in html
