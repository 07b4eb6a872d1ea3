"""A member's private contact book, filled from LinkedIn exports, and the imports themselves.

Everything here belongs to one member (`owner`) and is never shown to anyone else
(docs/design.md §8): contacts and interactions are read only through `selectors.py` with the owner.

- `Import`: one uploaded export — status, progress, counts, the error when it was refused, and
  the audit computed from it.
- `ImportPayload`: the uploaded file, on disk (the "imports" storage), kept only until the
  background task has imported it; the row says where it is.
- `Contact`: one person from the member's LinkedIn network, unique per owner by `key` (their
  normalized profile URL, else their name), so importing a newer export merges into the same
  rows instead of duplicating them.
- `ContactInteraction`: one message, invitation, endorsement or recommendation between the
  member and a contact, unique per owner by `fingerprint`.
- `ContactSource` / `InteractionSource`: which imports brought which rows. Deleting an import
  removes its links, and then every row no remaining import brought.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models

from mutuals.core.models import TimeStampedModel


class Import(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn data export"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.LINKEDIN)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=120, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.JSONField(null=True, blank=True)
    audit = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Saved with every progress step: a running import whose heartbeat is minutes old has
    # lost its worker (services.imports_recover_stalled).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="import_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


def _imports_storage() -> Storage:
    return storages["imports"]


class ImportPayload(models.Model):
    """The uploaded export until the task has imported it (then deleted, file and row)."""

    import_run = models.OneToOneField(Import, on_delete=models.CASCADE, related_name="payload")
    file = models.FileField(storage=_imports_storage, upload_to="pending/", max_length=255)

    def __str__(self) -> str:
        return f"Payload of import {self.import_run_id}"


class Contact(TimeStampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    profile_url = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    company = models.CharField(max_length=300, blank=True)
    position = models.CharField(max_length=300, blank=True)
    connected_on = models.DateTimeField(null=True, blank=True)
    is_connection = models.BooleanField(default=False)
    # From the latest import's audit: how the relationship stands.
    messages_sent = models.PositiveIntegerField(default=0)
    messages_received = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    strength = models.FloatField(default=0.0)
    tier = models.CharField(max_length=20, blank=True)
    imports = models.ManyToManyField(Import, through="ContactSource", related_name="contacts")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="contact_unique_key_per_owner"),
        ]
        indexes = [models.Index(fields=["owner", "-strength"])]

    def __str__(self) -> str:
        return self.name


class ContactSource(models.Model):
    import_run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="sources")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["import_run", "contact"], name="contact_source_once_per_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} from import {self.import_run_id}"


class ContactInteraction(models.Model):
    class Kind(models.TextChoices):
        MESSAGE_SENT = "message_sent", "Message sent"
        MESSAGE_RECEIVED = "message_received", "Message received"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        INVITATION_RECEIVED = "invitation_received", "Invitation received"
        ENDORSEMENT_RECEIVED = "endorsement_received", "Endorsement received"
        ENDORSEMENT_GIVEN = "endorsement_given", "Endorsement given"
        RECOMMENDATION_RECEIVED = "recommendation_received", "Recommendation received"
        RECOMMENDATION_GIVEN = "recommendation_given", "Recommendation given"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(null=True, blank=True)
    excerpt = models.CharField(max_length=280, blank=True)
    fingerprint = models.CharField(max_length=64)
    imports = models.ManyToManyField(
        Import, through="InteractionSource", related_name="interactions"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "fingerprint"], name="interaction_unique_per_owner"
            ),
        ]
        indexes = [models.Index(fields=["contact", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} with {self.contact_id}"


class InteractionSource(models.Model):
    import_run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="+")
    interaction = models.ForeignKey(
        ContactInteraction, on_delete=models.CASCADE, related_name="sources"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["import_run", "interaction"], name="interaction_source_once_per_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} from import {self.import_run_id}"
