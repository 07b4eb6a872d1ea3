"""Conversations between members, their messages, and each participant's read state.

- `Conversation`: one-to-one (`pair_low` < `pair_high` set, one per pair by a database
  constraint, so starting a second conversation with the same person reuses the first) or a
  small group (no pair; an optional title).
- `Participant`: a member in a conversation, with `last_read_at` — messages from others
  created after it are unread (never read: null).
- `Message`: plain text up to 4,000 characters; a moderator may hide it (`hidden_at`) from
  everyone but its sender, and it stays for the record.
- `UnreadDigest`: one e-mail digest of unread messages, keyed per member and window so a
  retried task never sends twice; `covered_until` is the newest message it reported.

Rules (who may start, write or read) live in `messaging.services` and `messaging.access`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

MAX_TEXT_LENGTH = 4000
MAX_TITLE_LENGTH = 120


class Conversation(models.Model):
    title = models.CharField(max_length=MAX_TITLE_LENGTH, blank=True)
    is_group = models.BooleanField(default=False)
    # The unordered pair of a one-to-one conversation; empty for groups.
    pair_low = models.BigIntegerField(null=True, blank=True)
    pair_high = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair_low", "pair_high"],
                condition=models.Q(pair_low__isnull=False),
                name="conversation_one_direct_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(is_group=True, pair_low__isnull=True, pair_high__isnull=True)
                | models.Q(is_group=False, pair_low__lt=models.F("pair_high")),
                name="conversation_direct_has_ordered_pair",
            ),
        ]
        ordering = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"

    def other_member_id(self, member_id: int) -> int:
        """The other member of a one-to-one conversation."""
        if self.pair_low is None or self.pair_high is None:
            raise ValueError("A group conversation has no single other member.")
        return self.pair_high if self.pair_low == member_id else self.pair_low


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    joined_at = models.DateTimeField()
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="participant_once_per_conversation"
            )
        ]
        indexes = [models.Index(fields=["member", "conversation"])]
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    text = models.TextField(max_length=MAX_TEXT_LENGTH)
    created_at = models.DateTimeField()
    # Set by a moderator: the message disappears for everyone but its sender.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "created_at", "id"]),
            # The rate limit counts a sender's recent messages.
            models.Index(fields=["sender", "created_at"]),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.sender_id} in {self.conversation_id} at {self.created_at:%Y-%m-%d %H:%M}"


class UnreadDigest(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_digests"
    )
    key = models.CharField(max_length=80, unique=True)
    window = models.DateTimeField()
    covered_until = models.DateTimeField()
    conversation_count = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "covered_until"])]

    def __str__(self) -> str:
        return f"digest {self.key}"
