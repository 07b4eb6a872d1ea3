"""MinHash signatures and a locality-sensitive index over them: the one near-duplicate search
of mutuals, used by the engine (a sender's earlier notes) and by the LinkedIn audit
(`mutuals.imports.templates_reuse`, clusters of reused invitation notes).

A note becomes a set of word 3-shingles (after `text.masked_tokens` has masked names and
greetings, so a name swap is an exact copy). Its signature is NUM_PERMUTATIONS minimum hash
values under universal hashing modulo 2³¹−1 with fixed seeds: the same text always gives the
same signature, so signatures can be stored and compared across processes and releases. The
share of equal values estimates the Jaccard similarity of two shingle sets.

`LSHIndex` cuts each signature into LSH_BANDS bands of LSH_ROWS values and buckets notes by
band; two notes with Jaccard similarity s share a bucket with probability 1 − (1 − s⁴)³²
(0.9998 at s = 0.7, 0.003 at s = 0.1), so a query costs a few dictionary lookups and one
vectorized comparison with the candidates, however many notes are indexed.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 3
NUM_PERMUTATIONS = 128
LSH_BANDS = 32
LSH_ROWS = NUM_PERMUTATIONS // LSH_BANDS
_MERSENNE_PRIME = (1 << 31) - 1
_RNG = np.random.default_rng(20261201)  # fixed: signatures are stored and compared later
_PERM_A = _RNG.integers(1, _MERSENNE_PRIME, size=NUM_PERMUTATIONS, dtype=np.uint64)
_PERM_B = _RNG.integers(0, _MERSENNE_PRIME, size=NUM_PERMUTATIONS, dtype=np.uint64)


def shingles(tokens: Sequence[str]) -> set[str]:
    """Word SHINGLE_WORDS-grams of `tokens` (the whole text when it is shorter)."""
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def signature(tokens: Sequence[str]) -> tuple[int, ...]:
    """The MinHash signature (NUM_PERMUTATIONS values) of `tokens`' shingles; () for no tokens."""
    found = shingles(tokens)
    if not found:
        return ()
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) & _MERSENNE_PRIME for s in found), dtype=np.uint64, count=len(found)
    )
    permuted = (_PERM_A[:, None] * hashes[None, :] + _PERM_B[:, None]) % _MERSENNE_PRIME
    return tuple(int(v) for v in permuted.min(axis=1))


# How a signature is stored: its values as little-endian unsigned 32-bit integers (every
# value is below 2³¹−1), 512 bytes a note; reading ten thousand back is one array operation.
STORED_DTYPE = np.dtype("<u4")


def pack(sig: Sequence[int]) -> bytes:
    """`sig` as stored; b"" for a signature that cannot be compared (empty or foreign)."""
    if len(sig) != NUM_PERMUTATIONS:
        return b""
    return np.asarray(sig, dtype=STORED_DTYPE).tobytes()


def unpack(raw: bytes) -> tuple[int, ...]:
    """The signature `pack` stored; () for anything not a whole stored signature."""
    if len(raw) != NUM_PERMUTATIONS * STORED_DTYPE.itemsize:
        return ()
    return tuple(np.frombuffer(raw, dtype=STORED_DTYPE).tolist())


