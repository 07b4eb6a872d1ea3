"""Where an export comes from: the ZIP LinkedIn sends, its unpacked folder, or one CSV file.

Whatever the form, the result is the export's CSV files as `SourceFile`s, each opened as a
stream when it is read: nothing is ever read whole into memory. Other files (the PDFs, images
and HTML a ZIP may carry) are skipped without being decompressed.

A ZIP is refused as a whole when it is damaged or truncated, or when a member's name would
escape the folder it is unpacked into (`../`, absolute paths, drive letters; nothing is ever
written to disk, but an archive built that way is hostile and nothing in it is trusted). While
a member is decompressed its bytes are counted as they come out, against MAX_FILE_BYTES for
the member, MAX_TOTAL_BYTES for the whole export and a compression ratio measured on the
compressed bytes consumed so far, so a zip bomb stops within its first megabytes, not after
the archive's own (forgeable) sizes say it should.
"""

from __future__ import annotations

import functools
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from mutuals.imports.linkedin.errors import InvalidExport

# A real export with 30,000 connections and 200,000 messages is about 42 MB of CSV.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 5_000
# CSV compresses about 5–15×; a ratio above this on anything sizeable is a bomb.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str  # the path inside the export, with forward slashes
    size: int  # its size as stored (uncompressed); for progress only, never trusted
    opener: Callable[[], BinaryIO]

    def open(self) -> BinaryIO:
        """A fresh stream of the file's bytes (guarded, for a ZIP member)."""
        return self.opener()


@contextmanager
def open_source(path: Path) -> Iterator[tuple[str, list[SourceFile]]]:
    """The export at `path` (a ZIP, a folder or a CSV): its display name and CSV files, open
    while the block runs."""
    if path.is_dir():
        yield path.name, list(_read_folder(path))
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InvalidExport(f"cannot be read ({exc.strerror})", file=path.name) from exc
    with stream, open_upload(path.name, stream) as files:
        yield path.name, files


@contextmanager
def open_upload(name: str, stream: BinaryIO) -> Iterator[list[SourceFile]]:
    """The CSV files of an uploaded export (a ZIP archive or one CSV file), read from
    `stream` (seekable: a file on disk), open while the block runs."""
    display = PurePosixPath(name.replace("\\", "/")).name or "upload"
    start = stream.read(4)
    stream.seek(0)
    if start in (b"PK\x03\x04", b"PK\x05\x06") or display.lower().endswith(".zip"):
        with _open_zip(display, stream) as files:
            yield files
        return
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if not stream.read(_CHUNK).strip():
        raise InvalidExport("the file is empty", file=display, line=1)

    def reopen() -> BinaryIO:
        stream.seek(0)
        return io.BufferedReader(_Unclosable(stream), _CHUNK)

    yield [SourceFile(display, size, reopen)]


class _Unclosable(io.RawIOBase):
    """The upload's own stream, lent to one reader: closing it leaves the upload open."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(_CHUNK if size is None or size < 0 else size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_folder(root: Path) -> Iterator[SourceFile]:
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories.sort()
        for filename in sorted(files):
            path = Path(directory) / filename
            if path.suffix.lower() != ".csv" or path.is_symlink():
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise InvalidExport("is larger than an export file can be", file=filename)
            yield SourceFile(
                path.relative_to(root).as_posix(),
                size,
                functools.partial(_open_file, path),
            )


def _open_file(path: Path) -> BinaryIO:
    return path.open("rb")


def _unsafe(name: str) -> bool:
    normalized = name.replace("\\", "/")
    parts = PurePosixPath(normalized).parts
    return normalized.startswith("/") or bool(_DRIVE.match(normalized)) or ".." in parts


@contextmanager
def _open_zip(display: str, stream: BinaryIO) -> Iterator[list[SourceFile]]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InvalidExport(
            "is not a readable ZIP archive (damaged or cut short); download the export again",
            file=display,
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InvalidExport(
                f"holds {len(members)} files, more than an export has; refused", file=display
            )
        for info in members:
            if _unsafe(info.filename):
                raise InvalidExport(
                    f"holds a file whose path leaves the archive ({info.filename!r}); refused",
                    file=display,
                )
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InvalidExport(
                    f"holds a symbolic link ({info.filename!r}); refused", file=display
                )
        totals = _Totals()
        yield [
            SourceFile(
                info.filename,
                info.file_size,
                functools.partial(_open_member, archive, info, display, totals),
            )
            for info in members
            if not info.is_dir() and info.filename.lower().endswith(".csv")
        ]


@dataclass(slots=True)
class _Totals:
    decompressed: int = 0


def _open_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, totals: _Totals
) -> BinaryIO:
    where = f"{display}/{info.filename}"
    try:
        member = archive.open(info)
    except _ZIP_ERRORS as exc:
        raise InvalidExport(
            f"cannot be decompressed ({exc}); the archive is damaged or cut short", file=where
        ) from exc
    return io.BufferedReader(_GuardedMember(member, info, where, totals), _CHUNK)


class _GuardedMember(io.RawIOBase):
    """A ZIP member's bytes as they are decompressed, counted: it stops (InvalidExport) the
    moment the member passes MAX_FILE_BYTES, the export MAX_TOTAL_BYTES, or the output grows
    more than MAX_COMPRESSION_RATIO times the compressed bytes read so far."""

    def __init__(
        self, member: IO[bytes], info: zipfile.ZipInfo, where: str, totals: _Totals
    ) -> None:
        self._member = member
        self._info = info
        self._where = where
        self._totals = totals
        self.size = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._member.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._member.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        except _ZIP_ERRORS as exc:
            raise InvalidExport(
                f"cannot be decompressed ({exc}); the archive is damaged or cut short",
                file=self._where,
            ) from exc
        self.size += len(data)
        self._totals.decompressed += len(data)
        if self.size > MAX_FILE_BYTES or self._totals.decompressed > MAX_TOTAL_BYTES:
            raise InvalidExport(
                "decompresses to more than an export can hold (a zip bomb?); refused",
                file=self._where,
            )
        if self.size > RATIO_CHECK_FROM_BYTES:
            # Compressed bytes the decompressor has used: read from the archive, less what it
            # holds unused (zipfile reads ahead). CPython's ZipExtFile keeps both; without
            # them the ratio is judged on the whole member, as before.
            left = getattr(self._member, "_compress_left", 0)
            decompressor = getattr(self._member, "_decompressor", None)
            tail = len(getattr(decompressor, "unconsumed_tail", b"") or b"")
            consumed = max(self._info.compress_size - left - tail, 1)
            if self.size / consumed > MAX_COMPRESSION_RATIO:
                raise InvalidExport(
                    "is compressed far more than text ever is (a zip bomb?); refused",
                    file=self._where,
                )
        return data
