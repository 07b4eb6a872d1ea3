"""API shapes for the member's data export (docs/api.md "Your data")."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from mutuals.rights.models import DataExport


class ExportOut(Schema):
    """One "Download my data" request and where it stands."""

    id: int
    state: str = Field(description="preparing, ready, failed or expired")
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None = Field(description="when the download link stops working")
    size: int = Field(description="bytes of the ZIP, 0 until ready")
    download_url: str | None = Field(description="the ZIP, while `state` is `ready`")

    @staticmethod
    def build(export: DataExport, now: datetime) -> ExportOut:
        downloadable = export.is_downloadable(now)
        return ExportOut(
            id=export.pk,
            state="expired" if export.status == "ready" and not downloadable else export.status,
            requested_at=export.requested_at,
            ready_at=export.ready_at,
            expires_at=export.expires_at,
            size=export.size,
            download_url=f"/api/me/export/{export.pk}/download" if downloadable else None,
        )
