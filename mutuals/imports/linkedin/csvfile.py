"""Reading one export CSV: its encoding, separator, preamble, header and rows, with line numbers.

- Encoding: UTF-8 (with or without a byte-order mark), or UTF-16 (with its mark, or without
  one when every other byte of the start is zero), as older exports wrote some files. A copy
  re-saved by a spreadsheet in a legacy encoding (Windows-1252, Mac Roman, ...) is detected
  from its first 256 KB with charset-normalizer; bytes that are not UTF-8 further into a file
  whose start was are read as Windows-1252. Bytes the chosen encoding cannot read, and binary
  data, are refused with their line.
- Streaming: a file is read a megabyte at a time, never whole; a line longer than
  MAX_LINE_CHARS is refused, and a RowBudget bounds the rows (so the memory) of an export.
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

import codecs
import csv
import io
import itertools
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Protocol

import charset_normalizer

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
# Read a file this much at a time; detect its encoding from its first SAMPLE_BYTES.
CHUNK_BYTES = 1024 * 1024
CHUNK_CHARS = 1024 * 1024
SAMPLE_BYTES = 256 * 1024
# The longest line (and so the longest value) read: a message is at most a few thousand
# characters; a longer line is a damaged or hostile file, and holding it would cost memory.
MAX_LINE_CHARS = 4_000_000
# Among equally likely legacy encodings, the one Excel writes on Western Windows.
LEGACY_FIRST = "cp1252"

csv.field_size_limit(MAX_LINE_CHARS)


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


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def detect_encoding(head: bytes, *, whole: bool, file: str) -> str:
    """The encoding of a file from its first bytes (`whole` when `head` is the entire file).

    UTF-8 and UTF-16 by their byte-order marks or shape; then UTF-8 when the start decodes as
    UTF-8; else the encoding charset-normalizer finds (a spreadsheet's re-saved copy:
    Windows-1252 first among equally likely ones, as Excel writes it on Western systems)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 4 and head[1:64:2].count(0) > 24 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0:64:2].count(0) > 24 and head[1] != 0:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError as exc:
        return _legacy_encoding(head, exc, file)
    return "utf-8"


def _legacy_encoding(head: bytes, error: UnicodeDecodeError, file: str) -> str:
    results = charset_normalizer.from_bytes(head)
    best = results.best()
    if best is None or b"\x00" in head:
        line = head[: error.start].count(b"\n") + 1
        raise InvalidExport(
            f"is not text in an encoding we can read (byte 0x{head[error.start]:02x}); export "
            "it again from LinkedIn, or save it as UTF-8",
            file=file,
            line=line,
        )
    for match in results:
        if match.chaos <= best.chaos and LEGACY_FIRST in match.could_be_from_charset:
            return LEGACY_FIRST
    return best.encoding


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 deep inside a file whose start was: read as Windows-1252
    (the usual re-save), byte by byte, so the rest of the file is not lost."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("mutuals-cp1252", _cp1252_fallback)


def _display(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding.upper())


