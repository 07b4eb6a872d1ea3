"""HTML forms for events. They parse input; the rules live in `services`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from mutuals.accounts.forms import MemberForm
from mutuals.accounts.timezones import time_zone_choices
from mutuals.accounts.topics import split_topics
from mutuals.events.models import (
    CODE_LENGTH,
    MAX_CAPACITY,
    MAX_DESCRIPTION_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    Event,
)
from mutuals.messaging.models import MAX_TEXT_LENGTH

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone: the service reads it in the event's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result)
        return result


class EventForm(MemberForm):
    title = forms.CharField(max_length=MAX_TITLE_LENGTH, label="Title")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        label="What is it about?",
        help_text="Who it is for, the programme, what to bring.",
    )
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Where it happens; members see the time in their own zone too.",
    )
    place = forms.CharField(
        max_length=MAX_PLACE_LENGTH,
        required=False,
        label="Place",
        help_text="Venue and address. Give a place, an online link, or both.",
    )
    online_url = forms.URLField(
        max_length=500,
        required=False,
        label="Online link",
        assume_scheme="https",
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        label="Capacity",
        help_text="People, you included. Leave empty for no limit; "
        "when it is full, members join a waitlist served in order.",
    )
    topics = forms.CharField(
        required=False,
        label="Topics",
        help_text="Up to 5, separated by commas (used to suggest people to meet).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        zone = event.zone
        return {
            "title": event.title,
            "description": event.description,
            "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None),
            "time_zone": event.time_zone,
            "place": event.place,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "topics": ", ".join(topic.name for topic in event.topics.all()),
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["topics"] = split_topics(data.get("topics") or "")
        data["online_url"] = data.get("online_url") or ""
        return data


class CheckInForm(MemberForm):
    code = forms.CharField(
        max_length=CODE_LENGTH + 4,
        label="Check-in code",
        help_text="The code the organizer shows at the venue.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ThankYouForm(MemberForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT_LENGTH}),
        max_length=MAX_TEXT_LENGTH,
        label="Your note",
        error_messages={"required": "Write a few words of thanks first."},
    )
