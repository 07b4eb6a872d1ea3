"""Turn an export's files into records: `parse_export(path)` or `parse_files(name, files)`.

Files are recognized by name inside a ZIP or folder (`Connections.csv`, `messages.csv`,
`Endorsement Received Info.csv`, ...), and a single uploaded CSV of another name by its
header. An input with none of an export's files is not an export. The same data present
twice (the UTF-16 and UTF-8 copies of the endorsements, a re-saved Connections.csv beside the
original) is read once.

Rows are kept or dropped by what they mean, not by position: every non-blank connection row is
a connection (rows with only a date are people who hide their details from exports, counted
as `hidden`), a message needs a sender, an invitation a sender or a recipient.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from mutuals.imports.linkedin.csvfile import (
    HEADER_SEARCH_ROWS,
    RowBudget,
    Table,
    normalize_column,
    read_rows,
)
from mutuals.imports.linkedin.dates import parse_date, parse_month
from mutuals.imports.linkedin.errors import InvalidExport
from mutuals.imports.linkedin.gcpause import collector_paused
from mutuals.imports.linkedin.records import (
    ConnectionRecord,
    EducationRecord,
    EndorsementRecord,
    EventRecord,
    Export,
    InvitationRecord,
    MessageRecord,
    PositionRecord,
    ProfileRecord,
    RecommendationRecord,
)
from mutuals.imports.linkedin.schema import SIGNATURES, SPECS, Kind, kind_by_name
from mutuals.imports.linkedin.source import SourceFile, open_source, open_upload

# progress(fraction done 0..1, what is being read)
Progress = Callable[[float, str], None]

_TRUE = frozenset({"yes", "true", "1", "y"})
# The rows one export may hold, all files together: 30,000 connections (LinkedIn's own cap)
# and 200,000 messages are about 240,000. Records stay in memory (messages on disk,
# `spool.py`) until the import writes them, so this bounds the memory of an import or audit
# (docs/imports.md, "Limits").
MAX_ROWS = 300_000
# LinkedIn allows 30,000 connections; a Connections.csv far past that is not an export.
MAX_CONNECTIONS = 50_000


def _no_progress(fraction: float, label: str) -> None:
    return None


def parse_export(
    path: Path, progress: Progress = _no_progress, *, max_rows: int = MAX_ROWS
) -> Export:
    """Read the export at `path` (ZIP, folder or CSV)."""
    with open_source(path) as (name, files):
        single = len(files) == 1 and not path.is_dir()
        return parse_files(name, files, progress, single=single, max_rows=max_rows)


def parse_stream(
    name: str, stream: BinaryIO, progress: Progress = _no_progress, *, max_rows: int = MAX_ROWS
) -> Export:
    """Read an uploaded export (the ZIP, or one of its CSV files) from a seekable stream."""
    display = PurePosixPath(name.replace("\\", "/")).name
    with open_upload(name, stream) as files:
        single = len(files) == 1 and files[0].name == (display or "upload")
        return parse_files(display, files, progress, single=single, max_rows=max_rows)


def parse_upload(name: str, data: bytes, progress: Progress = _no_progress) -> Export:
    """`parse_stream` of an export held in memory (tests, scripts)."""
    return parse_stream(name, io.BytesIO(data), progress)


def _kind_by_header(file: SourceFile) -> Kind | None:
    try:
        with file.open() as stream:
            for index, (_, row) in enumerate(read_rows(stream, file.name)):
                names = {normalize_column(cell.strip().strip('"')) for cell in row}
                for kind, signature in SIGNATURES:
                    if signature <= names:
                        return kind
                if index >= HEADER_SEARCH_ROWS:
                    break
    except InvalidExport as exc:
        if exc.reason.startswith("broken row"):
            return None  # unreadable before any export header: not an export
        raise
    return None


def choose_files(
    source: str, files: list[SourceFile], single: bool
) -> tuple[list[tuple[SourceFile, Kind]], list[str]]:
    """The files to read, with their kinds, and the CSV files ignored. InvalidExport when
    none is an export file. Reads at most a lone CSV's first rows (to know its kind)."""
    chosen: list[tuple[SourceFile, Kind]] = []
    ignored: list[str] = []
    for file in files:
        kind = kind_by_name(file.name)
        if kind is None and single:
            kind = _kind_by_header(file)
        if kind is None:
            ignored.append(file.name)
        else:
            chosen.append((file, kind))
    if not chosen:
        first = files[0].name if files else source
        raise InvalidExport(
            "is not a LinkedIn data export: none of its files (Connections.csv, "
            "messages.csv, Invitations.csv, ...) is there",
            file=first if single else source,
            line=1 if single else None,
        )
    return chosen, ignored


def sniff_stream(name: str, stream: BinaryIO) -> list[str]:
    """Whether an upload looks like an export, cheaply (the web request's check before it
    queues the import): a ZIP's list of files, or a lone CSV's header. The names of the files
    that will be read; InvalidExport when there are none."""
    display = PurePosixPath(name.replace("\\", "/")).name
    with open_upload(name, stream) as files:
        single = len(files) == 1 and files[0].name == (display or "upload")
        chosen, _ = choose_files(display, files, single)
        return [file.name for file, _ in chosen]


