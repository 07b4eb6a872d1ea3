"""Date and CSV parsing: every format seen in real exports, and property tests (hypothesis)
that whatever a spreadsheet or LinkedIn writes comes back as written."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuals.imports.linkedin.csvfile import NULL_TOKENS, Table, clean_value, read_rows
from mutuals.imports.linkedin.dates import parse_date
from mutuals.imports.linkedin.errors import InvalidExport


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 Dec 2024", datetime(2024, 12, 16, tzinfo=UTC)),
        ("09 Sep 2022", datetime(2022, 9, 9, tzinfo=UTC)),
        ("15 September 2026", datetime(2026, 9, 15, tzinfo=UTC)),
        ("6-Feb-26", datetime(2026, 2, 6, tzinfo=UTC)),
        ("9-Sep-22", datetime(2022, 9, 9, tzinfo=UTC)),
        ("1/8/18, 6:14 PM", datetime(2018, 1, 8, 18, 14, tzinfo=UTC)),
        ("12/15/24, 7:47 AM", datetime(2024, 12, 15, 7, 47, tzinfo=UTC)),
        ("12/15/24, 12:05 AM", datetime(2024, 12, 15, 0, 5, tzinfo=UTC)),
        ("2022-09-08 18:08:14 UTC", datetime(2022, 9, 8, 18, 8, 14, tzinfo=UTC)),
        ("2022-09-08 18:08:14", datetime(2022, 9, 8, 18, 8, 14, tzinfo=UTC)),
        ("2017/06/08 08:15:44 UTC", datetime(2017, 6, 8, 8, 15, 44, tzinfo=UTC)),
        ("Tue Aug 30 14:33:11 UTC 2022", datetime(2022, 8, 30, 14, 33, 11, tzinfo=UTC)),
        ("Jun 2018", datetime(2018, 6, 1, tzinfo=UTC)),
        ("Feb 17, 1998", datetime(1998, 2, 17, tzinfo=UTC)),
        ("1999-01-01", datetime(1999, 1, 1, tzinfo=UTC)),
        ("2018", datetime(2018, 1, 1, tzinfo=UTC)),
    ],
)
def test_every_export_date_format(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["30 Feb 2026", "2026-13-05 09:00:00", "2026-06-31 12:00:00", "2026-02-30 10:00:00 UTC",
     "sometime later", "", "13/45/22, 9:00 AM", "1/8/18, 13:14 PM", "32-Foo-22"],
)  # fmt: skip
def test_impossible_or_missing_dates_are_unknown_not_guessed(text):
    assert parse_date(text) is None


moments = st.datetimes(
    min_value=datetime(2003, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))


@given(moments)
def test_messages_format_round_trips(moment):
    assert parse_date(moment.strftime("%Y-%m-%d %H:%M:%S UTC")) == moment
    assert parse_date(moment.strftime("%Y/%m/%d %H:%M:%S UTC")) == moment


@given(moments)
def test_invitations_format_round_trips_to_the_minute(moment):
    hour = moment.strftime("%I").lstrip("0")
    text = f"{moment.month}/{moment.day}/{moment:%y}, {hour}:{moment:%M %p}"
    assert parse_date(text) == moment.replace(second=0)


@given(moments)
def test_connections_formats_round_trip_to_the_day(moment):
    day = moment.replace(hour=0, minute=0, second=0)
    assert parse_date(moment.strftime("%d %b %Y")) == day
    assert parse_date(f"{moment.day}-{moment:%b-%y}") == day  # spreadsheet re-saved
    assert parse_date(moment.strftime("%d %B %Y")) == day


@given(st.text(max_size=40))
def test_any_text_parses_or_is_unknown_never_raises(text):
    result = parse_date(text)
    assert result is None or result.tzinfo is not None


# Values a spreadsheet or LinkedIn may write: any printable text, commas, quotes, TABs,
# line breaks, emoji. Control characters are removed by design, so they are not generated.
cell = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    )
    | st.sampled_from([",", '"', "\n", "\t", " "]),
    max_size=30,
)
rows = st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=8)


def _expected(value: str) -> str:
    cleaned = value.strip()
    return "" if cleaned.lower() in NULL_TOKENS else cleaned


def _render(table: list[list[str]], delimiter: str) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["First Name", "Last Name", "Connected On"])
    writer.writerows(table)
    return stream.getvalue()


def _read_back(data: bytes) -> list[list[str]]:
    table = Table(data, "Connections.csv", frozenset({"firstname", "lastname", "connectedon"}))
    fields = {"a": "firstname", "b": "lastname", "c": "connectedon"}
    return [[row["a"], row["b"], row["c"]] for _, row in table.records(fields)]


def _nonblank(table: list[list[str]]) -> list[list[str]]:
    return [[_expected(v) for v in row] for row in table if any(v.strip() for v in row)]


@settings(max_examples=60)
@given(rows, st.booleans())
def test_csv_values_come_back_as_written(table, with_notes):
    text = _render(table, ",")
    if with_notes:
        text = 'Notes:\r\n"Some e-mail addresses, if any, are missing."\r\n\r\n' + text
    assert _read_back(text.encode("utf-8")) == _nonblank(table)


@settings(max_examples=40)
@given(rows)
def test_utf16_tab_separated_files_read_like_utf8_ones(table):
    data = b"\xff\xfe" + _render(table, "\t").encode("utf-16-le")
    assert _read_back(data) == _nonblank(table)


@settings(max_examples=40)
@given(rows)
def test_utf8_with_byte_order_mark(table):
    assert _read_back(b"\xef\xbb\xbf" + _render(table, ",").encode()) == _nonblank(table)


def test_line_numbers_count_physical_lines_of_multiline_fields():
    data = b'a,b\n1,"two\nlines"\n\n3,4\n'
    assert [line for line, _ in read_rows(data, "x.csv")] == [1, 2, 5]


def test_broken_quoting_names_the_file_and_line():
    data = (
        b'First Name,Last Name,Connected On\nAda,Lovelace,16 Dec 2024\nBob,"Buil"der,1 Jan 2024\n'
    )
    with pytest.raises(InvalidExport) as caught:
        list(Table(data, "Connections.csv", frozenset({"firstname"})).records({"a": "firstname"}))
    assert (caught.value.file, caught.value.line) == ("Connections.csv", 3)


def test_unclosed_quote_at_the_end_names_its_line():
    data = b'First Name,Last Name,Connected On\nAda,Lovelace,16 Dec 2024\nBob,"Builder,1 Jan\n'
    with pytest.raises(InvalidExport) as caught:
        list(Table(data, "Connections.csv", frozenset({"firstname"})).records({"a": "firstname"}))
    assert caught.value.line == 3


def test_a_row_with_more_values_than_columns_is_broken():
    data = b"First Name,Last Name,Connected On\nAda,Lovelace,16 Dec 2024,surprise\n"
    with pytest.raises(InvalidExport, match="4 values but the header has 3") as caught:
        list(Table(data, "Connections.csv", frozenset({"firstname"})).records({"a": "firstname"}))
    assert caught.value.line == 2


def test_a_windows_1252_copy_is_read_as_written():
    """Excel on Western Windows re-saves a CSV in Windows-1252: curly quotes, the euro sign and
    accents come back as written (they used to be refused as "not UTF-8")."""
    text = (
        "First Name,Last Name,Company,Connected On\n"
        "José,Núñez,Señor “Café” €,2 Jan 2024\nZoë,Müller,Société Générale,3 Jan 2024\n"
    )
    table = Table(text.encode("cp1252"), "Connections.csv", frozenset({"firstname"}))
    rows = [row for _, row in table.records({"a": "firstname", "b": "lastname", "c": "company"})]
    assert rows == [
        {"a": "José", "b": "Núñez", "c": "Señor “Café” €"},
        {"a": "Zoë", "b": "Müller", "c": "Société Générale"},
    ]


def test_legacy_bytes_deep_in_a_utf8_looking_file_are_read_as_windows_1252():
    """The encoding is judged on the first 256 KB; an accent after that in a file that was
    plain ASCII so far is Windows-1252, not a refusal of the whole export."""
    filler = "Ada,Lovelace,1 Jan 2024\n" * 12_000  # about 290 KB of ASCII
    text = "First Name,Last Name,Connected On\n" + filler + "José,Núñez,2 Jan 2024\n"
    rows = list(read_rows(text.encode("cp1252"), "Connections.csv"))
    assert rows[-1] == (12_002, ["José", "Núñez", "2 Jan 2024"])


def test_binary_data_is_refused_with_its_line():
    data = b"First Name,Last Name,Connected On\nAda,Lovelace,1 Jan 2024\n\x00\x00\x01\x02"
    with pytest.raises(InvalidExport, match="binary data") as caught:
        list(read_rows(data, "Connections.csv"))
    assert (caught.value.file, caught.value.line) == ("Connections.csv", 3)


def test_an_endless_line_is_refused_without_holding_it():
    stream = io.BytesIO(b"First Name,Last Name,Connected On\n" + b"x" * 5_000_000)
    with pytest.raises(InvalidExport, match="line longer than") as caught:
        list(read_rows(stream, "Connections.csv"))
    assert caught.value.line == 2


def test_spreadsheet_nulls_and_control_characters_are_cleaned():
    assert clean_value("  #N/A ") == ""
    assert clean_value("NULL") == ""
    assert clean_value("form\x0cfeed mid") == "formfeed mid"
    assert clean_value("tab\tinside value") == "tab\tinside value"
    assert clean_value("line one\r\nline two") == "line one\nline two"


def test_tabs_inside_quoted_values_do_not_make_a_comma_file_tab_separated():
    """Found by the property test: the separator is judged on the header line only."""
    data = b'First Name,Last Name,Connected On\n"a\t\tb\n\tc",Lovelace,1 Jan 2024\n'
    assert _read_back(data) == [["a\t\tb\n\tc", "Lovelace", "1 Jan 2024"]]
