"""API shapes for the member's data export (docs/api.md "Your data")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from mutuals.accounts.models import AccountDeletion
from mutuals.core.schemas import Schema
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


class DeletionIn(Schema):
    """Re-authentication for "Delete my account"."""

    password: str = Field(max_length=4096)


class DeletionOut(Schema):
    """A scheduled account deletion."""

    state: str = Field(description="scheduled")
    requested_at: datetime
    erase_after: datetime = Field(
        description="when the account is erased unless you sign in before"
    )

    @staticmethod
    def build(deletion: AccountDeletion) -> DeletionOut:
        return DeletionOut(
            state="scheduled", requested_at=deletion.requested_at, erase_after=deletion.erase_after
        )
