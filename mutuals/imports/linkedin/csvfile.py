"""Reading one export CSV: its encoding, separator, preamble, header and rows, with line numbers.

- Encoding: UTF-8 (with or without a byte-order mark), or UTF-16 (with its mark, or without
  one when every other byte of the start is zero), as older exports wrote some files. Anything
  else is refused with the line of the first byte that is not UTF-8, rather than guessed.
- Separator: comma, or TAB when the header line has more TABs than commas.
- Preamble: Connections.csv may start with `Notes:` and a paragraph before its header. The
  header is the first row holding the columns the file's kind requires; what comes before it is
  skipped, however many lines it is.
- Rows: quoted fields may hold separators, doubled quotes and line breaks; a row that breaks
  the quoting rules, or has more values than the header has columns, is an error naming its
  line. Blank rows are skipped.
- Values: control characters (other than TAB and line breaks) are removed, surrounding spaces
  stripped, and the spreadsheet null tokens (`NULL`, `None`, `NaN`, `N/A`, `#N/A`, `NA`,
  `<NA>`) read as empty, as spreadsheet re-saved copies write them.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
import re
from collections.abc import Callable, Iterator

from mutuals.imports.linkedin.errors import InvalidExport

NULL_TOKENS = frozenset({"null", "none", "nan", "n/a", "#n/a", "na", "<na>", "#n/a n/a"})
_LONGEST_NULL_TOKEN = max(len(token) for token in NULL_TOKENS)
# Every upper/lower-case spelling of the null tokens, so a row needs one set lookup per value.
_NULL_SPELLINGS = frozenset(
    "".join(letters)
    for token in NULL_TOKENS
    for letters in itertools.product(*({c.lower(), c.upper()} for c in token))
)
# Control characters other than TAB and the line feed (carriage returns are made line feeds).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
HEADER_SEARCH_ROWS = 12
PROGRESS_EVERY_ROWS = 5000

csv.field_size_limit(64 * 1024 * 1024)


def normalize_column(name: str) -> str:
    """`"Sent At"`, `sent_at` and `SentAt` are one column: lower-case letters and digits."""
    return _NOT_ALNUM.sub("", name.lower())


def clean_text(text: str) -> str:
    """The whole file's text with line breaks made `\n` and control characters removed, once,
    before it is split into rows (cheaper than cleaning every value, and the same)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def clean_value(value: str) -> str:
    """One value as the importer keeps it: no control characters, no surrounding spaces,
    and empty for a spreadsheet null token."""
    value = clean_text(value).strip()
    if len(value) <= _LONGEST_NULL_TOKEN and value.lower() in NULL_TOKENS:
        return ""
    return value


def decode(data: bytes, file: str) -> str:
    """The text of `data`; InvalidExport naming the line when it is not UTF-8 or UTF-16."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith(b"\xff\xfe"):
        encoding, body = "utf-16-le", data[2:]
    elif data.startswith(b"\xfe\xff"):
        encoding, body = "utf-16-be", data[2:]
    elif len(data) >= 4 and data[1:64:2].count(0) > 24 and data[0] != 0:
        encoding, body = "utf-16-le", data
    elif len(data) >= 4 and data[0:64:2].count(0) > 24 and data[1] != 0:
        encoding, body = "utf-16-be", data
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            line = body[: exc.start].count(b"\n") + 1
            raise InvalidExport(
                f"is not UTF-8 text (byte 0x{body[exc.start]:02x} cannot be read); export it "
                "again from LinkedIn, or save it as UTF-8",
                file=file,
                line=line,
            ) from exc
        raise InvalidExport(f"is not valid {encoding.upper()} text", file=file) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidExport("holds binary data, not text", file=file, line=line)
    return text


def _separator(text: str) -> str:
    """TAB or comma, judged on the header line alone: data rows may hold either inside quoted
    (even multi-line) values. The header is the first non-blank line after the `Notes:`
    preamble, when there is one."""
    lines = text.split("\n", HEADER_SEARCH_ROWS * 4)[: HEADER_SEARCH_ROWS * 4]
    index = 0
    if lines and lines[0].strip().strip('"').lower().startswith("notes"):
        while index < len(lines) and lines[index].strip():
            index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    header = lines[index] if index < len(lines) else ""
    return "\t" if header.count("\t") > header.count(",") else ","


def read_rows(
    data: bytes, file: str, on_position: Callable[[float], None] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """`(line, raw values)` for every non-blank record of the file; `line` is where it starts.

    `on_position(fraction read)` is called every few thousand rows (for progress bars)."""
    text = clean_text(decode(data, file))
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=_separator(text), strict=True)
    size = max(len(text), 1)
    line = 1
    count = 0
    while True:
        count += 1
        if on_position is not None and count % PROGRESS_EVERY_ROWS == 0:
            on_position(stream.tell() / size)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidExport(
                f"broken row ({exc}); a quote is not closed or is misplaced",
                file=file,
                line=line,
            ) from exc
        if "".join(row).strip():  # blank rows (or only spaces) are skipped
            yield line, row
        line = reader.line_num + 1


class Table:
    """The rows of one file as dicts keyed by normalized column name, after its header."""

    def __init__(
        self,
        data: bytes,
        file: str,
        required: frozenset[str],
        on_position: Callable[[float], None] | None = None,
    ) -> None:
        self.file = file
        self.required = required
        self._rows = read_rows(data, file, on_position)
        self.columns: list[str] = []
        self.header_line = 0
        for index, (line, row) in enumerate(self._rows):
            names = [normalize_column(clean_value(cell.strip('"'))) for cell in row]
            if required <= set(names):
                self.columns = names
                self.header_line = line
                break
            if index + 1 >= HEADER_SEARCH_ROWS:
                break
        if not self.columns:
            wanted = ", ".join(sorted(required))
            raise InvalidExport(
                f"has no header line with the columns a LinkedIn export has here ({wanted})",
                file=file,
                line=1,
            )

    def records(self, fields: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
        """`(line, {field: value})` per row, for `fields` (field -> normalized column name);
        a field whose column the header lacks is "" in every row."""
        width = len(self.columns)
        position = {name: index for index, name in reversed(list(enumerate(self.columns)))}
        names = list(fields)
        # A missing column reads the padding cell at `width`, which is always "".
        pick = operator.itemgetter(*[position.get(fields[name], width) for name in names])
        single = len(names) == 1
        padding = [""] * (width + 1)
        nulls = _NULL_SPELLINGS
        for line, row in self._rows:
            size = len(row)
            if size > width and any(cell.strip() for cell in row[width:]):
                raise InvalidExport(
                    f"broken row: {size} values but the header has {width} columns",
                    file=self.file,
                    line=line,
                )
            row.extend(padding[size:])
            picked = (pick(row),) if single else pick(row)
            values = ["" if value in nulls else value for value in map(str.strip, picked)]
            yield line, dict(zip(names, values, strict=True))
