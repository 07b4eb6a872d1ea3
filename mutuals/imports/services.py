"""Every write of the imports app: create an import, run it, delete it.

- `import_create` reads the whole export before accepting it, so a file that is not a LinkedIn
  export (or is damaged, or breaks a row) is refused at once with the file and line, and
  nothing is stored. An accepted export is kept until the background task has imported it.
- `import_run` is the task's work. It is idempotent: a finished import is left alone, and the
  contact book is written in one transaction, so a crash leaves nothing half-imported and a
  retry starts clean. Progress is saved while the export is read (outside that transaction,
  so the member sees it move).
- `import_delete` removes everything the import brought: contacts and interactions that no
  other import of the member also brought.

Re-importing a newer export merges: contacts are unique per member by their key (profile URL,
else name) and interactions by a fingerprint, so the same message never appears twice.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Refused
from mutuals.imports import bulk
from mutuals.imports.access import access_import_by_id
from mutuals.imports.audit import audit_network, personalization_scorer, public
from mutuals.imports.linkedin import Export, InvalidExport, parse_upload
from mutuals.imports.linkedin.gcpause import collector_paused
from mutuals.imports.models import (
    Contact,
    ContactInteraction,
    ContactSource,
    Import,
    ImportPayload,
    InteractionSource,
)
from mutuals.imports.network import Network, build_network

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 256 * 1024 * 1024
EXCERPT_CHARS = 280
# Progress: reading the export fills 0–60 %, auditing 60–70 %, saving 70–100 %.
READ_SHARE = 60
PROGRESS_STEP = 2

ProgressCallback = Callable[[int, str], None]


def _refusal(exc: InvalidExport) -> Refused:
    return Refused(exc.message, code="invalid_export", detail=exc.as_detail())


def import_create(*, owner: User, file_name: str, data: bytes, background: bool = True) -> Import:
    """Accept an export for import. Refuses (422 `invalid_export`, naming the file and line)
    anything that is not a readable LinkedIn export; stores nothing then. With `background`
    the import task is queued once the transaction commits; else the caller runs it."""
    name = Path(file_name.replace("\\", "/")).name[:255] or "export"
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
            "no LinkedIn export is that large.",
            code="export_too_large",
            detail={"file": name, "line": None, "max_bytes": MAX_UPLOAD_BYTES},
        )
    try:
        export = parse_upload(name, data)
    except InvalidExport as exc:
        raise _refusal(exc) from exc
    with transaction.atomic():
        created = Import.objects.create(
            owner=owner,
            file_name=name,
            file_size=len(data),
            counts=export.counts(),
            stage="Waiting for a worker",
        )
        ImportPayload.objects.create(import_run=created, data=data)
        if background:
            transaction.on_commit(lambda: _enqueue(created.pk))
    return created


def _enqueue(import_id: int) -> None:
    from mutuals.imports.tasks import import_linkedin

    import_linkedin.enqueue(import_id)


def import_create_from_path(*, owner: User, path: Path, background: bool = False) -> Import:
    """`import_create` for a ZIP, a CSV or an unpacked export folder on disk (the CLI)."""
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for csv_path in sorted(path.rglob("*.csv")):
                if csv_path.is_file() and not csv_path.is_symlink():
                    archive.write(csv_path, arcname=csv_path.relative_to(path).as_posix())
        return import_create(
            owner=owner,
            file_name=f"{path.name}.zip",
            data=buffer.getvalue(),
            background=background,
        )
    return import_create(
        owner=owner, file_name=path.name, data=path.read_bytes(), background=background
    )


def _save_progress(import_id: int, percent: int, stage: str) -> None:
    Import.objects.filter(pk=import_id).update(progress=min(percent, 100), stage=stage[:120])


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
    if payload is None:
        return _fail(import_id, "missing_payload", "The uploaded file is no longer here.", {})
    Import.objects.filter(pk=import_id).update(
        status=Import.Status.RUNNING, started_at=timezone.now(), progress=1, stage="Reading"
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
        export = parse_upload(found.file_name, bytes(payload.data), reading)
    except InvalidExport as exc:
        return _fail(import_id, "invalid_export", exc.message, exc.as_detail())
    del payload
    _save_progress(import_id, READ_SHARE, "Auditing")
    if progress is not None:
        progress(READ_SHARE, "Auditing")
    with collector_paused():
        network = build_network(export)
        audit = audit_network(network, export, scorer=personalization_scorer())
    _save_progress(import_id, READ_SHARE + 10, "Saving your contact book")
    if progress is not None:
        progress(READ_SHARE + 10, "Saving your contact book")
    with transaction.atomic():
        locked = Import.objects.select_for_update().filter(pk=import_id).first()
        if locked is None or locked.is_finished:
            return locked
        stored = _store(locked, export, network, audit)
        locked.status = Import.Status.DONE
        locked.progress = 100
        locked.stage = "Done"
        locked.counts = {**export.counts(), **stored}
        locked.audit = public(audit)
        locked.error = None
        locked.finished_at = timezone.now()
        locked.save()
        ImportPayload.objects.filter(import_run=locked).delete()
    if progress is not None:
        progress(100, "Done")
    return locked


def _fail(import_id: int, code: str, message: str, detail: dict[str, Any]) -> Import | None:
    with transaction.atomic():
        Import.objects.filter(pk=import_id).update(
            status=Import.Status.FAILED,
            stage="Failed",
            error={"code": code, "message": message, "detail": detail},
            finished_at=timezone.now(),
        )
        ImportPayload.objects.filter(import_run_id=import_id).delete()
    return Import.objects.filter(pk=import_id).first()


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


def _store(
    target: Import, export: Export, network: Network, audit: dict[str, Any]
) -> dict[str, int]:
    """Write the contact book: merge contacts by key, add interactions by fingerprint, link
    both to this import. Plain rows and `executemany` (`bulk.py`): an export is large."""
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
        key = person.key[:300]
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
    interactions: dict[str, tuple[Any, ...]] = {}
    for item in network.interactions:
        fingerprint = _fingerprint(
            item.kind,
            item.person_key,
            item.at.isoformat() if item.at else "",
            item.conversation,
            item.text,
        )
        if fingerprint not in interactions:
            interactions[fingerprint] = (
                owner_id,
                ids[item.person_key[:300]],
                item.kind,
                item.at,
                item.text[:EXCERPT_CHARS],
                fingerprint,
            )
    bulk.insert_ignoring_conflicts(
        ContactInteraction,
        ("owner", "contact", "kind", "occurred_at", "excerpt", "fingerprint"),
        interactions.values(),
    )
    interaction_ids = dict(
        ContactInteraction.objects.filter(owner_id=owner_id).values_list("fingerprint", "id")
    )
    bulk.insert_ignoring_conflicts(
        InteractionSource,
        ("import_run", "interaction"),
        ((target.pk, interaction_ids[fingerprint]) for fingerprint in interactions),
    )
    return {"contacts": len(wanted), "interactions": len(interactions)}


def import_delete(*, viewer: User, import_id: int) -> None:
    """Delete an import and everything it brought that no other import of the member brought
    too. Another member's import is not found (404), never deleted."""
    target = access_import_by_id(viewer, import_id)
    with transaction.atomic():
        owner_id = target.owner_id
        target.delete()  # its ContactSource and InteractionSource rows go with it
        bulk.delete_unsourced(owner_id)
