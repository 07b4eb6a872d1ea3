"""Invitations, connections between members, and blocks.

A connection is one row per unordered pair (`member_low` < `member_high`), so "A–B" and "B–A"
cannot both exist and nobody is connected to themself; the database enforces both. An
invitation carries the pair the same way, and a partial unique constraint allows at most one
open (pending or queued) invitation per pair, whichever way it was sent.
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


class ConnectionEnd(models.TextChoices):
    """Why a connection ended (`endings.connection_end`); what the connection opened (the
    pact's items) is kept, closed with this reason."""

    BLOCKED = "blocked", "A block ended it"
    MEMBER_LEFT = "member_left", "A member left the community"
    REMOVED = "removed", "It was removed"


class ConnectionRemoval(models.Model):
    """Audit row: a member removed a connection (`engagement.services.connection_remove`).
    The connection's row is gone; this keeps who ended it and when, for the 21-day wait
    before either of the two may ask the other again (`invitations.last_removal_between`)."""

    # The unordered pair, as on `Invitation`: the wait holds whichever way the next request goes.
    pair_low = models.BigIntegerField()
    pair_high = models.BigIntegerField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    connected_at = models.DateTimeField()
    at = models.DateTimeField()
    # The removed connection's id: links that named it (a nudge read before, an e-mail already
    # sent) lead to a page that says it ended, not a 404. Null on rows written before it.
    connection_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pair_low__lt=models.F("pair_high")),
                name="connection_removal_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["pair_low", "pair_high", "-at"])]

    def __str__(self) -> str:
        return f"{self.pair_low}–{self.pair_high} removed by {self.removed_by_id}"


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


class ContextKind(models.TextChoices):
    """How the sender knows of the recipient (docs/api.md "Invitations")."""

    EVENT = "event", "An event we both attended"
    MUTUAL = "mutual", "A mutual connection"
    TOPIC = "topic", "A topic we share"
    CONTENT = "content", "Their post"
    OTHER = "other", "Other"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    IGNORED = "ignored", "Ignored"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    REPORTED = "reported", "Reported"


OPEN_STATES = (InvitationState.PENDING, InvitationState.QUEUED)
# A request still waiting for an answer, whichever way it goes: delivered, queued for the
# recipient's next week with room, or set aside by the recipient (who can still accept it).
UNANSWERED_STATES = (InvitationState.PENDING, InvitationState.QUEUED, InvitationState.IGNORED)


class DeclineReason(models.TextChoices):
    NOT_MY_AREA = "not_my_area", "It is not my area"
    NO_CAPACITY = "no_capacity", "I have no capacity right now"
    ASK_LATER = "ask_later", "Ask me again later"
    DONT_KNOW_YOU = "dont_know_you", "I don't know you"
    OTHER = "other", "Another reason"


class ReportKind(models.TextChoices):
    UNKNOWN = "unknown", "I don't know this person"
    SPAM = "spam", "Spam"


class Verdict(models.TextChoices):
    PERSONAL = "personal", "Personal"
    NEEDS_WORK = "needs_work", "Needs work"
    GENERIC = "generic", "Generic"


class Invitation(models.Model):
    """A connection request. Its life is a set of transitions in `connections.services`; the
    personalization report is kept as it was at send time."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_received"
    )
    # The unordered pair, so "one open invitation per pair" is a database constraint.
    pair_low = models.BigIntegerField()
    pair_high = models.BigIntegerField()
    context_kind = models.CharField(max_length=16, choices=ContextKind.choices)
    context_ref = models.CharField(max_length=120, blank=True)
    context_text = models.CharField(max_length=200, blank=True)
    context_label = models.CharField(max_length=200, blank=True)
    context_verified = models.BooleanField(default=False)
    intent = models.CharField(max_length=32, choices=Intent.choices)
    message = models.TextField(max_length=600)
    score = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    findings = models.JSONField(default=list)
    signature = models.JSONField(default=list)
    # The note's MinHash signature packed (`personalization.pack_signature`, 512 bytes): a
    # sender's history of these is read back as one array (connections.invitations).
    # `signature` is the same as a JSON list, still written for servers of the previous
    # release during a rolling upgrade (docs/operations.md, expand/contract); the release
    # after this one drops it.
    minhash = models.BinaryField(default=b"", db_default=b"", editable=False)
    state = models.CharField(max_length=16, choices=InvitationState.choices)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    report_kind = models.CharField(max_length=16, choices=ReportKind.choices, blank=True)
    closed_by_block = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    deliver_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    connection = models.OneToOneField(
        Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        constraints = [
            # One request waiting for an answer per pair, either way: delivered, queued, or
            # set aside (the recipient can still accept it), so requests never cross.
            models.UniqueConstraint(
                fields=["pair_low", "pair_high"],
                condition=models.Q(state__in=["pending", "queued", "ignored"]),
                name="invitation_one_waiting_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(pair_low__lt=models.F("pair_high")),
                name="invitation_ordered_pair_no_self",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")), name="invitation_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="invitation_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "state", "deliver_at"]),
            models.Index(fields=["sender", "created_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.state})"


class InvitationEvent(models.Model):
    """Audit row: who moved an invitation from which state to which, and when."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.invitation_id}: {self.from_state or '∅'} → {self.to_state}"
