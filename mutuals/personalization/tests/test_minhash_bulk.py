"""The LSH index built in bulk from stored signatures answers exactly as the one built note by
note (issue 15: the bulk path replaced a per-note loop on the request path)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuals.personalization import SenderHistory, minhash, pack_signature

WORDS = ["supply", "risk", "coffee", "advice", "rail", "contract", "team", "talk", "data", "ops"]

notes = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    history=st.lists(st.tuples(notes, st.sampled_from(["a", "b", "c", "d"])), max_size=30),
    queries=st.lists(notes, min_size=1, max_size=5),
    split=st.integers(min_value=0, max_value=30),
)
def test_bulk_and_one_by_one_agree(history, queries, split):
    entries = [(minhash.signature(tokens), key) for tokens, key in history]
    one_by_one = SenderHistory(entries)
    bulk = SenderHistory.from_stored((pack_signature(s), k) for s, k in entries[:split])
    for sig, key in entries[split:]:  # the rest as notes sent later, one at a time
        bulk.add(sig, key)
    assert len(bulk) == len(one_by_one)
    for tokens in queries:
        sig = minhash.signature(tokens)
        for threshold in (0.5, 0.8, 1.0):
            for key in (None, "a"):
                assert bulk.near_duplicates(sig, threshold, key) == one_by_one.near_duplicates(
                    sig, threshold, key
                )


def test_pack_round_trip_and_refusals():
    sig = minhash.signature(["we", "met", "at", "the", "rail", "risk", "round", "table"])
    assert minhash.unpack(minhash.pack(sig)) == sig
    assert minhash.pack(()) == b""
    assert minhash.unpack(b"\x00" * 10) == ()
    matrix, keys = minhash.unpack_many([(minhash.pack(sig), "x"), (b"", "y"), (b"\x01", "z")])
    assert keys == ["x"]
    assert matrix.shape == (1, minhash.NUM_PERMUTATIONS)
    assert tuple(matrix[0].tolist()) == sig
    assert matrix.dtype == np.int64
