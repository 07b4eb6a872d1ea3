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

import itertools
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
    """Signatures with an optional key each (who the note went to), banded for lookup.

    Signatures of another length (stored by an older release, or empty) are ignored: they
    cannot be compared with these."""

    def __init__(self, entries: Iterable[tuple[Sequence[int], Hashable]] = ()) -> None:
        self._rows: list[npt.NDArray[np.int64]] = []
        self._keys: list[Hashable] = []
        self._matrix: npt.NDArray[np.int64] | None = None
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        for sig, key in entries:
            self.add(sig, key)

    def __len__(self) -> int:
        return len(self._rows)

    def key(self, index: int) -> Hashable:
        return self._keys[index]

    def add(self, sig: Sequence[int], key: Hashable = None) -> int | None:
        """Index `sig`; its position, or None when it cannot be compared."""
        if len(sig) != NUM_PERMUTATIONS:
            return None
        array = np.asarray(sig, dtype=np.int64)
        index = len(self._rows)
        self._rows.append(array)
        self._keys.append(key)
        self._matrix = None
        for band in range(LSH_BANDS):
            bucket = (band, array[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes())
            self._buckets.setdefault(bucket, []).append(index)
        return index

    def similar(self, sig: Sequence[int], threshold: float) -> list[int]:
        """Positions of the indexed signatures at least `threshold` similar to `sig`."""
        if len(sig) != NUM_PERMUTATIONS or not self._rows:
            return []
        array = np.asarray(sig, dtype=np.int64)
        buckets = [
            bucket
            for band in range(LSH_BANDS)
            if (
                bucket := self._buckets.get(
                    (band, array[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes())
                )
            )
        ]
        if not buckets:
            return []
        candidates = np.unique(np.fromiter(itertools.chain.from_iterable(buckets), dtype=np.intp))
        if self._matrix is None:
            self._matrix = np.vstack(self._rows)
        equal = np.count_nonzero(self._matrix[candidates] == array, axis=1)
        return [int(i) for i in candidates[equal >= threshold * NUM_PERMUTATIONS]]
