"""Every write of the imports app: create an import, run it, recover it, delete it.

- `import_create` accepts an upload without parsing it: it refuses one over the size limit and
  one that is not an export at a glance (a ZIP's list of files, or a lone CSV's header), then
  stores the file on disk (the "imports" storage) for the worker. Parsing and importing run
  only in the worker, so no upload can cost the web process more than that glance.
- `import_run` is the task's work. It is idempotent: a finished import is left alone, and the
  contact book is written in one transaction, so a crash (or a killed worker) leaves nothing
  half-imported and a retry starts clean. Progress is saved while the export is read (outside
  that transaction, so the member sees it move), with a heartbeat.
- `imports_recover_stalled` (the worker's start and `mutuals sweep`) finds imports whose worker
  stopped — running, with a heartbeat older than STALE_AFTER — and queues them again, or marks
  them failed with a message once they have had MAX_ATTEMPTS.
- `import_delete` removes everything the import brought: contacts and interactions that no
  other import of the member also brought.

Re-importing a newer export merges: contacts are unique per member by their key (profile URL,
else name) and interactions by a fingerprint, so the same message never appears twice.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import json
import logging
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from mutuals.accounts.history import history_add
from mutuals.accounts.models import User
from mutuals.accounts.services import profile_update
from mutuals.core.errors import Conflict, Refused
from mutuals.core.tasks import queue_in_transaction
from mutuals.imports import bulk
from mutuals.imports.access import access_import_by_id
from mutuals.imports.audit import audit_network, personalization_scorer, public
from mutuals.imports.linkedin import InvalidExport, parse_stream, sniff_stream
from mutuals.imports.linkedin.gcpause import collector_paused, release_free_memory
from mutuals.imports.models import (
    Contact,
    ContactInteraction,
    ContactSource,
    Import,
    ImportPayload,
    InteractionSource,
)
from mutuals.imports.network import Network, build_network, normalize_name, normalize_url
from mutuals.imports.selectors import own_history_offer, own_profile_offer
from mutuals.imports.uploads import max_upload_bytes, upload_too_large

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 280
KEY_CHARS = 300
# Interactions are written this many at a time: the ids of a slice are read back with one
# `IN` list, which SQLite takes up to 32,766 values in; small enough to keep memory flat.
INTERACTION_SLICE = 2_000
# Progress: reading the export fills 0–60 %, auditing 60–70 %, saving 70–100 %.
READ_SHARE = 60
PROGRESS_STEP = 2
# A running import whose heartbeat is older than this has lost its worker; it is queued again
# until it has been started MAX_ATTEMPTS times, then marked failed.
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 2

ProgressCallback = Callable[[int, str], None]


def _refusal(exc: InvalidExport) -> Refused:
    return Refused(exc.message, code="invalid_export", detail=exc.as_detail())


def import_create(
    *, owner: User, file_name: str, upload: File[Any], background: bool = True
) -> Import:
    """Accept an export for import. Refuses a file over the upload limit (422
    `export_too_large`) and one that is not a LinkedIn export at a glance (422
    `invalid_export`, naming the file and line), storing nothing then. The upload is stored
    as a file, read as a stream (never whole); the worker parses it. With `background` the
    import task is queued once the transaction commits; else the caller runs it."""
    name = Path(file_name.replace("\\", "/")).name[:255] or "export"
    size = upload.size or 0
    if size > max_upload_bytes():
        raise upload_too_large(name)
    try:
        upload.seek(0)
        sniff_stream(name, cast(BinaryIO, upload))
    except InvalidExport as exc:
        raise _refusal(exc) from exc
    upload.seek(0)
    stored = storages["imports"].save(f"pending/{secrets.token_hex(16)}.upload", upload)
    try:
        with transaction.atomic():
            created = Import.objects.create(
                owner=owner, file_name=name, file_size=size, stage="Waiting for a worker"
            )
            ImportPayload.objects.create(import_run=created, file=stored)
            if background:
                queue_in_transaction(lambda: _enqueue(created.pk))
    except BaseException:
        storages["imports"].delete(stored)
        raise
    return created


def _enqueue(import_id: int) -> None:
    # Imported here: tasks.py imports this module (each task calls its service).
    from mutuals.imports.tasks import import_linkedin

    import_linkedin.enqueue(import_id)


def import_create_from_path(*, owner: User, path: Path, background: bool = False) -> Import:
    """`import_create` for a ZIP, a CSV or an unpacked export folder on disk (the CLI); a
    folder is zipped into a temporary file first, never into memory."""
    if path.is_dir():
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for csv_path in sorted(path.rglob("*.csv")):
                    if csv_path.is_file() and not csv_path.is_symlink():
                        archive.write(csv_path, arcname=csv_path.relative_to(path).as_posix())
            return import_create(
                owner=owner,
                file_name=f"{path.name}.zip",
                upload=File(spool, name=f"{path.name}.zip"),
                background=background,
            )
    with path.open("rb") as stream:
        return import_create(
            owner=owner, file_name=path.name, upload=File(stream), background=background
        )


def _save_progress(import_id: int, percent: int, stage: str) -> None:
    Import.objects.filter(pk=import_id, status=Import.Status.RUNNING).update(
        progress=min(percent, 100), stage=stage[:120], heartbeat_at=timezone.now()
    )


def import_run(*, import_id: int, progress: ProgressCallback | None = None) -> Import | None:
    """Import a pending export into its owner's contact book. Safe to run twice: a finished
    (or deleted) import is left as it is. An unexpected error marks the import failed (the
    transaction has rolled back, so nothing of it is stored) and is re-raised for the log."""
    try:
        return _import_run(import_id, progress)
    except Exception:
        logger.exception("Import %s failed", import_id)
        _fail(
            import_id,
            "import_failed",
            "Something went wrong on our side while importing; nothing was imported. "
            "Try again, and tell the operators if it happens again.",
            {},
        )
        raise


def _import_run(import_id: int, progress: ProgressCallback | None) -> Import | None:
    found = Import.objects.filter(pk=import_id).first()
    if found is None or found.is_finished:
        return found
    payload = ImportPayload.objects.filter(import_run_id=import_id).first()
    if payload is None or not payload.file.storage.exists(payload.file.name or ""):
        return _fail(import_id, "missing_payload", "The uploaded file is no longer here.", {})
    now = timezone.now()
    Import.objects.filter(pk=import_id).update(
        status=Import.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=1,
        stage="Reading",
    )
    last = [0]

    def reading(fraction: float, label: str) -> None:
        percent = int(fraction * READ_SHARE)
        if percent >= last[0] + PROGRESS_STEP:
            last[0] = percent
            _save_progress(import_id, percent, f"Reading {label}")
            if progress is not None:
                progress(percent, f"Reading {label}")

    try:
        with payload.file.open("rb") as stream:
            export = parse_stream(found.file_name, cast(BinaryIO, stream), reading)
    except InvalidExport as exc:
        return _fail(import_id, "invalid_export", exc.message, exc.as_detail())
    _save_progress(import_id, READ_SHARE, "Auditing")
    if progress is not None:
        progress(READ_SHARE, "Auditing")
    with collector_paused():
        network = build_network(export)
        audit = audit_network(network, export, scorer=personalization_scorer())
    counts = export.counts()
    # The parsed export (every row as read) is not needed past the audit: dropping it before
    # the contact book is written keeps it out of the import's peak memory. So are the name
    # and URL normalization caches (up to 65,536 entries each, 20 MB for 30,000 people).
    del export
    normalize_name.cache_clear()
    normalize_url.cache_clear()
    _save_progress(import_id, READ_SHARE + 10, "Saving your contact book")
    if progress is not None:
        progress(READ_SHARE + 10, "Saving your contact book")
    with transaction.atomic():
        locked = Import.objects.select_for_update().filter(pk=import_id).first()
        if locked is None or locked.is_finished:
            return locked
        stored = _store(locked, network, audit)
        network.interactions.close()
        # The people and their interactions are written: free them, then encode the audit as
        # stored and drop it before the largest single allocation of the import, the database
        # driver's copies of that 16 MB of JSON.
        del network
        audit_json = json.dumps(public(audit))
        del audit
        gc.collect()
        release_free_memory()
        locked.status = Import.Status.DONE
        locked.progress = 100
        locked.stage = "Done"
        locked.counts = {**counts, **stored}
        locked.error = None
        locked.finished_at = timezone.now()
        locked.save(update_fields=IMPORT_FIELDS_SAVED)
        _save_audit_json(import_id, audit_json)
        del audit_json
        _payload_delete(import_id)
    if progress is not None:
        progress(100, "Done")
    # The audit is read back when asked for (`done.audit`), not here: the import would hold
    # it twice.
    return Import.objects.defer("audit").get(pk=import_id)


# What a finished import saves besides its audit (`_save_audit_json`).
IMPORT_FIELDS_SAVED = (
    "status",
    "progress",
    "stage",
    "counts",
    "error",
    "finished_at",
    "updated_at",
)


def _save_audit_json(import_id: int, text: str) -> None:
    """`Import.audit = json.loads(text)`, without decoding it: the text is what the JSONField
    stores for that value (`json.dumps`, Django's `adapt_json_value` on SQLite; PostgreSQL
    parses it into jsonb as it does the field's own).

    On SQLite the column's `CHECK (JSON_VALID(audit))` is not evaluated for this one
    statement (`PRAGMA ignore_check_constraints`): SQLite 3.40's JSON_VALID copies the 16 MB
    text and parses it into a node tree, about 46 MB on top of the driver's copy and the
    row's record, and it was the import's peak (docs/benchmarks.md). The text is
    `json.dumps` output, valid JSON by construction (ASCII, `ensure_ascii`); the constraint
    stays on for every other write."""
    table = connection.ops.quote_name(Import._meta.db_table)
    column = connection.ops.quote_name("audit")  # Import.audit's column: no db_column
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    update = f"UPDATE {table} SET {column} = %s{cast} WHERE id = %s"  # noqa: S608 - model names
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            cursor.execute(update, [text, import_id])
        finally:
            if sqlite:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def _payload_delete(import_id: int) -> None:
    """The upload's row now, its file once the transaction commits (a rollback keeps both)."""
    for payload in ImportPayload.objects.filter(import_run_id=import_id):
        name, storage = payload.file.name, payload.file.storage
        payload.delete()
        if name:
            transaction.on_commit(functools.partial(storage.delete, name))


def _fail(import_id: int, code: str, message: str, detail: dict[str, Any]) -> Import | None:
    with transaction.atomic():
        Import.objects.filter(pk=import_id).update(
            status=Import.Status.FAILED,
            stage="Failed",
            error={"code": code, "message": message, "detail": detail},
            finished_at=timezone.now(),
        )
        _payload_delete(import_id)
    return Import.objects.filter(pk=import_id).first()


def imports_recover_stalled(*, now: datetime | None = None) -> tuple[int, int]:
    """Imports whose worker stopped (running, heartbeat older than STALE_AFTER) are queued
    again while they have been started fewer than MAX_ATTEMPTS times, else marked failed
    with `import_stopped`. Their contact book writes were one transaction, so a stopped
    import left nothing behind. Conditional updates: two sweeps at once recover each once.
    Returns (queued again, failed)."""
    now = now or timezone.now()
    stale = Import.objects.filter(status=Import.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - STALE_AFTER)
        | Q(heartbeat_at__isnull=True, started_at__lt=now - STALE_AFTER)
    )
    requeued = failed = 0
    for item in stale.only("pk", "attempts", "heartbeat_at"):
        same = Import.objects.filter(
            pk=item.pk, status=Import.Status.RUNNING, heartbeat_at=item.heartbeat_at
        )
        has_upload = ImportPayload.objects.filter(import_run_id=item.pk).exists()
        if item.attempts < MAX_ATTEMPTS and has_upload:
            with transaction.atomic():
                if same.update(
                    status=Import.Status.PENDING,
                    progress=0,
                    stage="Waiting for a worker (the last one stopped)",
                ):
                    requeued += 1
                    queue_in_transaction(functools.partial(_enqueue, item.pk))
            continue
        with transaction.atomic():
            if same.update(
                status=Import.Status.FAILED,
                stage="Failed",
                error={
                    "code": "import_stopped",
                    "message": (
                        "The import stopped before it finished (the server's worker was "
                        f"stopped {item.attempts} time{'s' if item.attempts != 1 else ''}); "
                        "nothing was imported. Upload the export again."
                    ),
                    "detail": {"attempts": item.attempts},
                },
                finished_at=now,
            ):
                failed += 1
                _payload_delete(item.pk)
    return requeued, failed