def parse_files(
    source: str,
    files: list[SourceFile],
    progress: Progress = _no_progress,
    single: bool = False,
    max_rows: int = MAX_ROWS,
) -> Export:
    with collector_paused():
        return _parse_files(source, files, progress, single, RowBudget(max_rows))


def _parse_files(
    source: str, files: list[SourceFile], progress: Progress, single: bool, budget: RowBudget
) -> Export:
    export = Export(source=source)
    chosen, export.ignored = choose_files(source, files, single)
    total = sum(file.size for file, _ in chosen) or 1
    done = 0
    seen: set[tuple[object, ...]] = set()
    for file, kind in chosen:
        progress(done / total, file.name)

        def on_position(
            fraction: float, start: int = done, size: int = file.size, name: str = file.name
        ) -> None:
            progress(min((start + fraction * size) / total, 1.0), name)

        with file.open() as stream:
            table = Table(stream, file.name, _required(kind), on_position, file.size, budget)
            count = _READERS[kind](export, table, seen)
        export.files.append((file.name, kind.value, count))
        done += file.size
    progress(1.0, "done")
    return export


def _required(kind: Kind) -> frozenset[str]:
    return SPECS[kind].required_columns()


def _rows(table: Table, kind: Kind) -> Iterator[tuple[int, dict[str, str]]]:
    """The table's rows as {field: value} for every field of the kind ("" when absent)."""
    spec = SPECS[kind]
    found = spec.resolve(table.columns)
    return table.records({field: found.get(field, "") for field in spec.columns})


def _connection_key(record: ConnectionRecord) -> tuple[object, ...]:
    return (
        record.first_name,
        record.last_name,
        record.url,
        record.email,
        record.company,
        record.position,
        record.connected_on,
    )


