"""A member's data export: asked for, prepared in the background, downloadable until it
expires (docs/api.md "Your data")."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    PREPARING = "preparing", "Preparing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class DataExport(models.Model):
    """One "Download my data" request. The ZIP is kept in the row (web and worker share the
    database, not necessarily a disk) and dropped when the link expires."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        max_length=12, choices=ExportStatus.choices, default=ExportStatus.PREPARING
    )
    # Where links in the files point (the site as the member reached it when asking).
    base_url = models.CharField(max_length=200)
    requested_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["member", "-requested_at"])]
        constraints = [
            # At most one export being prepared per member: asking twice is one export.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="preparing"),
                name="one_export_preparing_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} of member {self.member_id} ({self.status})"

    def is_downloadable(self, now: datetime) -> bool:
        return (
            self.status == ExportStatus.READY
            and self.expires_at is not None
            and now < self.expires_at
        )
