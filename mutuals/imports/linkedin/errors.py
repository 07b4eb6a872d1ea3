"""The parser's one error: the input is not a readable LinkedIn export.

Pure Python (no Django): the importer's service turns it into `Refused(code="invalid_export")`
and the offline command prints it. It always names the file and, where there is one, the line.
"""

from __future__ import annotations


class InvalidExport(Exception):
    """`file` is the name inside the export (or the upload's name); `line` is 1-based, or None
    when the problem is the file as a whole (a truncated ZIP, a refused archive member)."""

    def __init__(self, reason: str, *, file: str, line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {reason}")

    @property
    def message(self) -> str:
        return str(self)

    def as_detail(self) -> dict[str, str | int | None]:
        return {"file": self.file, "line": self.line, "reason": self.reason}
