"""The engagement pact, the interaction ledger, relationship ties and notifications.

- `Interaction`: one row per thing two members did together (a message, a meeting, a comment,
  …), with a weight by kind. `source_key` makes recording idempotent: the same message is
  never counted twice.
- `Obligation`: an item of a connection's pact — a first message owed by one party, a first
  real exchange owed by the pair, a keep-warm check-in owed by one party — with its due date
  and the interaction that fulfilled it. Items are never deleted with their connection: when
  it ends (a block, a member leaving, a removal) they are kept, `connection` empty, the pair
  in `member_low`/`member_high`, those still open closed with `closed_reason`; a suspension
  closes its member's open items as `suspended` until they are restored.
- `Tie`: a member's view of one connection — strength, tier and state — recomputed from the
  ledger (tiers are by rank within each member's network, so each side has its own row).
- `Notification`: in-app notices and nudges; `key` is unique, so a nudge is created once per
  obligation and due date however often a worker retries.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from mutuals.connections.models import Connection, ConnectionEnd
from mutuals.strength import model as strength


class InteractionKind(models.TextChoices):
    MESSAGE = "message", "Message"
    REPLY = "reply", "Reply"
    COMMENT = "comment", "Comment"
    REACTION = "reaction", "Reaction"
    RESHARE = "reshare", "Reshare"
    SHARED_EVENT = "shared_event", "Shared event"
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    INTRODUCTION = "introduction", "Introduction"
    MENTORSHIP_CHECKIN = "mentorship_checkin", "Mentorship check-in"
    COLLABORATION = "collaboration", "Collaboration"
    OTHER = "other", "Other"


# How much each kind of interaction says about a relationship (docs/design.md §5: depth): the
# strength model's weights, by the ledger's kind names.
INTERACTION_WEIGHTS: dict[str, float] = {
    kind.name.lower(): weight for kind, weight in strength.KIND_WEIGHTS.items()
}


class Interaction(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions_made"
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions_received"
    )
    kind = models.CharField(max_length=24, choices=InteractionKind.choices)
    weight = models.FloatField()
    at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True)
    # What produced it ("message:123", "logged:…"): recording the same source twice is a no-op.
    source_key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "actor", "counterpart"], name="interaction_once_per_source"
            ),
            models.CheckConstraint(
                condition=~models.Q(actor=models.F("counterpart")), name="interaction_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["counterpart", "at"]),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.counterpart_id} at {self.at:%Y-%m-%d}"


class ObligationKind(models.TextChoices):
    FIRST_MESSAGE = "first_message", "First message"
    FIRST_EXCHANGE = "first_exchange", "First real exchange"
    CHECK_IN = "check_in", "Keep-warm check-in"
    # An agreed mentorship check-in (the mentorship app opens these on the pair's connection).
    MENTOR_CHECK_IN = "mentor_check_in", "Mentorship check-in"


class ObligationStatus(models.TextChoices):
    MET = "met", "Met"
    LATE = "late", "Met late"
    CANCELLED = "cancelled", "Cancelled"
    OVERDUE = "overdue", "Overdue"
    OPEN = "open", "Open"


class ObligationClosed(models.TextChoices):
    """Why an item closed unkept without anyone failing it: its connection ended
    (`connections.models.ConnectionEnd`), or one of the two was suspended or is leaving (in
    their deletion grace period): paused, reopened with its deadline pushed back by the time
    paused when they are restored or stay (`PAUSED`)."""

    BLOCKED = ConnectionEnd.BLOCKED.value, ConnectionEnd.BLOCKED.label
    MEMBER_LEFT = ConnectionEnd.MEMBER_LEFT.value, ConnectionEnd.MEMBER_LEFT.label
    REMOVED = ConnectionEnd.REMOVED.value, ConnectionEnd.REMOVED.label
    SUSPENDED = "suspended", "A member was suspended"
    LEAVING = "leaving", "A member is leaving"


class Obligation(models.Model):
    # Empty once the connection ended: the item stays, for both members' history.
    connection = models.ForeignKey(
        Connection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obligations",
    )
    # The pair, written when the connection ends (before that, `connection` says who).
    member_low = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    member_high = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The member who owes it; empty for obligations of the pair (the first real exchange).
    party = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    kind = models.CharField(max_length=16, choices=ObligationKind.choices)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set with `cancelled_at` when the item closed because its connection ended or a member
    # was suspended; empty when the pact itself cancelled it (a check-in replanned, a rest).
    closed_reason = models.CharField(
        max_length=16, choices=ObligationClosed.choices, blank=True, default="", db_default=""
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "party", "kind", "due_at"], name="obligation_once_per_due"
            ),
            models.UniqueConstraint(
                fields=["connection", "kind", "due_at"],
                condition=models.Q(party__isnull=True),
                name="pair_obligation_once_per_due",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_reason="") | models.Q(cancelled_at__isnull=False),
                name="obligation_closed_with_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["connection", "fulfilled_at"])]
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.connection_id} due {self.due_at:%Y-%m-%d}"

    def pair_ids(self) -> tuple[int, int]:
        """The two members of the item's connection, or of the connection it had."""
        if self.connection is not None:
            return self.connection.member_low_id, self.connection.member_high_id
        if self.member_low_id is None or self.member_high_id is None:
            raise ValueError(f"Obligation {self.pk} has neither a connection nor a pair.")
        return self.member_low_id, self.member_high_id

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None and self.cancelled_at is None

    @property
    def on_time(self) -> bool:
        return self.fulfilled_at is not None and self.fulfilled_at <= self.due_at

    def status(self, now: datetime) -> str:
        """Where the item stands at `now`: `met` (fulfilled by its deadline), `late` (fulfilled
        after it), `cancelled`, `overdue` (open past its deadline) or `open`. The one place
        the pact's pages, the mentorship page, the insights and the API read it from."""
        if self.fulfilled_at is not None:
            met = self.fulfilled_at <= self.due_at
            return (ObligationStatus.MET if met else ObligationStatus.LATE).value
        if self.cancelled_at is not None:
            return ObligationStatus.CANCELLED.value
        return (ObligationStatus.OVERDUE if self.due_at < now else ObligationStatus.OPEN).value


