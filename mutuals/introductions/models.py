"""Double-opt-in introductions, dismissed suggestions, and the graph's version counter.

An introduction involves three members: the *requester* asks the *introducer* (a connection of
both) to introduce them to the *target*. The introducer forwards it with a note or declines;
only then does the target see it, and accepts (the two are connected) or declines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mutuals.accounts.models import Intent


class IntroductionState(models.TextChoices):
    REQUESTED = "requested", "Waiting for the introducer"
    FORWARDED = "forwarded", "Waiting for the target"
    ACCEPTED = "accepted", "Accepted"
    DECLINED_BY_INTRODUCER = "declined_by_introducer", "Declined by the introducer"
    DECLINED_BY_TARGET = "declined_by_target", "Declined by the target"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (IntroductionState.REQUESTED, IntroductionState.FORWARDED)


class Introduction(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_requested"
    )
    introducer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_to_make"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_offered"
    )
    context_kind = models.CharField(max_length=16)
    context_ref = models.CharField(max_length=120, blank=True)
    context_text = models.CharField(max_length=200, blank=True)
    intent = models.CharField(max_length=32, choices=Intent.choices)
    message = models.TextField(max_length=1000)
    score = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=16)
    findings = models.JSONField(default=list, blank=True)
    first_hop_strength = models.FloatField()
    state = models.CharField(
        max_length=24, choices=IntroductionState.choices, default=IntroductionState.REQUESTED
    )
    forward_note = models.TextField(max_length=1000, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    connection = models.ForeignKey(
        "connections.Connection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions",
    )
    # The pact's extra item: the requester thanks the introducer once the two are connected.
    thank_you_due_at = models.DateTimeField(null=True, blank=True)
    thanked_at = models.DateTimeField(null=True, blank=True)
    thank_you_note = models.TextField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "target"],
                condition=models.Q(state__in=["requested", "forwarded"]),
                name="introduction_one_open_per_requester_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("target"))
                & ~models.Q(requester=models.F("introducer"))
                & ~models.Q(introducer=models.F("target")),
                name="introduction_three_different_members",
            ),
        ]
        indexes = [
            models.Index(fields=["introducer", "state"]),
            models.Index(fields=["target", "state"]),
            models.Index(fields=["requester", "created_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.introducer_id} → {self.target_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class IntroductionEvent(models.Model):
    """Audit row for every transition. An accepted introduction's row is also the record the
    engagement ledger will count as an interaction for all three members."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.introduction_id}: {self.from_state or '∅'} → {self.to_state}"


class DismissReason(models.TextChoices):
    NOT_NOW = "not_now", "Not now"
    DONT_KNOW = "dont_know", "I don't know them"


class SuggestionDismissal(models.Model):
    """A member's "not now" or "I don't know them" on a people-you-may-know suggestion."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_dismissals"
    )
    dismissed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=DismissReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "dismissed"], name="dismissal_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} dismissed {self.dismissed_id} ({self.reason})"


class GraphState(models.Model):
    """One row: the graph's version, bumped after every committed change to connections or
    blocks. Every process compares it with its snapshot's version before answering."""

    version = models.BigIntegerField(default=0)
    # A new random value with every bump, so a rolled-back bump can never be mistaken for a
    # later one that reached the same number.
    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"graph version {self.version}"


class GraphChangeKind(models.TextChoices):
    STRENGTHS = "strengths", "A member's tie strengths were recomputed"
    OPENNESS = "openness", "A member opened or closed themselves to introductions"
    PROFILE = "profile", "A member's company, topics or events attended changed"


class GraphChange(models.Model):
    """A change log of member-level facts the graph snapshot holds (strengths, openness,
    company and topics), written after the change commits. Processes patch their snapshot
    from the rows newer than it (strengths and openness, re-read for the named member) or
    rebuild it (profile). Rows older than the snapshot's maximum age are pruned: no process
    keeps a snapshot that old."""

    kind = models.CharField(max_length=16, choices=GraphChangeKind.choices)
    member_id = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} of member {self.member_id} at {self.at:%H:%M:%S}"


class GraphPairChange(models.Model):
    """What a connection or block change left between two members, logged inside the writing
    transaction under the graph version it bumped to: connected or not (with the edge's
    measured strength, or None for the default), blocked either way or not. Server processes
    lay the rows newer than their published snapshot's version over it (the overlay,
    `introductions.graph`), so a new connection or a block reaches the very next answer;
    the builder prunes rows every published snapshot has absorbed."""

    version = models.BigIntegerField(db_index=True)
    member_low_id = models.BigIntegerField()
    member_high_id = models.BigIntegerField()
    connected = models.BooleanField()
    strength = models.FloatField(null=True, blank=True)
    blocked = models.BooleanField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        state = "connected" if self.connected else "blocked" if self.blocked else "apart"
        return f"{self.member_low_id}–{self.member_high_id} {state} at version {self.version}"
