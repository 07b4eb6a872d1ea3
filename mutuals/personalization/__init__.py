"""The personalization engine (docs/design.md §3, docs/personalization.md): pure Python +
NumPy, no Django. `assess` scores a note for one recipient; `minhash` is the one
near-duplicate search of the project (also used by the LinkedIn audit's template clusters).
The Django side (`mutuals.connections.invitations`) fills `Recipient` and the sender's
history from the database."""

from mutuals.personalization.engine import (
    GENERIC,
    MAX_MESSAGE_LENGTH,
    NEEDS_WORK,
    PERSONAL,
    Context,
    Finding,
    Recipient,
    Report,
    SenderHistory,
    assess,
    best_topic,
    recipient_terms,
    signature,
    similarity,
)
from mutuals.personalization.minhash import pack as pack_signature

__all__ = [
    "GENERIC",
    "MAX_MESSAGE_LENGTH",
    "NEEDS_WORK",
    "PERSONAL",
    "Context",
    "Finding",
    "Recipient",
    "Report",
    "SenderHistory",
    "assess",
    "best_topic",
    "pack_signature",
    "recipient_terms",
    "signature",
    "similarity",
]
