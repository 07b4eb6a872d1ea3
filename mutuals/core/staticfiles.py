"""Collect static files once, not on every `mutuals serve` start (issue 13).

`collectstatic` with whitenoise's compressing manifest storage rewrites and compresses every
file (about 12 s on the shared 2-core machine), which every start used to pay before it
answered anything. The files only change when the installed code does, so serve collects only
when the collected manifest is missing or a stamp — a hash of every source static file's path
and content, and of the storage settings — differs from the one written by the last
collection. A lock file makes two servers starting at once collect one after the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command

STAMP_NAME = ".mutuals-collected"


def static_stamp() -> str:
    """A hash of the static files `collectstatic` would collect (paths and contents) and of
    the settings that shape the collected copies."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    found = sorted(
        (path, storage.path(path))
        for finder in get_finders()
        for path, storage in finder.list(ignore)
    )
    digest = hashlib.sha256()
    digest.update(f"{settings.STATIC_URL}|{settings.STORAGES['staticfiles']}".encode())
    for path, full_path in found:
        digest.update(b"\0" + path.encode() + b"\0")
        digest.update(Path(full_path).read_bytes())
    return digest.hexdigest()


def _collected_stamp(root: Path) -> str | None:
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and not (root / manifest).exists():
        return None
    stamp = root / STAMP_NAME
    return stamp.read_text().strip() if stamp.exists() else None


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root.parent / f"{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def collect_static_if_changed() -> bool:
    """Run `collectstatic` when the collected files are missing or older than the sources;
    True when it ran."""
    root = Path(settings.STATIC_ROOT)
    with _locked(root):
        wanted = static_stamp()
        if _collected_stamp(root) == wanted:
            return False
        (root / STAMP_NAME).unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        (root / STAMP_NAME).write_text(wanted + "\n")
        return True