def _read_connections(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    """Every non-blank row is a connection, as LinkedIn counts them: rows with only a date are
    people whose privacy settings hide their name from exports (kept, `hidden`), and two
    identical rows in one file are two connections (two hidden people connected the same
    day). Only a second Connections.csv (a re-saved copy) repeats rows: a row of it is read
    once for every time the earlier files had it."""
    earlier = Counter(_connection_key(record) for record in export.connections)
    count = 0
    for line, row in _rows(table, Kind.CONNECTIONS):
        if count >= MAX_CONNECTIONS:
            raise InvalidExport(
                f"holds more than {MAX_CONNECTIONS:,} connections; LinkedIn allows 30,000, "
                "so this is not a LinkedIn export",
                file=table.file,
                line=line,
            )
        record = ConnectionRecord(
            file=table.file,
            line=line,
            first_name=row["first_name"],
            last_name=row["last_name"],
            url=row["url"],
            email=row["email"],
            company=row["company"],
            position=row["position"],
            connected_on=parse_date(row["connected_on"]),
        )
        count += 1
        if earlier:
            key = _connection_key(record)
            if earlier[key] > 0:
                earlier[key] -= 1
                continue
        export.connections.append(record)
    return count


def _message_key(record: MessageRecord) -> tuple[object, ...]:
    return (record.conversation_id, record.sent_at, record.sender, record.content)


def _read_messages(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    # Only a second messages file (a copy in another folder) can repeat messages; the first
    # is taken as it is, which spares hashing every message of a large export.
    earlier = {_message_key(m) for m in export.messages} if export.messages else None
    count = 0
    # The names, URLs and conversation of a message repeat across its thread: one copy of
    # each value is kept (a third of the memory of a large export's messages).
    strings: dict[str, str] = {}
    url_lists: dict[str, tuple[str, ...]] = {}
    one = strings.setdefault
    for line, row in _rows(table, Kind.MESSAGES):
        sender = row["sender"]
        if not sender:
            continue
        content = row["content"]
        if "&" in content:
            content = html.unescape(content)
        urls = row["recipient_urls"]
        record = MessageRecord(
            file=table.file,
            line=line,
            conversation_id=one(row["conversation_id"], row["conversation_id"]),
            conversation_title=one(row["conversation_title"], row["conversation_title"]),
            sender=one(sender, sender),
            sender_url=one(row["sender_url"], row["sender_url"]),
            recipients=one(row["recipients"], row["recipients"]),
            recipient_urls=url_lists.get(urls) or url_lists.setdefault(urls, _urls(urls)),
            sent_at=parse_date(row["date"]),
            subject=one(row["subject"], row["subject"]),
            content=content,
            folder=one(row["folder"].upper(), row["folder"].upper()),
            direction=one(row["direction"].upper(), row["direction"].upper()),
            is_draft=row["is_draft"].lower() in _TRUE
            or row["is_conversation_draft"].lower() in _TRUE,
        )
        count += 1
        if earlier is not None:
            key = _message_key(record)
            if key in earlier:
                continue
            earlier.add(key)
        export.messages.append(record)
    return count


def _urls(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    if "," not in value:
        return (value,)
    return tuple(url for url in (part.strip() for part in value.split(",")) if url)


def _read_invitations(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    count = 0
    for line, row in _rows(table, Kind.INVITATIONS):
        sender, recipient = row["sender"], row["recipient"]
        if not sender and not recipient:
            continue
        record = InvitationRecord(
            file=table.file,
            line=line,
            sender=sender,
            recipient=recipient,
            sent_at=parse_date(row["sent_at"]),
            message=row["message"],
            direction=row["direction"].upper(),
            sender_url=row["sender_url"],
            recipient_url=row["recipient_url"],
        )
        key = ("i", sender, recipient, record.sent_at, record.direction)
        count += 1
        if key not in seen:
            seen.add(key)
            export.invitations.append(record)
    return count


def _read_profile(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    for _, row in _rows(table, Kind.PROFILE):
        export.profile = ProfileRecord(
            first_name=row["first_name"],
            last_name=row["last_name"],
            headline=row["headline"],
            summary=row["summary"],
            industry=row["industry"],
            location=row["location"],
        )
        return 1
    return 0


def _read_positions(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    count = 0
    for _, row in _rows(table, Kind.POSITIONS):
        if not row["company"] and not row["title"]:
            continue
        export.positions.append(
            PositionRecord(
                company=row["company"],
                title=row["title"],
                location=row["location"],
                started_on=parse_date(row["started_on"]),
                finished_on=parse_date(row["finished_on"]),
                description=row["description"],
                started=parse_month(row["started_on"]),
                finished=parse_month(row["finished_on"]),
            )
        )
        count += 1
    return count


def _read_education(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    count = 0
    for _, row in _rows(table, Kind.EDUCATION):
        if not row["school"]:
            continue
        export.education.append(
            EducationRecord(
                school=row["school"],
                degree=row["degree"],
                notes=row["notes"],
                activities=row["activities"],
                started=parse_month(row["started"]),
                finished=parse_month(row["finished"]),
            )
        )
        count += 1
    return count


def _read_skills(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    count = 0
    for _, row in _rows(table, Kind.SKILLS):
        name = row["name"]
        if name and ("s", name.casefold()) not in seen:
            seen.add(("s", name.casefold()))
            export.skills.append(name)
            count += 1
    return count


def _endorsements(received: bool) -> Callable[[Export, Table, set[tuple[object, ...]]], int]:
    kind = Kind.ENDORSEMENTS_RECEIVED if received else Kind.ENDORSEMENTS_GIVEN

    def read(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
        count = 0
        for line, row in _rows(table, kind):
            record = EndorsementRecord(
                file=table.file,
                line=line,
                received=received,
                skill=row["skill"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                url=row["url"],
                date=parse_date(row["date"]),
            )
            if not record.name:
                continue
            count += 1
            key = ("e", received, record.skill.casefold(), record.name.casefold(), record.date)
            if key not in seen:
                seen.add(key)
                export.endorsements.append(record)
        return count

    return read


def _recommendations(received: bool) -> Callable[[Export, Table, set[tuple[object, ...]]], int]:
    kind = Kind.RECOMMENDATIONS_RECEIVED if received else Kind.RECOMMENDATIONS_GIVEN

    def read(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
        count = 0
        for line, row in _rows(table, kind):
            record = RecommendationRecord(
                file=table.file,
                line=line,
                received=received,
                first_name=row["first_name"],
                last_name=row["last_name"],
                company=row["company"],
                text=row["text"],
                date=parse_date(row["date"]),
            )
            if record.name:
                export.recommendations.append(record)
                count += 1
        return count

    return read


def _read_events(export: Export, table: Table, seen: set[tuple[object, ...]]) -> int:
    count = 0
    for _, row in _rows(table, Kind.EVENTS):
        if name := row["name"]:
            export.events.append(
                EventRecord(
                    name=name,
                    time=parse_date(row["time"]),
                    status=row["status"],
                    url=row["url"],
                )
            )
            count += 1
    return count


_READERS: dict[Kind, Callable[[Export, Table, set[tuple[object, ...]]], int]] = {
    Kind.CONNECTIONS: _read_connections,
    Kind.MESSAGES: _read_messages,
    Kind.INVITATIONS: _read_invitations,
    Kind.PROFILE: _read_profile,
    Kind.POSITIONS: _read_positions,
    Kind.EDUCATION: _read_education,
    Kind.SKILLS: _read_skills,
    Kind.ENDORSEMENTS_RECEIVED: _endorsements(received=True),
    Kind.ENDORSEMENTS_GIVEN: _endorsements(received=False),
    Kind.RECOMMENDATIONS_RECEIVED: _recommendations(received=True),
    Kind.RECOMMENDATIONS_GIVEN: _recommendations(received=False),
    Kind.EVENTS: _read_events,
}
