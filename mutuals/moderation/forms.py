"""The moderation pages' forms: parse input for the services, which hold the rules."""

from __future__ import annotations

from django import forms

from mutuals.accounts.forms import MemberForm
from mutuals.moderation.models import MAX_NOTE_LENGTH, ReportReason

# What the suspend form offers: days, or "" for good.
SUSPEND_CHOICES = [
    ("1", "1 day"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("", "For good (until a moderator restores them)"),
]


class ReportForm(MemberForm):
    reason = forms.ChoiceField(
        choices=ReportReason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything the moderators should know",
        help_text="Required for “Something else”.",
    )


class ReasonForm(MemberForm):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why (kept in the audit log)",
    )


class WarnForm(MemberForm):
    message = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Warning to send (the member reads it as a notification)",
    )
    report_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SuspendForm(MemberForm):
    days = forms.ChoiceField(choices=SUSPEND_CHOICES, label="For how long", required=False)
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why (kept in the audit log)",
    )
    report_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_days(self) -> int | None:
        """Days as the service takes them: a number, or None for good."""
        value = self.cleaned_data.get("days") or ""
        return int(value) if value else None


class GrantForm(MemberForm):
    email = forms.EmailField(label="Member's e-mail address")
    reason = forms.CharField(max_length=1000, label="Why (kept in the audit log)")
