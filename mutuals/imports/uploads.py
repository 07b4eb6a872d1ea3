"""Refusing an upload by its size before it is read (docs/imports.md, "Limits").

`UploadSizeLimitHandler` is the first of `FILE_UPLOAD_HANDLERS`: Django asks it before it reads
a multipart body, so a request whose Content-Length is over `MUTUALS_MAX_UPLOAD_BYTES` is
refused without reading a byte of it, and one that sends more than that (a Content-Length that
lies) is stopped as soon as the bytes have arrived. The refusal is `export_too_large` (422):
imports are the only uploads. Files under the limit stream to disk through Django's own
handlers (FILE_UPLOAD_MAX_MEMORY_SIZE), never whole into memory.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from mutuals.core.errors import Refused

# The multipart envelope around the file (boundaries, headers, the CSRF field).
ENVELOPE_BYTES = 64 * 1024


def max_upload_bytes() -> int:
    return int(settings.MUTUALS_MAX_UPLOAD_BYTES)


def upload_too_large(file_name: str | None = None) -> Refused:
    limit = max_upload_bytes()
    return Refused(
        f"The file is larger than {limit // (1024 * 1024)} MB; no LinkedIn export is that "
        "large. Upload the ZIP LinkedIn sent you, or one of its CSV files.",
        code="export_too_large",
        detail={"file": file_name, "line": None, "max_bytes": limit},
    )


class UploadSizeLimitHandler(FileUploadHandler):
    """Counts an upload's bytes as they stream in and refuses it past the limit."""

    received = 0

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],  # noqa: N803 - Django's parameter name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > max_upload_bytes() + ENVELOPE_BYTES:
            raise upload_too_large()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            raise upload_too_large(self.file_name)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
