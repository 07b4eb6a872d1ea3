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


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is empty or foreign)."""
    if len(a) != NUM_PERMUTATIONS or len(b) != NUM_PERMUTATIONS:
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / NUM_PERMUTATIONS


class LSHIndex:
    """Signatures, each with the keys of the notes that had it (who they went to), banded
    for lookup. Identical signatures share one row, so a sender's thousand copies of one
    template cost one comparison, not a thousand.

    Signatures of another length (stored by an older release, or empty) are ignored: they
    cannot be compared with these."""

    def __init__(self, entries: Iterable[tuple[Sequence[int], Hashable]] = ()) -> None:
        self._rows: list[npt.NDArray[np.int64]] = []
        self._keys: list[dict[Hashable, int]] = []
        self._row_of: dict[bytes, int] = {}
        self._matrix: npt.NDArray[np.int64] | None = None
        self._buckets: dict[bytes, list[int]] = {}
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
        raw = array.tobytes()
        self._notes += 1
        row = self._row_of.get(raw)
        if row is not None:
            self._keys[row][key] = self._keys[row].get(key, 0) + 1
            return row
        row = len(self._rows)
        self._row_of[raw] = row
        self._rows.append(array)
        self._keys.append({key: 1})
        self._matrix = None
        for bucket in _band_keys(raw):
            self._buckets.setdefault(bucket, []).append(row)
        return row

    def similar(self, sig: Sequence[int], threshold: float) -> list[int]:
        """Rows whose signature is at least `threshold` similar to `sig`."""
        if len(sig) != NUM_PERMUTATIONS or not self._rows:
            return []
        array = np.asarray(sig, dtype=np.int64)
        candidates: set[int] = set()
        for bucket in _band_keys(array.tobytes()):
            found = self._buckets.get(bucket)
            if found:
                candidates.update(found)
        if not candidates:
            return []
        if self._matrix is None:
            self._matrix = np.vstack(self._rows)
        rows = np.fromiter(candidates, dtype=np.intp, count=len(candidates))
        equal = np.count_nonzero(self._matrix[rows] == array, axis=1)
        return sorted(int(i) for i in rows[equal >= threshold * NUM_PERMUTATIONS])


_BAND_BYTES = LSH_ROWS * 8  # int64 values


def _band_keys(raw: bytes) -> list[bytes]:
    """One bucket key per band: the band's number and its bytes."""
    return [
        bytes((band,)) + raw[band * _BAND_BYTES : (band + 1) * _BAND_BYTES]
        for band in range(LSH_BANDS)
    ]
