"""Messages and interactions kept on disk (`linkedin/spool.py`, issue 16's memory target):
what goes through the temporary file comes back equal and in order, and an export read with
every message spooled gives the same records, people, audit and contact book as one held
whole in memory, on every export in tests/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutuals.accounts.tests.factories import make_member
from mutuals.imports import services
from mutuals.imports.audit import audit_export, public
from mutuals.imports.linkedin import parse_export, parse_upload, spool
from mutuals.imports.linkedin.spool import Spool
from mutuals.imports.models import Contact, ContactInteraction
from mutuals.imports.network import build_network
from mutuals.imports.services import import_create, import_run
from mutuals.imports.tests.helpers import (
    CONNECTIONS,
    EXPORT_2018,
    EXPORT_2022,
    FIXTURES,
    MESSAGES,
    MESSAGES_HEADER,
    as_upload,
    make_zip,
    message,
    small_export,
)

EXPORTS = {
    "2018": EXPORT_2018,
    "2022": EXPORT_2022,
    "analyzer-corpus": FIXTURES / "messages-corpus.csv",
    "analyzer-parity": FIXTURES / "messages-parity.csv",
    "analyzer-connections": FIXTURES / "connections-corpus.csv",
}


def _pair(value: int) -> tuple[int, str]:
    return (value, str(value))


def test_a_spool_gives_back_what_was_appended_in_order_any_number_of_times():
    records = Spool[tuple[int, str]](lambda r: r, lambda t: (t[0], t[1]), batch=3)
    for value in range(10):
        records.append(_pair(value))
    assert len(records) == 10
    assert records._file is not None  # three batches went to disk, one is pending
    want = [_pair(value) for value in range(10)]
    assert list(records) == want
    assert list(records) == want  # read again
    # Two readers taking turns, and a reader that appends between batches.
    first, second = iter(records), iter(records)
    assert [next(first), next(second), next(first)] == [_pair(0), _pair(0), _pair(1)]
    assert records[0] == _pair(0)
    assert records[-1] == _pair(9)
    assert records[2:5] == want[2:5]
    with pytest.raises(IndexError):
        records[10]
    records.close()
    assert len(records) == 0
    assert list(records) == []


def test_a_small_spool_never_touches_the_disk():
    records = Spool[tuple[int, str]](lambda r: r, lambda t: (t[0], t[1]), batch=100)
    records.append(_pair(1))
    assert records._file is None
    assert list(records) == [_pair(1)]


def _everything(path: Path) -> tuple[list[object], str, dict[str, object]]:
    export = parse_export(path)
    network = build_network(export)
    people = {key: repr(person) for key, person in network.people.items()}
    audit = json.dumps(public(audit_export(export)), sort_keys=True)
    return (
        list(export.messages),
        audit,
        {"people": people, "interactions": list(network.interactions)},
    )


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_spooled_messages_give_the_same_audit_as_messages_held_in_memory(name, monkeypatch):
    """Batches of 2 (every message and interaction through the temporary file) against one
    batch larger than any export (all held in memory, as before the spool)."""
    monkeypatch.setattr(spool, "BATCH", 10**9)
    held = _everything(EXPORTS[name])
    monkeypatch.setattr(spool, "BATCH", 2)
    spooled = _everything(EXPORTS[name])
    assert spooled[0] == held[0]
    assert spooled[1] == held[1]
    assert spooled[2] == held[2]
    assert len(held[0]) >= 2 or name == "analyzer-connections"  # a batch went to disk


def test_a_second_copy_of_messages_is_still_read_once_when_spooled(monkeypatch):
    monkeypatch.setattr(spool, "BATCH", 2)
    rows = "".join(
        message(f"c{n}", "Ada Lovelace", "https://www.linkedin.com/in/ada", "Sam Owner",
                "https://www.linkedin.com/in/sam-owner", f"2024-01-0{n} 10:00:00 UTC", f"hi {n}")
        for n in range(1, 6)
    )  # fmt: skip
    data = make_zip(
        {
            "Connections.csv": CONNECTIONS,
            "messages.csv": MESSAGES_HEADER + rows,
            "copy/messages.csv": MESSAGES_HEADER + rows,
        }
    )
    export = parse_upload("export.zip", data)
    assert [m.content for m in export.messages] == [f"hi {n}" for n in range(1, 6)]


@pytest.mark.django_db
def test_the_contact_book_is_the_same_whatever_the_slice_and_spool_sizes(monkeypatch):
    """Interactions written in slices of 3 from a spool of batches of 2 (a message repeated
    across slices counted and stored once, as the unique fingerprint has it) against one
    slice of everything held in memory: the same contacts, interactions, links and counts."""

    def contact_book(owner_id: int, counts: dict[str, list[int]]) -> tuple[object, ...]:
        contacts = sorted(
            Contact.objects.filter(owner_id=owner_id).values_list(
                "key", "name", "messages_sent", "messages_received", "strength", "tier"
            )
        )
        interactions = sorted(
            ContactInteraction.objects.filter(owner_id=owner_id).values_list(
                "contact__key", "kind", "occurred_at", "excerpt", "fingerprint"
            )
        )
        return contacts, interactions, counts

    repeated = message(
        "c9", "Ada Lovelace", "https://www.linkedin.com/in/ada", "Sam Owner",
        "https://www.linkedin.com/in/sam-owner", "2024-02-02 10:00:00 UTC", "twice",
    )  # fmt: skip
    base = small_export()
    data = small_export(**{"messages.csv": MESSAGES + repeated * 4})
    results = []
    for slice_size, batch in ((10**6, 10**9), (3, 2)):
        monkeypatch.setattr(services, "INTERACTION_SLICE", slice_size)
        monkeypatch.setattr(spool, "BATCH", batch)
        owner = make_member()  # a fresh contact book each time
        counted = []
        for payload in (base, data):
            created = import_create(
                owner=owner, file_name="export.zip", upload=as_upload(payload), background=False
            )
            done = import_run(import_id=created.pk)
            assert done is not None
            assert done.status == "done", done.error
            counted.append(done.counts["interactions"])
        # The second export: the first's interactions again, and four copies of one new
        # message, which are one interaction.
        assert counted[1] == counted[0] + 1
        assert ContactInteraction.objects.filter(owner=owner).count() == counted[1]
        results.append(contact_book(owner.pk, {"counted": counted}))
    assert results[0] == results[1]
