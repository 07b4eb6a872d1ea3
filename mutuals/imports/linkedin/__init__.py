"""Reading a LinkedIn data export. Pure Python, no Django: the web import, the `audit`
command and the benchmark all call `parse_export` / `parse_upload`."""

from mutuals.imports.linkedin.errors import InvalidExport
from mutuals.imports.linkedin.parser import (
    MAX_ROWS,
    parse_export,
    parse_files,
    parse_stream,
    parse_upload,
    sniff_stream,
)
from mutuals.imports.linkedin.records import Export

__all__ = [
    "MAX_ROWS",
    "Export",
    "InvalidExport",
    "parse_export",
    "parse_files",
    "parse_stream",
    "parse_upload",
    "sniff_stream",
]
