"""Packing JSON-stored note signatures into `minhash`, shared by connections 0004 and
mentorship 0003 (a module whose name starts with an underscore is not a migration to
Django's loader)."""

from __future__ import annotations

from typing import Any

from mutuals.personalization import pack_signature

BATCH = 2000


def packed(value: object) -> bytes:
    """A JSON-stored signature as `pack_signature` stores it; b"" for anything that is not a
    list of 32-bit unsigned values (it could not be compared before either)."""
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**32 for v in value
    ):
        return b""
    return pack_signature(value)


def pack_rows(model: Any) -> None:
    """Fill `minhash` from `signature` on every row of the historical `model` that has none."""
    batch = []
    rows = model.objects.filter(minhash=b"").only("id", "signature")
    for row in rows.iterator(chunk_size=BATCH):
        row.minhash = packed(row.signature)
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, ["minhash"])
            batch = []
    model.objects.bulk_update(batch, ["minhash"])
