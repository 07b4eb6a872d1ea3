"""A snapshot on disk, published by one builder and memory-mapped by every server process.

Layout of a store directory:

- `<name>/`: one published snapshot, never changed once written: one `.npy` file per array
  and `meta.json` (version, labels, the content's digest, when it was published, and the
  builder's own `key`, which this module does not read);
- `CURRENT`: the name of the newest complete snapshot, replaced atomically (`os.replace`), so
  a reader sees the old snapshot or the new one, never half of one. Its modification time is
  when the builder last found the snapshot current (`confirm`), so `status` can tell a
  snapshot that is old because nothing changed from one whose builder stopped;
- `.<name>.partial/`: a snapshot being written. A builder that crashed half-way leaves one;
  the next publish removes it (only the builder holding the lock writes here);
- `builder.lock`: held (`flock`) by the one builder that writes here.

A reader maps the arrays copy-on-write (`mmap_mode="c"`): pages come from the page cache, are
shared by every process on the host and cost nothing until touched; the arrays look writable
to numba (a read-only array would be a different compiled type) but nothing writes them, and
a write would stay private to the process. A reader that already mapped a snapshot keeps it
valid after the builder removes its files (the mapping holds the inode).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mutuals.graph.snapshot import Csr, GraphSnapshot, inverse_log_degrees, normalize_label

CURRENT = "CURRENT"
# Snapshots kept besides the current one: a process that read CURRENT just before a swap
# still finds the files it is about to map.
KEEP = 2

_ARRAYS = (
    "member_ids",
    "indptr",
    "neighbours",
    "strengths",
    "inverse_log_degree",
    "open_to_introductions",
    "company",
)
_CSRS = ("topics", "events", "blocked", "company_members", "topic_members")
_NAMES = ("company_names", "topic_names", "event_names")


@dataclass(frozen=True)
class Published:
    """A snapshot read from the store, with the name it was published under and the
    builder's key (what it was built from)."""

    name: str
    snapshot: GraphSnapshot
    key: Any