class TieState(models.TextChoices):
    ENGAGED = "engaged", "Engaged"
    WARM = "warm", "Warm"
    FADING = "fading", "Fading"
    STAGNANT = "stagnant", "Stagnant"
    RESTING = "resting", "Resting"


class Tie(models.Model):
    """One member's view of one of their connections."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ties"
    )
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="ties")
    strength = models.FloatField(default=0.05)
    tier = models.CharField(max_length=16, default="acquaintance")
    state = models.CharField(max_length=16, choices=TieState.choices, default=TieState.WARM)
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    resting_since = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "connection"], name="tie_one_per_member"),
            models.CheckConstraint(
                condition=models.Q(strength__gt=0, strength__lte=1), name="tie_strength_range"
            ),
        ]
        indexes = [models.Index(fields=["member", "-strength"])]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.other_id} {self.tier} {self.strength:.2f}"


class Delivery(models.TextChoices):
    """How a member hears of one kind of notification (`NotificationPreference`)."""

    APP = "app", "In the app only"
    EMAIL = "email", "E-mail at once"
    DIGEST = "digest", "Daily digest"
    OFF = "off", "Off"


class NoticeKind(models.TextChoices):
    """The kinds of notification a member chooses a delivery for; which notifications each
    covers, and its default, are in `engagement.delivery.KINDS`."""

    REQUESTS = "requests", "Connection requests: arrived, accepted, declined"
    MESSAGES = "messages", "New messages"
    INTRODUCTIONS = "introductions", "Introductions asked of you and answered"
    PACT = "pact", "Your pact: items due soon and missed"
    TIES = "ties", "Relationships gone quiet"
    EVENTS = "events", "Events: reminders, changes, a place freed"
    MENTORSHIP = "mentorship", "Mentorship and programmes"
    COLLABORATIONS = "collaborations", "Collaborations"
    MENTIONS = "mentions", "Mentions of you"
    COMMENTS = "comments", "Comments, replies and reshares of your posts"
    ACCOUNT = "account", "Your data and account"
    OTHER = "other", "Everything else"


class NotificationDigest(models.Model):
    """One daily digest e-mail of a member: at most one per member and local day (the
    database's word), claimed before it is sent, so a retried or killed worker never sends
    a second."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    day = models.DateField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="notification_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"digest of {self.member_id} for {self.day}"


class StrengthCalibration(models.Model):
    """The platform's own calibration of the strength model (`mutuals.strength.calibrate`),
    fitted by the sweep on the ledgers of a sample of members; the latest row is what every
    tie recompute uses (docs/relationship-strength.md, "Calibration on the platform"). A row
    is added only when the fitted values change; `checked_at` records each later fit that
    confirmed them."""

    w_recency = models.FloatField()
    w_frequency = models.FloatField()
    half_life_days = models.FloatField()
    members_sampled = models.PositiveIntegerField()
    ties_used = models.PositiveIntegerField()
    interactions_used = models.PositiveIntegerField()
    # Whether adopting it changed what ties are computed with (False only for a first fit
    # that kept the model's defaults): ties computed before a changed one are stale.
    changed = models.BooleanField()
    adopted_at = models.DateTimeField(db_index=True)
    checked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(w_recency__gte=0, w_frequency__gte=0, half_life_days__gt=0),
                name="strength_calibration_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"recency {self.w_recency:.2f}, frequency {self.w_frequency:.2f}, "
            f"half-life {self.half_life_days:g} d (from {self.adopted_at:%Y-%m-%d})"
        )


