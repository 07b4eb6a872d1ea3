"""Every write on a member's data export (docs/api.md "Your data")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.core.errors import Conflict, NotFound
from mutuals.engagement.notifications import notify
from mutuals.rights.export import build_zip
from mutuals.rights.models import DataExport, ExportStatus

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
    transaction.on_commit(lambda: _prepare_later(export_id))
    return export


def _prepare_later(export_id: int) -> None:
    from mutuals.rights import tasks

    tasks.export_prepare_task.enqueue(export_id)


@transaction.atomic
def export_prepare(*, export_id: int, now: datetime | None = None) -> bool:
    """Build the archive of a requested export and tell the member. Idempotent: an export
    that is no longer being prepared (done, failed, or its member gone) is left alone, so a
    retried task neither builds twice nor notifies twice."""
    export = (
        DataExport.objects.select_for_update()
        .filter(pk=export_id, status=ExportStatus.PREPARING)
        .first()
    )
    if export is None:
        return False
    member = User.objects.select_related("profile", "boundaries").get(pk=export.member_id)
    content = build_zip(member, base_url=export.base_url, site_name=settings.SITE_NAME)
    now = now or timezone.now()
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