def publish(directory: Path, snapshot: GraphSnapshot, *, key: Any = None) -> str:
    """Write the snapshot as a new entry and make it current; returns its name. Older
    entries beyond KEEP, and entries a crashed builder left half-written, are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_partials(directory)
    name = f"v{snapshot.version}-{secrets.token_hex(6)}"
    partial = directory / f".{name}.partial"
    partial.mkdir()
    for array_name, array in _arrays(snapshot):
        np.save(partial / f"{array_name}.npy", array)
    meta = {
        "version": snapshot.version,
        "key": key,
        "digest": digest(snapshot),
        "published_at": time.time(),
    }
    meta.update({label: list(getattr(snapshot, label)) for label in _NAMES})
    (partial / "meta.json").write_text(json.dumps(meta))
    os.replace(partial, directory / name)
    pointer = directory / f".{CURRENT}.{name}"
    pointer.write_text(name)
    os.replace(pointer, directory / CURRENT)
    _prune(directory, keep={name})
    return name


def publish_if_changed(directory: Path, snapshot: GraphSnapshot, *, key: Any = None) -> str | None:
    """Publish the snapshot unless the current one holds the same version and content
    (then only `confirm`, and return None): every server process drops its cached circles
    and lays its overlay again when a new snapshot appears, so an unchanged rebuild must not
    look like a change."""
    name = current_name(directory)
    if name is not None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            meta = json.loads((directory / name / "meta.json").read_text())
            if meta["version"] == snapshot.version and meta.get("digest") == digest(snapshot):
                confirm(directory)
                return None
    return publish(directory, snapshot, key=key)


def digest(snapshot: GraphSnapshot) -> str:
    """A digest of everything the snapshot holds (arrays and labels)."""
    hashed = hashlib.blake2b(digest_size=16)
    for array_name, array in _arrays(snapshot):
        hashed.update(array_name.encode())
        hashed.update(str(array.dtype).encode())
        hashed.update(np.ascontiguousarray(array).data)
    for label in _NAMES:
        hashed.update(json.dumps(list(getattr(snapshot, label))).encode())
    return hashed.hexdigest()


def confirm(directory: Path) -> None:
    """The builder found the current snapshot up to date: note when (CURRENT's mtime)."""
    with contextlib.suppress(FileNotFoundError):
        os.utime(directory / CURRENT)


@dataclass(frozen=True)
class Status:
    """What `/readyz` reports: the current snapshot, its version, seconds since it was
    published and since the builder last found it current (None: nothing published)."""

    name: str | None
    version: int | None = None
    age_seconds: float | None = None
    confirmed_seconds_ago: float | None = None


def status(directory: Path) -> Status:
    name = current_name(directory)
    if name is None:
        return Status(name=None)
    now = time.time()
    meta = json.loads((directory / name / "meta.json").read_text())
    published_at = float(meta.get("published_at") or (directory / name).stat().st_mtime)
    confirmed_at = (directory / CURRENT).stat().st_mtime
    return Status(
        name=name,
        version=int(meta["version"]),
        age_seconds=max(now - published_at, 0.0),
        confirmed_seconds_ago=max(now - confirmed_at, 0.0),
    )


def _arrays(snapshot: GraphSnapshot) -> Iterator[tuple[str, Any]]:
    for array_name in _ARRAYS:
        yield array_name, getattr(snapshot, array_name)
    for csr_name in _CSRS:
        csr: Csr = getattr(snapshot, csr_name)
        yield f"{csr_name}.indptr", csr.indptr
        yield f"{csr_name}.indices", csr.indices


def current_name(directory: Path) -> str | None:
    """The name of the current snapshot (one small read), None when nothing is published."""
    try:
        return (directory / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


def load(directory: Path, name: str) -> Published:
    """Map a published snapshot (no copy of its arrays)."""
    entry = directory / name
    meta = json.loads((entry / "meta.json").read_text())

    def mapped(file: str) -> Any:
        # Copy-on-write mapping, seen as a plain ndarray (numba and the type checks in
        # GraphSnapshot want exactly that).
        return np.asarray(np.load(entry / f"{file}.npy", mmap_mode="c"))

    def csr(csr_name: str) -> Csr:
        return Csr(indptr=mapped(f"{csr_name}.indptr"), indices=mapped(f"{csr_name}.indices"))

    indptr = mapped("indptr")
    if (entry / "inverse_log_degree.npy").exists():
        inverse_log_degree = mapped("inverse_log_degree")
    else:  # published by a builder from before the weights were stored
        inverse_log_degree = inverse_log_degrees(indptr)
    company_names = tuple(meta["company_names"])
    topic_names = tuple(meta["topic_names"])
    snapshot = GraphSnapshot(
        version=int(meta["version"]),
        member_ids=mapped("member_ids"),
        indptr=indptr,
        neighbours=mapped("neighbours"),
        strengths=mapped("strengths"),
        inverse_log_degree=inverse_log_degree,
        open_to_introductions=mapped("open_to_introductions"),
        company=mapped("company"),
        company_names=company_names,
        topics=csr("topics"),
        topic_names=topic_names,
        events=csr("events"),
        event_names=tuple(meta["event_names"]),
        blocked=csr("blocked"),
        company_members=csr("company_members"),
        topic_members=csr("topic_members"),
        _company_codes={normalize_label(label): code for code, label in enumerate(company_names)},
        _topic_codes={normalize_label(label): code for code, label in enumerate(topic_names)},
    )
    return Published(name=name, snapshot=snapshot, key=meta.get("key"))


def load_current(directory: Path) -> Published | None:
    name = current_name(directory)
    return load(directory, name) if name is not None else None


@contextlib.contextmanager
def builder_lock(directory: Path) -> Iterator[bool]:
    """Hold the store's builder lock while the block runs; yields False (and holds nothing)
    when another process holds it, so a second builder on the host stands by."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "builder.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_partials(directory: Path) -> None:
    """Remove what a builder that stopped half-way through `publish` left: a snapshot folder
    never renamed into place, a pointer never renamed to CURRENT. Called by the lock holder,
    the only writer, before it writes."""
    for path in directory.iterdir():
        if path.name.startswith(".") and path.name.endswith(".partial") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{CURRENT}.") and path.is_file():
            path.unlink(missing_ok=True)


def _prune(directory: Path, *, keep: set[str]) -> None:
    entries = sorted(
        (path for path in directory.iterdir() if path.is_dir() and path.name.startswith("v")),
        key=lambda path: path.stat().st_mtime_ns,
        reverse=True,
    )
    for path in entries[KEEP + 1 :]:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
