"""Mentorship: offers, requests, the lifecycle, goals, reflections and programmes.

- `MentorOffer`: one per mentor — topics, formats, capacity (mentees at once), the duration
  range (4–24 weeks), availability; a paused offer takes no new requests.
- `Mentorship`: one row from request to end. `requested` → `active` → `completed`, or
  `declined` (by the mentor), `withdrawn` (by the mentee, before an answer), `cancelled`
  (ended early for a reason other than goals met). At most one open (requested or active)
  mentorship per mentor–mentee pair, by a partial unique constraint.
- `MentorshipEvent`: the audit row of every transition, with who and why.
- `Goal`: the shared checklist; `Reflection`: one closing reflection per side; the mentee's
  becomes a testimonial on the mentor's profile while `share` is on.
- `Programme`: a community-run cohort; mentors (with capacity) and mentees rank each other,
  the organizer computes a stable assignment (`Assignment` rows) and publishes it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mutuals.accounts.models import Topic
from mutuals.connections.models import Connection

MIN_WEEKS = 4
MAX_WEEKS = 24
MAX_CAPACITY = 10
MAX_GOALS = 10
MAX_GOAL_LENGTH = 200
MAX_NOTE_LENGTH = 1000
MAX_REFLECTION_LENGTH = 2000


class Format(models.TextChoices):
    CALL = "call", "Video or phone calls"
    IN_PERSON = "in_person", "In person"
    ASYNC = "async", "Asynchronous (messages)"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every four weeks"


CADENCE_DAYS: dict[str, int] = {
    Cadence.WEEKLY: 7,
    Cadence.BIWEEKLY: 14,
    Cadence.MONTHLY: 28,
}


class MentorOffer(models.Model):
    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offer"
    )
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000)
    topics = models.ManyToManyField(Topic, related_name="mentor_offers")
    formats = models.JSONField(default=list)
    capacity = models.PositiveSmallIntegerField(default=2)
    min_weeks = models.PositiveSmallIntegerField(default=8)
    max_weeks = models.PositiveSmallIntegerField(default=12)
    availability = models.CharField(max_length=200)
    available_from = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="mentor_offer_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(min_weeks__gte=MIN_WEEKS, max_weeks__lte=MAX_WEEKS)
                & Q(min_weeks__lte=F("max_weeks")),
                name="mentor_offer_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of {self.mentor_id}: {self.title}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [labels[f] for f in self.formats if f in labels]


class MentorshipState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Ended early"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (MentorshipState.REQUESTED, MentorshipState.ACTIVE)
ENDED_STATES = (MentorshipState.COMPLETED, MentorshipState.CANCELLED)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "I have no room right now"
    NOT_MY_AREA = "not_my_area", "Not something I can help with"
    TIMING = "timing", "The timing does not work"
    OTHER = "other", "Another reason"


class EndReason(models.TextChoices):
    GOALS_MET = "goals_met", "We met the goals early"
    NO_TIME = "no_time", "No time to keep it up"
    NOT_A_FIT = "not_a_fit", "Not a good fit"
    OTHER = "other", "Another reason"
    # Set by the platform, never chosen.
    END_DATE = "end_date", "Reached its end date"
    BLOCKED = "blocked", "One of them blocked the other"


class Mentorship(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    # The offer a request answered; empty for a programme's assignment.
    offer = models.ForeignKey(
        MentorOffer, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    programme = models.ForeignKey(
        "Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    state = models.CharField(
        max_length=16, choices=MentorshipState.choices, default=MentorshipState.REQUESTED
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    format = models.CharField(max_length=16, choices=Format.choices)
    weeks = models.PositiveSmallIntegerField()
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    note = models.TextField(max_length=MAX_NOTE_LENGTH, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    verdict = models.CharField(max_length=16, blank=True)
    findings = models.JSONField(default=list, blank=True)
    signature = models.JSONField(default=list, blank=True)
    # The note's packed MinHash signature, as `Invitation.minhash` (`signature`: the same as
    # JSON for the previous release, dropped by the next).
    minhash = models.BinaryField(default=b"", db_default=b"", blank=True, editable=False)
    # The pair's connection, whose pact carries the agreed check-ins.
    connection = models.ForeignKey(
        Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=16, blank=True)
    reason_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_not_self"),
            models.CheckConstraint(
                condition=Q(weeks__gte=MIN_WEEKS, weeks__lte=MAX_WEEKS),
                name="mentorship_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in MentorshipState]),
                name="mentorship_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=MentorshipState.ACTIVE)
                | Q(started_at__isnull=False, ends_at__isnull=False),
                name="mentorship_active_has_dates",
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="mentorship_one_open_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "state"]),
            models.Index(fields=["state", "ends_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mentor_id} mentors {self.mentee_id} ({self.state})"

    def party_ids(self) -> tuple[int, int]:
        return (self.mentor_id, self.mentee_id)

    def other_id(self, member_id: int) -> int:
        return self.mentee_id if member_id == self.mentor_id else self.mentor_id

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reason_label(self) -> str:
        labels = {**dict(DeclineReason.choices), **dict(EndReason.choices)}
        return str(labels.get(self.reason, self.reason))

    @property
    def duration(self) -> timedelta:
        return timedelta(weeks=self.weeks)


class MentorshipEvent(models.Model):
    """The audit trail: every transition, who made it (empty for the platform) and why."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    reason = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.from_state} → {self.to_state}"


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=MAX_GOAL_LENGTH)
    position = models.PositiveSmallIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "position"], name="goal_position_once")
        ]

    def __str__(self) -> str:
        return self.text


class Reflection(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_REFLECTION_LENGTH)
    # The mentee's consent to show it on the mentor's profile (never set on the mentor's).
    share = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="reflection_one_per_side")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reflection by {self.author_id} on {self.mentorship_id}"


class ProgrammeState(models.TextChoices):
    OPEN = "open", "Open for rankings"
    PUBLISHED = "published", "Published"


class Programme(models.Model):
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programmes_organized"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    weeks = models.PositiveSmallIntegerField(default=12)
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    state = models.CharField(
        max_length=16, choices=ProgrammeState.choices, default=ProgrammeState.OPEN
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__gte=MIN_WEEKS, weeks__lte=MAX_WEEKS),
                name="programme_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class Participant(models.Model):
    """A member in a programme's cohort, with their ranking of the other side (member ids,
    best first) and, for a mentor, how many mentees they take."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_places"
    )
    role = models.CharField(max_length=8, choices=ProgrammeRole.choices)
    capacity = models.PositiveSmallIntegerField(default=1)
    ranking = models.JSONField(default=list, blank=True)
    ranked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member"], name="participant_once_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="participant_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} as {self.role} in {self.programme_id}"


class Assignment(models.Model):
    """One pair of the organizer's computed (not yet published) assignment."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assignments")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["mentor_id", "mentee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"], name="assignment_one_mentor_per_mentee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} ← {self.mentee_id} in {self.programme_id}"
