"""Columns of a query straight into NumPy arrays, for the graph builder's bulk reads.

- **PostgreSQL**: `COPY (query) TO STDOUT (FORMAT BINARY)` through psycopg 3. The queries
  return fixed-width columns only (bigint, integer, real, double precision; never NULL), so
  every row of the binary stream has the same layout and a block of rows is one
  `np.frombuffer` with a structured dtype: no Python runs per row. The stream is parsed in
  blocks of about 16 MB as it arrives, so the raw bytes never sit in memory whole.
- **Anything else** (SQLite): the cursor's rows in chunks of 100,000, each chunk one
  `np.array` call.

`columns` checks every row's shape (field count and widths), so a NULL or a wider type
fails loudly instead of shifting the columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections

# Column kinds: the SQL type a query casts to, and its NumPy type once read.
BIGINT = "bigint"
INTEGER = "integer"
REAL = "real"
DOUBLE = "double"

_SQL = {BIGINT: "BIGINT", INTEGER: "INTEGER", REAL: "REAL", DOUBLE: "DOUBLE PRECISION"}
_WIRE = {BIGINT: ">i8", INTEGER: ">i4", REAL: ">f4", DOUBLE: ">f8"}
_NATIVE = {BIGINT: np.int64, INTEGER: np.int32, REAL: np.float32, DOUBLE: np.float64}

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_BLOCK = 16 * 1024 * 1024
_FETCH = 100_000


def cast(expression: str, kind: str) -> str:
    """`expression` cast to the column kind (the same SQL on PostgreSQL and SQLite)."""
    return f"CAST({expression} AS {_SQL[kind]})"


def columns(alias: str, sql: str, kinds: list[str]) -> list[npt.NDArray[Any]]:
    """Run `sql` (a SELECT without parameters whose columns are `kinds`, cast with `cast`)
    on database `alias`; one array per column."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return _copy_binary(connection, sql, kinds)
    return _fetch_chunks(connection, sql, kinds)


def _copy_binary(connection: Any, sql: str, kinds: list[str]) -> list[npt.NDArray[Any]]:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for index, kind in enumerate(kinds):
        fields += [(f"length{index}", ">i4"), (f"value{index}", _WIRE[kind])]
    row = np.dtype(fields)
    parts: list[list[npt.NDArray[Any]]] = [[] for _ in kinds]

    def parse(buffer: bytearray, start: int) -> int:
        """Parse the whole rows of buffer[start:]; returns where the rest begins."""
        rows = (len(buffer) - start) // row.itemsize
        if rows == 0:
            return start
        block = np.frombuffer(buffer, dtype=row, count=rows, offset=start)
        if not (block["count"] == len(kinds)).all():
            raise ValueError("COPY: a row with another number of columns")
        for index, kind in enumerate(kinds):
            if not (block[f"length{index}"] == np.dtype(_WIRE[kind]).itemsize).all():
                raise ValueError(f"COPY: column {index} is NULL or not {kind}")
            parts[index].append(block[f"value{index}"].astype(_NATIVE[kind]))
        return start + rows * row.itemsize

    buffer = bytearray()
    start = -1  # until the header is read
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
            for data in copy:
                buffer += data
                if start < 0 and len(buffer) >= 19:
                    if bytes(buffer[:11]) != _SIGNATURE:
                        raise ValueError("COPY: not PostgreSQL's binary format")
                    start = 19 + int.from_bytes(buffer[15:19], "big")
                if start >= 0 and len(buffer) - start >= _BLOCK:
                    start = parse(buffer, start)
                    del buffer[:start]
                    start = 0
    if start < 0:
        raise ValueError("COPY: no header")
    start = parse(buffer, start)
    if bytes(buffer[start:]) != b"\xff\xff":
        raise ValueError("COPY: the stream did not end with its trailer")
    return [_joined(chunks, _NATIVE[kind]) for chunks, kind in zip(parts, kinds, strict=True)]


def _fetch_chunks(connection: Any, sql: str, kinds: list[str]) -> list[npt.NDArray[Any]]:
    parts: list[list[npt.NDArray[Any]]] = [[] for _ in kinds]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_FETCH):
            block = np.array(rows, dtype=np.float64 if DOUBLE in kinds or REAL in kinds else None)
            block = block.reshape(len(rows), len(kinds))
            for index, kind in enumerate(kinds):
                parts[index].append(block[:, index].astype(_NATIVE[kind]))
    return [_joined(chunks, _NATIVE[kind]) for chunks, kind in zip(parts, kinds, strict=True)]


def _joined(chunks: list[npt.NDArray[Any]], dtype: Any) -> npt.NDArray[Any]:
    if not chunks:
        return np.zeros(0, dtype=dtype)
    if len(chunks) == 1:
        return np.ascontiguousarray(chunks[0])
    return np.concatenate(chunks)
