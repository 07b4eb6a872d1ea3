"""Template reuse: clusters of near-identical invitation notes a member sent (pure Python).

A note is compared as the personalization engine compares a draft with the sender's earlier
notes, with the same code (`mutuals.personalization`): the recipient's name and company, the
word after a greeting and any first name are masked, so "Hi Ada, I'd love to connect about
Acme" and "Hello Bob, I'd love to connect about Initech" are the same text. Identical masked
notes are grouped directly (mass outreach usually is); the distinct ones are compared by
MinHash with the engine's LSH index, so the cost grows with the number of distinct notes, not
with their pairs. Two notes at least NEAR_DUPLICATE_SIMILARITY similar join one cluster
(union-find), and a cluster of TEMPLATE_MIN_COPIES or more notes is a template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from mutuals.personalization import minhash
from mutuals.personalization.engine import NEAR_DUPLICATE_SIMILARITY, Recipient, recipient_terms
from mutuals.personalization.text import masked_tokens

TEMPLATE_MIN_COPIES = 3


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


def find_templates(notes: Sequence[Note]) -> list[Cluster]:
    """Clusters of TEMPLATE_MIN_COPIES or more near-identical notes, largest first."""
    groups: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        if note.text.strip():
            terms = recipient_terms(Recipient(name=note.recipient, company=note.company))
            tokens = masked_tokens(note.text, terms)
            if tokens:
                groups[" ".join(tokens)].append(note)
    keys = list(groups)
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = minhash.LSHIndex()
    for position, key in enumerate(keys):
        sig = minhash.signature(key.split(" "))
        for row in index.similar(sig, NEAR_DUPLICATE_SIMILARITY):
            for other in index.keys(row):
                root_a, root_b = find(int(str(other))), find(position)
                if root_a != root_b:
                    parent[root_b] = root_a
        index.add(sig, position)
    clusters: dict[int, Cluster] = defaultdict(Cluster)
    for position, key in enumerate(keys):
        clusters[find(position)].notes.extend(groups[key])
    found = [cluster for cluster in clusters.values() if len(cluster.notes) >= TEMPLATE_MIN_COPIES]
    found.sort(key=lambda cluster: (-len(cluster.notes), cluster.example.text))
    return found
