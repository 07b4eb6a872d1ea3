"""Events, who is coming, who came, and each member's calendar subscription.

- `Event`: organized by one member (its creator), with a start and an end stored aware (UTC in
  the database) and the IANA time zone it happens in, a place and/or an online link (at least
  one, by a database constraint), an optional capacity (people, the organizer included; none
  means no limit), topics, a short check-in code the organizer shows at the venue, and
  `cancelled_at` once the organizer calls it off.
- `Attendance`: one row per member and event (database constraint). `status` is going,
  waitlisted or cancelled; the waitlist is served in `queued_at` order. `checked_in_at` is set
  when the organizer marks the member or they enter the code (only while going, by a check
  constraint). `hidden` keeps a member off the attendee list others see (the organizer still
  sees them).
- `CalendarFeed`: a member's secret token for their personal iCalendar subscription URL
  (calendar apps cannot send cookies); resetting it replaces the token.

Rules (capacity, waitlist promotion, check-in windows, who sees whom) live in
`events.services`, `events.access` and `events.selectors`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from mutuals.accounts.models import Topic
from mutuals.core.models import TimeStampedModel

MAX_TITLE_LENGTH = 160
MAX_DESCRIPTION_LENGTH = 5000
MAX_PLACE_LENGTH = 200
MAX_CAPACITY = 10_000
CODE_LENGTH = 6
# The self check-in code works from a little before the start to a little after the end.
CODE_OPENS_BEFORE = timedelta(hours=1)
CODE_CLOSES_AFTER = timedelta(hours=1)
# The organizer may mark attendance from the same opening until the follow-up window closes
# (people forget; the organizer corrects the list afterwards).
FOLLOW_UP_WINDOW = timedelta(hours=72)


class Event(TimeStampedModel):
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events_organized"
    )
    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    description = models.TextField(max_length=MAX_DESCRIPTION_LENGTH, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    place = models.CharField(max_length=MAX_PLACE_LENGTH, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    checkin_code = models.CharField(max_length=CODE_LENGTH)
    # Set when the organizer calls it off: it stays listed (so people see it), closed to RSVPs.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(place="") | ~models.Q(online_url=""),
                name="event_has_place_or_link",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="event_capacity_range",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at", "id"]),
            models.Index(fields=["ends_at", "id"]),
        ]
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def follow_up_closes_at(self) -> datetime:
        return self.ends_at + FOLLOW_UP_WINDOW

    @property
    def code_opens_at(self) -> datetime:
        return self.starts_at - CODE_OPENS_BEFORE

    @property
    def code_closes_at(self) -> datetime:
        return self.ends_at + CODE_CLOSES_AFTER

    def is_past(self, now: datetime) -> bool:
        return self.ends_at <= now

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class AttendanceStatus(models.TextChoices):
    GOING = "going", "Going"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class CheckInMethod(models.TextChoices):
    ORGANIZER = "organizer", "Marked by the organizer"
    CODE = "code", "Self check-in with the code"


class Attendance(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_attendances"
    )
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    # When they (last) asked for a place: the waitlist is served in this order.
    queued_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_method = models.CharField(max_length=12, choices=CheckInMethod.choices, blank=True)
    hidden = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="attendance_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(checked_in_at__isnull=True) | models.Q(status="going"),
                name="attendance_checked_in_only_when_going",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at", "id"]),
            models.Index(fields=["member", "status"]),
        ]
        ordering = ["queued_at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} at {self.event_id}"

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None


class CalendarFeed(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"calendar feed of {self.member_id}"