class Notification(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=160, unique=True)
    # The other member a relationship's moment is about (a request, a message, the pact, a
    # tie gone quiet); home's "For today" lets a suggestion about them give way to it.
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # How it reaches the member beyond the app, as their preference stood when it was made
    # (re-read before any e-mail leaves): `email` at once, or in the `digest`; `app` only.
    delivery = models.CharField(max_length=8, choices=Delivery.choices[:3], default=Delivery.APP)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        NotificationDigest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "read_at"]),
            models.Index(
                fields=["delivery", "created_at"],
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_email_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery__in=["app", "email", "digest"]),
                name="notification_delivery_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.title}"


class NotificationPreference(models.Model):
    """A member's choice for one kind of notification (`engagement.delivery.KINDS`); a kind
    without a row has its default."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], name="notification_preference_once_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__in=["app", "email", "digest", "off"]),
                name="notification_preference_delivery_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values),
                name="notification_preference_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind} by {self.delivery}"


# --- Collaborations ----------------------------------------------------------------------------


class CollaborationState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"  # waiting for at least one invitee to confirm
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"  # every invitee declined
    WITHDRAWN = "withdrawn", "Withdrawn"  # the proposer took it back before anyone confirmed


class CollaborationOrigin(models.TextChoices):
    CONVERSATION = "conversation", "A conversation"
    EVENT = "event", "An event"


class Collaboration(models.Model):
    """A project two or more members work on together, started from something they share (a
    conversation they are all in, or an event they all attended). It counts once at least two
    members stand behind it: the proposer and one invitee who confirmed."""

    title = models.CharField(max_length=120)
    description = models.TextField(max_length=600, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations_proposed"
    )
    state = models.CharField(
        max_length=16, choices=CollaborationState.choices, default=CollaborationState.PROPOSED
    )
    origin = models.CharField(max_length=16, choices=CollaborationOrigin.choices)
    conversation = models.ForeignKey(
        "messaging.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(state=CollaborationState.COMPLETED),
                name="collaboration_completed_at_only_when_completed",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    state__in=[CollaborationState.ACTIVE, CollaborationState.COMPLETED]
                )
                | models.Q(started_at__isnull=False),
                name="collaboration_started_when_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["proposer", "created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in (CollaborationState.PROPOSED, CollaborationState.ACTIVE)


class CollaboratorState(models.TextChoices):
    INVITED = "invited", "Invited"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class Collaborator(models.Model):
    """A member's place in a collaboration: the proposer (confirmed from the start) or an
    invitee, who confirms or declines. `responded_at` records when."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="collaborators"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations"
    )
    state = models.CharField(
        max_length=16, choices=CollaboratorState.choices, default=CollaboratorState.INVITED
    )
    invited_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "member"], name="collaborator_once_per_collaboration"
            ),
            models.CheckConstraint(
                condition=models.Q(state=CollaboratorState.INVITED)
                | models.Q(responded_at__isnull=False),
                name="collaborator_answer_has_time",
            ),
        ]
        indexes = [models.Index(fields=["member", "state"])]
        ordering = ["invited_at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.state} in {self.collaboration_id}"


class CollaborationEvent(models.Model):
    """Audit row: who moved a collaboration from which state to which, and when (the proposal
    itself is the row from the empty state)."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.collaboration_id}: {self.from_state or '∅'} → {self.to_state}"