def _stored_key(key: str) -> str:
    """A person's key as `Contact.key` (300 characters) holds it: a longer one (a 300-letter
    name, with the suffix that keeps a namesake apart) ends in its hash, so two never become
    one by being cut."""
    if len(key) <= KEY_CHARS:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: KEY_CHARS - len(digest) - 1]}~{digest}"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


CONTACT_FIELDS = (
    "name",
    "profile_url",
    "email",
    "company",
    "position",
    "connected_on",
    "is_connection",
    "messages_sent",
    "messages_received",
    "last_message_at",
    "strength",
    "tier",
)


def _store(target: Import, network: Network, audit: dict[str, Any]) -> dict[str, int]:
    """Write the contact book: merge contacts by key, add interactions by fingerprint, link
    both to this import. Plain rows and `executemany` (`bulk.py`): an export is large. The
    interactions go in slices of `INTERACTION_SLICE`, so an import never holds every row it
    writes (nor every id the owner has) at once."""
    owner_id = target.owner_id
    now = timezone.now()
    strengths: dict[str, float] = audit["_strengths"]
    tiers: dict[str, str] = audit["_tiers"]
    existing: dict[str, dict[str, Any]] = {
        row["key"]: row
        for row in Contact.objects.filter(owner_id=owner_id).values("id", "key", *CONTACT_FIELDS)
    }
    new_rows: list[tuple[Any, ...]] = []
    changed_rows: list[tuple[Any, ...]] = []
    wanted: set[str] = set()
    for person in network.people.values():
        key = _stored_key(person.key)
        if key in wanted:
            continue
        wanted.add(key)
        old = existing.get(key, {})
        connected_on = old.get("connected_on")
        if person.connected_on and (connected_on is None or person.connected_on < connected_on):
            connected_on = person.connected_on
        values = (
            (person.name or old.get("name", ""))[:300],
            (person.url or old.get("profile_url", ""))[:300],
            (person.email or old.get("email", ""))[:254],
            (person.company or old.get("company", ""))[:300],
            (person.position or old.get("position", ""))[:300],
            connected_on,
            bool(old.get("is_connection")) or person.is_connection,
            person.sent,
            person.received,
            person.last_message_at,
            strengths.get(person.key, 0.0),
            tiers.get(person.key, ""),
        )
        if old:
            changed_rows.append((*values, now, old["id"]))
        else:
            new_rows.append((owner_id, key, *values, now, now))
    bulk.insert_ignoring_conflicts(
        Contact, ("owner", "key", *CONTACT_FIELDS, "created_at", "updated_at"), new_rows
    )
    bulk.update_by_id(Contact, (*CONTACT_FIELDS, "updated_at"), changed_rows)
    ids = dict(Contact.objects.filter(owner_id=owner_id).values_list("key", "id"))
    bulk.insert_ignoring_conflicts(
        ContactSource, ("import_run", "contact"), ((target.pk, ids[key]) for key in wanted)
    )
    # The same interaction twice (a message in two copies of messages.csv) is written once:
    # within a slice by its fingerprint, across slices by the unique (owner, fingerprint) and
    # (import, interaction) constraints. No set of every fingerprint is kept (200,000 of them
    # were 34 MB); the import's distinct interactions are counted from its links at the end.
    for interaction_slice in itertools.batched(network.interactions, INTERACTION_SLICE):
        rows: dict[str, tuple[Any, ...]] = {}
        for item in interaction_slice:
            fingerprint = _fingerprint(
                item.kind,
                item.person_key,
                item.at.isoformat() if item.at else "",
                item.conversation,
                item.text,
            )
            if fingerprint in rows:
                continue
            rows[fingerprint] = (
                owner_id,
                ids[_stored_key(item.person_key)],
                item.kind,
                item.at,
                item.text[:EXCERPT_CHARS],
                fingerprint,
            )
        bulk.insert_ignoring_conflicts(
            ContactInteraction,
            ("owner", "contact", "kind", "occurred_at", "excerpt", "fingerprint"),
            rows.values(),
        )
        slice_ids = ContactInteraction.objects.filter(
            owner_id=owner_id, fingerprint__in=list(rows)
        ).values_list("id", flat=True)
        bulk.insert_ignoring_conflicts(
            InteractionSource,
            ("import_run", "interaction"),
            ((target.pk, interaction_id) for interaction_id in slice_ids),
        )
    interactions = InteractionSource.objects.filter(import_run_id=target.pk).count()
    return {"contacts": len(wanted), "interactions": interactions}


