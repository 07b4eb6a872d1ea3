"""Where an export comes from: the ZIP LinkedIn sends, its unpacked folder, or one CSV file.

Whatever the form, the result is the export's CSV files as `(name, bytes)`. Other files (the
PDFs, images and HTML a ZIP may carry) are skipped without being decompressed.

A ZIP is refused as a whole when it is damaged or truncated, when a member's name would
escape the folder it is unpacked into (`../`, absolute paths, drive letters; nothing is ever
written to disk, but an archive built that way is hostile and nothing in it is trusted), or
when it would decompress into more than the limits below (a zip bomb). The sizes are checked
while decompressing, not read from the archive's own (forgeable) headers.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from mutuals.imports.linkedin.errors import InvalidExport

# A real export with 30,000 connections and 200,000 messages is about 80 MB of CSV.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 5_000
# CSV compresses about 5–10×; a ratio above this on anything sizeable is a bomb.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str  # the path inside the export, with forward slashes
    data: bytes


def read_source(path: Path) -> tuple[str, list[SourceFile]]:
    """The CSV files of the export at `path` (a ZIP, a folder or a CSV) and its display name."""
    if path.is_dir():
        return path.name, list(_read_folder(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidExport(f"cannot be read ({exc.strerror})", file=path.name) from exc
    return path.name, read_upload(path.name, data)


def read_upload(name: str, data: bytes) -> list[SourceFile]:
    """The CSV files of an uploaded export: a ZIP archive or one CSV file."""
    display = PurePosixPath(name.replace("\\", "/")).name or "upload"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06") or display.lower().endswith(".zip"):
        return list(_read_zip(display, data))
    if not data.strip():
        raise InvalidExport("the file is empty", file=display, line=1)
    return [SourceFile(display, data)]


def _read_folder(root: Path) -> Iterator[SourceFile]:
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories.sort()
        for filename in sorted(files):
            path = Path(directory) / filename
            if path.suffix.lower() != ".csv" or path.is_symlink():
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InvalidExport("is larger than an export file can be", file=filename)
            yield SourceFile(path.relative_to(root).as_posix(), path.read_bytes())


def _unsafe(name: str) -> bool:
    normalized = name.replace("\\", "/")
    parts = PurePosixPath(normalized).parts
    return normalized.startswith("/") or bool(_DRIVE.match(normalized)) or ".." in parts


def _read_zip(display: str, data: bytes) -> Iterator[SourceFile]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
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
        total = 0
        for info in members:
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            content = _read_member(archive, info, display, already=total)
            total += len(content)
            yield SourceFile(info.filename, content)


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, already: int
) -> bytes:
    where = f"{display}/{info.filename}"
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES or already + size > MAX_TOTAL_BYTES:
                    raise InvalidExport(
                        "decompresses to more than an export can hold (a zip bomb?); refused",
                        file=where,
                    )
                compressed = max(info.compress_size, 1)
                if size > RATIO_CHECK_FROM_BYTES and size / compressed > MAX_COMPRESSION_RATIO:
                    raise InvalidExport(
                        "is compressed far more than text ever is (a zip bomb?); refused",
                        file=where,
                    )
                chunks.append(chunk)
    except InvalidExport:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise InvalidExport(
            f"cannot be decompressed ({exc}); the archive is damaged or cut short", file=where
        ) from exc
    return b"".join(chunks)
