"""The parser over real exports and hostile inputs.

Data (tests/data, see its README and each SOURCE.txt):
- linkedin-export-2018: a real, pseudonymised 2018 export (no URL column, `1/8/18, 6:14 PM`
  dates, capital-M Messages.csv with Direction, HTML entities, a UTF-16 + TAB Shares.csv).
- linkedin-export-2022: a real, pseudonymised 2022 export (Notes preamble, no URL column,
  messages without recipient URLs, UTF-16 + TAB and UTF-8 copies of the endorsements) and its
  spreadsheet re-saved Connections.csv (`9-Sep-22`, CRLF, no preamble).
- linkedin-analyzer-fixtures: hand-made hostile CSVs (MIT) with the expected parse results.
- linkedin-export-headers/headers.tsv: the exact header line of every export file, 2018–2026.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from mutuals.imports.linkedin import InvalidExport, parse_export, parse_upload
from mutuals.imports.linkedin.dates import parse_date
from mutuals.imports.linkedin.schema import SPECS, Kind, kind_by_name
from mutuals.imports.linkedin.source import MAX_FILE_BYTES
from mutuals.imports.tests.helpers import (
    DATA,
    EXPORT_2018,
    EXPORT_2022,
    FIXTURES,
    HEADERS,
    make_zip,
    zip_folder,
)

EXPORT_FOLDERS = sorted(p for p in DATA.glob("linkedin-*") if p.is_dir())


def test_the_data_folders_are_there():
    names = {p.name for p in EXPORT_FOLDERS}
    assert {"linkedin-export-2018", "linkedin-export-2022", "linkedin-analyzer-fixtures"} <= names


@pytest.mark.parametrize("folder", EXPORT_FOLDERS, ids=lambda p: p.name)
def test_every_csv_in_every_linkedin_folder_reads_or_is_skipped(folder):
    """Each CSV on its own, as a member might upload it: an export file reads; the others
    (Shares, Comments, headers.tsv) are either recognized by header or refused cleanly."""
    for path in sorted(folder.rglob("*.csv")):
        if kind_by_name(path.name) is not None:
            assert parse_export(path).files, path
            continue
        try:
            parse_export(path)
        except InvalidExport as exc:
            error = exc
        else:
            continue  # recognized by its header (a connections or messages fixture)
        assert (error.file, error.line) == (path.name, 1), error


def test_2018_export():
    export = parse_export(EXPORT_2018)
    assert {n: c for n, _, c in export.files} == {
        "Connections.csv": 15,
        "Education.csv": 1,
        "Invitations.csv": 11,
        "Messages.csv": 15,
        "Positions.csv": 2,
        "Profile.csv": 1,
        "Skills.csv": 38,
    }
    assert export.ignored == ["Shares.csv"]
    assert export.profile.name == "Chiara Pilar"
    first = export.connections[0]
    assert (first.name, first.email, first.company, first.url) == (
        "Bilal Pablo",
        "person4c7c0a1b@example.com",
        "ApproveIT",
        "",
    )
    assert first.connected_on == parse_date("2018-01-08 18:14:00")
    assert "I’d like to offer you" in export.messages[0].content  # &rsquo; decoded
    assert {m.direction for m in export.messages} == {"INCOMING", "OUTGOING"}
    assert export.invitations[2].message == "hi i am abhishek mathur from 3rd year"


def test_2022_export_and_its_re_saved_copy_agree():
    export = parse_export(EXPORT_2022)
    files = {n: c for n, _, c in export.files}
    assert files["Connections.csv"] == 20
    assert files["excel-resaved/Connections.csv"] == 20
    assert len(export.connections) == 20  # the re-saved copy is the same people, read once
    assert files["Endorsement Received Info.csv"] == 15  # UTF-16 + TAB, fully quoted
    assert files["Endorsement_Received_Info.csv"] == 10
    assert len(export.endorsements) == 22  # the two copies overlap
    assert files["messages.csv"] == 20
    assert all(m.sent_at is not None for m in export.messages)
    resaved = parse_export(EXPORT_2022 / "excel-resaved")
    original = parse_export(EXPORT_2022 / "Connections.csv")
    assert [(c.name, c.company, c.connected_on) for c in resaved.connections] == [
        (c.name, c.company, c.connected_on) for c in original.connections
    ]


@pytest.mark.parametrize("folder", [EXPORT_2018, EXPORT_2022], ids=lambda p: p.name)
def test_the_zip_reads_like_the_folder(folder):
    from_zip = parse_upload("Complete_LinkedInDataExport.zip", zip_folder(folder))
    from_folder = parse_export(folder)
    assert from_zip.counts() == from_folder.counts()


def test_zip_with_a_root_folder_and_extra_files_is_fine():
    data = make_zip(
        {
            "Basic_LinkedInDataExport_01-01-2026/Connections.csv": (
                EXPORT_2022 / "Connections.csv"
            ).read_bytes(),
            "Basic_LinkedInDataExport_01-01-2026/Rich Media/photo.jpg": b"\xff\xd8\xff",
            "Basic_LinkedInDataExport_01-01-2026/Learning.csv": "Content Title,\n",
        }
    )
    export = parse_upload("export.zip", data)
    assert len(export.connections) == 20
    assert export.ignored == ["Basic_LinkedInDataExport_01-01-2026/Learning.csv"]


def _expected_value(value: str) -> str:
    # linkedin-analyzer escapes spreadsheet formulas for its CSV output ("'=SUM"); the
    # importer keeps the member's text as it was (HTML escapes it when showing it).
    return value[1:] if value[:2] in {"'=", "'+", "'-", "'@"} else value


def _expected_date(value: str):
    parsed = parse_date(value)
    return parsed.date() if parsed else None


@pytest.fixture(scope="module")
def expected():
    return json.loads((FIXTURES / "parity-corpus-expected.json").read_text())


def test_hostile_connections_match_the_expected_parse(expected):
    """Notes preamble, blank rows, formula injection, NULL/N/A tokens, control characters,
    300-character fields, emoji, an impossible date (kept, date unknown)."""
    export = parse_export(FIXTURES / "connections-corpus.csv")
    assert export.files == [("connections-corpus.csv", "connections", 220)]
    want = expected["connections"]
    # The package drops the 28 rows that carry only a date; they are connections whose
    # details are hidden, and counted here. Identical rows are as many connections.
    named = [c for c in export.connections if not c.hidden]
    assert len(named) == len(want) == 192
    assert sum(1 for c in export.connections if c.hidden) == 28
    got = {
        (c.first_name, c.last_name, c.url, c.email, c.company, c.position, c.connected_on)
        for c in named
    }
    for row in want:
        key = (
            _expected_value(row["First Name"]),
            _expected_value(row["Last Name"]),
            _expected_value(row["URL"]),
            _expected_value(row["Email Address"]),
            _expected_value(row["Company"]),
            _expected_value(row["Position"]),
        )
        date = _expected_date(row["Connected On"])
        assert any(g[:6] == key and (g[6].date() if g[6] else None) == date for g in got), key


def test_hostile_messages_match_the_expected_parse(expected):
    """Reordered columns, quoted multi-line names and content, impossible dates."""
    export = parse_export(FIXTURES / "messages-corpus.csv")
    want = expected["messages"]
    assert len(export.messages) == len(want) == 203
    for message, row in zip(export.messages, want, strict=True):
        assert message.sender == _expected_value(row["FROM"])
        assert message.recipients == _expected_value(row["TO"])
        assert message.content == _expected_value(row["CONTENT"])
        assert message.folder == row["FOLDER"]
        assert message.conversation_id == row["CONVERSATION ID"]
        assert message.sender_url == row["SENDER PROFILE URL"]
        assert (message.sent_at.date() if message.sent_at else None) == _expected_date(row["DATE"])


def test_parity_fixtures():
    every = parse_export(FIXTURES / "connections-parity.csv").connections
    assert every[0].hidden  # ",,,,,,30 Jan 2026": a connection who hides their details
    assert every[0].connected_on == parse_date("30 Jan 2026")
    connections = every[1:]
    assert not any(c.hidden for c in connections)
    assert [c.name for c in connections] == [
        "Ada Lovelace",
        "Builder",
        "=2+5 +Lovelace",
        "Bob Builder II",
    ]
    assert connections[2].url == ""
    assert connections[2].email == ""
    assert connections[2].connected_on is None  # 30 Feb 2026
    assert connections[3].connected_on == parse_date("2026-09-15")
    messages = parse_export(FIXTURES / "messages-parity.csv").messages
    assert [m.content for m in messages] == [
        'He said "hello"',
        "-2 plus 2",
    ]  # "#N/A" sender dropped
    assert messages[1].recipient_urls == ()  # "#N/A N/A"


def _headers():
    with HEADERS.open(encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream, delimiter="\t")


@pytest.mark.parametrize(
    "row",
    [r for r in _headers() if kind_by_name(r["file"])],
    ids=lambda r: f"{r['export_era']}-{r['file']}",
)
def test_every_header_of_every_era_maps_by_name(row):
    """headers.tsv: each era's exact header line (with its layout) is read and its required
    columns found, in whatever order and quoting the era wrote them."""
    kind = kind_by_name(row["file"])
    assert kind is not None
    header = row["header_line"]
    notes = row["encoding_and_layout_notes"]
    separator = "\t" if "TAB" in notes else ","
    columns = next(csv.reader(io.StringIO(header), delimiter=separator))
    values = {
        "first name": "Ada", "last name": "Lovelace", "connected on": "16 Dec 2024",
        "from": "Ada Lovelace", "to": "Sam Owner", "date": "2024-12-16 10:00:00 UTC",
        "content": "Hello", "direction": "INCOMING", "sent at": "12/15/24, 7:47 AM",
        "date sent": "12/15/24, 7:47 AM", "company name": "Acme", "title": "Engineer",
        "name": "Python", "skill name": "Python", "endorser first name": "Ada",
        "endorser last name": "Lovelace", "endorsee first name": "Ada",
        "endorsee last name": "Lovelace", "text": "Great", "event name": "Meetup",
    }  # fmt: skip
    body = io.StringIO()
    writer = csv.writer(
        body, delimiter=separator, quoting=csv.QUOTE_ALL if '"' in header else csv.QUOTE_MINIMAL
    )
    writer.writerow(columns)
    writer.writerow([values.get(c.strip().lower(), "x") for c in columns])
    text = body.getvalue()
    if "Notes" in notes:
        text = 'Notes:\n"About e-mail addresses."\n\n' + text
    data = b"\xff\xfe" + text.encode("utf-16-le") if "UTF-16" in notes else text.encode()
    export = parse_upload(row["file"].split("/")[-1], data)
    assert export.files[0][1] == kind.value
    assert export.files[0][2] == 1
    spec = SPECS[kind]
    found = spec.resolve([c.strip().lower().replace(" ", "") for c in columns])
    assert set(spec.required) <= set(found)
    if kind is Kind.CONNECTIONS:
        assert export.connections[0].name == "Ada Lovelace"
        assert export.connections[0].connected_on == parse_date("16 Dec 2024")
    if kind is Kind.MESSAGES:
        assert export.messages[0].sent_at == parse_date("2024-12-16 10:00:00 UTC")


# --- Bad input: an error naming the file (and line), never a partial result ---------------


def test_a_file_that_is_not_an_export():
    with pytest.raises(InvalidExport, match="not a LinkedIn data export") as caught:
        parse_upload("budget.csv", b"Month,Amount\nJanuary,12\n")
    assert (caught.value.file, caught.value.line) == ("budget.csv", 1)


def test_a_zip_with_no_export_file():
    with pytest.raises(InvalidExport, match="not a LinkedIn data export") as caught:
        parse_upload("holiday.zip", make_zip({"photo.jpg": b"\xff\xd8", "notes.csv": "a,b\n"}))
    assert caught.value.file == "holiday.zip"


def test_a_known_file_without_its_header():
    with pytest.raises(InvalidExport, match="no header line") as caught:
        parse_upload("x.zip", make_zip({"Connections.csv": "Name,When\nAda,today\n"}))
    assert (caught.value.file, caught.value.line) == ("Connections.csv", 1)


def test_a_truncated_zip():
    data = zip_folder(EXPORT_2022)
    with pytest.raises(InvalidExport, match="damaged or cut short") as caught:
        parse_upload("export.zip", data[: len(data) // 2])
    assert caught.value.file == "export.zip"


def test_a_corrupted_member_names_it():
    data = bytearray(make_zip({"Connections.csv": (EXPORT_2022 / "Connections.csv").read_bytes()}))
    data[60:80] = b"\x00" * 20  # inside the compressed stream of the only member
    with pytest.raises(InvalidExport) as caught:
        parse_upload("export.zip", bytes(data))
    assert "Connections.csv" in caught.value.file or caught.value.file == "export.zip"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.csv", "/abs/Connections.csv", "C:/x/Connections.csv", "a/../../b.csv"],
)
def test_path_traversal_is_refused(name):
    data = make_zip({"Connections.csv": (EXPORT_2022 / "Connections.csv").read_bytes(), name: "x"})
    with pytest.raises(InvalidExport, match="leaves the archive") as caught:
        parse_upload("export.zip", data)
    assert caught.value.file == "export.zip"


def test_a_zip_bomb_is_refused_while_decompressing():
    """A small archive that inflates far beyond any export (highly repetitive data)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("Connections.csv", "w") as member,
    ):
        member.write(b"First Name,Last Name,Connected On\n")
        chunk = b"A" * (1024 * 1024)
        for _ in range(8):  # 8 MB of one byte: ratio ~1000:1
            member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 100_000
    with pytest.raises(InvalidExport, match="zip bomb") as caught:
        parse_upload("export.zip", data)
    assert caught.value.file == "export.zip/Connections.csv"


def test_the_size_limit_is_checked_on_the_real_bytes(monkeypatch):
    from mutuals.imports.linkedin import source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    data = make_zip({"Connections.csv": (EXPORT_2022 / "Connections.csv").read_bytes()})
    with pytest.raises(InvalidExport, match="more than an export can hold"):
        parse_upload("export.zip", data)
    assert MAX_FILE_BYTES > 100 * 1024 * 1024  # real exports are far from the real limit


def test_a_broken_row_inside_a_zip_names_the_member_and_line():
    good = (EXPORT_2022 / "Connections.csv").read_text()
    broken = good + 'Ada,"Love"lace,,Acme,CEO,1 Jan 2024\n'
    with pytest.raises(InvalidExport) as caught:
        parse_upload("export.zip", make_zip({"Connections.csv": broken}))
    assert caught.value.file == "Connections.csv"
    assert caught.value.line == good.count("\n") + 1