class _Prefixed(io.RawIOBase):
    """`head` followed by the rest of `stream`: the bytes read to detect the encoding are
    not read twice."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def text_lines(stream: Readable, file: str) -> Iterator[str]:
    """The file's physical lines, decoded, line breaks made `\n`, control characters removed,
    read a chunk at a time: memory stays a few megabytes whatever the file's size. A line
    longer than MAX_LINE_CHARS, binary data or bytes the detected encoding cannot read stop
    the file with an InvalidExport naming the line."""
    head = stream.read(SAMPLE_BYTES)
    encoding = detect_encoding(head, whole=len(head) < SAMPLE_BYTES, file=file)
    errors = "mutuals-cp1252" if encoding == "utf-8" else "strict"
    text = io.TextIOWrapper(
        io.BufferedReader(_Prefixed(head, stream), buffer_size=CHUNK_BYTES),
        encoding=encoding,
        errors=errors,
        newline=None,  # universal newlines: \r\n and \r become \n, as LinkedIn's readers do
    )
    rest = ""
    line = 1
    control = _CONTROL
    while True:
        try:
            chunk = text.read(CHUNK_CHARS)
        except UnicodeDecodeError as exc:
            raise InvalidExport(
                f"is not valid {_display(encoding)} text (byte 0x{exc.object[exc.start]:02x}); "
                "export it again from LinkedIn, or save it as UTF-8",
                file=file,
                line=line + rest.count("\n"),
            ) from exc
        if not chunk:
            break
        if "\x00" in chunk:
            before = rest + chunk[: chunk.index("\x00")]
            raise InvalidExport(
                "holds binary data, not text", file=file, line=line + before.count("\n")
            )
        parts = (rest + control.sub("", chunk)).split("\n")
        rest = parts.pop()
        if len(rest) > MAX_LINE_CHARS:
            raise InvalidExport(
                f"has a line longer than {MAX_LINE_CHARS // 1_000_000} million characters; "
                "no export has one",
                file=file,
                line=line + len(parts),
            )
        line += len(parts)
        for part in parts:
            yield part + "\n"
    if rest:
        yield rest


def _as_stream(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


def _separator(header: str) -> str:
    """TAB or comma, judged on the header line alone: data rows may hold either inside quoted
    (even multi-line) values."""
    return "\t" if header.count("\t") > header.count(",") else ","


def _header_line(lines: list[str]) -> str:
    """The first non-blank line after the `Notes:` preamble, when there is one."""
    index = 0
    if lines and lines[0].strip().strip('"').lower().startswith("notes"):
        while index < len(lines) and lines[index].strip():
            index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return lines[index] if index < len(lines) else ""


def read_rows(
    data: bytes | BinaryIO,
    file: str,
    on_position: Callable[[float], None] | None = None,
    size: int = 0,
) -> Iterator[tuple[int, list[str]]]:
    """`(line, raw values)` for every non-blank record of the file; `line` is where it starts.
    `data` is the file's bytes or a binary stream, read a chunk at a time.

    `on_position(fraction read)` is called every few thousand rows (for progress bars), from
    the bytes read so far out of `size`."""
    stream = _as_stream(data)
    if isinstance(data, bytes | bytearray):
        size = len(data)
    counted = _Counting(stream)
    lines = text_lines(counted, file)
    first = list(itertools.islice(lines, HEADER_SEARCH_ROWS * 4))
    reader = csv.reader(
        itertools.chain(first, lines), delimiter=_separator(_header_line(first)), strict=True
    )
    total = max(size, 1)
    line = 1
    count = 0
    while True:
        count += 1
        if on_position is not None and count % PROGRESS_EVERY_ROWS == 0:
            on_position(min(counted.read_bytes / total, 1.0))
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


class _Counting:
    """Counts the bytes read through it (for progress)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.read_bytes += len(data)
        return data


class RowBudget:
    """How many rows one export may hold, across its files: the records are kept in memory
    until the import writes them, so the count bounds the memory an import needs."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.rows = 0

    def exceeded(self, file: str, line: int) -> InvalidExport:
        return InvalidExport(
            f"brings the export past {self.limit:,} rows, more than one import can take "
            "(30,000 connections and 200,000 messages are about 240,000); refused",
            file=file,
            line=line,
        )


class Table:
    """The rows of one file as dicts keyed by normalized column name, after its header.
    `data` is the file's bytes or a binary stream (read a chunk at a time)."""

    def __init__(
        self,
        data: bytes | BinaryIO,
        file: str,
        required: frozenset[str],
        on_position: Callable[[float], None] | None = None,
        size: int = 0,
        budget: RowBudget | None = None,
    ) -> None:
        self.file = file
        self.required = required
        self.budget = budget
        self._rows = read_rows(data, file, on_position, size)
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
        budget = self.budget
        for line, row in self._rows:
            if budget is not None:
                budget.rows += 1
                if budget.rows > budget.limit:
                    raise budget.exceeded(self.file, line)
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