def unpack_many(
    stored: Iterable[tuple[bytes, Hashable]],
) -> tuple[npt.NDArray[np.int64], list[Hashable]]:
    """Stored signatures with their keys as one (n, NUM_PERMUTATIONS) array and the keys,
    leaving out those that cannot be compared."""
    size = NUM_PERMUTATIONS * STORED_DTYPE.itemsize
    blobs: list[bytes] = []
    keys: list[Hashable] = []
    for raw, key in stored:
        if raw is not None and len(raw) == size:
            blobs.append(bytes(raw))
            keys.append(key)
    matrix = np.frombuffer(b"".join(blobs), dtype=STORED_DTYPE).reshape(
        len(blobs), NUM_PERMUTATIONS
    )
    return matrix.astype(np.int64), keys


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is empty or foreign)."""
    if len(a) != NUM_PERMUTATIONS or len(b) != NUM_PERMUTATIONS:
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / NUM_PERMUTATIONS


class LSHIndex:
    """Signatures, each with the keys of the notes that had it (who they went to), banded
    for lookup. Identical signatures share one row, so a sender's thousand copies of one
    template cost one comparison, not a thousand.

    Two ways in, one index: `extend` takes many signatures at once (a sender's whole stored
    history) and buckets them with array operations into sorted band arrays; `add` takes one
    (a note just sent, the audit walking an export) into a dictionary beside them, so adding
    one costs a few dictionary writes, never a re-sort. A query looks in both.

    A bucket is named by a 64-bit hash of its band's values and number: two different bands
    may share a hash, which only adds a candidate that the exact comparison then drops.

    Signatures of another length (stored by an older release, or empty) are ignored: they
    cannot be compared with these."""

    def __init__(self, entries: Iterable[tuple[Sequence[int], Hashable]] = ()) -> None:
        self._rows: list[npt.NDArray[np.int64]] = []
        self._keys: list[dict[Hashable, int]] = []
        self._row_of: dict[bytes, int] = {}
        self._matrix: npt.NDArray[np.int64] | None = None
        self._buckets: dict[int, list[int]] = {}
        # The bulk buckets: band hashes sorted, and the row of each (one pair, replaced whole).
        self._sorted: tuple[npt.NDArray[np.uint64], npt.NDArray[np.intp]] = (
            np.empty(0, dtype=np.uint64),
            np.empty(0, dtype=np.intp),
        )
        self._notes = 0
        for sig, key in entries:
            self.add(sig, key)

    def __len__(self) -> int:
        """How many notes (not distinct signatures) are indexed."""
        return self._notes

    def keys(self, row: int) -> dict[Hashable, int]:
        """The keys of the notes whose signature is row `row`, each with how many notes it
        has there, in the order first added."""
        return self._keys[row]

    def add(self, sig: Sequence[int], key: Hashable = None) -> int | None:
        """Index `sig` under `key`; its row, or None when it cannot be compared."""
        if len(sig) != NUM_PERMUTATIONS:
            return None
        array = np.asarray(sig, dtype=np.int64)
        row, new = self._row_for(array, key)
        if new:
            for bucket in _band_hashes(array[None, :])[0].tolist():
                self._buckets.setdefault(bucket, []).append(row)
        return row

    def extend(self, signatures: npt.NDArray[np.int64], keys: Sequence[Hashable]) -> None:
        """Index many signatures at once (one per row of `signatures`, NUM_PERMUTATIONS
        columns), each under the key at the same position: the same index as `add` one by
        one, built with array operations (a 10,000-note history in tens of milliseconds)."""
        if signatures.ndim != 2 or signatures.shape[1] != NUM_PERMUTATIONS:
            raise ValueError(f"signatures must have {NUM_PERMUTATIONS} columns")
        if len(keys) != len(signatures):
            raise ValueError("one key per signature")
        matrix = np.ascontiguousarray(signatures, dtype=np.int64)
        if not len(matrix):
            return
        # Each note's row: its signature's bytes looked up among the rows indexed so far.
        width = NUM_PERMUTATIONS * matrix.itemsize
        whole = matrix.tobytes()
        rows_of_notes: list[int] = []
        new_rows: list[int] = []
        for position, start in enumerate(range(0, len(whole), width)):
            raw = whole[start : start + width]
            row = self._row_of.get(raw)
            if row is None:
                row = len(self._rows)
                self._row_of[raw] = row
                self._rows.append(matrix[position])
                self._keys.append({})
                new_rows.append(row)
            rows_of_notes.append(row)
        # How many notes each (row, key) gains, in the order first seen.
        for (row, key), notes in Counter(zip(rows_of_notes, keys, strict=True)).items():
            self._keys[row][key] = self._keys[row].get(key, 0) + notes
        self._notes += len(matrix)
        if not new_rows:
            return
        self._matrix = None
        rows = np.asarray(new_rows, dtype=np.intp)
        hashes = _band_hashes(np.vstack([self._rows[r] for r in new_rows]))
        sorted_hashes, sorted_rows = self._sorted
        all_hashes = np.concatenate([sorted_hashes, hashes.ravel()])
        all_rows = np.concatenate([sorted_rows, np.repeat(rows, LSH_BANDS)])
        order = np.argsort(all_hashes, kind="stable")
        self._sorted = (all_hashes[order], all_rows[order])

    def similar(self, sig: Sequence[int], threshold: float) -> list[int]:
        """Rows whose signature is at least `threshold` similar to `sig`."""
        if len(sig) != NUM_PERMUTATIONS or not self._rows:
            return []
        array = np.asarray(sig, dtype=np.int64)
        hashes = _band_hashes(array[None, :])[0]
        candidates: set[int] = set()
        for bucket in hashes.tolist():
            found = self._buckets.get(bucket)
            if found:
                candidates.update(found)
        sorted_hashes, sorted_rows = self._sorted
        if len(sorted_hashes):
            low = np.searchsorted(sorted_hashes, hashes, side="left")
            high = np.searchsorted(sorted_hashes, hashes, side="right")
            for start, end in zip(low.tolist(), high.tolist(), strict=True):
                if end > start:
                    candidates.update(sorted_rows[start:end].tolist())
        if not candidates:
            return []
        rows = np.fromiter(candidates, dtype=np.intp, count=len(candidates))
        # Rows are appended before their buckets, so every candidate has a row; a matrix
        # cached before the latest rows (another thread adding) is stacked again.
        matrix = self._matrix
        if matrix is None or len(matrix) <= int(rows.max()):
            matrix = self._matrix = np.vstack(self._rows)
        equal = np.count_nonzero(matrix[rows] == array, axis=1)
        return sorted(int(i) for i in rows[equal >= threshold * NUM_PERMUTATIONS])

    def _row_for(self, array: npt.NDArray[np.int64], key: Hashable) -> tuple[int, bool]:
        """The row of `array` (counting one more note under `key`), and whether it is new."""
        raw = array.tobytes()
        self._notes += 1
        row = self._row_of.get(raw)
        if row is not None:
            self._keys[row][key] = self._keys[row].get(key, 0) + 1
            return row, False
        row = len(self._rows)
        self._row_of[raw] = row
        self._rows.append(array)
        self._keys.append({key: 1})
        self._matrix = None
        return row, True


# FNV-1a's 64-bit prime and offset: a cheap, well-spread mix of a band's four values.
_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_BAND_NUMBERS = np.arange(LSH_BANDS, dtype=np.uint64)


def _band_hashes(signatures: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """One bucket hash per band of each signature: shape (len(signatures), LSH_BANDS).
    Arithmetic is modulo 2⁶⁴ (NumPy's unsigned integers wrap)."""
    bands = signatures.astype(np.uint64).reshape(len(signatures), LSH_BANDS, LSH_ROWS)
    hashed = np.broadcast_to(_FNV_OFFSET ^ _BAND_NUMBERS, bands.shape[:2]).copy()
    for column in range(LSH_ROWS):
        hashed ^= bands[:, :, column]
        hashed *= _FNV_PRIME
    return hashed
