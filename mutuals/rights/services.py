"""Every write on a member's data export (docs/api.md "Your data")."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Conflict, NotFound
from mutuals.core.tasks import queue_in_transaction
from mutuals.engagement.notifications import notify
from mutuals.rights.export import build_zip
from mutuals.rights.models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

# How long the download link works once the archive is ready.
EXPORT_TTL = timedelta(days=7)


def export_request(*, member: User, base_url: str) -> DataExport:
    """Ask for an archive of everything that is the member's. It is prepared in the
    background and the member is told when it is ready; asking again while one is being
    prepared answers that one (one at a time per member, a database constraint)."""
    preparing = DataExport.objects.filter(member=member, status=ExportStatus.PREPARING).first()
    if preparing is not None:
        return preparing
    try:
        with transaction.atomic():
            export = DataExport.objects.create(
                member=member, base_url=base_url[:200], requested_at=timezone.now()
            )
    except IntegrityError:  # a second request at the same moment: answer the first
        return DataExport.objects.get(member=member, status=ExportStatus.PREPARING)
    export_id = export.pk
    queue_in_transaction(lambda: _prepare_later(export_id))
    return export


def _prepare_later(export_id: int) -> None:
    from mutuals.rights import tasks

    tasks.export_prepare_task.enqueue(export_id)


@transaction.atomic
def export_prepare(*, export_id: int, now: datetime | None = None) -> bool:
    """Build the archive of a requested export and tell the member (or, when it cannot be
    built, mark it failed and tell them so they can ask again). Idempotent: an export that is
    no longer being prepared is left alone, so a retried task neither builds twice nor
    notifies twice."""
    export = (
        DataExport.objects.select_for_update()
        .filter(pk=export_id, status=ExportStatus.PREPARING)
        .first()
    )
    if export is None:
        return False
    member = User.objects.select_related("profile", "boundaries").get(pk=export.member_id)
    now = now or timezone.now()
    try:
        content = build_zip(member, base_url=export.base_url, site_name=settings.SITE_NAME)
    except Exception:
        # A member whose archive cannot be built must be able to ask again (one export
        # preparing at a time), and is told; the error goes to the log for the operator.
        logger.exception("Data export %s of member %s failed", export.pk, member.pk)
        export.status = ExportStatus.FAILED
        export.save(update_fields=["status"])
        notify(
            member=member,
            key=f"rights:export-failed:{export.pk}",
            kind="export_failed",
            title="We could not prepare your data",
            body="Something went wrong on our side. Please ask again; if it fails again, "
            "tell the organizers.",
            url="/me/data/",
        )
        return False
    export.content = content
    export.size = len(content)
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + EXPORT_TTL
    export.save(update_fields=["content", "size", "status", "ready_at", "expires_at"])
    notify(
        member=member,
        key=f"rights:export:{export.pk}",
        kind="export_ready",
        title="Your data is ready to download",
        body=f"The archive can be downloaded until {export.expires_at:%d %b %Y %H:%M} UTC.",
        url="/me/data/",
    )
    return True


def export_for_download(*, member: User, export_id: int, now: datetime | None = None) -> bytes:
    """The archive, for its member only (`not_found` for anyone else's); `export_not_ready`
    while it is being prepared and `export_expired` once its link has expired (409, with
    `detail.state`)."""
    now = now or timezone.now()
    export = DataExport.objects.filter(pk=export_id, member=member).first()
    if export is None:
        raise NotFound("No such export.")
    if export.status == ExportStatus.PREPARING:
        raise Conflict(
            "Your data is still being prepared; you will be told when it is ready.",
            code="export_not_ready",
            detail={"state": export.status},
        )
    if not export.is_downloadable(now):
        raise Conflict(
            "This download link has expired. Ask for a new archive.",
            code="export_expired",
            detail={"state": ExportStatus.EXPIRED},
        )
    return bytes(export.content or b"")


def exports_expire(*, now: datetime | None = None) -> int:
    """Drop the archives whose link has expired (the rows stay, marked expired). Run by
    `mutuals sweep`; idempotent."""
    now = now or timezone.now()
    return DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now).update(
        status=ExportStatus.EXPIRED, content=None
    )


# An export still preparing after this long lost its worker (a stopped `mutuals worker`).
EXPORT_STALL = timedelta(hours=1)


def exports_resume_stalled(*, now: datetime | None = None) -> int:
    """Queue again the preparation of exports whose worker stopped, so a member is never
    left with an export that stays "preparing" (asking again would answer that one). Run by
    `mutuals sweep`; harmless twice, since preparing is idempotent."""
    now = now or timezone.now()
    stalled = list(
        DataExport.objects.filter(
            status=ExportStatus.PREPARING, requested_at__lte=now - EXPORT_STALL
        ).values_list("pk", flat=True)
    )
    for export_id in stalled:
        _prepare_later(export_id)
    return len(stalled)
