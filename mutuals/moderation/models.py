"""Reports, moderators' actions and suspensions: the community's safety (issue 18).

- `Report`: a member's report of an item — a member, a message, a post, a comment, a request
  to connect, a mentorship request or an introduction request — with a reason from a fixed
  list and an optional note. `target_kind` + `target_id` name the item; `reported` is the
  member it is about (its author or sender); `excerpt` keeps what the item said when it was
  reported, so the record stands if its author edits or deletes it. A report a moderator
  upheld (status `actioned`, not `overturned_at`) counts against the reported member's
  allowance to send requests (`selectors.report_outcomes_of`). One open report per
  reporter and item (a database constraint); once a moderator has closed it, the item can
  be reported again. The reporter only ever learns that it was received (then reviewed);
  the reported member is never told.
- `ModerationAction`: the audit log, one row per moderator's action (dismiss, hide, restore
  content, warn, suspend, restore a member) with who, whom, which report and why; the sweep
  lifting a suspension that ended writes one with no moderator.
- `Suspension`: a member suspended from a time, until a time or for good. While it is
  unlifted the member's `User.is_active` is False, so every rule that leaves inactive
  members out (sign-in, API tokens, the directory, searches, suggestions, the graph) leaves
  them out. One unlifted suspension per member (a database constraint).

The moderator role is the permission `moderation.moderate` (`Report.Meta.permissions`),
granted by staff (the admin's user page, `mutuals createmember --moderator`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

MAX_NOTE_LENGTH = 500
MAX_EXCERPT_LENGTH = 1000
MAX_REASON_LENGTH = 1000


class TargetKind(models.TextChoices):
    MEMBER = "member", "Member"
    MESSAGE = "message", "Message"
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    INVITATION = "invitation", "Request to connect"
    MENTORSHIP = "mentorship", "Mentorship request"
    INTRODUCTION = "introduction", "Introduction request"


# Items a moderator can hide (they disappear for everyone but their author).
HIDEABLE = frozenset({TargetKind.MESSAGE, TargetKind.POST, TargetKind.COMMENT})


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    HARASSMENT = "harassment", "Harassment or hateful"
    MISLEADING = "misleading", "False or misleading"
    IMPERSONATION = "impersonation", "Fake profile or impersonation"
    OFF_TOPIC = "off_topic", "Not professional / off topic"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Acted on"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
    )
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    target_id = models.BigIntegerField()
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    note = models.CharField(max_length=MAX_NOTE_LENGTH, blank=True)
    excerpt = models.TextField(max_length=MAX_EXCERPT_LENGTH, blank=True)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When a moderator undid what this report led to (showed the hidden item again): it
    # stays acted on for the record, and no longer counts against the reported member.
    overturned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_kind", "target_id"],
                condition=models.Q(status="open"),
                name="report_one_open_per_reporter_item",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False)),
                name="report_resolved_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="moderation_queue"),
            models.Index(fields=["target_kind", "target_id"], name="moderation_report_item"),
            models.Index(fields=["reporter", "-created_at"], name="moderation_report_mine"),
        ]
        permissions = [("moderate", "Can moderate the community")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Report of {self.target_kind} {self.target_id} ({self.reason}, {self.status})"

    @property
    def heading(self) -> str:
        """How the queue names what was reported: the member themself ("Member: Marcus
        Johnson"), or the item and whose it is ("Post by …", "Message from …")."""
        label = self.get_target_kind_display()
        if self.reported is None:
            return label
        name = self.reported.name
        if self.target_kind == TargetKind.MEMBER:
            return f"{label}: {name}"
        if self.target_kind in (TargetKind.POST, TargetKind.COMMENT):
            return f"{label} by {name}"
        return f"{label} from {name}"  # a message, or a request of any kind


class ActionKind(models.TextChoices):
    DISMISS = "dismiss", "Dismissed a report"
    HIDE = "hide", "Hid content"
    UNHIDE = "unhide", "Restored content"
    WARN = "warn", "Warned"
    SUSPEND = "suspend", "Suspended"
    RESTORE = "restore", "Restored a member"
    GRANT = "grant", "Made a moderator"
    REVOKE = "revoke", "Removed a moderator"


class ModerationAction(models.Model):
    # Null for the sweep lifting a suspension that ended.
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=16, choices=ActionKind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions_about",
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=MAX_REASON_LENGTH)
    # A suspension's end (null: for good, or not a suspension).
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_log_recent")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_id} on {self.member_id}"


class Suspension(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)  # null: for good
    reason = models.TextField(max_length=MAX_REASON_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(lifted_at__isnull=True),
                name="suspension_one_current_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="suspension_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["lifted_at", "ends_at"], name="suspension_due")]

    def __str__(self) -> str:
        return f"Suspension of {self.member_id} until {self.ends_at or 'lifted'}"
