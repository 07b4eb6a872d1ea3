"""Template reuse: clusters of near-identical invitation notes a member sent (pure Python).

A note is masked first — the recipient's own name and company words become `∗` — so "Hi Ada,
I'd love to connect about Acme" and "Hi Bob, I'd love to connect about Initech" are the same
text. Identical masked notes are grouped directly (mass outreach usually is); the distinct
ones are compared by MinHash over word shingles with locality-sensitive hashing (bands of
rows), so the cost grows with the number of distinct notes, not with their pairs. Two notes
whose estimated Jaccard similarity is at least TEMPLATE_SIMILARITY join one cluster (union-
find), and a cluster of TEMPLATE_MIN_COPIES or more notes is a template.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

SHINGLE_WORDS = 3
NUM_HASHES = 32
BANDS = 8
ROWS = NUM_HASHES // BANDS
TEMPLATE_SIMILARITY = 0.7
TEMPLATE_MIN_COPIES = 3
MASK = "∗"
_PRIME = (1 << 31) - 1
# Fixed coefficients (a deterministic sequence), so clusters are the same on every run.
_COEFFICIENTS = [
    ((i * 2654435761 + 97) % _PRIME or 1, (i * 40503 + 31337) % _PRIME)
    for i in range(1, NUM_HASHES + 1)
]
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Note:
    key: str  # who it was sent to (a person key)
    recipient: str  # their name
    company: str
    text: str


@dataclass
class Cluster:
    notes: list[Note] = field(default_factory=list)

    @property
    def example(self) -> Note:
        return self.notes[0]


def _tokens(note: Note) -> list[str]:
    mask = {
        word.lower() for word in _WORD.findall(f"{note.recipient} {note.company}") if len(word) > 1
    }
    text = unicodedata.normalize("NFKC", note.text).replace("’", "'").lower()
    return [MASK if word in mask else word for word in _WORD.findall(text)]


def _signature(tokens: Sequence[str]) -> tuple[int, ...]:
    if len(tokens) < SHINGLE_WORDS:
        shingles = {" ".join(tokens)}
    else:
        shingles = {
            " ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)
        }
    hashes = [zlib.crc32(shingle.encode()) for shingle in shingles]
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _COEFFICIENTS)


def _similarity(a: Sequence[int], b: Sequence[int]) -> float:
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / NUM_HASHES


def find_templates(notes: Sequence[Note]) -> list[Cluster]:
    """Clusters of TEMPLATE_MIN_COPIES or more near-identical notes, largest first."""
    groups: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        if note.text.strip():
            tokens = _tokens(note)
            if tokens:
                groups[" ".join(tokens)].append(note)
    keys = list(groups)
    signatures = [_signature(key.split(" ")) for key in keys]
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for index, sig in enumerate(signatures):
        for band in range(BANDS):
            buckets[(band, sig[band * ROWS : (band + 1) * ROWS])].append(index)
    for members in buckets.values():
        if len(members) < 2:
            continue
        # Every pair in small buckets; in large ones each note against the first and the
        # previous (a bucket that large is one template already).
        for position, other in enumerate(members[1:], start=1):
            partners = (
                members[:position] if len(members) <= 50 else [members[0], members[position - 1]]
            )
            for first in partners:
                root_a, root_b = find(first), find(other)
                if root_a != root_b and _similarity(signatures[first], signatures[other]) >= (
                    TEMPLATE_SIMILARITY
                ):
                    parent[root_b] = root_a
    clusters: dict[int, Cluster] = defaultdict(Cluster)
    for index, key in enumerate(keys):
        clusters[find(index)].notes.extend(groups[key])
    found = [cluster for cluster in clusters.values() if len(cluster.notes) >= TEMPLATE_MIN_COPIES]
    found.sort(key=lambda cluster: (-len(cluster.notes), cluster.example.text))
    return found