def import_delete(*, viewer: User, import_id: int) -> None:
    """Delete an import and everything it brought that no other import of the member brought
    too. Another member's import is not found (404), never deleted."""
    target = access_import_by_id(viewer, import_id)
    with transaction.atomic():
        owner_id = target.owner_id
        target.delete()  # its ContactSource and InteractionSource rows go with it
        bulk.delete_unsourced(owner_id)


@transaction.atomic
def own_profile_apply(
    *,
    viewer: User,
    import_id: int,
    fields: Sequence[str],
    skills: Sequence[str],
    positions: Sequence[int] = (),
    education: Sequence[int] = (),
) -> list[str]:
    """Bring what the member chose from their export into their own profile: the named
    `fields` and `skills` (added to their topics), and the `positions` and `education` entries
    (by their place in the audit's `own_profile` lists) as experience and education, each only
    if the export offers it and it is not on the profile already. Nothing is chosen for them:
    no choice is refused (`nothing_chosen`), and a value the profile refuses (13 topics, a
    31st position) refuses the whole change, so nothing is half applied. Returns the labels of
    what changed."""
    item = access_import_by_id(viewer, import_id)
    if item.status != Import.Status.DONE or not item.audit:
        raise Conflict(
            "The import has not finished; there is nothing to bring in yet.",
            code="import_not_finished",
        )
    offered, offered_skills = own_profile_offer(viewer, item)
    chosen = {change.field: change for change in offered if change.field in set(fields)}
    added = [skill for skill in offered_skills if skill in set(skills)]
    history = own_history_offer(viewer, item)
    entries = {
        kind: [o for o in history[kind] if not o.problem and o.index in set(picked)]
        for kind, picked in (("experience", positions), ("education", education))
    }
    if not chosen and not added and not any(entries.values()):
        raise Refused(
            "Tick what you want to bring into your profile; nothing was changed.",
            code="nothing_chosen",
        )
    changes: dict[str, Any] = {field: change.proposed for field, change in chosen.items()}
    if added:
        current = list(viewer.profile.topics.values_list("name", flat=True))
        changes["topics"] = [*current, *added]
    if changes:
        profile_update(user=viewer, **changes)
    for kind, offers in entries.items():
        # Oldest first: each goes on top, so the newest ends first, as the export lists them.
        for offer in reversed(offers):
            history_add(user=viewer, kind=kind, **offer.values)  # type: ignore[arg-type]
    labels = [change.label for change in chosen.values()] + (["topics"] if added else [])
    if entries["experience"]:
        labels.append(_count(len(entries["experience"]), "position"))
    if entries["education"]:
        labels.append(_count(len(entries["education"]), "school"))
    return labels


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
