"""A list of records kept on disk: appended one at a time, read back in order, any number of
times, a batch at a time.

An export's 200,000 messages were held as objects from the parse to the end of the import
(about 60 MB for the benchmark's short messages, more for real ones), and the import's
200,000 interactions beside them (each holding its message's text). A `Spool` keeps at most
one batch of them in memory: the rest is pickled, a batch at a time, into an anonymous
temporary file (unlinked at once: nothing is left behind, even if the process is killed).
A small export (under one batch, as in most tests) never touches the disk.

Reading gives back equal records, in the order they were appended; records read are not kept,
so what the reader keeps is what stays in memory. Pure Python, no Django.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
import weakref
from collections.abc import Callable, Iterator
from typing import IO, Any, overload

# Records per pickled batch: big enough that pickling is fast (repeated strings are written
# once a batch), small enough that a batch is a fraction of a megabyte.
BATCH = 2_000
_LENGTH_BYTES = 8


class Spool[T]:
    """Records of one type, appended then read in order. `encode` turns a record into a
    picklable tuple and `decode` the tuple back into an equal record."""

    def __init__(
        self,
        encode: Callable[[T], tuple[Any, ...]],
        decode: Callable[[tuple[Any, ...]], T],
        *,
        batch: int | None = None,
    ) -> None:
        self._encode = encode
        self._decode = decode
        self._batch = batch or BATCH
        self._pending: list[tuple[Any, ...]] = []
        self._file: IO[bytes] | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._length = 0

    def append(self, record: T) -> None:
        self._pending.append(self._encode(record))
        self._length += 1
        if len(self._pending) >= self._batch:
            self._flush()

    def extend(self, records: Iterator[T] | list[T]) -> None:
        for record in records:
            self.append(record)

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() or finalize
            self._closer = weakref.finalize(self, self._file.close)
        data = pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, 2)
        self._file.write(len(data).to_bytes(_LENGTH_BYTES, "little"))
        self._file.write(data)
        self._pending = []

    def _batches(self) -> Iterator[list[tuple[Any, ...]]]:
        if self._file is not None:
            self._file.flush()
            offset = 0
            while True:
                self._file.seek(offset)
                head = self._file.read(_LENGTH_BYTES)
                if not head:
                    break
                size = int.from_bytes(head, "little")
                # Read by offset: a reader that appends between batches moves the file's
                # position, and two readers may take turns.
                offset += _LENGTH_BYTES + size
                yield pickle.loads(self._file.read(size))  # noqa: S301 - our own file
        if self._pending:
            yield list(self._pending)

    def __iter__(self) -> Iterator[T]:
        decode = self._decode
        for batch in self._batches():
            for item in batch:
                yield decode(item)

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        """By position, reading up to it (for tests and scripts; the import only iterates)."""
        if isinstance(index, slice):
            return list(self)[index]
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError("spool index out of range")
        return next(itertools.islice(self, position, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spool | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Spool of {self._length} records>"

    def close(self) -> None:
        """Drop the records (the temporary file goes with them)."""
        if self._closer is not None:
            self._closer()
        self._file = None
        self._closer = None
        self._pending = []
        self._length = 0
