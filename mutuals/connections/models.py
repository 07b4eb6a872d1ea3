"""Connections between members and blocks.

A connection is one row per unordered pair (`member_low` < `member_high`), so "A–B" and "B–A"
cannot both exist and nobody is connected to themself; the database enforces both.
Invitations (which open connections) arrive with the invitations work.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mutuals.accounts.models import Intent


class Connection(models.Model):
    member_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    member_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    intent = models.CharField(max_length=32, choices=Intent.choices, default=Intent.PEER)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member_low", "member_high"], name="connection_one_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(member_low__lt=models.F("member_high")),
                name="connection_ordered_pair_no_self",
            ),
        ]
        indexes = [models.Index(fields=["member_high", "member_low"])]

    def __str__(self) -> str:
        return f"{self.member_low_id}–{self.member_high_id}"

    def other_id(self, member_id: int) -> int:
        return self.member_high_id if member_id == self.member_low_id else self.member_low_id


class Block(models.Model):
    """`blocker` never sees `blocked` again, and neither can reach the other."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
